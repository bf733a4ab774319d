import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { DomainEvent, Positioned } from '@verkiezingstafel/domain';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { RUNTIME, type Runtime } from '../config/runtime';
import { REALTIME_PROJECTIONS, type RealtimeProjections } from './realtime.tokens';

/** A committed domain event, parsed once, here: typed by its `type` from then on. */
export type OutboxEvent = Positioned<DomainEvent>;

interface OutboxRow {
  position: string;
  type: string;
  at: Date;
  data: unknown;
}

const BATCH = 500;
const POLL_MS = 1000;

/**
 * Tails the outbox of this database in position order and hands every committed event to
 * the subscriber, one at a time. LISTEN/NOTIFY only wakes it early: a lost notification
 * costs at most one poll interval, never an event. Positions become visible in order
 * (assigned under the journal lock until commit), so `position > cursor` skips nothing.
 * Work that must not interleave with deliveries (a socket's replay) runs on the same queue.
 */
@Injectable()
export class OutboxTailService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('OutboxTail');
  private cursor = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private wakeUp: (() => void) | null = null;
  private woken = false;
  private listener: Client | null = null;
  private subscriber: ((event: OutboxEvent) => void) | null = null;
  private afterDrain: (() => void) | null = null;
  private loopDone: Promise<void> = Promise.resolve();
  private started = false;
  private ready!: Promise<void>;
  private markReady!: () => void;

  constructor(
    private readonly db: DataSource,
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(REALTIME_PROJECTIONS) private readonly projections: RealtimeProjections,
  ) {
    this.ready = new Promise((resolve) => (this.markReady = resolve));
  }

  /** The position up to which every event has been delivered on this instance. */
  get position(): number {
    return this.cursor;
  }

  subscribe(deliver: (event: OutboxEvent) => void, afterDrain: () => void): void {
    this.subscriber = deliver;
    this.afterDrain = afterDrain;
  }

  /** Runs `task` between deliveries, after the tail has started. */
  exclusive<T>(task: () => Promise<T> | T): Promise<T> {
    const run = this.queue.then(async () => {
      await this.ready;
      return task();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const [{ max }]: { max: string | null }[] = await this.db.query(`SELECT max(position) AS max FROM outbox_events`);
    this.cursor = Number(max ?? 0);
    this.markReady();
    void this.listen();
    this.loopDone = this.loop();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.loopDone;
    await this.listener?.end().catch(() => undefined);
  }

  /** Reads events in (after, through], for a replay; the caller runs it inside `exclusive`. */
  async read(after: number, through: number): Promise<OutboxEvent[]> {
    const rows: OutboxRow[] = await this.db.query(
      `SELECT position, type, at, data FROM outbox_events WHERE position > $1 AND position <= $2 ORDER BY position`,
      [after, through],
    );
    return rows.flatMap((row) => this.parse(row) ?? []);
  }

  /**
   * The newest position this hub has issued (committed): a client claiming a later one holds a
   * position from elsewhere (a database restored from a backup) and must reload.
   */
  async newestIssued(): Promise<number> {
    const [row]: { newest: string | null }[] = await this.db.query(
      `SELECT greatest((SELECT max(position) FROM outbox_events),
                       (SELECT (value #>> '{}')::bigint FROM app_meta WHERE key = 'outbox_pruned_through')) AS newest`,
    );
    return Number(row?.newest ?? 0);
  }

  /** The stored row as a typed event; null (and logged) for a type or shape this hub does not know. */
  private parse(row: OutboxRow): OutboxEvent | null {
    const position = Number(row.position);
    const event = this.projections.parse(row.type, row.data);
    if (!event) {
      this.logger.error(`Outbox event ${position} (${row.type}) is not a known event of its shape; skipped`);
      return null;
    }
    return { ...event, position, at: row.at.toISOString() };
  }

  /** The oldest position a client may resume after; older ones were pruned. */
  async resumableFrom(): Promise<number> {
    const rows: { value: number }[] = await this.db.query(
      `SELECT (value #>> '{}')::bigint AS value FROM app_meta WHERE key = 'outbox_pruned_through'`,
    );
    return Number(rows[0]?.value ?? 0);
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        let more = true;
        while (more && !this.stopped) more = await this.exclusive(() => this.drainBatch());
        failures = 0;
      } catch (error) {
        failures++;
        if (failures === 1 || failures % 30 === 0) this.logger.warn(`Outbox read failed (${String(error)}); retrying`);
      }
      await this.sleep(failures > 0 ? Math.min(5000, 250 * 2 ** Math.min(failures, 4)) : POLL_MS);
    }
  }

  private async drainBatch(): Promise<boolean> {
    // A notification from now on must wake the next sleep: it may be for a row this read misses.
    this.woken = false;
    const rows: OutboxRow[] = await this.db.query(
      `SELECT position, type, at, data FROM outbox_events WHERE position > $1 ORDER BY position LIMIT ${BATCH}`,
      [this.cursor],
    );
    for (const row of rows) {
      const event = this.parse(row);
      try {
        if (event) this.subscriber?.(event);
      } catch (error) {
        this.logger.error(`Delivering event ${row.position} (${row.type}) failed: ${String(error)}`);
      }
      this.cursor = Number(row.position);
    }
    if (rows.length > 0) this.afterDrain?.();
    return rows.length === BATCH;
  }

  private wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  /** A dedicated connection that LISTENs; reconnects by itself after a database restart. */
  private async listen(): Promise<void> {
    let delay = 250;
    while (!this.stopped) {
      const client = new Client({ connectionString: this.runtime.databaseUrl, application_name: `vt-listen-${this.runtime.instanceId}` });
      const ended = new Promise<void>((resolve) => {
        client.on('error', () => resolve());
        client.on('end', () => resolve());
      });
      try {
        await client.connect();
        await client.query('LISTEN outbox_events');
        this.listener = client;
        delay = 250;
        client.on('notification', () => this.wake());
        // Catch up on whatever committed while not listening.
        this.wake();
        await ended;
      } catch {
        // The database is away; the poll keeps working as soon as it is back.
      }
      this.listener = null;
      await client.end().catch(() => undefined);
      if (this.stopped) return;
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 5000);
    }
  }
}
