import type { Provider } from '@nestjs/common';
import { CLOCK, type Clock } from '../../src/common/clock';

/** A clock the test moves by hand: schedules (mail retries, escalations) run when it says so. */
export class ManualClock implements Clock {
  private at: number;

  constructor(start: Date | string = new Date()) {
    this.at = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.at);
  }

  advance(milliseconds: number): void {
    this.at += milliseconds;
  }

  advanceSeconds(seconds: number): void {
    this.advance(seconds * 1000);
  }

  /** The provider that hands this clock to the app in place of the system clock. */
  provider(): Provider {
    return { provide: CLOCK, useValue: this };
  }
}
