import type { DomainEventMap, RecordEventMap } from '../events';
import type { MessageOf, Projection } from './projection';
import { readsSignalContent, redRecipients, signalNow, signalRecord } from './signal.projection';

/** Measures: told, as they are, to whoever reads the content of their signal. */
export const measureProjection: Projection<DomainEventMap, MessageOf<RecordEventMap>, 'measure.changed'> = {
  kind: 'measure',
  events: ['measure.changed'],
  subject: (event) => `measure:${event.data.measure.id}`,
  carries: (event) => [signalRecord(event.data.signal.id)],
  named: (event) => redRecipients(event.data.signal),
  live: ({ ability }, { data: { measure, signal } }) =>
    readsSignalContent(ability, signal) ? { type: 'measure.changed', data: { signalId: signal.id, measure } } : null,
  before: () => 'absent',
  replay: ({ ability }, { data: { measure, signal } }, _before, window) => {
    const now = signalNow(window, signal);
    return readsSignalContent(ability, now) ? { type: 'measure.changed', data: { signalId: now.id, measure } } : null;
  },
};
