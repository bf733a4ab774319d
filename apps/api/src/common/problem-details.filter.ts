import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import { PROBLEM_CONTENT_TYPE, ProblemDetails } from '@verkiezingstafel/domain';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Duplex } from 'node:stream';
import { ApiError, apiProblem, fieldProblem, validationProblem } from './api.errors';
import { clientDataProblem } from './database-errors';
import { PROBLEM_TYPE_BASE, ProblemException, titleFor } from './problem.exception';

/**
 * Fastify refused the request while reading it (Nest hands its errors on as bare
 * HttpExceptions): say which part of the request was wrong.
 */
function unreadableRequest(status: number, message: string): ProblemException | null {
  switch (status) {
    case 413:
      return fieldProblem(ApiError.BodyTooLarge, 'body', 'too_long', 'The request body is larger than the 1 MB limit.');
    case 415:
      return fieldProblem(ApiError.UnsupportedMediaType, 'Content-Type', 'not_one_of', 'Send the body as application/json.');
    case 400:
      return fieldProblem(ApiError.UnreadableBody, 'body', 'invalid_format', `The request body could not be read: ${message}`);
    default:
      return null;
  }
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

/** Turns any error into `application/problem+json` (RFC 9457); a 500 never leaks internals. */
export function toProblem(error: unknown): { problem: ProblemDetails; headers: Record<string, string>; refusedByDatabase?: true } {
  if (error instanceof ProblemException) {
    return { problem: error.problem, headers: error.headers };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const unreadable = unreadableRequest(status, error.message);
    if (unreadable) return { problem: unreadable.problem, headers: {} };
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
    const unavailable = apiProblem(ApiError.DatabaseUnavailable, {
      detail: 'The database is not reachable just now. Try again in a moment; with an Idempotency-Key a retry is safe.',
    });
    return { problem: unavailable.problem, headers: { 'Retry-After': '2' } };
  }
  const refused = clientDataProblem(error);
  if (refused) return { problem: refused.problem, headers: {}, refusedByDatabase: true };
  return { problem: apiProblem(ApiError.InternalError, { detail: 'An unexpected error occurred; it has been logged.' }).problem, headers: {} };
}

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const response = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const { problem, headers, refusedByDatabase } = toProblem(exception);
    if (refusedByDatabase) {
      // The client's error, answered as such; but a check the API itself should have made first.
      request.log.warn({ err: exception, url: request.url, method: request.method }, 'input refused by the database');
    }
    if (problem.status >= 500 && problem.status !== 503) {
      // The request's own logger: the line carries its request id.
      request.log.error({ err: exception, url: request.url, method: request.method }, 'unexpected error');
    }
    sendProblem(request, response, problem, headers);
  }
}

/** Answers `problem` as application/problem+json, unless an answer went out already. */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: ProblemDetails, headers: Record<string, string> = {}): void {
  if (reply.sent || reply.raw.headersSent) return;
  problem.instance = request.url;
  reply.headers(headers);
  reply.header('cache-control', 'no-store');
  reply.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

/**
 * Errors of Fastify's router, which no Nest filter sees: a path that is not valid
 * percent-encoding names the path; anything else is a plain 400.
 */
export function routerErrorHandler(error: { code?: string; message: string }, request: FastifyRequest, reply: FastifyReply): void {
  const problem =
    error.code === 'FST_ERR_BAD_URL'
      ? validationProblem([{ field: 'path', code: 'invalid_format', message: 'the path is not valid percent-encoding' }])
      : validationProblem([{ field: 'path', code: 'invalid_format', message: error.message }]);
  sendProblem(request, reply, problem.problem);
}

/**
 * A request that is not HTTP at all (say, a body longer than its Content-Length runs into the
 * next request): answered on the socket itself, as problem+json, and the connection closed.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const problem = validationProblem([{ field: 'request', code: 'invalid_format', message: 'the request is not well-formed HTTP' }]).problem;
  const body = JSON.stringify(problem);
  socket.end(
    `HTTP/1.1 400 Bad Request\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
  );
}
