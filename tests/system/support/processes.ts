import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
const MAIN = join(ROOT, 'dist/api/apps/api/src/main.js');
export const SESSION_SECRET = 'system-test-session-secret-of-32-bytes-or-more';

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

function waitForLine(child: ChildProcess, pattern: RegExp, ms: number, output: string[]): Promise<RegExpMatchArray> {
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`timed out; output:\n${output.join('')}`)), ms);
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      const match = output.join('').match(pattern);
      if (match) {
        clearTimeout(timer);
        done(match);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`exited with ${code}; output:\n${output.join('')}`));
    });
  });
}

/** An embedded PostgreSQL in a process of its own, which a test may stop and start again. */
export class PostgresProcess {
  private child: ChildProcess | null = null;
  url = '';
  private constructor(
    readonly dataDir: string,
    readonly port: number,
  ) {}

  static async start(): Promise<PostgresProcess> {
    const pg = new PostgresProcess(mkdtempSync(join(tmpdir(), 'vt-system-')), await freePort());
    await pg.startAgain();
    return pg;
  }

  async startAgain(): Promise<void> {
    const child = spawn(process.execPath, [join(__dirname, 'postgres-process.cjs'), this.dataDir, String(this.port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const [, url] = await waitForLine(child, /READY (\S+)/, 60_000, []);
    this.url = url!;
  }

  /** Stops PostgreSQL cleanly (fast shutdown), as an operator's restart would. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await exited;
    this.child = null;
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** A built API process (`node dist/api/apps/api/src/main.js`) on a shared database. */
export class ApiProcess {
  readonly output: string[] = [];
  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(databaseUrl: string, name: string, env: Record<string, string> = {}): Promise<ApiProcess> {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const child = spawn(process.execPath, [MAIN], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        NODE_ENV: 'development',
        DATABASE_URL: databaseUrl,
        SESSION_SECRET,
        PORT: String(port),
        HOST: '127.0.0.1',
        PUBLIC_ORIGIN: url,
        LOG_LEVEL: 'warn',
        INSTANCE_ID: name,
        BOARD_DIR: join(ROOT, 'dist/no-board'),
        ...env,
      },
    });
    const api = new ApiProcess(child, url);
    await waitForLine(child, /Verkiezingstafel is running/, 60_000, api.output);
    return api;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  kill9(): void {
    this.child.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise((done) => this.child.once('exit', done));
    this.child.kill('SIGTERM');
    await exited;
  }
}

export async function login(api: { url: string }, email: string): Promise<string> {
  const response = await fetch(`${api.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'demo' }),
  });
  if (response.status !== 200) throw new Error(`login ${email}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
