import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '../../src/config/app-config';
import { startEmbeddedDatabase } from '../../src/database/embedded-database';
import { prepareDatabase } from '../../src/bootstrap';

export const TEMPLATE_DATABASE = 'vt_template';

/**
 * One embedded PostgreSQL per test run (own folder, free port); migrations and the demo seed
 * go into a template database that every suite copies into a database of its own.
 */
export default async function globalSetup(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vt-api-test-'));
  const database = await startEmbeddedDatabase({ dataDir, database: TEMPLATE_DATABASE });
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, TAFEL_DEMO_PASSWORD: 'demo' });
  await prepareDatabase(config, database.url);
  const admin = new Client({ connectionString: database.url.replace(/\/[^/]+$/, '/postgres') });
  await admin.connect();
  await admin.query(`ALTER DATABASE ${TEMPLATE_DATABASE} WITH IS_TEMPLATE true`);
  await admin.end();
  process.env['VT_TEST_DATABASE_URL'] = database.url;
  process.env['VT_TEST_DATA_DIR'] = dataDir;
  (globalThis as { __vtDatabase?: typeof database }).__vtDatabase = database;
}
