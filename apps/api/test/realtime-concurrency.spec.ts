import {
  eventPositionsOf,
  highestPosition,
  type OutboxRow,
  outboxAfter,
  readyPosition,
  replayOf,
  restClient,
  signalEventsOf,
  waitUntil,
} from './support/realtime-harness';
import { Client } from 'pg';
import { connectSocket, type TestSocket } from './support/sockets';
import { startTestApp, type TestApp } from './support/test-app';

/*
 * realtime.md: concurrent transactions commit out of position order; the channel must still
 * deliver every committed event once, in position order, with no gap, live and after a resume.
 * The oracle is the outbox table (what committed) and the HTTP answers (what was acknowledged),
 * never the socket itself.
 */

/** Users who may raise GREEN signals; each writes through two sessions: 20 concurrent writers. */
const WRITER_EMAILS = [
  'voorzitter@bzk.demo',
  'flagger@bzk.demo',
  'liaison@aivd.demo',
  'liaison@nctv.demo',
  'liaison@ncsc.demo',
  'liaison@kiesraad.demo',
  'liaison@acm.demo',
  'ambtenaar@amsterdam.demo',
  'ambtenaar@rotterdam.demo',
  'ambtenaar@utrecht.demo',
] as const;
const SESSIONS_PER_WRITER = 2;
const CHANGES_PER_WRITER = 10;

interface Writer {
  email: string;
  token: string;
  /** A signal of this user's agency that both of its sessions edit at once (version races: 409s). */
  hotSignal: string;
}

interface LoadResult {
  /** Writes answered 2xx: each must be exactly one event on every board. */
  acknowledged: number;
  conflicts: number;
  failures: string[];
}

function isStrictlyIncreasing(values: number[]): boolean {
  return values.every((value, i) => i === 0 || value > values[i - 1]!);
}

function duplicatesOf(values: number[]): number[] {
  return values.filter((value, i) => values.indexOf(value) !== i);
}

describe('realtime under many concurrent writers', () => {
  let hub: TestApp;
  let electionId: string;
  let writers: Writer[];

  beforeAll(async () => {
    hub = await startTestApp();
    [{ id: electionId }] = (await hub.db.query(`SELECT id FROM elections WHERE code = 'TK2025'`)) as { id: string }[];
    writers = [];
    for (const email of WRITER_EMAILS) {
      const tokens: string[] = [];
      for (let s = 0; s < SESSIONS_PER_WRITER; s++) tokens.push(await hub.login(email));
      const hot = await restClient(hub, tokens[0]!).post('/api/signals', {
        electionId,
        title: `Gedeeld signaal ${email}`,
        description: '',
        category: 'other',
        severity: 'low',
        marking: 'GREEN',
      });
      if (hot.status !== 201) throw new Error(`arranging a signal as ${email} answered ${hot.status}: ${JSON.stringify(hot.body)}`);
      for (const token of tokens) writers.push({ email, token, hotSignal: (hot.body as { id: string }).id });
    }
  });
  afterAll(async () => {
    await hub?.close();
  });

  async function currentVersion(id: string): Promise<number> {
    const [row] = (await hub.db.query(`SELECT version FROM signals WHERE id = $1`, [id])) as { version: number }[];
    return row!.version;
  }

  /**
   * Every writer at once (Promise.all), each making CHANGES_PER_WRITER GREEN changes in a row:
   * creates, edits of its own new signals, and edits of a signal its other session edits too.
   */
  async function runLoad(label: string, onAcknowledged: (count: number) => void = () => undefined): Promise<LoadResult> {
    const result: LoadResult = { acknowledged: 0, conflicts: 0, failures: [] };
    const acknowledge = () => onAcknowledged(++result.acknowledged);
    await Promise.all(
      writers.map(async (writer, w) => {
        const client = restClient(hub, writer.token);
        let own: { id: string; version: number } | null = null;
        for (let i = 0; i < CHANGES_PER_WRITER; i++) {
          if (i === 5 || i === 9) {
            const r = await client.patch(`/api/signals/${writer.hotSignal}`, {
              version: await currentVersion(writer.hotSignal),
              description: `${label} w${w} c${i}`,
            });
            if (r.status === 200) acknowledge();
            else if (r.status === 409) result.conflicts++;
            else result.failures.push(`${writer.email} PATCH hot -> ${r.status} ${JSON.stringify(r.body)}`);
          } else if (i % 2 === 0 || own === null) {
            const r = await client.post('/api/signals', {
              electionId,
              title: `${label} w${w} c${i}`,
              description: 'Gelijktijdige schrijver',
              category: 'disinformation',
              severity: 'medium',
              marking: 'GREEN',
            });
            if (r.status === 201) {
              const body = r.body as { id: string; version: number };
              own = { id: body.id, version: body.version };
              acknowledge();
            } else {
              result.failures.push(`${writer.email} POST -> ${r.status} ${JSON.stringify(r.body)}`);
            }
          } else {
            const r = await client.patch(`/api/signals/${own.id}`, { version: own.version, severity: i % 4 === 1 ? 'high' : 'low' });
            if (r.status === 200) {
              own.version = (r.body as { version: number }).version;
              acknowledge();
            } else {
              result.failures.push(`${writer.email} PATCH own -> ${r.status} ${JSON.stringify(r.body)}`);
            }
          }
        }
      }),
    );
    return result;
  }

  /** The socket's `signal.*` events must be exactly these outbox events: same positions, ids, versions. */
  function expectSameEvents(socket: TestSocket, outbox: OutboxRow[]): void {
    const got = signalEventsOf(socket).map((r) => {
      const data = r.payload.data as { id: string; version?: number };
      return { position: r.payload.position, type: r.payload.type, id: data.id, version: data.version };
    });
    expect(got).toEqual(outbox.map((e) => ({ position: e.position, type: e.type, id: e.signalId, version: e.version })));
  }

  it(`${WRITER_EMAILS.length * SESSIONS_PER_WRITER} concurrent writers: a live socket gets every committed event once, in order, without gaps; a resumed one every signal changed while away, once, as it is now`, async () => {
    expect(writers.length).toBeGreaterThanOrEqual(20);
    const chair = await hub.login('voorzitter@bzk.demo');
    const utrecht = await hub.login('ambtenaar@utrecht.demo');
    const observer = await hub.login('waarnemer@ec.demo');

    // (a) live throughout the load.
    const live = await connectSocket(hub.url, chair);
    const start = await readyPosition(live);
    // (b) connected for a position, gone during the whole load, resumed after it.
    const away = await connectSocket(hub.url, utrecht);
    const awayFrom = await readyPosition(away);
    away.close();
    // (c) live at the start, disconnected and resumed (handshake `after`) in the middle of the load.
    const midFirst = await connectSocket(hub.url, observer);
    const midFrom = await readyPosition(midFirst);
    let midSecond: TestSocket | null = null;
    let midSwitch: Promise<void> | null = null;
    let midCut = -1;
    const total = writers.length * CHANGES_PER_WRITER;

    const load = await runLoad('live', (acknowledged) => {
      if (acknowledged === Math.floor(total / 3) && midSwitch === null) {
        midSwitch = (async () => {
          midFirst.close();
          midCut = highestPosition(midFirst);
          midSecond = await connectSocket(hub.url, observer, { after: midCut });
        })();
      }
    });
    expect(load.failures).toEqual([]);
    expect(midSwitch).not.toBeNull();
    await midSwitch;

    // What committed: every `signal.*` event after the start. All GREEN: every test socket may see all of them.
    const committed = await outboxAfter(hub, start);
    expect(committed.every((e) => e.marking === 'GREEN')).toBe(true);
    // Every acknowledged write is exactly one committed event (and nothing else was written).
    expect(committed).toHaveLength(load.acknowledged);
    expect(load.acknowledged + load.conflicts).toBe(total);
    const last = committed[committed.length - 1]!.position;

    // (a) The live socket: exactly the committed positions, strictly increasing.
    await waitUntil(() => highestPosition(live) >= last, 30_000);
    const livePositions = eventPositionsOf(live);
    expect(duplicatesOf(livePositions)).toEqual([]);
    expect(isStrictlyIncreasing(livePositions)).toBe(true);
    expect(livePositions).toEqual(committed.map((e) => e.position));
    expectSameEvents(live, committed);

    // (b) Resumed after the load from its old position: every signal changed meanwhile, once,
    // as it is now, at the position of its last change, in that order.
    const back = await connectSocket(hub.url, utrecht, { after: awayFrom });
    const backReady = await readyPosition(back, 30_000);
    expect(backReady).toBeGreaterThanOrEqual(last);
    expectSameEvents(back, replayOf(await outboxAfter(hub, awayFrom)));
    expect(isStrictlyIncreasing(eventPositionsOf(back))).toBe(true);

    // (c) Resumed mid-load: what the first connection got, then the replay of what it missed,
    // then live: once each, in order, no gap in the live parts.
    expect(midSecond).not.toBeNull();
    const second = midSecond as unknown as TestSocket;
    await waitUntil(() => highestPosition(second) >= last, 30_000);
    // The `ready` of the resumed socket comes after its replay and before its live events.
    const readyIndex = second.received.findIndex((r) => r.event === 'ready');
    expect(readyIndex).toBeGreaterThanOrEqual(0);
    const readyAt = (second.received[readyIndex]!.payload as { position: number }).position;
    const midPositions = [...eventPositionsOf(midFirst), ...eventPositionsOf(second)];
    expect(duplicatesOf(midPositions)).toEqual([]);
    expect(isStrictlyIncreasing(midPositions)).toBe(true);
    const sinceMid = await outboxAfter(hub, midFrom);
    expect(midPositions).toEqual([
      ...sinceMid.filter((e) => e.position <= midCut),
      ...replayOf(sinceMid.filter((e) => e.position > midCut && e.position <= readyAt)),
      ...sinceMid.filter((e) => e.position > readyAt),
    ].map((e) => e.position));
    expect(eventPositionsOf(midFirst).every((p) => p <= midCut)).toBe(true);
    expect(second.received.slice(0, readyIndex).every((r) => (r.payload.position as number) <= readyAt)).toBe(true);
    expect(second.received.slice(readyIndex + 1).every((r) => (r.payload.position as number) > readyAt)).toBe(true);

    for (const s of [live, back, second]) s.close();
  }, 120_000);

  it('a live socket that sends resume { after: last seen } during the load still gets every event once, in order', async () => {
    const kiesraad = await hub.login('liaison@kiesraad.demo');
    const socket = await connectSocket(hub.url, kiesraad);
    const start = await readyPosition(socket);
    const total = writers.length * CHANGES_PER_WRITER;
    const resumes: number[] = [];
    const load = await runLoad('resume', (acknowledged) => {
      // Four times during the load, as a client does after a hiccup: "I have everything up to here".
      if (acknowledged % Math.floor(total / 5) === 0 && resumes.length < 4) {
        const after = highestPosition(socket) || start;
        resumes.push(after);
        socket.socket.emit('resume', { after });
      }
    });
    expect(load.failures).toEqual([]);
    const committed = await outboxAfter(hub, start);
    expect(committed).toHaveLength(load.acknowledged);
    const last = committed[committed.length - 1]!.position;
    await waitUntil(() => highestPosition(socket) >= last && socket.received.filter((r) => r.event === 'ready').length > resumes.length, 30_000);
    expect(resumes).toHaveLength(4);
    const positions = eventPositionsOf(socket);
    expect(duplicatesOf(positions)).toEqual([]);
    expect(isStrictlyIncreasing(positions)).toBe(true);
    expect(positions).toEqual(committed.map((e) => e.position));
    expect(socket.received.some((r) => r.event === 'resync')).toBe(false);
    socket.close();
  }, 120_000);

  it('an event that took its position first but commits last is not skipped: later writes wait for it and arrive after it', async () => {
    const chair = await hub.login('voorzitter@bzk.demo');
    const nctv = writers.find((w) => w.email === 'liaison@nctv.demo')!.token;
    const template = await restClient(hub, nctv).post('/api/signals', { electionId, title: 'Sjabloon', description: '', category: 'other', severity: 'low', marking: 'GREEN' });
    expect(template.status).toBe(201);
    // The template committed before this socket went live: its ready position is past it.
    const live = await connectSocket(hub.url, chair);
    const from = await readyPosition(live);

    // A transaction of its own takes the next position and stays open...
    const early = new Client({ connectionString: hub.databaseUrl });
    await early.connect();
    const earlyPid = ((await early.query('SELECT pg_backend_pid() AS pid')).rows[0] as { pid: number }).pid;
    let late: Promise<{ status: number; body: unknown }>;
    try {
      await early.query('BEGIN');
      await early.query(
        `INSERT INTO outbox_events (position, type, data)
         SELECT 0, type, jsonb_set(data, '{signal,title}', '"Eerst begonnen, laatst klaar"') FROM outbox_events
          WHERE type = 'signal.created' AND data #>> '{signal,id}' = $1`,
        [(template.body as { id: string }).id],
      );
      // ...while a write through the API starts after it and would commit first if it could.
      late = restClient(hub, nctv).post('/api/signals', { electionId, title: 'Later begonnen', description: '', category: 'other', severity: 'low', marking: 'GREEN' });
      const waiting = async () =>
        Number(((await hub.db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> $1`, [earlyPid])) as { n: number }[])[0]!.n);
      expect(await waitUntil(async () => (await waiting()) >= 1)).toBe(true);
      await early.query('COMMIT');
    } finally {
      await early.end();
    }
    expect((await late).status).toBe(201);

    const titles = (socket: TestSocket) =>
      signalEventsOf(socket)
        .filter((r) => (r.payload.position as number) > from)
        .map((r) => [r.payload.position, (r.payload.data as { title: string }).title]);
    const committed = (await outboxAfter(hub, from)).map((e) => e.position);
    expect(committed).toHaveLength(2);
    await live.waitFor((r) => r.payload.position === committed[1]);
    const resumed = await connectSocket(hub.url, chair, { after: from });
    await readyPosition(resumed);
    const expected = [
      [committed[0], 'Eerst begonnen, laatst klaar'],
      [committed[1], 'Later begonnen'],
    ];
    expect(titles(live)).toEqual(expected);
    expect(titles(resumed)).toEqual(expected);
    live.close();
    resumed.close();
  });

  describe('resume after a pruned position', () => {
    async function createGreen(token: string, title: string): Promise<string> {
      const r = await restClient(hub, token).post('/api/signals', { electionId, title, description: '', category: 'other', severity: 'low', marking: 'GREEN' });
      expect(r.status).toBe(201);
      return (r.body as { id: string }).id;
    }

    async function prune(through: number): Promise<void> {
      await hub.db.query(`DELETE FROM outbox_events WHERE position <= $1`, [through]);
      await hub.db.query(
        `INSERT INTO app_meta (key, value) VALUES ('outbox_pruned_through', to_jsonb($1::bigint))
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
        [through],
      );
    }

    it('answers resync (retention) instead of a partial replay, and the board can resume from its position', async () => {
      const nctv = await hub.login('liaison@nctv.demo');
      const chair = await hub.login('voorzitter@bzk.demo');
      const first = await connectSocket(hub.url, chair);
      const from = await readyPosition(first);
      first.close();
      const ids = [await createGreen(nctv, 'Voor prune 1'), await createGreen(nctv, 'Voor prune 2'), await createGreen(nctv, 'Na prune')];
      const events = await outboxAfter(hub, from);
      expect(events.map((e) => e.signalId)).toEqual(ids);
      const prunedThrough = events[1]!.position;
      await prune(prunedThrough);

      // Handshake `after` older than the retention window: resync, nothing replayed, no ready.
      const stale = await connectSocket(hub.url, chair, { after: from });
      const resync = await stale.waitFor((r) => r.event === 'resync');
      expect(resync.payload).toMatchObject({ reason: 'retention' });
      const resyncAt = (resync.payload as { position: number }).position;
      expect(resyncAt).toBeGreaterThanOrEqual(events[2]!.position);
      expect(signalEventsOf(stale)).toEqual([]);
      expect(stale.received.some((r) => r.event === 'ready')).toBe(false);

      // After reloading over REST the board resumes from the resync position and is live again.
      stale.socket.emit('resume', { after: resyncAt });
      const readyAgain = await stale.waitFor((r) => r.event === 'ready');
      expect((readyAgain.payload as { position: number }).position).toBe(resyncAt);
      const later = await createGreen(nctv, 'Na resync');
      await stale.waitFor((r) => r.event === 'signal.created' && (r.payload.data as { id: string }).id === later);
      expect(signalEventsOf(stale).map((r) => (r.payload.data as { id: string }).id)).toEqual([later]);
      stale.close();
    });

    it('answers resync to a resume message that asks for a pruned position', async () => {
      const [{ through }] = (await hub.db.query(
        `SELECT (value #>> '{}')::bigint AS through FROM app_meta WHERE key = 'outbox_pruned_through'`,
      )) as { through: string }[];
      const socket = await connectSocket(hub.url, await hub.login('liaison@aivd.demo'));
      await readyPosition(socket);
      socket.socket.emit('resume', { after: Number(through) - 1 });
      const resync = await socket.waitFor((r) => r.event === 'resync');
      expect(resync.payload).toMatchObject({ reason: 'retention' });
      expect(signalEventsOf(socket)).toEqual([]);
      socket.close();
    });

    it('still replays from exactly the pruned-through position (the oldest resumable one)', async () => {
      const nctv = await hub.login('liaison@nctv.demo');
      const chair = await hub.login('voorzitter@bzk.demo');
      const probe = await connectSocket(hub.url, chair);
      const from = await readyPosition(probe);
      probe.close();
      const gone = await createGreen(nctv, 'Wordt geprunet');
      const kept = await createGreen(nctv, 'Blijft');
      const events = await outboxAfter(hub, from);
      expect(events.map((e) => e.signalId)).toEqual([gone, kept]);
      await prune(events[0]!.position);

      const resumed = await connectSocket(hub.url, chair, { after: events[0]!.position });
      await readyPosition(resumed);
      expect(resumed.received.some((r) => r.event === 'resync')).toBe(false);
      expect(signalEventsOf(resumed).map((r) => ({ position: r.payload.position, id: (r.payload.data as { id: string }).id }))).toEqual([
        { position: events[1]!.position, id: kept },
      ]);
      resumed.close();
    });
  });
});
