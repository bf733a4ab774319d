import { canReadSignal, redactTimelineEntry } from '../ability';
import type { DomainEventMap, RecordEventMap } from '../events';
import type { Signal } from '../signal';
import type { TimelineEntry } from '../timeline';
import type { MessageOf, Projection, Viewer } from './projection';
import { redRecipients, signalNow, signalRecord } from './signal.projection';

function told({ ability }: Viewer, entry: TimelineEntry, signal: Signal) {
  if (!canReadSignal(ability, signal)) return null;
  const visible = redactTimelineEntry(ability, entry, signal);
  return visible ? { type: 'timeline.added' as const, data: { signalId: signal.id, entry: visible } } : null;
}

/**
 * Timeline entries: within the audience of their signal, a stricter entry judged on its own
 * marking (visibility.md rule 7). Append-only: nothing to withdraw; the signal's revocation
 * takes its timeline with it.
 */
export const timelineProjection: Projection<DomainEventMap, MessageOf<RecordEventMap>, 'timeline.added'> = {
  kind: 'timeline_entry',
  events: ['timeline.added'],
  subject: (event) => `timeline_entry:${event.data.entry.id}`,
  carries: (event) => [signalRecord(event.data.signal.id)],
  named: ({ data: { entry, signal } }) => (entry.marking === 'RED' ? signal.recipients : redRecipients(signal)),
  live: (viewer, { data: { entry, signal } }) => told(viewer, entry, signal),
  before: () => 'absent',
  replay: (viewer, { data: { entry, signal } }, _before, window) => told(viewer, entry, signalNow(window, signal)),
};
