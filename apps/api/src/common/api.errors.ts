import type { FieldError, FieldErrorCode } from '@verkiezingstafel/domain';
import { type ProblemException, problemsOf } from './problem.exception';

/** The error codes every feature shares: reading the request, finding the record, the database. */
export enum ApiError {
  ValidationFailed = 'validation_failed',
  MalformedJson = 'malformed_json',
  BodyTooLarge = 'body_too_large',
  UnsupportedMediaType = 'unsupported_media_type',
  UnsupportedEncoding = 'unsupported_encoding',
  UnreadableBody = 'unreadable_body',
  NotFound = 'not_found',
  Forbidden = 'forbidden',
  VersionConflict = 'version_conflict',
  AlreadyExists = 'already_exists',
  IdempotencyKeyReused = 'idempotency_key_reused',
  IdempotencyKeyInFlight = 'idempotency_key_in_flight',
  DatabaseUnavailable = 'database_unavailable',
  InternalError = 'internal_error',
}

export const apiProblem = problemsOf<ApiError>({
  [ApiError.ValidationFailed]: 400,
  [ApiError.MalformedJson]: 400,
  [ApiError.BodyTooLarge]: 413,
  [ApiError.UnsupportedMediaType]: 415,
  [ApiError.UnsupportedEncoding]: 415,
  [ApiError.UnreadableBody]: 400,
  [ApiError.NotFound]: 404,
  [ApiError.Forbidden]: 403,
  [ApiError.VersionConflict]: 409,
  [ApiError.AlreadyExists]: 409,
  [ApiError.IdempotencyKeyReused]: 422,
  [ApiError.IdempotencyKeyInFlight]: 409,
  [ApiError.DatabaseUnavailable]: 503,
  [ApiError.InternalError]: 500,
});

/** Bad input: a 400 naming every field that is wrong, each with its code. */
export function validationProblem(errors: FieldError[], detail?: string): ProblemException {
  return apiProblem(ApiError.ValidationFailed, { detail: detail ?? errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors });
}

/** A refusal about one part of the request, named as the field (e.g. `body`, `Content-Type`). */
export function fieldProblem(code: ApiError, field: string, fieldCode: FieldErrorCode, detail: string): ProblemException {
  return apiProblem(code, { detail, errors: [{ field, code: fieldCode, message: detail }] });
}

/** A record that does not exist, or that the reader may not read: the two answer alike. */
export function notFound(what = 'resource'): ProblemException {
  return apiProblem(ApiError.NotFound, { detail: `No such ${what}.` });
}

/** Whether `error` is the "no such record" of {@link notFound}. */
export function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'problem' in error && (error as ProblemException).problem.code === ApiError.NotFound;
}

/**
 * A write based on a version that is no longer the current one: one shape for every kind of
 * record, carrying the record as it is now (as this reader may see it).
 */
export function versionConflict(what: string, sent: number, version: number, current: object): ProblemException {
  return apiProblem(ApiError.VersionConflict, {
    detail: `The ${what} changed since you loaded it (your version ${sent}, now ${version}).`,
    errors: [{ field: 'version', code: 'stale_version', message: `stale version ${sent}; current is ${version}` }],
    current,
  });
}
