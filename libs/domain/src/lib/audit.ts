import type { Marking } from './marking';

/** A change to a record, or a read of one (reads of sensitive records are audited too). */
export const AUDIT_KINDS = ['change', 'read'] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

interface ActionWords {
  kind: AuditKind;
  nl: string;
  en: string;
}

/**
 * Every action the audit trail records, with its kind and its words. Kept here, not in the
 * board's dictionaries, because the CSV export speaks the same words as the screen.
 */
export const AUDIT_ACTIONS = {
  'signal.create': { kind: 'change', nl: 'Signaal gemeld', en: 'Signal raised' },
  'signal.update': { kind: 'change', nl: 'Signaal gewijzigd', en: 'Signal edited' },
  'signal.transition': { kind: 'change', nl: 'Status van signaal gewijzigd', en: 'Signal status changed' },
  'signal.read': { kind: 'read', nl: 'Signaal ingezien', en: 'Signal read' },
  'timeline.add': { kind: 'change', nl: 'Bericht aan tijdlijn toegevoegd', en: 'Timeline entry added' },
  'measure.create': { kind: 'change', nl: 'Maatregel toegevoegd', en: 'Measure added' },
  'measure.update': { kind: 'change', nl: 'Maatregel gewijzigd', en: 'Measure changed' },
  'platform_report.create': { kind: 'change', nl: 'Melding aan platform vastgelegd', en: 'Platform report recorded' },
  'platform_report.update': { kind: 'change', nl: 'Melding aan platform bijgewerkt', en: 'Platform report updated' },
  'election.create': { kind: 'change', nl: 'Verkiezing aangemaakt', en: 'Election created' },
  'user.create': { kind: 'change', nl: 'Gebruiker aangemaakt', en: 'User created' },
  'user.update': { kind: 'change', nl: 'Gebruiker gewijzigd', en: 'User changed' },
  'user.deactivate': { kind: 'change', nl: 'Gebruiker gedeactiveerd', en: 'User deactivated' },
  'user.reactivate': { kind: 'change', nl: 'Gebruiker weer geactiveerd', en: 'User reactivated' },
  'user.reset_password': { kind: 'change', nl: 'Wachtwoord gewist, nieuwe uitnodiging verstuurd', en: 'Password cleared, new invitation sent' },
  'user.reset_totp': { kind: 'change', nl: 'Tweede factor gewist', en: 'Second factor cleared' },
  'user.password_set': { kind: 'change', nl: 'Wachtwoord ingesteld via uitnodiging', en: 'Password set through an invitation' },
  'audit.export': { kind: 'read', nl: 'Audittrail geëxporteerd', en: 'Audit trail exported' },
} as const satisfies Record<string, ActionWords>;
export type AuditAction = keyof typeof AUDIT_ACTIONS;
export const AUDIT_ACTION_NAMES = Object.keys(AUDIT_ACTIONS) as AuditAction[];

export function isAuditAction(value: string): value is AuditAction {
  return Object.prototype.hasOwnProperty.call(AUDIT_ACTIONS, value);
}

/** The actions of one kind. */
export function auditActionsOf(kind: AuditKind): AuditAction[] {
  return AUDIT_ACTION_NAMES.filter((action) => AUDIT_ACTIONS[action].kind === kind);
}

/** An action of a newer (or older) hub that this vocabulary does not know counts as a change. */
export function auditKindOf(action: string): AuditKind {
  return isAuditAction(action) ? AUDIT_ACTIONS[action].kind : 'change';
}

/** The action in words; an unknown action by its code. */
export function auditActionWords(action: string, language: 'nl' | 'en'): string {
  return isAuditAction(action) ? AUDIT_ACTIONS[action][language] : action;
}

/** The kinds of record the audit trail is about. */
export const AUDIT_ENTITY_TYPES = ['signal', 'measure', 'platform_report', 'election', 'user', 'audit'] as const;
export type AuditEntityType = (typeof AUDIT_ENTITY_TYPES)[number];

/** The record an event is about, as far as the reader may know it. */
export interface AuditRecord {
  type: string;
  id: string;
  /**
   * Its title (a signal's title, an election's code and name, a user's name), or, for a
   * measure or platform report, that of its signal; null where the reader may not read it.
   */
  title: string | null;
  /** The marking of the signal it is (or belongs to): metadata, shown where the title is not. */
  marking: Marking | null;
  /** The signal a measure, platform report or timeline entry belongs to. */
  signalId: string | null;
  /** Where the board shows it, when the reader may open it there. */
  path: string | null;
}

/** One entry of the append-only, hash-chained audit trail: who did what to which record. */
export interface AuditEvent {
  seq: number;
  at: string;
  actorId: string | null;
  /** The actor's name as it is now (null for the system or a removed user). */
  actorName: string | null;
  actorAgency: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  details: Record<string, unknown>;
  kind: AuditKind;
  record: AuditRecord | null;
  ip: string | null;
  requestId: string | null;
  /** SHA-256 over the previous event's hash and this event's content, hex. */
  hash: string;
}

export const AUDIT_BREAK_REASONS = ['hash_mismatch', 'broken_link', 'missing_row'] as const;
export type AuditBreakReason = (typeof AUDIT_BREAK_REASONS)[number];

/** The answer of `GET /api/audit/verify`: the chain recomputed from the first event on. */
export interface AuditVerification {
  ok: boolean;
  checked: number;
  /** The first row whose hash or link does not hold; for a missing row, the seq that is missing. */
  firstBroken: { seq: number; reason: AuditBreakReason } | null;
}

export interface AuditPage {
  items: AuditEvent[];
  nextCursor: string | null;
}
