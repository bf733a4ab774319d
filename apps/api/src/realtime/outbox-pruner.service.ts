import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

/** Drops outbox events past the retention window; clients further behind get `resync`. */
@Injectable()
export class OutboxPrunerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('OutboxPruner');
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.prune().catch((error: unknown) => this.logger.warn(String(error))), 10 * 60_000);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Deletes what is older than the window and records the newest deleted position. */
  async prune(): Promise<number> {
    return this.db.transaction(async (tx) => {
      const locked: { ok: boolean }[] = await tx.query(`SELECT pg_try_advisory_xact_lock(727003) AS ok`);
      if (!locked[0]?.ok) return 0;
      const [row]: { through: string | null }[] = await tx.query(
        `WITH gone AS (DELETE FROM outbox_events WHERE at < now() - make_interval(hours => $1) RETURNING position)
         SELECT max(position) AS through FROM gone`,
        [this.config.realtimeRetentionHours],
      );
      if (row?.through === null || row?.through === undefined) return 0;
      await tx.query(
        `INSERT INTO app_meta (key, value) VALUES ('outbox_pruned_through', to_jsonb($1::bigint))
         ON CONFLICT (key) DO UPDATE SET value = to_jsonb(greatest((app_meta.value #>> '{}')::bigint, $1::bigint)), updated_at = now()`,
        [row.through],
      );
      return Number(row.through);
    });
  }
}
