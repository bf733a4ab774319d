import type { Classification, Marking } from './marking';

export const SIGNAL_CATEGORIES = [
  'disinformation',
  'foreign_interference',
  'cyber',
  'physical_security',
  'threat_to_persons',
  'process_integrity',
  'synthetic_media',
  'political_advertising',
  'other',
] as const;
export type SignalCategory = (typeof SIGNAL_CATEGORIES)[number];

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SIGNAL_STATUSES = [
  'new',
  'triaged',
  'in_progress',
  'monitoring',
  'mitigated',
  'closed',
  'rejected',
  'duplicate',
] as const;
export type SignalStatus = (typeof SIGNAL_STATUSES)[number];

export const PLATFORMS = [
  'x',
  'facebook',
  'instagram',
  'tiktok',
  'youtube',
  'snapchat',
  'telegram',
  'whatsapp',
  'linkedin',
  'website',
  'other',
] as const;
export type Platform = (typeof PLATFORMS)[number];

/** DISARM technique ids, e.g. T0086 or T0086.002. */
export const DISARM_TECHNIQUE = /^T\d{4}(\.\d{3})?$/;

export interface EvidenceLink {
  url: string;
  description?: string;
}

/** A signal as the API returns it; a field the reader may not see is absent. */
export interface Signal {
  id: string;
  electionId: string;
  title: string;
  description: string;
  category: SignalCategory;
  severity: Severity;
  status: SignalStatus;
  marking: Marking;
  classification: Classification;
  ownerAgency: string;
  leadAgency: string | null;
  sharedWith: string[];
  recipients: string[];
  affectedMunicipalities: string[];
  platforms: Platform[];
  evidence: EvidenceLink[];
  disarmTechniques: string[];
  source: string | null;
  firstSeenAt: string | null;
  createdBy: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export type RedactedSignal = Partial<Signal> & Pick<Signal, 'id'>;

/** Fields that are never content: an administrator sees these of every signal. */
export const SIGNAL_METADATA_FIELDS = [
  'id',
  'electionId',
  'status',
  'marking',
  'classification',
  'ownerAgency',
  'version',
  'createdAt',
  'updatedAt',
] as const satisfies readonly (keyof Signal)[];

/** Every field but `source`, which only the owner agency reads. */
export const SIGNAL_READABLE_FIELDS = [
  ...SIGNAL_METADATA_FIELDS,
  'title',
  'description',
  'category',
  'severity',
  'leadAgency',
  'sharedWith',
  'recipients',
  'affectedMunicipalities',
  'platforms',
  'evidence',
  'disarmTechniques',
  'firstSeenAt',
  'createdBy',
] as const satisfies readonly (keyof Signal)[];

export const SIGNAL_FIELDS = [...SIGNAL_READABLE_FIELDS, 'source'] as const satisfies readonly (keyof Signal)[];

/** The fields a signal's author writes (create and edit); the rest the hub keeps itself. */
export const SIGNAL_WRITABLE_FIELDS = [
  'title',
  'description',
  'category',
  'severity',
  'marking',
  'classification',
  'sharedWith',
  'recipients',
  'affectedMunicipalities',
  'platforms',
  'evidence',
  'disarmTechniques',
  'source',
  'leadAgency',
  'firstSeenAt',
] as const satisfies readonly (keyof Signal)[];
export type SignalWritableField = (typeof SIGNAL_WRITABLE_FIELDS)[number];

/** Written, like they are read, by the owner agency alone (visibility.md rule 4). */
export const SIGNAL_OWNER_ONLY_FIELDS = ['source'] as const satisfies readonly SignalWritableField[];

/** Who may make a transition: the chair alone, or those working the signal (and the chair). */
export type TransitionKind = 'chair' | 'work';

const TRANSITIONS: Record<SignalStatus, Partial<Record<SignalStatus, TransitionKind>>> = {
  new: { triaged: 'chair', rejected: 'chair', duplicate: 'chair' },
  triaged: { in_progress: 'work', rejected: 'chair', duplicate: 'chair' },
  in_progress: { monitoring: 'work', mitigated: 'work' },
  monitoring: { in_progress: 'work', mitigated: 'work' },
  mitigated: { in_progress: 'work', closed: 'chair' },
  closed: { in_progress: 'chair' },
  rejected: {},
  duplicate: {},
};

/** The states a signal may move to from `from` (domain.md lifecycle). */
export function allowedTransitions(from: SignalStatus): SignalStatus[] {
  return SIGNAL_STATUSES.filter((to) => TRANSITIONS[from][to] !== undefined);
}

/** The kind of a transition, or null when the lifecycle does not allow it. */
export function transitionKind(from: SignalStatus, to: SignalStatus): TransitionKind | null {
  return TRANSITIONS[from][to] ?? null;
}
