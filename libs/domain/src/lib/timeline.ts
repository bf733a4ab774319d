import type { Marking } from './marking';

export const TIMELINE_KINDS = ['comment', 'assessment', 'system'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

/** A comment, assessment or system change on a signal; append-only. */
export interface TimelineEntry {
  id: string;
  signalId: string;
  kind: TimelineKind;
  text: string;
  /** The marking the entry is read under: its own when `ownMarking`, else its signal's current one. */
  marking: Marking;
  /**
   * Whether its author gave the entry a marking stricter than its signal's (visibility.md rule
   * 7). An entry without (system entries, comments at the signal's marking) follows the signal.
   */
  ownMarking: boolean;
  authorId: string;
  authorName: string;
  authorAgency: string;
  /** For system entries: what changed, e.g. `{ "from": "new", "to": "triaged" }`. */
  data: Record<string, unknown> | null;
  createdAt: string;
}

export const MEASURE_STATUSES = ['open', 'done', 'cancelled'] as const;
export type MeasureStatus = (typeof MEASURE_STATUSES)[number];

export interface Measure {
  id: string;
  signalId: string;
  ownerAgency: string;
  description: string;
  dueDate: string | null;
  dueMilestone: string | null;
  /** The date the measure is due: its own date, or the date of its election milestone. */
  dueOn: string | null;
  overdue: boolean;
  status: MeasureStatus;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export const PLATFORM_OUTCOMES = ['pending', 'removed', 'labelled', 'restricted', 'no_action', 'no_response'] as const;
export type PlatformOutcome = (typeof PLATFORM_OUTCOMES)[number];

export interface PlatformReport {
  id: string;
  signalId: string;
  platform: string;
  contentUrl: string;
  ground: string;
  reportedAt: string;
  outcome: PlatformOutcome;
  respondedAt: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}
