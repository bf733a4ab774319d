import { HttpErrorResponse } from '@angular/common/http';
import type { FieldError, ProblemDetails } from '@verkiezingstafel/domain';

/** Failure of an API call, carrying the server's problem+json (RFC 9457) when there was one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: ProblemDetails,
    /** Seconds from `Retry-After` on a 429 or 503, when the server sent one. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiError';
  }

  get code(): string | undefined {
    return this.problem.code;
  }

  get fieldErrors(): readonly FieldError[] {
    return this.problem.errors ?? [];
  }

  /** No answer at all: offline, DNS, the server down. */
  get isNetworkError(): boolean {
    return this.status === 0;
  }

  static from(error: unknown): ApiError {
    if (error instanceof ApiError) return error;
    if (error instanceof HttpErrorResponse) {
      return new ApiError(error.status, toProblem(error), parseRetryAfter(error.headers.get('Retry-After')));
    }
    return new ApiError(0, { type: 'about:blank', title: 'Client error', status: 0, detail: String(error) });
  }
}

function toProblem(error: HttpErrorResponse): ProblemDetails {
  const body: unknown = error.error;
  if (isProblem(body)) return body;
  return { type: 'about:blank', title: error.statusText || 'Error', status: error.status };
}

function isProblem(value: unknown): value is ProblemDetails {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<ProblemDetails>;
  return typeof candidate.status === 'number' && typeof candidate.title === 'string';
}

/** `Retry-After` is either seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}
