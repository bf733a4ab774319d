import { Client } from 'pg';
import { assertInOrderOnce, BoardClient } from './support/board-client';
import { ApiProcess, login, PostgresProcess, sleep } from './support/processes';

async function ready(api: ApiProcess): Promise<number> {
  try {
    return (await fetch(`${api.url}/api/health/ready`, { signal: AbortSignal.timeout(3000) })).status;
  } catch {
    return 0;
  }
}

/** Whether readiness comes back to 200 by itself (polled; the 30 s only end a hung test). */
async function readyAgain(api: ApiProcess): Promise<boolean> {
  for (let i = 0; i < 120; i++) {
    if ((await ready(api)) === 200) return true;
    await sleep(250);
  }
  return false;
}

/** Writes until stopped; returns the ids of acknowledged (201) creates. */
function writeLoad(api: ApiProcess, token: string, electionId: string, writers: number) {
  const acked: string[] = [];
  const statuses = new Map<number, number>();
  let stop = false;
  const run = async (n: number) => {
    for (let i = 0; !stop; i++) {
      try {
        const response = await fetch(`${api.url}/api/signals`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ electionId, title: `Storing ${n}-${i}`, description: 'x', category: 'cyber', severity: 'low', marking: 'GREEN' }),
          signal: AbortSignal.timeout(10_000),
        });
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status === 201) acked.push(((await response.json()) as { id: string }).id);
        else await sleep(50);
      } catch {
        await sleep(50);
      }
    }
  };
  const running = Promise.all(Array.from({ length: writers }, (_, n) => run(n)));
  return {
    acked,
    statuses,
    async stop() {
      stop = true;
      await running;
    },
  };
}

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  // A test's own connection may be cut by the faults it causes; that is not a test failure.
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** No half-applied write: every signal has its creation entry, audit event and outbox event. */
async function assertNoHalfWrites(db: Client, ids: string[]): Promise<void> {
  const { rows } = await db.query(
    `SELECT s.id,
            EXISTS (SELECT 1 FROM timeline_entries t WHERE t.signal_id = s.id AND t.data->>'change' = 'created') AS timeline,
            EXISTS (SELECT 1 FROM audit_events a WHERE a.entity_id = s.id::text AND a.action = 'signal.create') AS audit,
            EXISTS (SELECT 1 FROM outbox_events o WHERE o.type = 'signal.created' AND o.data->'signal'->>'id' = s.id::text) AS outbox
       FROM signals s WHERE s.title LIKE 'Storing %'`,
  );
  expect(rows.filter((r: { timeline: boolean; audit: boolean; outbox: boolean }) => !(r.timeline && r.audit && r.outbox))).toEqual([]);
  const stored = new Set(rows.map((r: { id: string }) => r.id));
  expect(ids.filter((id) => !stored.has(id))).toEqual([]);
  const verify = await db.query(`SELECT count(*)::int AS n FROM audit_events`);
  expect(verify.rows[0].n).toBeGreaterThan(0);
}

describe('database faults', () => {
  let pg: PostgresProcess;
  let api: ApiProcess;
  let electionId: string;

  beforeAll(async () => {
    pg = await PostgresProcess.start();
    api = await ApiProcess.start(pg.url, 'api-fault');
    const db = await connect(pg.url);
    electionId = (await db.query(`SELECT id FROM elections WHERE code = 'TK2025'`)).rows[0].id;
    await db.end();
  });

  afterAll(async () => {
    await api?.stop();
    await pg?.destroy();
  });

  it('survives a database restart under load: 503 while it is away, 200 by itself after, nothing half-written, boards without gaps', async () => {
    const token = await login(api, 'voorzitter@bzk.demo');
    const board = new BoardClient([api.url], token);
    await board.start();
    const start = board.last!;
    const load = writeLoad(api, token, electionId, 4);
    while (load.acked.length < 30) await sleep(20);

    await pg.stop();
    let sawUnavailable = false;
    for (let i = 0; i < 50 && !sawUnavailable; i++) {
      sawUnavailable = (await ready(api)) === 503;
      if (!sawUnavailable) await sleep(100);
    }
    expect(sawUnavailable).toBe(true);
    await sleep(1500);
    expect(api.alive).toBe(true);
    await pg.startAgain();

    expect(await readyAgain(api)).toBe(true);
    const before = load.acked.length;
    while (load.acked.length < before + 30) await sleep(20);
    await load.stop();
    expect(api.alive).toBe(true);
    expect(load.statuses.get(500) ?? 0).toBe(0);

    const db = await connect(pg.url);
    await assertNoHalfWrites(db, load.acked);
    const { rows } = await db.query(`SELECT max(position)::int AS p FROM outbox_events`);
    await board.waitFor(rows[0].p);
    board.close();
    assertInOrderOnce(board.delivered);
    const expected = await db.query(
      `SELECT position::int AS p FROM outbox_events WHERE position > $1 AND type = 'signal.created' ORDER BY position`,
      [start],
    );
    expect(board.delivered.filter((d) => d.event === 'signal.created').map((d) => d.position)).toEqual(
      expected.rows.map((r: { p: number }) => r.p),
    );
    await db.end();
  });

  it("recovers by itself when the API's database connections are killed (pg_terminate_backend) under load", async () => {
    const token = await login(api, 'voorzitter@bzk.demo');
    const board = new BoardClient([api.url], token);
    await board.start();
    const start = board.last!;
    const load = writeLoad(api, token, electionId, 4);
    const admin = await connect(pg.url);
    while (load.acked.length < 20) await sleep(20);
    const kill = () =>
      admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE pid <> pg_backend_pid()
            AND (application_name LIKE 'verkiezingstafel-%' OR application_name LIKE 'vt-listen-%')`,
      );
    for (let round = 0; round < 3; round++) {
      expect((await kill()).rowCount).toBeGreaterThan(0);
      const at = load.acked.length;
      while (load.acked.length < at + 15) await sleep(20);
    }
    // An outage: every connection the API opens is killed again, for two seconds. Readiness and
    // the writes caught in it answer 503, never 500; afterwards readiness is 200 by itself.
    const readiness: number[] = [];
    const storm = Date.now() + 2000;
    while (Date.now() < storm) {
      const [answer] = await Promise.all([ready(api), kill()]);
      readiness.push(answer);
    }
    expect(readiness.includes(503) || (load.statuses.get(503) ?? 0) > 0).toBe(true);
    expect(await readyAgain(api)).toBe(true);
    const after = load.acked.length;
    for (let i = 0; i < 3000 && load.acked.length < after + 15; i++) await sleep(20);
    expect(load.acked.length).toBeGreaterThanOrEqual(after + 15);
    await load.stop();
    expect(api.alive).toBe(true);
    expect(await ready(api)).toBe(200);
    expect(load.statuses.get(500) ?? 0).toBe(0);
    await assertNoHalfWrites(admin, load.acked);
    const { rows } = await admin.query(`SELECT max(position)::int AS p FROM outbox_events`);
    await board.waitFor(rows[0].p);
    board.close();
    assertInOrderOnce(board.delivered);
    const expected = await admin.query(
      `SELECT position::int AS p FROM outbox_events WHERE position > $1 AND type = 'signal.created' ORDER BY position`,
      [start],
    );
    expect(board.delivered.filter((d) => d.event === 'signal.created').map((d) => d.position)).toEqual(
      expected.rows.map((r: { p: number }) => r.p),
    );
    await admin.end();
  });
});
