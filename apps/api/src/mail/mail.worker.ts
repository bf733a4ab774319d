import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource, type QueryRunner } from 'typeorm';
import { openSecret } from '../auth/auth.crypto';
import { CLOCK, type Clock } from '../common/clock';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { RUNTIME, type Runtime } from '../config/runtime';
import { MAIL_CONCURRENCY } from './mail-transports';
import { isPermanentFailure, type MailTransport } from './mail.types';

export const MAIL_TRANSPORT = Symbol('MAIL_TRANSPORT');

/** A lost notification costs at most this long; retries that fall due are picked up by it too. */
const POLL_MS = 30_000;
const MAX_ERROR_LENGTH = 1000;

interface ClaimedRow {
  id: string;
  message_id: string;
  to_address: string;
  subject: string;
  body: string | null;
  attempts: number;
  created_at: Date;
}

/** What one pass of the worker did: mails attempted, and of those sent. */
export interface DrainResult {
  attempted: number;
  sent: number;
}

/** The wait before attempt `attempts + 1`: base, twice that, four times, ..., at most `max`. */
export function retryDelaySeconds(attempts: number, baseSeconds: number, maxSeconds: number): number {
  return Math.min(maxSeconds, baseSeconds * 2 ** Math.max(0, attempts - 1));
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return `${typeof code === 'string' ? `${code}: ` : ''}${error.message}`.slice(0, MAX_ERROR_LENGTH);
  }
  return String(error).slice(0, MAX_ERROR_LENGTH);
}

/**
 * Sends what the mail queue holds. Each mail is claimed with `FOR UPDATE SKIP LOCKED` in a
 * transaction that stays open while the mail is handed to the server and commits its outcome
 * right after: while one instance sends a mail, no other can claim it, and a crashed
 * instance's claim ends with its connection. Every attempt is first recorded on a connection
 * of its own, so an attempt whose outcome never committed is found and named `interrupted`.
 *
 * Exactly once holds except in one window: a crash after the server accepted the mail and
 * before the commit of `sent` (one round trip to PostgreSQL) sends the mail again on the next
 * attempt, with the same Message-ID and Date, so a receiver can recognise the repeat; the
 * interrupted attempt stays on record. With `.eml` files the repeat replaces the same file.
 */
@Injectable()
export class MailWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Mail');
  private chain: Promise<unknown> = Promise.resolve();
  private passQueued = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private listener: Client | null = null;
  private listening: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: DataSource,
    @Inject(MAIL_TRANSPORT) private readonly transport: MailTransport,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Where mail goes, in words (the start banner says it). */
  get destination(): string {
    return this.transport.description;
  }

  onApplicationBootstrap(): void {
    this.listening = this.listen();
    this.wake();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.listener?.end().catch(() => undefined);
    await this.listening;
    // A clean stop lets the mail in hand finish, so it is not left as an interrupted attempt.
    await this.chain.catch(() => undefined);
    await this.transport.close();
  }

  /**
   * Sends every mail that is due now (by the hub's clock), after any pass already under way
   * on this instance. Tests call it to run the worker at a moment of their choosing.
   */
  drain(): Promise<DrainResult> {
    const run = this.chain.then(() => {
      this.passQueued = false;
      return this.pass();
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** A pass soon: on a notification, a timer, or at start. Passes never overlap here. */
  private wake(): void {
    if (this.stopped || this.passQueued) return;
    this.passQueued = true;
    this.drain().then(
      () => this.schedule(),
      (error: unknown) => {
        this.logger.warn(`Sending mail failed: ${describe(error)}; trying again later`);
        this.schedule();
      },
    );
  }

  /** The next pass: when the next retry falls due, at most one poll interval from now. */
  private schedule(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    const next = (): void => {
      this.timer = null;
      this.wake();
    };
    this.db
      .query(`SELECT min(next_attempt_at) AS due FROM mails WHERE status = 'queued'`)
      .then((rows: { due: Date | null }[]) => {
        const due = rows[0]?.due;
        const wait = due ? Math.max(0, due.getTime() - this.clock.now().getTime()) : POLL_MS;
        if (!this.stopped) this.timer = setTimeout(next, Math.min(POLL_MS, wait + 50));
      })
      .catch(() => {
        if (!this.stopped) this.timer = setTimeout(next, POLL_MS);
      })
      .finally(() => this.timer?.unref());
  }

  private async pass(): Promise<DrainResult> {
    const result: DrainResult = { attempted: 0, sent: 0 };
    const lane = async (): Promise<void> => {
      while (!this.stopped) {
        const outcome = await this.sendOne();
        if (outcome === null) return;
        result.attempted++;
        if (outcome === 'sent') result.sent++;
      }
    };
    await Promise.all(Array.from({ length: MAIL_CONCURRENCY }, lane));
    return result;
  }

  /** Claims one due mail and tries it; null when none is due (or every due one is being sent elsewhere). */
  private async sendOne(): Promise<'sent' | 'retry' | 'failed' | null> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction('READ COMMITTED');
      const now = this.clock.now();
      const [mail]: ClaimedRow[] = await runner.query(
        `SELECT id, message_id, to_address, subject, body, attempts, created_at FROM mails
          WHERE status = 'queued' AND next_attempt_at <= $1
          ORDER BY next_attempt_at, created_at LIMIT 1
          FOR UPDATE SKIP LOCKED`,
        [now],
      );
      if (!mail) {
        await runner.commitTransaction();
        return null;
      }
      // Attempts left without an outcome were made by a process that stopped mid-send: this
      // transaction holds the mail now, so none of them is still running.
      // TypeORM answers an UPDATE ... RETURNING with [rows, affected count].
      const [interrupted]: [unknown[], number] = await runner.query(
        `UPDATE mail_attempts SET outcome = 'interrupted', finished_at = $2,
                error = 'the sending instance stopped before it recorded the outcome; sent again with the same Message-ID'
          WHERE mail_id = $1 AND outcome IS NULL RETURNING id`,
        [mail.id, now],
      );
      const attempts = mail.attempts + interrupted.length + 1;
      const [{ id: attemptId }]: { id: string }[] = await this.db.query(
        `INSERT INTO mail_attempts (mail_id, instance, started_at) VALUES ($1, $2, $3) RETURNING id`,
        [mail.id, this.runtime.instanceId, now],
      );
      const outcome = await this.attempt(runner, mail, attempts, attemptId);
      await runner.commitTransaction();
      return outcome;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  private async attempt(runner: QueryRunner, mail: ClaimedRow, attempts: number, attemptId: string): Promise<'sent' | 'retry' | 'failed'> {
    let error: unknown;
    let response = '';
    try {
      if (mail.body === null) throw Object.assign(new Error('the mail has no body'), { permanent: true });
      let text: string;
      try {
        text = openSecret(this.runtime.sessionSecret, mail.body, 'mail-body-at-rest');
      } catch {
        throw Object.assign(new Error('the body cannot be read (was SESSION_SECRET changed?)'), { permanent: true });
      }
      ({ response } = await this.transport.send({
        id: mail.id,
        messageId: mail.message_id,
        from: this.config.mailFrom,
        to: mail.to_address,
        subject: mail.subject,
        text,
        date: mail.created_at,
      }));
    } catch (caught) {
      error = caught;
    }
    const finished = this.clock.now();
    if (error === undefined) {
      // Straight to the commit: this is the window in which a crash would send the mail twice.
      await runner.query(
        `UPDATE mails SET status = 'sent', attempts = $2, sent_at = $3, last_error = NULL, body = NULL, updated_at = now() WHERE id = $1`,
        [mail.id, attempts, finished],
      );
      await runner.query(`UPDATE mail_attempts SET outcome = 'sent', finished_at = $2, response = $3 WHERE id = $1`, [
        attemptId,
        finished,
        response.slice(0, MAX_ERROR_LENGTH),
      ]);
      return 'sent';
    }
    const reason = describe(error);
    const giveUp = isPermanentFailure(error) || attempts >= this.config.mailMaxAttempts;
    const delay = retryDelaySeconds(attempts, this.config.mailRetryBaseSeconds, this.config.mailRetryMaxSeconds);
    await runner.query(
      `UPDATE mails SET status = $2, attempts = $3, last_error = $4, next_attempt_at = $5, updated_at = now() WHERE id = $1`,
      [mail.id, giveUp ? 'failed' : 'queued', attempts, reason, new Date(finished.getTime() + delay * 1000)],
    );
    await runner.query(`UPDATE mail_attempts SET outcome = $2, finished_at = $3, error = $4 WHERE id = $1`, [
      attemptId,
      giveUp ? 'failed' : 'retry',
      finished,
      reason,
    ]);
    this.logger.warn(`Mail ${mail.id} attempt ${attempts} failed (${reason})${giveUp ? ': given up' : `; next in ${delay} s`}`);
    return giveUp ? 'failed' : 'retry';
  }

  /** A dedicated connection that LISTENs for queued mail; reconnects after a database restart. */
  private async listen(): Promise<void> {
    let delay = 250;
    while (!this.stopped) {
      const client = new Client({ connectionString: this.runtime.databaseUrl, application_name: `vt-mail-${this.runtime.instanceId}` });
      const ended = new Promise<void>((resolve) => {
        client.on('error', () => resolve());
        client.on('end', () => resolve());
      });
      try {
        await client.connect();
        if (this.stopped) {
          await client.end().catch(() => undefined);
          return;
        }
        await client.query('LISTEN mail_queued');
        this.listener = client;
        delay = 250;
        client.on('notification', () => this.wake());
        // Whatever was queued while not listening.
        this.wake();
        await ended;
      } catch {
        // The database is away; the poll takes over until it is back.
      }
      this.listener = null;
      await client.end().catch(() => undefined);
      if (this.stopped) return;
      await new Promise((resolve) => setTimeout(resolve, delay).unref());
      delay = Math.min(delay * 2, 5000);
    }
  }
}
