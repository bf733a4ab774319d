import type { INestApplication } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { createApp } from './app.factory';
import { type AppConfig, ConfigError, loadConfig } from './config/app-config';
import type { Runtime } from './config/runtime';
import { dataSourceOptions, migrate } from './database/data-source';
import { MailWorker } from './mail/mail.worker';
import { type EmbeddedDatabase, startEmbeddedDatabase } from './database/embedded-database';
import { DEMO_USERS } from './seed/reference-data';
import { seedDemo, seedStandingAgencies } from './seed/seed';

/** In demo mode a random session secret is kept beside the data, so sessions survive restarts. */
function demoSessionSecret(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'session-secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/** The built board, next to the built API (dist/board/browser), unless BOARD_DIR says otherwise. */
function defaultBoardDir(): string {
  return resolve(__dirname, '../../../../board/browser');
}

/** Applies migrations and reference data, and the demo where this is not production. */
export async function prepareDatabase(config: AppConfig, databaseUrl: string): Promise<{ demoSeeded: boolean }> {
  await migrate(databaseUrl);
  const source = new DataSource({ ...dataSourceOptions(databaseUrl, { max: 2, applicationName: 'verkiezingstafel-seed' }) });
  await source.initialize();
  try {
    await seedStandingAgencies(source);
    if (config.production) return { demoSeeded: false };
    const { seeded } = await seedDemo(source, config.demoPassword);
    return { demoSeeded: seeded };
  } finally {
    await source.destroy();
  }
}

function banner(config: AppConfig, demoSeeded: boolean, embedded: boolean, mail: string): string {
  const lines = [
    '',
    `Verkiezingstafel is running at ${config.publicOrigin}`,
    `  Board          ${config.publicOrigin}/`,
    `  API            ${config.publicOrigin}/api   (OpenAPI: ${config.publicOrigin}/api/docs)`,
    `  Database       ${embedded ? `embedded PostgreSQL in ${join(config.dataDir, 'pg')}` : 'DATABASE_URL'}`,
    `  Mail           ${mail}${config.smtpUrl === null ? '   (no SMTP_URL set: nothing is sent)' : ''}`,
  ];
  if (!config.production) {
    lines.push(
      `  Demo data      ${demoSeeded ? 'seeded now' : 'kept from an earlier start'}`,
      `  Demo accounts  (password: ${config.demoPassword})`,
      ...DEMO_USERS.map((user) => `    ${user.email.padEnd(28)} ${user.agency.padEnd(8)} ${user.roles.join(', ')}`),
    );
  }
  lines.push('Press Ctrl-C to stop.', '');
  return lines.join('\n');
}

export interface RunningHub {
  app: INestApplication;
  config: AppConfig;
  stop(): Promise<void>;
}

/** Starts the whole hub: configuration, database (embedded or DATABASE_URL), migrations, HTTP. */
export async function startHub(env: NodeJS.ProcessEnv): Promise<RunningHub> {
  const config = loadConfig(env);
  let embedded: EmbeddedDatabase | null = null;
  const databaseUrl =
    config.databaseUrl ??
    (embedded = await startEmbeddedDatabase({ dataDir: config.dataDir, port: numberOrUndefined(env['PG_PORT']) })).url;

  try {
    const { demoSeeded } = await prepareDatabase(config, databaseUrl);
    const runtime: Runtime = {
      databaseUrl,
      sessionSecret: config.sessionSecret ?? demoSessionSecret(config.dataDir),
      instanceId: env['INSTANCE_ID'] ?? randomUUID().slice(0, 8),
    };
    const app = await createApp(config, runtime, config.boardDir ?? defaultBoardDir());
    await app.listen(config.port, config.host);
    process.stdout.write(`${banner(config, demoSeeded, embedded !== null, app.get(MailWorker).destination)}\n`);
    let stopping: Promise<void> | null = null;
    return {
      app,
      config,
      stop: () =>
        (stopping ??= (async () => {
          await app.close();
          await embedded?.stop();
        })()),
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

function numberOrUndefined(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0 || parsed > 65535) throw new ConfigError('PG_PORT', `"${value}" is not a port`);
  return parsed;
}
