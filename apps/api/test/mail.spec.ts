import { DataSource } from 'typeorm';
import { MailService } from '../src/mail/mail.service';
import { MailWorker } from '../src/mail/mail.worker';
import { ManualClock } from './support/manual-clock';
import { TestSmtpServer } from './support/smtp';
import { startInstance, startTestApp, type TestApp } from './support/test-app';

/*
 * The mail queue against a real SMTP server started here (quality.md: a queued mail is sent
 * exactly once: retried with backoff while the server fails, never lost by a restart, never
 * sent twice by two instances). The clock is the test's: retries fall due when it says so.
 */

interface MailRow {
  id: string;
  status: string;
  attempts: number;
  last_error: string | null;
  body: string | null;
}

async function queue(hub: TestApp, count: number, kind = 'test'): Promise<string[]> {
  const mail = hub.app.get(MailService);
  const db = hub.app.get(DataSource);
  return db.transaction(async (tx) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      ids.push(await mail.enqueue(tx, { kind, to: `ontvanger${i}@gemeente.example`, subject: `Bericht ${i}`, text: `Tekst van bericht ${i}\nmet een tweede regel en é ü.` }));
    }
    return ids;
  });
}

async function mailRow(hub: TestApp, id: string): Promise<MailRow> {
  const [row] = (await hub.db.query(`SELECT id, status, attempts, last_error, body FROM mails WHERE id = $1`, [id])) as MailRow[];
  if (!row) throw new Error(`no mail ${id}`);
  return row;
}

async function attemptsOf(hub: TestApp, id: string): Promise<{ outcome: string | null; error: string | null }[]> {
  return (await hub.db.query(`SELECT outcome, error FROM mail_attempts WHERE mail_id = $1 ORDER BY id`, [id])) as { outcome: string | null; error: string | null }[];
}

/** Runs the worker until a pass sends nothing more that is due now. */
async function drainAll(...hubs: TestApp[]): Promise<void> {
  for (let guard = 0; guard < 50; guard++) {
    const results = await Promise.all(hubs.map((hub) => hub.app.get(MailWorker).drain()));
    if (results.every((result) => result.attempted === 0)) return;
  }
  throw new Error('the mail queue never ran dry');
}

describe('mail queue', () => {
  let smtp: TestSmtpServer;
  const hubs: TestApp[] = [];

  beforeEach(async () => {
    smtp = await TestSmtpServer.start();
  });

  afterEach(async () => {
    for (const hub of hubs.splice(0)) await hub.close();
    await smtp.close();
  });

  async function hub(clock: ManualClock, env: Record<string, string> = {}): Promise<TestApp> {
    const started = await startTestApp({ SMTP_URL: smtp.url, MAIL_FROM: 'Verkiezingstafel <noreply@verkiezingstafel.example>', ...env }, [clock.provider()]);
    hubs.push(started);
    return started;
  }

  it('sends a queued mail to its address with its subject, text, sender and a stable Message-ID, once', async () => {
    const clock = new ManualClock();
    const app = await hub(clock);
    const [id] = await queue(app, 1);
    await drainAll(app);
    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail!.to).toEqual(['ontvanger0@gemeente.example']);
    expect(mail!.from).toBe('noreply@verkiezingstafel.example');
    expect(mail!.headers['subject']).toBe('Bericht 0');
    expect(mail!.text).toContain('Tekst van bericht 0\nmet een tweede regel en é ü.');
    expect(mail!.headers['message-id']).toBe(`<${id}@verkiezingstafel.example>`);
    const row = await mailRow(app, id!);
    expect(row).toMatchObject({ status: 'sent', attempts: 1, last_error: null, body: null });
    expect(await attemptsOf(app, id!)).toEqual([{ outcome: 'sent', error: null }]);
  });

  it('keeps the body sealed at rest while the mail waits', async () => {
    const app = await hub(new ManualClock());
    const worker = app.app.get(MailWorker);
    // Hold the worker: a pass of its own queued first, while the server refuses.
    smtp.refuse(1);
    const [id] = await queue(app, 1);
    await worker.drain();
    const queued = await mailRow(app, id!);
    expect(queued.status).toBe('queued');
    expect(queued.body).not.toContain('Tekst van bericht');
    expect(queued.body).toMatch(/^v1\./);
  });

  it('retries a server that refuses the first attempts, with growing waits, until it accepts: no mail lost or sent twice', async () => {
    const clock = new ManualClock();
    const app = await hub(clock, { MAIL_RETRY_BASE_SECONDS: '30' });
    smtp.refuse(2, 451, '4.3.2 Try again later');
    const [id] = await queue(app, 1);
    await drainAll(app);
    expect(await mailRow(app, id!)).toMatchObject({ status: 'queued', attempts: 1 });
    expect((await mailRow(app, id!)).last_error).toContain('Try again later');

    // Not yet due: 29 s after the first attempt nothing is tried.
    clock.advanceSeconds(29);
    await drainAll(app);
    expect(smtp.attempts).toBe(1);

    clock.advanceSeconds(2);
    await drainAll(app);
    expect(await mailRow(app, id!)).toMatchObject({ status: 'queued', attempts: 2 });

    // The second wait is twice the first.
    clock.advanceSeconds(59);
    await drainAll(app);
    expect(smtp.attempts).toBe(2);
    clock.advanceSeconds(2);
    await drainAll(app);

    expect(await mailRow(app, id!)).toMatchObject({ status: 'sent', attempts: 3, last_error: null });
    expect(smtp.received).toHaveLength(1);
    expect((await attemptsOf(app, id!)).map((attempt) => attempt.outcome)).toEqual(['retry', 'retry', 'sent']);
  });

  it('records an unreachable server as an attempt with its error and keeps the mail queued', async () => {
    const clock = new ManualClock();
    const closed = await TestSmtpServer.start();
    const url = closed.url;
    await closed.close();
    const app = await hub(clock, { SMTP_URL: url });
    const [id] = await queue(app, 1);
    await drainAll(app);
    const row = await mailRow(app, id!);
    expect(row).toMatchObject({ status: 'queued', attempts: 1 });
    expect(row.last_error).toMatch(/ECONNREFUSED|connect/i);
    expect(smtp.received).toHaveLength(0);
  });

  it('gives up on a permanent refusal (5xx) at once and shows it as failed', async () => {
    const app = await hub(new ManualClock());
    smtp.refuse(1, 550, '5.1.1 No such mailbox');
    const [id] = await queue(app, 1);
    await drainAll(app);
    const row = await mailRow(app, id!);
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row.last_error).toContain('No such mailbox');
  });

  it('gives up after MAIL_MAX_ATTEMPTS attempts', async () => {
    const clock = new ManualClock();
    const app = await hub(clock, { MAIL_MAX_ATTEMPTS: '3', MAIL_RETRY_BASE_SECONDS: '1', MAIL_RETRY_MAX_SECONDS: '1' });
    smtp.refuse(10);
    const [id] = await queue(app, 1);
    for (let i = 0; i < 5; i++) {
      await drainAll(app);
      clock.advanceSeconds(2);
    }
    expect(await mailRow(app, id!)).toMatchObject({ status: 'failed', attempts: 3 });
    expect(smtp.attempts).toBe(3);
  });

  it('sends each mail once when two instances work the same queue', async () => {
    const clock = new ManualClock();
    const first = await hub(clock);
    const second = await startInstance(first.databaseUrl, { SMTP_URL: smtp.url }, [clock.provider()]);
    hubs.push(second);
    smtp.delayMs = 20;
    const ids = await queue(first, 40);
    await drainAll(first, second);
    const messageIds = smtp.received.map((mail) => mail.headers['message-id']);
    expect(messageIds).toHaveLength(40);
    expect(new Set(messageIds).size).toBe(40);
    const rows = (await first.db.query(`SELECT status, attempts FROM mails WHERE id = ANY($1::uuid[])`, [ids])) as { status: string; attempts: number }[];
    expect(rows.every((row) => row.status === 'sent' && row.attempts === 1)).toBe(true);
    const instances = (await first.db.query(`SELECT DISTINCT instance FROM mail_attempts WHERE mail_id = ANY($1::uuid[])`, [ids])) as unknown[];
    // Both took part, which is what makes "once" meaningful here.
    expect(instances.length).toBe(2);
  });

  it('sends after a restart what was queued before it, once', async () => {
    const clock = new ManualClock();
    const first = await hub(clock);
    smtp.refuse(1);
    const [id] = await queue(first, 1);
    await drainAll(first);
    expect(await mailRow(first, id!)).toMatchObject({ status: 'queued', attempts: 1 });
    const databaseUrl = first.databaseUrl;
    await hubs.splice(hubs.indexOf(first), 1)[0]!.close();

    clock.advanceSeconds(3600);
    const restarted = await startInstance(databaseUrl, { SMTP_URL: smtp.url }, [clock.provider()]);
    hubs.push(restarted);
    await drainAll(restarted);
    expect(await mailRow(restarted, id!)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(smtp.received).toHaveLength(1);
  });

  it('sends the mail of an instance that stopped while sending it, once, and records that attempt as interrupted', async () => {
    const clock = new ManualClock();
    const app = await hub(clock);
    smtp.refuse(1);
    const [id] = await queue(app, 1);
    await drainAll(app);
    // What a process killed between recording its attempt and committing the outcome leaves behind.
    await app.db.query(`INSERT INTO mail_attempts (mail_id, instance, started_at) VALUES ($1, 'killed', now())`, [id]);
    clock.advanceSeconds(3600);
    await drainAll(app);
    expect(smtp.received).toHaveLength(1);
    expect((await attemptsOf(app, id!)).map((attempt) => attempt.outcome)).toEqual(['retry', 'interrupted', 'sent']);
    expect(await mailRow(app, id!)).toMatchObject({ status: 'sent', attempts: 3 });
  });

  it('queues nothing when the change it belongs to rolls back', async () => {
    const app = await hub(new ManualClock());
    const mail = app.app.get(MailService);
    const db = app.app.get(DataSource);
    await expect(
      db.transaction(async (tx) => {
        await mail.enqueue(tx, { kind: 'test', to: 'a@b.example', subject: 'Nooit', text: 'Nooit verstuurd' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await drainAll(app);
    expect(smtp.received).toHaveLength(0);
    expect(await app.db.query(`SELECT count(*)::int AS n FROM mails`)).toEqual([{ n: 0 }]);
  });

  it('refuses a header line break in an address or subject instead of sending it', async () => {
    const app = await hub(new ManualClock());
    const mail = app.app.get(MailService);
    const db = app.app.get(DataSource);
    await expect(
      db.transaction((tx) => mail.enqueue(tx, { kind: 'test', to: 'a@b.example', subject: 'Hallo\r\nBcc: x@y.example', text: '' })),
    ).rejects.toThrow(/line break/);
  });
});
