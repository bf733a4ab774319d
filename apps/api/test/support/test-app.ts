import type { INestApplication, Provider } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app.factory';
import { loadConfig } from '../../src/config/app-config';
import { dataSourceOptions } from '../../src/database/data-source';

export const DEMO_PASSWORD = 'demo';
export const TEST_SESSION_SECRET = 'test-session-secret-of-at-least-32-bytes';

export interface TestApp {
  app: INestApplication;
  /** Base URL of the listening app, e.g. http://127.0.0.1:40123 */
  url: string;
  /** Connection string of this suite's own database. */
  databaseUrl: string;
  /** A direct connection to this suite's database, for arranging and asserting. */
  db: DataSource;
  http(): ReturnType<typeof request>;
  /** Signs a demo user in and returns the Bearer token. */
  login(email: string, password?: string): Promise<string>;
  close(): Promise<void>;
}

async function createDatabaseFromTemplate(): Promise<string> {
  const base = process.env['VT_TEST_DATABASE_URL'];
  if (!base) throw new Error('VT_TEST_DATABASE_URL is not set: run through the api Jest project');
  const name = `vt_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: base.replace(/\/[^/]+$/, '/postgres') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE vt_template`);
  } finally {
    await admin.end();
  }
  return base.replace(/\/[^/]+$/, `/${name}`);
}

/** Starts the real app on its own copy of the seeded database; `env` overrides settings, `providers` the app's providers. */
export async function startTestApp(env: Record<string, string> = {}, providers: Provider[] = []): Promise<TestApp> {
  return startInstance(await createDatabaseFromTemplate(), env, providers);
}

/** Starts another instance of the app on an existing database (as a second replica behind the load balancer). */
export async function startInstance(databaseUrl: string, env: Record<string, string> = {}, providers: Provider[] = []): Promise<TestApp> {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    SESSION_SECRET: TEST_SESSION_SECRET,
    LOG_LEVEL: 'silent',
    // Mail without SMTP_URL becomes .eml files: in a folder of this instance's own.
    DATA_DIR: mkdtempSync(join(tmpdir(), 'vt-api-instance-')),
    ...env,
  });
  const instanceId = `test-${randomBytes(3).toString('hex')}`;
  const app = await createApp(config, { databaseUrl, sessionSecret: TEST_SESSION_SECRET, instanceId }, null, providers);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as AddressInfo;
  const url = `http://127.0.0.1:${address.port}`;
  const db = new DataSource(dataSourceOptions(databaseUrl, { max: 4, applicationName: 'vt-test' }));
  await db.initialize();
  const http = () => request(url);
  return {
    app,
    url,
    databaseUrl,
    db,
    http,
    async login(email: string, password = DEMO_PASSWORD) {
      const response = await http().post('/api/auth/login').send({ email, password });
      if (response.status !== 200) {
        throw new Error(`login ${email} failed: ${response.status} ${JSON.stringify(response.body)}`);
      }
      return (response.body as { token: string }).token;
    },
    async close() {
      await db.destroy();
      await app.close();
    },
  };
}
