import type { ManagedUser, UserAdminField } from '@verkiezingstafel/domain';
import { ProblemException } from '../common/problem.exception';

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

/** The refusals of user administration, each with its code, in one place. */
export const UserProblems = {
  /** The ability says no: an administrator's own access and credentials are for another administrator. */
  ownAccount(field: UserAdminField): ProblemException {
    return new ProblemException(403, {
      code: 'own_account',
      detail: 'Administrators do not change their own roles, agency, clearance, password or second factor, nor deactivate themselves; another administrator does.',
      errors: [{ field: FIELD_OF[field], code: 'not_allowed', message: 'not on your own account' }],
    });
  },

  lastAdmin(field: 'roles' | 'active'): ProblemException {
    return new ProblemException(409, {
      code: 'last_admin',
      detail: 'This is the last active administrator: the hub would have nobody to manage it.',
      errors: [{ field, code: 'conflict', message: 'the last active administrator keeps the admin role and stays active' }],
    });
  },

  emailTaken(email: string): ProblemException {
    return new ProblemException(409, {
      code: 'email_taken',
      detail: `${email} already has an account.`,
      errors: [{ field: 'email', code: 'conflict', message: 'already has an account' }],
    });
  },

  unknownAgency(code: string): ProblemException {
    return new ProblemException(400, {
      code: 'validation_failed',
      detail: `agency: no agency ${code}`,
      errors: [{ field: 'agency', code: 'unknown_agency', message: `no agency ${code}` }],
    });
  },

  /** Roles that do not fit the agency (a municipality's officials, the BZK chair). */
  rolesConflict(detail: string): ProblemException {
    return new ProblemException(400, {
      code: 'validation_failed',
      detail: `roles: ${detail}`,
      errors: [{ field: 'roles', code: 'conflict', message: detail }],
    });
  },

  versionConflict(version: number, current: ManagedUser): ProblemException {
    return new ProblemException(409, {
      code: 'version_conflict',
      detail: `The user changed since you loaded it (your version ${version}, now ${current.version}).`,
      errors: [{ field: 'version', code: 'stale_version', message: `stale version ${version}; current is ${current.version}` }],
      current,
    });
  },

  deactivated(): ProblemException {
    return new ProblemException(409, {
      code: 'user_deactivated',
      detail: 'The user is deactivated; reactivate the user first.',
    });
  },

  noSecondFactor(): ProblemException {
    return new ProblemException(409, { code: 'totp_not_enabled', detail: 'This user has no second factor to clear.' });
  },

  invitationUnknown(): ProblemException {
    return new ProblemException(404, {
      code: 'invitation_unknown',
      detail: 'This link is not a valid invitation. Ask your administrator for a new one.',
    });
  },

  invitationSpent(reason: 'used' | 'expired' | 'revoked'): ProblemException {
    const detail = {
      used: 'This link has been used already. Sign in with your password, or ask your administrator for a new link.',
      expired: 'This link has expired. Ask your administrator for a new one.',
      revoked: 'This link has been replaced or withdrawn. Use the newest link you received, or ask your administrator.',
    }[reason];
    return new ProblemException(410, { code: `invitation_${reason}`, detail });
  },
};
