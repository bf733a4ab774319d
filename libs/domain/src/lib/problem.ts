/** One invalid field of a request, named by its path (`title`, `sharedWith[2]`). */
export interface FieldError {
  field: string;
  message: string;
}

/** RFC 9457 problem details as every error of the API carries them. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  /** A machine-readable reason, e.g. `invalid_credentials`, `mfa_required`. */
  code?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
