import type { MarkedRecord } from './ability';
import { CLASSIFICATIONS, MARKINGS } from './marking';
import type { RedactedSignal, Signal } from './signal';
import type { Measure, PlatformReport, TimelineEntry } from './timeline';

/**
 * What happened, as written to the outbox in the transaction of the change (unredacted; it
 * never leaves the server as is). The projections of `realtime/` turn these into what each
 * audience is told.
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
/** Events about the socket's own session and user, not about a record: the gateway acts on them. */
export type ControlEventType = 'session.ended' | 'user.changed';
/** Events a service writes; session and user events come from database triggers. */
export type ServiceEventType = Exclude<DomainEventType, ControlEventType>;

/** One event of an event map: its type and its data, as a discriminated union. */
export type EventOf<M, K extends keyof M = keyof M> = { [T in K]: { readonly type: T; readonly data: M[T] } }[K];
/** A domain event as the outbox holds it: typed, with its position and commit time. */
export type Positioned<E> = E & { readonly position: number; readonly at: string };
export type DomainEvent = EventOf<DomainEventMap>;

/** What a socket is told about records: the client event and its payload (already redacted). */
export interface RecordEventMap {
  'signal.created': RedactedSignal;
  'signal.updated': RedactedSignal;
  'signal.revoked': { id: string };
  'timeline.added': { signalId: string; entry: Partial<TimelineEntry> & { id: string } };
  'measure.changed': { signalId: string; measure: Measure };
  'platform_report.changed': { signalId: string; report: PlatformReport };
}
export type RecordEventType = keyof RecordEventMap;

/** Every record event a board may be told, in one list (the board subscribes to exactly these). */
export const RECORD_EVENT_TYPES = [
  'signal.created',
  'signal.updated',
  'signal.revoked',
  'timeline.added',
  'measure.changed',
  'platform_report.changed',
] as const satisfies readonly RecordEventType[];
// A record event missing from the list above fails here.
const everyRecordEventListed: Exclude<RecordEventType, (typeof RECORD_EVENT_TYPES)[number]> extends never ? true : never = true;
void everyRecordEventListed;

/** What a socket receives of a record: every event carries its outbox position. */
export interface ClientEnvelope<K extends string, T> {
  position: number;
  type: K;
  at: string;
  data: T;
}
export type RecordEnvelope = { [K in RecordEventType]: ClientEnvelope<K, RecordEventMap[K]> }[RecordEventType];

export const RESYNC_REASONS = ['retention', 'permissions_changed', 'unknown_position'] as const;
export type ResyncReason = (typeof RESYNC_REASONS)[number];

/** Server → client: record events in envelopes, and the channel's own messages. */
export type ClientEventMap = { [K in RecordEventType]: ClientEnvelope<K, RecordEventMap[K]> } & {
  /** The socket is live from `position` on (after any replay it asked for). */
  ready: { position: number };
  /**
   * Reload over REST, then resume from `position`: too far behind (`retention`), rights
   * changed (`permissions_changed`), or a position this hub never issued (`unknown_position`).
   */
  resync: { reason: ResyncReason; position: number };
  /** A message was refused (validation, rate limit). */
  exception: { code: string; message?: string; errors?: { field: string; code?: string; message: string }[] };
};
export type ClientEventType = keyof ClientEventMap;

/** Client → server messages. */
export interface ServerEventMap {
  resume: { after: number };
}

/** An event map as socket.io's typed `Server`/`Socket` expect it: one listener per event. */
export type Listeners<M> = { [K in keyof M]: (payload: M[K]) => void };

/** Handshake `auth` of a socket: the session token (else the cookie) and where to resume. */
export interface SocketHandshakeAuth {
  token?: string;
  after?: number;
}

/** Reads the handshake `auth` a client sent (anything at all) into what the hub uses of it. */
export function parseHandshakeAuth(auth: unknown): { token: string | null; after: number | null } {
  const token = field(auth, 'token');
  const after = field(auth, 'after');
  return {
    token: typeof token === 'string' ? token : null,
    after: typeof after === 'number' && Number.isSafeInteger(after) && after >= 0 ? after : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Parsing the outbox: once, where the tail reads it. The rows were written by the hub itself;
// the parsers check what the projections rely on, so that a malformed row is skipped and logged
// instead of failing a delivery half-way.

/** Turns stored JSON into an event's data, or null when it is not of that shape. */
export type Parser<T> = (data: unknown) => T | null;

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}
const isString = (value: unknown): value is string => typeof value === 'string';
const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every(isString);
const isOneOf =
  <T extends string>(values: readonly T[]) =>
  (value: unknown): value is T =>
    typeof value === 'string' && (values as readonly string[]).includes(value);

/** The fields that decide who reads a record: the ones every projection looks at. */
export function isMarkedRecord(value: unknown): value is MarkedRecord {
  return (
    isString(field(value, 'ownerAgency')) &&
    isOneOf(MARKINGS)(field(value, 'marking')) &&
    isOneOf(CLASSIFICATIONS)(field(value, 'classification')) &&
    isStringArray(field(value, 'sharedWith')) &&
    isStringArray(field(value, 'recipients')) &&
    isStringArray(field(value, 'affectedMunicipalities'))
  );
}

function isSignal(value: unknown): value is Signal {
  return isMarkedRecord(value) && isString(field(value, 'id')) && typeof field(value, 'version') === 'number';
}
function isEntry(value: unknown): value is TimelineEntry {
  return isString(field(value, 'id')) && isOneOf(MARKINGS)(field(value, 'marking')) && isString(field(value, 'authorAgency'));
}
function hasId<T extends { id: string }>(value: unknown): value is T {
  return isString(field(value, 'id'));
}

/** One parser per domain event: a new event type without one does not compile. */
export const DOMAIN_EVENT_PARSERS: { readonly [K in DomainEventType]: Parser<DomainEventMap[K]> } = {
  'signal.created': (data) => {
    const signal = field(data, 'signal');
    return isSignal(signal) ? { signal } : null;
  },
  'signal.updated': (data) => {
    const signal = field(data, 'signal');
    const before = field(data, 'before');
    return isSignal(signal) && isMarkedRecord(before) ? { signal, before } : null;
  },
  'timeline.added': (data) => {
    const signal = field(data, 'signal');
    const entry = field(data, 'entry');
    // An entry stored before entries carried `ownMarking` follows its signal.
    return isSignal(signal) && isEntry(entry) ? { signal, entry: { ...entry, ownMarking: entry.ownMarking === true } } : null;
  },
  'measure.changed': (data) => {
    const signal = field(data, 'signal');
    const measure = field(data, 'measure');
    return isSignal(signal) && hasId<Measure>(measure) ? { signal, measure } : null;
  },
  'platform_report.changed': (data) => {
    const signal = field(data, 'signal');
    const report = field(data, 'report');
    return isSignal(signal) && hasId<PlatformReport>(report) ? { signal, report } : null;
  },
  'session.ended': (data) => {
    const sessionId = field(data, 'sessionId');
    const userId = field(data, 'userId');
    return isString(sessionId) && isString(userId) ? { sessionId, userId } : null;
  },
  'user.changed': (data) => {
    const userId = field(data, 'userId');
    const active = field(data, 'active');
    return isString(userId) && typeof active === 'boolean' ? { userId, active } : null;
  },
};
