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
}
export type DomainEventType = keyof DomainEventMap;

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
  resync: { reason: string };
}
export type ClientEventType = keyof ClientEventMap;

/** Client → server messages. */
export interface ServerEventMap {
  resume: { after: number };
}
