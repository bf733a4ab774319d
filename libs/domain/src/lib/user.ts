import { AgencyRef } from './agency';

export const ROLES = ['liaison', 'chair', 'municipal', 'observer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Clearance for classified (not TLP) information; the hub holds up to Dep. V. */
export const CLEARANCES = ['NONE', 'DEP_V'] as const;
export type Clearance = (typeof CLEARANCES)[number];

/** The signed-in user as the API returns it (`GET /api/auth/me`). */
export interface SessionUser {
  id: string;
  name: string;
  email: string;
  agency: AgencyRef;
  roles: Role[];
  clearance: Clearance;
  /** Whether the user has a confirmed authenticator app (TOTP). */
  totpEnabled: boolean;
  /** True when a role of this user requires TOTP and it is not yet enrolled. */
  totpEnrolmentRequired: boolean;
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/**
 * Parses a comma-separated role list such as `admin,chair`.
 * Throws with the offending entry named when one is not a role.
 */
export function parseRoleList(value: string): Role[] {
  const parts = value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
  const roles: Role[] = [];
  for (const part of parts) {
    if (!isRole(part)) {
      throw new Error(`"${part}" is not a role (expected one of ${ROLES.join(', ')})`);
    }
    if (!roles.includes(part)) roles.push(part);
  }
  return roles;
}

/** Whether a user with these roles must enrol a second factor before using the hub. */
export function requiresTotp(roles: readonly Role[], requiredRoles: readonly Role[]): boolean {
  return roles.some((role) => requiredRoles.includes(role));
}
