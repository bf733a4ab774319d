import type { Clock } from '../common/clock';
import type { MailTransport } from '../mail/mail.types';

/** Values resolved while starting: the database actually used and the session secret. */
export interface Runtime {
  databaseUrl: string;
  /** SESSION_SECRET, or in demo mode a random secret kept under DATA_DIR. */
  sessionSecret: string;
  /** Unique per process; tells replicas apart in logs and realtime. */
  instanceId: string;
  /** The clock of schedules; the system clock unless a test sets its own. */
  clock?: Clock;
  /** Where mail goes; from SMTP_URL (or `.eml` files) unless a test sets its own. */
  mailTransport?: MailTransport;
}

export const RUNTIME = Symbol('RUNTIME');
