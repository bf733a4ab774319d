import { DOMAIN_EVENT_PARSERS, type DomainEventMap, type RecordEventMap } from '../events';
import { measureProjection } from './measure.projection';
import { platformReportProjection } from './platform-report.projection';
import { ProjectionRegistry } from './projection';
import { signalProjection } from './signal.projection';
import { timelineProjection } from './timeline.projection';

/**
 * Every kind of record the realtime channel tells of. A new kind (meetings, alerts) brings its
 * events (events.ts), its projection file beside these, and one line here.
 */
export const realtimeProjections = new ProjectionRegistry<DomainEventMap, RecordEventMap>(DOMAIN_EVENT_PARSERS)
  .register(signalProjection)
  .register(timelineProjection)
  .register(measureProjection)
  .register(platformReportProjection);

export type RealtimeProjections = typeof realtimeProjections;
