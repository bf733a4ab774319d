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

/** Where an account stands: invited (no password set yet), active, or deactivated. */
export const USER_STATES = ['invited', 'active', 'deactivated'] as const;
export type UserState = (typeof USER_STATES)[number];

/** How far a queued mail got (the mail module; alerts show it per address too). */
export const MAIL_STATES = ['queued', 'sent', 'failed'] as const;
export type MailState = (typeof MAIL_STATES)[number];

/** One mail to one address: its state, how often it was tried, and why the last try failed. */
export interface MailDelivery {
  to: string;
  status: MailState;
  attempts: number;
  lastError: string | null;
  sentAt: string | null;
}

/** The open invitation of an account: until when its link works, and its mail. */
export interface InvitationState {
  purpose: 'invite' | 'reset';
  createdAt: string;
  expiresAt: string;
  expired: boolean;
  mail: MailDelivery | null;
}

/**
 * An account as user administration shows it (`GET /api/users`, admin only): who, where,
 * with which access, and in what state. Never anything of the records the user works on.
 */
export interface ManagedUser {
  id: string;
  name: string;
  email: string;
  agency: AgencyRef;
  roles: Role[];
  clearance: Clearance;
  state: UserState;
  active: boolean;
  totpEnabled: boolean;
  /** The invitation whose link is still open (or expired unused); null once a password is set. */
  invitation: InvitationState | null;
  lastSignInAt: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface ManagedUserPage {
  items: ManagedUser[];
  nextCursor: string | null;
}

/** What the invitation page shows before the password is chosen (`POST /api/auth/invitation`). */
export interface InvitationSummary {
  name: string;
  email: string;
  agency: AgencyRef;
  purpose: 'invite' | 'reset';
  expiresAt: string;
}
