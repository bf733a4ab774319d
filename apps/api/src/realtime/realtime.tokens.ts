import type { RealtimeProjections } from '@verkiezingstafel/domain';

export type { RealtimeProjections };

/** The registry of projections the realtime channel delivers through (`realtimeProjections`). */
export const REALTIME_PROJECTIONS = Symbol('REALTIME_PROJECTIONS');
