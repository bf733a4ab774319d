import { type AppAbility, canReadSignal, type MarkedRecord, readableSignalFields, redactSignal } from '../ability';
import type { DomainEventMap, EventOf, RecordEventMap } from '../events';
import type { Signal } from '../signal';
import type { Before, MessageOf, Projection, ReplayWindow } from './projection';

type SignalEvent = 'signal.created' | 'signal.updated';

export const signalRecord = (id: string): string => `signal:${id}`;

/** The signal as it was before a change: its own fields, with the audience it had then. */
function asBefore(signal: Signal, before: MarkedRecord): Signal {
  return {
    ...signal,
    ...before,
    sharedWith: [...before.sharedWith],
    recipients: [...before.recipients],
    affectedMunicipalities: [...before.affectedMunicipalities],
  };
}

/** Users named in RED recipients of a signal. */
export function redRecipients(record: Pick<MarkedRecord, 'marking' | 'recipients'>): readonly string[] {
  return record.marking === 'RED' ? record.recipients : [];
}

/** Whether the reader sees the signal's content (not only its metadata, as an administrator does). */
export function readsSignalContent(ability: AppAbility, signal: Signal): boolean {
  return readableSignalFields(ability, signal).includes('title');
}

/**
 * The signal as it is now in a replay: the last event of the window that carries it, else the
 * one the event itself carries (a comment on a signal that did not change while away).
 */
export function signalNow(window: ReplayWindow, signal: Signal): Signal {
  const latest = window.latest(signalRecord(signal.id));
  return carriesSignal(latest) ? latest.signal : signal;
}

/** Every event about a signal or a record on it carries the signal as it was after that change. */
function carriesSignal(data: unknown): data is { signal: Signal } {
  return typeof data === 'object' && data !== null && 'signal' in data;
}

/**
 * Signals: created and updated, redacted exactly as REST does for the record as it is after
 * the change; `signal.revoked` (id only) to readers the change took it from.
 */
export const signalProjection: Projection<DomainEventMap, MessageOf<RecordEventMap>, SignalEvent> = {
  kind: 'signal',
  events: ['signal.created', 'signal.updated'],
  subject: (event) => signalRecord(event.data.signal.id),
  named(event) {
    const named = [...redRecipients(event.data.signal)];
    if (event.type === 'signal.updated') named.push(...redRecipients(event.data.before));
    return named;
  },
  live({ ability }, event) {
    const data = redactSignal(ability, event.data.signal);
    if (data) return { type: event.type, data };
    if (event.type === 'signal.created') return null;
    const { signal, before } = event.data;
    return canReadSignal(ability, asBefore(signal, before)) ? { type: 'signal.revoked', data: { id: signal.id } } : null;
  },
  before({ ability }, event): Before {
    if (event.type === 'signal.created') return 'absent';
    return canReadSignal(ability, asBefore(event.data.signal, event.data.before)) ? 'seen' : 'hidden';
  },
  replay({ ability }, last: EventOf<DomainEventMap, SignalEvent>, before) {
    const { signal } = last.data;
    const data = redactSignal(ability, signal);
    if (data) return { type: before === 'absent' ? 'signal.created' : 'signal.updated', data };
    return before === 'seen' ? { type: 'signal.revoked', data: { id: signal.id } } : null;
  },
};
