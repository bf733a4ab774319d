import { parseRoleList, Role } from '@verkiezingstafel/domain';
import { isAbsolute, resolve } from 'node:path';

/** Every setting of the hub, read once from the environment and validated (architecture.md). */
export interface AppConfig {
  production: boolean;
  /** Demo mode: no DATABASE_URL, an embedded PostgreSQL and demo users. */
  demo: boolean;
  databaseUrl: string | null;
  port: number;
  host: string;
  sessionSecret: string | null;
  publicOrigin: string;
  smtpUrl: string | null;
  /** The sender of every mail: `Name <address>` or an address. */
  mailFrom: string;
  /** The first retry of a failed mail waits this long; each next one twice as long. */
  mailRetryBaseSeconds: number;
  /** No retry waits longer than this. */
  mailRetryMaxSeconds: number;
  /** After this many failed attempts a mail is given up (`failed`). */
  mailMaxAttempts: number;
  /** How long the link of an invitation (or a password reset) works. */
  invitationHours: number;
  redisUrl: string | null;
  logLevel: LogLevel;
  demoPassword: string;
  dataDir: string;
  boardDir: string | null;
  mfaRequiredRoles: Role[];
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  loginMaxFailuresPerAccount: number;
  loginMaxFailuresPerIp: number;
  loginWindowSeconds: number;
  trustProxy: boolean;
  /** How often sockets are checked for sessions that expired by time. */
  realtimeSessionSweepSeconds: number;
  /** How long outbox events are kept for clients that resume. */
  realtimeRetentionHours: number;
  /** A port of its own for `GET /metrics` (then never served on the public port); 0: any free port. */
  metricsPort: number | null;
  /** A bearer token `GET /metrics` requires, on whichever port it is served. */
  metricsToken: string | null;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A setting that cannot be used; the message names the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function read(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `"${raw}" is not a whole number`);
  const value = Number(raw);
  if (value < min || value > max) {
    throw new ConfigError(name, `${value} is outside ${min}..${max}`);
  }
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(name, `"${raw}" is not true or false`);
}

function url(env: Env, name: string, protocols: string[]): string | null {
  const raw = read(env, name);
  if (raw === undefined) return null;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')} (got ${parsed.protocol})`);
  }
  return raw;
}

/** `Name <address>` or `address`: the sender of the hub's mail. */
const MAIL_FROM = /^(?:[^<>@\r\n]{1,100} <[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/;

function mailFrom(env: Env, publicOrigin: string): string {
  const raw = read(env, 'MAIL_FROM');
  if (raw === undefined) return `Verkiezingstafel <noreply@${new URL(publicOrigin).hostname}>`;
  if (!MAIL_FROM.test(raw)) throw new ConfigError('MAIL_FROM', `"${raw}" is not an address like "Verkiezingstafel <noreply@example.nl>"`);
  return raw;
}

/**
 * Reads and validates the configuration. Throws a {@link ConfigError} naming the first
 * variable that is wrong, so that a bad deployment stops before it serves anyone.
 */
export function loadConfig(env: Env, cwd = process.cwd()): AppConfig {
  const nodeEnv = read(env, 'NODE_ENV') ?? 'development';
  if (!['development', 'production', 'test'].includes(nodeEnv)) {
    throw new ConfigError('NODE_ENV', `"${nodeEnv}" is not development, production or test`);
  }
  const production = nodeEnv === 'production';
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const sessionSecret = read(env, 'SESSION_SECRET') ?? null;

  if (production) {
    if (databaseUrl === null) {
      throw new ConfigError('DATABASE_URL', 'is required when NODE_ENV=production');
    }
    if (sessionSecret === null) {
      throw new ConfigError('SESSION_SECRET', 'is required when NODE_ENV=production');
    }
  }
  if (sessionSecret !== null && Buffer.byteLength(sessionSecret, 'utf8') < 32) {
    throw new ConfigError('SESSION_SECRET', 'must be at least 32 bytes long');
  }

  const port = integer(env, 'PORT', 3000, 0, 65535);
  const publicOrigin = url(env, 'PUBLIC_ORIGIN', ['http:', 'https:']) ?? `http://localhost:${port}`;
  if (new URL(publicOrigin).origin !== publicOrigin.replace(/\/$/, '')) {
    throw new ConfigError('PUBLIC_ORIGIN', 'must be an origin only (scheme, host, port), no path');
  }

  const logLevel = read(env, 'LOG_LEVEL') ?? (nodeEnv === 'test' ? 'warn' : 'info');
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `"${logLevel}" is not one of ${LOG_LEVELS.join(', ')}`);
  }

  const demoPassword = read(env, 'TAFEL_DEMO_PASSWORD') ?? 'demo';
  const dataDirRaw = read(env, 'DATA_DIR') ?? './.data';
  const dataDir = isAbsolute(dataDirRaw) ? dataDirRaw : resolve(cwd, dataDirRaw);
  const boardDirRaw = read(env, 'BOARD_DIR');
  const boardDir = boardDirRaw === undefined ? null : resolve(cwd, boardDirRaw);

  let mfaRequiredRoles: Role[];
  try {
    mfaRequiredRoles = parseRoleList(
      env['MFA_REQUIRED_ROLES'] ?? (production ? 'admin,chair' : ''),
    );
  } catch (error) {
    throw new ConfigError('MFA_REQUIRED_ROLES', (error as Error).message);
  }

  const metricsPortRaw = read(env, 'METRICS_PORT');
  const metricsPort = metricsPortRaw === undefined ? null : integer(env, 'METRICS_PORT', 0, 0, 65535);
  if (metricsPort !== null && metricsPort !== 0 && metricsPort === port) {
    throw new ConfigError('METRICS_PORT', `must differ from PORT (${port}): the metrics are kept off the public port`);
  }
  const metricsToken = read(env, 'METRICS_TOKEN') ?? null;
  if (metricsToken !== null && !/^[\x21-\x7e]{32,}$/.test(metricsToken)) {
    throw new ConfigError('METRICS_TOKEN', 'must be at least 32 visible ASCII characters, without spaces');
  }

  return {
    production,
    demo: databaseUrl === null,
    databaseUrl,
    port,
    host: read(env, 'HOST') ?? '0.0.0.0',
    sessionSecret,
    publicOrigin: publicOrigin.replace(/\/$/, ''),
    smtpUrl: url(env, 'SMTP_URL', ['smtp:', 'smtps:']),
    mailFrom: mailFrom(env, publicOrigin),
    mailRetryBaseSeconds: integer(env, 'MAIL_RETRY_BASE_SECONDS', 30, 1, 3600),
    mailRetryMaxSeconds: integer(env, 'MAIL_RETRY_MAX_SECONDS', 3600, 1, 86400),
    mailMaxAttempts: integer(env, 'MAIL_MAX_ATTEMPTS', 12, 1, 100),
    invitationHours: integer(env, 'INVITATION_HOURS', 72, 1, 24 * 30),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    logLevel: logLevel as LogLevel,
    demoPassword,
    dataDir,
    boardDir,
    mfaRequiredRoles,
    sessionIdleMinutes: integer(env, 'SESSION_IDLE_MINUTES', 30, 1, 24 * 60),
    sessionMaxHours: integer(env, 'SESSION_MAX_HOURS', 12, 1, 24 * 7),
    loginMaxFailuresPerAccount: integer(env, 'LOGIN_MAX_FAILURES_PER_ACCOUNT', 5, 1, 1000),
    loginMaxFailuresPerIp: integer(env, 'LOGIN_MAX_FAILURES_PER_IP', 30, 1, 100000),
    loginWindowSeconds: integer(env, 'LOGIN_WINDOW_SECONDS', 900, 1, 86400),
    trustProxy: boolean(env, 'TRUST_PROXY', false),
    realtimeSessionSweepSeconds: integer(env, 'REALTIME_SESSION_SWEEP_SECONDS', 15, 1, 3600),
    realtimeRetentionHours: integer(env, 'REALTIME_RETENTION_HOURS', 24, 1, 24 * 30),
    metricsPort,
    metricsToken,
  };
}

/** Injection token for {@link AppConfig}. */
export const APP_CONFIG = Symbol('APP_CONFIG');
