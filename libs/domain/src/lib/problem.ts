/**
 * Why a field was refused, as a machine code the board translates (ux.md: never the server's
 * English on a Dutch screen). The `message` beside it is for API clients and logs.
 */
export const FIELD_ERROR_CODES = [
  /** Missing, empty, or `null` where a value is needed. */
  'required',
  /** An unknown field, or a field this user may not set. */
  'not_allowed',
  /** A string where a number is needed, an object where an array is, ... */
  'wrong_type',
  'too_long',
  'too_short',
  /** More items than a list may hold. */
  'too_many',
  /** Fewer items than a list needs. */
  'too_few',
  /** The same value twice in a list that needs distinct values. */
  'duplicate',
  /** Not one of the values of an enumeration (a category, a marking, ...). */
  'not_one_of',
  /** Not in the expected shape (a CBS code, a DISARM id, an agency code, a UUID, ...). */
  'invalid_format',
  'invalid_url',
  /** Not a date or a date-time, or outside the range of dates the hub accepts. */
  'invalid_date',
  /** A number or a date outside what is allowed (e.g. a due date before today). */
  'out_of_range',
  /** Text that cannot be stored as sent (NUL, lone surrogates). */
  'invalid_text',
  /** JSON nested deeper than the API reads. */
  'too_deep',
  'unknown_agency',
  'unknown_municipality',
  'unknown_province',
  'unknown_user',
  'unknown_election',
  'unknown_signal',
  'unknown_milestone',
  /** Input classified as a state secret: this hub is not accredited for it. */
  'state_secret',
  /** A clearance the user lacks is needed for this value (DEP_V). */
  'clearance_required',
  /** A marking looser than the record it belongs to allows. */
  'too_loose',
  /** The version the client sent is not the current one. */
  'stale_version',
  /** A state the record cannot move to from its current one. */
  'invalid_transition',
  /** A cursor this list did not issue. */
  'invalid_cursor',
  /** A value that conflicts with another value of the same request or of the record. */
  'conflict',
  /** A value another record already holds where it must be unique (an election code, ...). */
  'already_exists',
  /** A value the database refused by a rule of its own (a constraint no other check names). */
  'invalid_value',
  /** A secret or one-time code that does not match (a wrong TOTP code). */
  'incorrect',
] as const;
export type FieldErrorCode = (typeof FIELD_ERROR_CODES)[number];

/** One invalid field of a request, named by its path (`title`, `sharedWith[2]`). */
export interface FieldError {
  field: string;
  /** Why, as a code the board translates. */
  code: FieldErrorCode;
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
