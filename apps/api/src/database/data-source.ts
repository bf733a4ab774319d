import { DataSource, type DataSourceOptions } from 'typeorm';
import { AgencyEntity } from '../agencies/agency.entity';
import { Foundation1732300000000 } from './migrations/1732300000000-foundation';
import { Signals1732400000000 } from './migrations/1732400000000-signals';
import { Realtime1732500000000 } from './migrations/1732500000000-realtime';
import { TimelineOwnMarking1732600000000 } from './migrations/1732600000000-timeline-own-marking';
import { MailQueue1732700000000 } from './migrations/1732700000000-mail-queue';
import { UserAdministration1732700000001 } from './migrations/1732700000001-user-administration';
import { PreparedStatementClient } from './prepared-statement-client';

export const ENTITIES = [AgencyEntity];
export const MIGRATIONS = [
  Foundation1732300000000,
  Signals1732400000000,
  Realtime1732500000000,
  TimelineOwnMarking1732600000000,
  MailQueue1732700000000,
  UserAdministration1732700000001,
];

export interface PoolOptions {
  max?: number;
  applicationName?: string;
}

/** The TypeORM options of the hub: checked-in migrations only, never `synchronize`. */
export function dataSourceOptions(url: string, pool: PoolOptions = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'all',
    synchronize: false,
    logging: false,
    extra: {
      max: pool.max ?? 20,
      application_name: pool.applicationName ?? 'verkiezingstafel',
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30000,
      // A killed backend or restarted server surfaces as a failed query, never a crash.
      keepAlive: true,
      Client: PreparedStatementClient,
    },
  };
}

/**
 * Applies pending migrations under an advisory lock, so that replicas starting together
 * migrate once. Returns the names of the migrations applied.
 */
export async function migrate(url: string): Promise<string[]> {
  const source = new DataSource({ ...dataSourceOptions(url, { max: 1, applicationName: 'verkiezingstafel-migrate' }) });
  await source.initialize();
  try {
    await source.query(`SELECT pg_advisory_lock(727001)`);
    try {
      const applied = await source.runMigrations({ transaction: 'all' });
      return applied.map((migration) => migration.name);
    } finally {
      await source.query(`SELECT pg_advisory_unlock(727001)`);
    }
  } finally {
    await source.destroy();
  }
}
