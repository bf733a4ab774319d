import { HttpException } from '@nestjs/common';
import type { FieldError, ProblemDetails } from '@verkiezingstafel/domain';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function titleFor(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Request Error');
}

/** Base of the `type` URIs of our problems; relative, resolved against the API origin. */
export const PROBLEM_TYPE_BASE = '/api/problems/';

export interface ProblemInit {
  code: string;
  detail?: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
  [extension: string]: unknown;
}

/** An error that is answered as RFC 9457 problem details with a stable `code`. */
export class ProblemException extends HttpException {
  readonly problem: ProblemDetails;
  readonly headers: Record<string, string>;

  constructor(status: number, init: ProblemInit) {
    const { code, detail, errors, headers, ...extensions } = init;
    const problem: ProblemDetails = {
      type: `${PROBLEM_TYPE_BASE}${code.replace(/_/g, '-')}`,
      title: titleFor(status),
      status,
      code,
      ...(detail === undefined ? {} : { detail }),
      ...(errors === undefined ? {} : { errors }),
      ...extensions,
    };
    super(problem, status);
    this.problem = problem;
    this.headers = headers ?? {};
  }
}

/**
 * One feature's error codes and the status each is answered with: the one mapping from that
 * feature's codes to problem+json (twenty's `*.exception.ts`). The same code always gives the
 * same status and shape.
 */
export function problemsOf<C extends string>(statuses: Readonly<Record<C, number>>): (code: C, init?: Omit<ProblemInit, 'code'>) => ProblemException {
  return (code, init = {}) => new ProblemException(statuses[code], { ...init, code });
}

