import type { MarkedRecord } from './ability';
import type { RedactedSignal, Signal } from './signal';
import type { Measure, PlatformReport, TimelineEntry } from './timeline';

/**
 * What happened, as written to the outbox in the transaction of the change (unredacted; it
 * never leaves the server as is). The realtime module turns these into client events per
 * audience.
 */
export interface DomainEventMap {
  'signal.created': { signal: Signal };
  /** `before` is the audience before the change, so that readers who lost sight are told. */
  'signal.updated': { signal: Signal; before: MarkedRecord };
  'timeline.added': { entry: TimelineEntry; signal: Signal };
  'measure.changed': { measure: Measure; signal: Signal };
  'platform_report.changed': { report: PlatformReport; signal: Signal };
  /** Written by the database when a session is revoked, shortened or deleted. */
  'session.ended': { sessionId: string; userId: string };
  /** Written by the database when a user's roles, clearance, agency or active flag change. */
  'user.changed': { userId: string; active: boolean };
}
export type DomainEventType = keyof DomainEventMap;
/** Events a service writes; session and user events come from database triggers. */
export type ServiceEventType = Exclude<DomainEventType, 'session.ended' | 'user.changed'>;

/** What a socket receives: every event carries its outbox position. */
export interface ClientEnvelope<T> {
  position: number;
  type: string;
  at: string;
  data: T;
}

export interface ClientEventMap {
  'signal.created': ClientEnvelope<RedactedSignal>;
  'signal.updated': ClientEnvelope<RedactedSignal>;
  'signal.revoked': ClientEnvelope<{ id: string }>;
  'timeline.added': ClientEnvelope<{ signalId: string; entry: Partial<TimelineEntry> & { id: string } }>;
  'measure.changed': ClientEnvelope<{ signalId: string; measure: Measure }>;
  'platform_report.changed': ClientEnvelope<{ signalId: string; report: PlatformReport }>;
  /** The socket is live from `position` on (after any replay it asked for). */
  ready: { position: number };
  /** Too far behind (or rights changed): reload over REST, then resume from `position`. */
  resync: { reason: 'retention' | 'permissions_changed'; position: number };
}
export type ClientEventType = keyof ClientEventMap;

/** Client → server messages. */
export interface ServerEventMap {
  resume: { after: number };
}

/** Handshake `auth` of a socket: the session token (else the cookie) and where to resume. */
export interface SocketHandshakeAuth {
  token?: string;
  after?: number;
}
