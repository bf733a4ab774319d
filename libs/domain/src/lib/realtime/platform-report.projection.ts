import type { DomainEventMap, RecordEventMap } from '../events';
import type { MessageOf, Projection } from './projection';
import { readsSignalContent, redRecipients, signalNow, signalRecord } from './signal.projection';

/** Platform reports: readable with the content of their signal (visibility.md writes table). */
export const platformReportProjection: Projection<DomainEventMap, MessageOf<RecordEventMap>, 'platform_report.changed'> = {
  kind: 'platform_report',
  events: ['platform_report.changed'],
  subject: (event) => `platform_report:${event.data.report.id}`,
  carries: (event) => [signalRecord(event.data.signal.id)],
  named: (event) => redRecipients(event.data.signal),
  live: ({ ability }, { data: { report, signal } }) =>
    readsSignalContent(ability, signal) ? { type: 'platform_report.changed', data: { signalId: signal.id, report } } : null,
  before: () => 'absent',
  replay: ({ ability }, { data: { report, signal } }, _before, window) => {
    const now = signalNow(window, signal);
    return readsSignalContent(ability, now) ? { type: 'platform_report.changed', data: { signalId: now.id, report } } : null;
  },
};
