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
