import { problemsOf } from '../common/problem.exception';

/** Why signing in, a session or a second factor was refused. */
export enum AuthError {
  InvalidCredentials = 'invalid_credentials',
  TotpRequired = 'totp_required',
  Unauthenticated = 'unauthenticated',
  TooManyAttempts = 'too_many_attempts',
  TotpAlreadyEnabled = 'totp_already_enabled',
  TotpNotStarted = 'totp_not_started',
  TotpRequiredByRole = 'totp_required_by_role',
  TotpEnrolmentRequired = 'totp_enrolment_required',
}

export const authProblem = problemsOf<AuthError>({
  [AuthError.InvalidCredentials]: 401,
  [AuthError.TotpRequired]: 401,
  [AuthError.Unauthenticated]: 401,
  [AuthError.TooManyAttempts]: 429,
  [AuthError.TotpAlreadyEnabled]: 409,
  [AuthError.TotpNotStarted]: 409,
  [AuthError.TotpRequiredByRole]: 403,
  [AuthError.TotpEnrolmentRequired]: 403,
});
