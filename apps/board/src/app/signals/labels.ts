import type {
  MeasureStatus,
  MilestoneCode,
  Platform,
  PlatformOutcome,
  Severity,
  SignalCategory,
  SignalStatus,
} from '@verkiezingstafel/domain';
import type { MessageKey } from '../core/i18n/messages.nl';

/** Message keys of the domain's enum values (every value has one, checked by the compiler). */
export const STATUS_KEY = {
  new: 'status.new',
  triaged: 'status.triaged',
  in_progress: 'status.in_progress',
  monitoring: 'status.monitoring',
  mitigated: 'status.mitigated',
  closed: 'status.closed',
  rejected: 'status.rejected',
  duplicate: 'status.duplicate',
} as const satisfies Record<SignalStatus, MessageKey>;

export const CATEGORY_KEY = {
  disinformation: 'category.disinformation',
  foreign_interference: 'category.foreign_interference',
  cyber: 'category.cyber',
  physical_security: 'category.physical_security',
  threat_to_persons: 'category.threat_to_persons',
  process_integrity: 'category.process_integrity',
  synthetic_media: 'category.synthetic_media',
  political_advertising: 'category.political_advertising',
  other: 'category.other',
} as const satisfies Record<SignalCategory, MessageKey>;

export const SEVERITY_KEY = {
  low: 'severity.low',
  medium: 'severity.medium',
  high: 'severity.high',
  critical: 'severity.critical',
} as const satisfies Record<Severity, MessageKey>;

export const MEASURE_STATUS_KEY = {
  open: 'measureStatus.open',
  done: 'measureStatus.done',
  cancelled: 'measureStatus.cancelled',
} as const satisfies Record<MeasureStatus, MessageKey>;

export const MILESTONE_KEY = {
  candidate_nomination: 'milestone.candidate_nomination',
  polling_day: 'milestone.polling_day',
  count: 'milestone.count',
  results: 'milestone.results',
} as const satisfies Record<MilestoneCode, MessageKey>;

export const MARKING_CHOICE_KEY = {
  CLEAR: 'form.marking.CLEAR',
  GREEN: 'form.marking.GREEN',
  AMBER: 'form.marking.AMBER',
  AMBER_STRICT: 'form.marking.AMBER_STRICT',
  RED: 'form.marking.RED',
} as const satisfies Record<string, MessageKey>;

export const PLATFORM_KEY = {
  x: 'platform.x',
  facebook: 'platform.facebook',
  instagram: 'platform.instagram',
  tiktok: 'platform.tiktok',
  youtube: 'platform.youtube',
  snapchat: 'platform.snapchat',
  telegram: 'platform.telegram',
  whatsapp: 'platform.whatsapp',
  linkedin: 'platform.linkedin',
  website: 'platform.website',
  other: 'platform.other',
} as const satisfies Record<Platform, MessageKey>;

export const PLATFORM_OUTCOME_KEY = {
  pending: 'outcome.pending',
  removed: 'outcome.removed',
  labelled: 'outcome.labelled',
  restricted: 'outcome.restricted',
  no_action: 'outcome.no_action',
  no_response: 'outcome.no_response',
} as const satisfies Record<PlatformOutcome, MessageKey>;
