import { type AppAbility, canReadSignal, readableSignalFields, redactSignal, redactTimelineEntry } from './ability';
import type { ClientEventMap, DomainEventMap } from './events';
import type { Signal } from './signal';

export type ContentEventType = 'signal.created' | 'signal.updated' | 'timeline.added' | 'measure.changed' | 'platform_report.changed';

/** What one audience is told of one change: an event name and its payload, or nothing. */
export type ClientMessage = {
  [K in Exclude<keyof ClientEventMap, 'ready' | 'resync'>]: { type: K; data: ClientEventMap[K]['data'] };
}[Exclude<keyof ClientEventMap, 'ready' | 'resync'>];

export type ContentEvent = { [K in ContentEventType]: { type: K; data: DomainEventMap[K] } }[ContentEventType];

function readsContent(ability: AppAbility, signal: Signal): boolean {
  return readableSignalFields(ability, signal).includes('title');
}

/**
 * Decides, with the same ability as REST and for the record as it is after the change, what
 * a reader is told: the record redacted exactly as REST would, `signal.revoked` when the
 * change took the record out of sight, or nothing. Used once per audience per change.
 */
export function clientMessageFor(ability: AppAbility, event: ContentEvent): ClientMessage | null {
  switch (event.type) {
    case 'signal.created': {
      const data = redactSignal(ability, event.data.signal);
      return data ? { type: 'signal.created', data } : null;
    }
    case 'signal.updated': {
      const { signal, before } = event.data;
      const data = redactSignal(ability, signal);
      if (data) return { type: 'signal.updated', data };
      const sawBefore = canReadSignal(ability, {
        ...signal,
        ...before,
        sharedWith: [...before.sharedWith],
        recipients: [...before.recipients],
        affectedMunicipalities: [...before.affectedMunicipalities],
      });
      return sawBefore ? { type: 'signal.revoked', data: { id: signal.id } } : null;
    }
    case 'timeline.added': {
      const { entry, signal } = event.data;
      if (!canReadSignal(ability, signal)) return null;
      const visible = redactTimelineEntry(ability, entry, signal);
      return visible ? { type: 'timeline.added', data: { signalId: signal.id, entry: visible } } : null;
    }
    case 'measure.changed': {
      const { measure, signal } = event.data;
      return readsContent(ability, signal) ? { type: 'measure.changed', data: { signalId: signal.id, measure } } : null;
    }
    case 'platform_report.changed': {
      const { report, signal } = event.data;
      return readsContent(ability, signal) ? { type: 'platform_report.changed', data: { signalId: signal.id, report } } : null;
    }
  }
}

/** Users named in RED recipients before or after a change: their view may differ from their audience's. */
export function namedReaders(event: ContentEvent): string[] {
  const signal: Signal = event.data.signal;
  const names = new Set<string>();
  if (signal.marking === 'RED') signal.recipients.forEach((id) => names.add(id));
  if (event.type === 'signal.updated' && event.data.before.marking === 'RED') {
    event.data.before.recipients.forEach((id) => names.add(id));
  }
  if (event.type === 'timeline.added' && event.data.entry.marking === 'RED') {
    signal.recipients.forEach((id) => names.add(id));
  }
  return [...names];
}

export function isContentEvent(type: string): type is ContentEventType {
  return ['signal.created', 'signal.updated', 'timeline.added', 'measure.changed', 'platform_report.changed'].includes(type);
}
