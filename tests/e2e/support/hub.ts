import AxeBuilder from '@axe-core/playwright';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { type ParsedMail, simpleParser } from 'mailparser';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';

const ROOT = resolve(__dirname, '../../..');
const MAIN = join(ROOT, 'dist/api/apps/api/src/main.js');
const BOARD = join(ROOT, 'dist/board/browser');
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const DEMO_PASSWORD = 'demo';

/** The flags this machine's Chromium needs: headless, as root, and no calls home. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

function freePort(): Promise<number> {
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

/**
 * A hub as `npm start` runs it: the built API serving the built board, on an embedded
 * PostgreSQL with the demo seeded, in a data directory of its own.
 */
export class BoardHub {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
    private readonly dataDir: string,
    readonly output: string[],
  ) {}

  static async start(): Promise<BoardHub> {
    for (const built of [MAIN, join(BOARD, 'index.html')]) {
      if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` first`);
    }
    const dataDir = mkdtempSync(join(tmpdir(), 'vt-e2e-'));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'development',
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_ORIGIN: url,
      DATA_DIR: dataDir,
      BOARD_DIR: BOARD,
      LOG_LEVEL: 'warn',
    };
    delete env['DATABASE_URL'];
    const child = spawn(process.execPath, [MAIN], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const output: string[] = [];
    const hub = new BoardHub(url, child, dataDir, output);
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`the hub did not start:\n${output.join('')}`)), 90_000);
      child.stdout?.on('data', (chunk: Buffer) => {
        output.push(chunk.toString());
        if (output.join('').includes('Verkiezingstafel is running')) {
          clearTimeout(timer);
          done();
        }
      });
      child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.once('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`the hub exited with ${code}:\n${output.join('')}`));
      });
    });
    return hub;
  }

  /** Stops the hub (and with it its PostgreSQL) and removes its data. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const child = this.child;
      await new Promise<void>((done) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          done();
        }, 20_000);
        child.once('exit', () => {
          clearTimeout(timer);
          done();
        });
        child.kill('SIGTERM');
      });
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /**
   * The mails the hub wrote to `.eml` files (demo mode has no SMTP_URL) to `to`, oldest first,
   * parsed as a mail program would; waits until at least `atLeast` have arrived.
   */
  async mailsTo(to: string, atLeast = 1): Promise<ParsedMail[]> {
    const directory = join(this.dataDir, 'mail');
    for (let waited = 0; ; waited += 100) {
      const files = existsSync(directory) ? readdirSync(directory).filter((name) => name.endsWith('.eml')).sort() : [];
      const mails = await Promise.all(files.map((name) => simpleParser(readFileSync(join(directory, name)))));
      const found = mails.filter((mail) => (Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : []).some((a) => a.text.includes(to)));
      if (found.length >= atLeast) return found;
      if (waited > 15_000) throw new Error(`no mail to ${to} in ${directory}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** A bearer token for API calls made by a test to arrange a situation. */
  async token(email: string): Promise<string> {
    const response = await fetch(`${this.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: DEMO_PASSWORD }),
    });
    if (response.status !== 200) throw new Error(`sign-in of ${email}: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { token: string }).token;
  }

  /** An API call as `email` (arranging data; what a user does goes through the board). */
  async api<T>(email: string, method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.url}/api${path}`, {
      method,
      headers: { authorization: `Bearer ${await this.token(email)}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} as ${email}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** A fresh browser context (its own cookies: one user) with a page on the hub. */
export async function openBoard(browser: Browser, hub: BoardHub): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: hub.url, locale: 'nl-NL' });
  const page = await context.newPage();
  return { context, page };
}

/** Signs in through the board's sign-in page, as a user would, and waits for the shell. */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/inloggen');
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('form button[type="submit"]').click();
  await page.getByTestId('account-name').waitFor();
}

/** The WCAG 2.1 A and AA rules axe-core checks on the page as it is now. */
export async function axeViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations.map(
    (v) => `${v.id} (${v.impact ?? 'n/a'}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}
