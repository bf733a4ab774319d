/**
 * The time as the hub's schedules see it (mail retries, and later escalations). Production
 * uses the system clock; tests hand in one they move by hand, so nothing waits on real time.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Injection token for the {@link Clock}. */
export const CLOCK = Symbol('CLOCK');
