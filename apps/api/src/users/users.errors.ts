import type { ManagedUser, UserAdminField } from '@verkiezingstafel/domain';
import { ApiError, apiProblem, versionConflict } from '../common/api.errors';
import { problemsOf, type ProblemException } from '../common/problem.exception';

/**
 * Why user administration or an invitation link refused, besides what every feature shares
 * (`ApiError`: bad input, not found, forbidden, version conflict).
 */
export enum UserError {
  /** An administrator's own access and credentials are changed by another administrator. */
  OwnAccount = 'own_account',
  /** The change would leave the hub without an active administrator. */
  LastAdmin = 'last_admin',
  /** The e-mail address already has an account. */
  EmailTaken = 'email_taken',
  /** A reset of a deactivated account: reactivate it first. */
  UserDeactivated = 'user_deactivated',
  /** A second-factor reset of an account without one. */
  TotpNotEnabled = 'totp_not_enabled',
  /** The link is not (or no longer) an invitation of this hub. */
  InvitationUnknown = 'invitation_unknown',
  InvitationUsed = 'invitation_used',
  InvitationExpired = 'invitation_expired',
  InvitationRevoked = 'invitation_revoked',
}

export const userProblem = problemsOf<UserError>({
  [UserError.OwnAccount]: 403,
  [UserError.LastAdmin]: 409,
  [UserError.EmailTaken]: 409,
  [UserError.UserDeactivated]: 409,
  [UserError.TotpNotEnabled]: 409,
  [UserError.InvitationUnknown]: 404,
  [UserError.InvitationUsed]: 410,
  [UserError.InvitationExpired]: 410,
  [UserError.InvitationRevoked]: 410,
});

/** Field names of the API for the parts of an account (`password`, `totp` are the resets). */
const FIELD_OF: Record<UserAdminField, string> = {
  name: 'name',
  roles: 'roles',
  agency: 'agency',
  clearance: 'clearance',
  active: 'active',
  password: 'password',
  totp: 'totp',
};

/** The refusals of user administration, each with its code and the field it is about. */
export const UserProblems = {
  ownAccount(field: UserAdminField): ProblemException {
    return userProblem(UserError.OwnAccount, {
      detail:
        'Administrators do not change their own roles, agency, clearance, password or second factor, nor deactivate themselves; another administrator does.',
      errors: [{ field: FIELD_OF[field], code: 'not_allowed', message: 'not on your own account' }],
    });
  },

  lastAdmin(field: 'roles' | 'active'): ProblemException {
    return userProblem(UserError.LastAdmin, {
      detail: 'This is the last active administrator: the hub would have nobody to manage it.',
      errors: [{ field, code: 'conflict', message: 'the last active administrator keeps the admin role and stays active' }],
    });
  },

  emailTaken(email: string): ProblemException {
    return userProblem(UserError.EmailTaken, {
      detail: `${email} already has an account.`,
      errors: [{ field: 'email', code: 'already_exists', message: 'already has an account' }],
    });
  },

  unknownAgency(code: string): ProblemException {
    return apiProblem(ApiError.ValidationFailed, {
      detail: `agency: no agency ${code}`,
      errors: [{ field: 'agency', code: 'unknown_agency', message: `no agency ${code}` }],
    });
  },

  /** Roles that do not fit the agency (a municipality's officials, the BZK chair). */
  rolesConflict(detail: string): ProblemException {
    return apiProblem(ApiError.ValidationFailed, {
      detail: `roles: ${detail}`,
      errors: [{ field: 'roles', code: 'conflict', message: detail }],
    });
  },

  versionConflict(version: number, current: ManagedUser): ProblemException {
    return versionConflict('user', version, current.version, current);
  },

  noLongerAdmin(): ProblemException {
    return apiProblem(ApiError.Forbidden, { detail: 'You are no longer an administrator.' });
  },

  deactivated(): ProblemException {
    return userProblem(UserError.UserDeactivated, { detail: 'The user is deactivated; reactivate the user first.' });
  },

  noSecondFactor(): ProblemException {
    return userProblem(UserError.TotpNotEnabled, { detail: 'This user has no second factor to clear.' });
  },

  invitationUnknown(): ProblemException {
    return userProblem(UserError.InvitationUnknown, {
      detail: 'This link is not a valid invitation. Ask your administrator for a new one.',
    });
  },

  invitationSpent(reason: 'used' | 'expired' | 'revoked'): ProblemException {
    const spent = {
      used: [UserError.InvitationUsed, 'This link has been used already. Sign in with your password, or ask your administrator for a new link.'],
      expired: [UserError.InvitationExpired, 'This link has expired. Ask your administrator for a new one.'],
      revoked: [UserError.InvitationRevoked, 'This link has been replaced or withdrawn. Use the newest link you received, or ask your administrator.'],
    } as const;
    const [code, detail] = spent[reason];
    return userProblem(code, { detail });
  },
};
