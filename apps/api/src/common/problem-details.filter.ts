import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { PROBLEM_CONTENT_TYPE, ProblemDetails } from '@verkiezingstafel/domain';
import type { Request, Response } from 'express';
import { PROBLEM_TYPE_BASE, ProblemException, titleFor, validationProblem } from './problem.exception';

interface BodyParserError {
  type?: string;
  status?: number;
  statusCode?: number;
  message?: string;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as BodyParserError).type === 'string' &&
    typeof ((error as BodyParserError).status ?? (error as BodyParserError).statusCode) === 'number'
  );
}

/** A body that could not be read (malformed JSON, over the limit, bad encoding) as a problem. */
export function bodyParserProblem(error: unknown): ProblemException {
  const parserError: BodyParserError = isBodyParserError(error) ? error : { type: 'unknown', status: 400 };
  const status = parserError.status ?? parserError.statusCode ?? 400;
  const code =
    parserError.type === 'entity.parse.failed'
      ? 'malformed_json'
      : parserError.type === 'entity.too.large'
        ? 'body_too_large'
        : parserError.type === 'encoding.unsupported' || parserError.type === 'charset.unsupported'
          ? 'unsupported_encoding'
          : 'unreadable_body';
  const detail =
    code === 'malformed_json'
      ? 'The request body is not valid JSON.'
      : code === 'body_too_large'
        ? 'The request body is larger than the 1 MB limit.'
        : 'The request body could not be read.';
  return new ProblemException(status >= 400 && status < 500 ? status : 400, {
    code,
    detail,
    errors: [{ field: 'body', message: detail }],
  });
}

const DATABASE_DOWN_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006']);

/** The database is away (restart, failover, killed connection): the request may be retried. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, driverError, name } = error as { code?: unknown; message?: unknown; driverError?: unknown; name?: unknown };
  if (typeof code === 'string' && DATABASE_DOWN_CODES.has(code)) return true;
  // The connection died inside a transaction: TypeORM released its runner, nothing committed.
  if (name === 'QueryRunnerAlreadyReleasedError' || name === 'QueryRunnerProviderAlreadyReleasedError') return true;
  if (typeof message === 'string' && /Connection terminated|connection timeout|the database system is (starting up|shutting down)|Client has encountered a connection error/i.test(message)) {
    return true;
  }
  return driverError !== undefined && driverError !== error && isDatabaseUnavailable(driverError);
}

/** Express could not percent-decode a path parameter (e.g. `%zz`); Nest passes that on as a bare 400. */
function isUndecodablePath(error: HttpException): boolean {
  return error.getStatus() === 400 && error.message.startsWith("Failed to decode param '");
}

/** Turns any error into `application/problem+json` (RFC 9457); a 500 never leaks internals. */
export function toProblem(error: unknown): { problem: ProblemDetails; headers: Record<string, string> } {
  if (error instanceof ProblemException) {
    return { problem: error.problem, headers: error.headers };
  }
  if (error instanceof HttpException && isUndecodablePath(error)) {
    const problem = validationProblem([{ field: 'path', message: 'the path is not valid percent-encoding' }]).problem;
    return { problem, headers: {} };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const body = error.getResponse();
    const message =
      typeof body === 'string'
        ? body
        : typeof body === 'object' && body !== null && 'message' in body
          ? String((body as { message: unknown }).message)
          : error.message;
    const code = status === 404 ? 'not_found' : status === 429 ? 'too_many_requests' : `http_${status}`;
    const extra =
      typeof body === 'object' && body !== null && status === 503 && 'details' in body
        ? { details: (body as { details: unknown }).details }
        : {};
    return {
      problem: {
        type: `${PROBLEM_TYPE_BASE}${code.replace(/_/g, '-')}`,
        title: titleFor(status),
        status,
        code,
        detail: message,
        ...extra,
      },
      headers: {},
    };
  }
  if (isDatabaseUnavailable(error)) {
    return {
      problem: {
        type: `${PROBLEM_TYPE_BASE}database-unavailable`,
        title: titleFor(503),
        status: 503,
        code: 'database_unavailable',
        detail: 'The database is not reachable just now. Try again in a moment; with an Idempotency-Key a retry is safe.',
      },
      headers: { 'Retry-After': '2' },
    };
  }
  return {
    problem: {
      type: `${PROBLEM_TYPE_BASE}internal-error`,
      title: titleFor(500),
      status: 500,
      code: 'internal_error',
      detail: 'An unexpected error occurred; it has been logged.',
    },
    headers: {},
  };
}

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request>();
    const { problem, headers } = toProblem(exception);
    if (problem.status >= 500 && problem.status !== 503) {
      this.logger.error(
        { err: exception, url: request.originalUrl, method: request.method },
        exception instanceof Error ? exception.stack : String(exception),
      );
    }
    if (response.headersSent) return;
    problem.instance = request.originalUrl;
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    response.setHeader('Cache-Control', 'no-store');
    response.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }
}
