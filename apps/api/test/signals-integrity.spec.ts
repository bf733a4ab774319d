import { Client } from 'pg';
import type { Response } from 'supertest';
import { Factory, measureBody, signalBody as newSignalBody } from './support/factories';
import { auditOf, expectProblem, rowCounts, type Session, signalsFromDb } from './support/hub-helpers';
import type { TestApp } from './support/test-app';
import {
  ACM,
  ADMIN,
  AIVD,
  AMSTERDAM,
  CHAIR,
  DEMO,
  FLAGGER,
  KIESRAAD,
  NCSC,
  NCTV,
  OBSERVER,
  ROTTERDAM,
} from './support/visibility-oracle';

/*
 * The integrity of the signals feature over HTTP on the real database: optimistic locking,
 * Idempotency-Key, the lifecycle of domain.md, the timeline, measures, input limits and
 * references, markings, and elections (contract.md, visibility.md, quality.md).
 */

type Body = Record<string, unknown>;

interface SignalBody {
  id: string;
  version: number;
  status: string;
  [field: string]: unknown;
}

interface TimelineItem {
  id: string;
  kind: string;
  text: string;
  marking: string;
  authorId: string;
  authorName: string;
  authorAgency: string;
  data: Record<string, unknown> | null;
  createdAt: string;
}

interface MeasureBody {
  id: string;
  ownerAgency: string;
  dueDate: string | null;
  dueMilestone: string | null;
  dueOn: string | null;
  overdue: boolean;
  status: string;
  version: number;
}

/** Waits for a condition of the database (never asserts on time; the deadline only ends a hung test). */
async function until(what: string, condition: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 2000; attempt++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`never happened: ${what}`);
}

/** Starts a request now and gives its response later. */
function started(request: PromiseLike<Response>): Promise<Response> {
  return Promise.resolve(request);
}

describe('signals: integrity over HTTP', () => {
  let hub: TestApp;
  let as: Record<string, Session>;
  let electionId: string;
  /** A direct connection of its own, for holding locks while requests wait behind them. */
  let locker: Client;

  let f: Factory;

  beforeAll(async () => {
    f = await Factory.start();
    ({ hub, as } = f);
    electionId = (
      await f.newElection({
        code: 'TK2099-INTEGRITEIT',
        milestones: [
          { code: 'candidate_nomination', date: '2000-01-10' },
          { code: 'polling_day', date: '2099-03-18' },
        ],
      })
    ).id;
    f.useElection(electionId);
    locker = new Client({ connectionString: hub.databaseUrl });
    await locker.connect();
  });

  afterAll(async () => {
    await locker?.end();
    await hub?.close();
  });

  const http = () => hub.http();

  const SIGNAL: Body = {
    title: 'Oproep om de naam van de lijsttrekker op het stembiljet te schrijven',
    description:
      'Berichten roepen kiezers op de naam van de lijsttrekker op het biljet te schrijven: de stem is dan ongeldig.',
    category: 'process_integrity',
    severity: 'high',
    marking: 'GREEN',
  };

  /** The body of a new signal, for the POSTs that are the behaviour under test. */
  function signalBody(extra: Body = {}): Body {
    return newSignalBody(electionId, { ...SIGNAL, ...extra });
  }

  /** A signal to arrange a test with. */
  async function raise(by: string, extra: Body = {}): Promise<SignalBody> {
    return (await f.newSignal(by, { ...SIGNAL, ...extra })) as SignalBody;
  }

  async function get(by: string, id: string): Promise<Response> {
    return http().get(`/api/signals/${id}`).set(as[by]!.auth);
  }

  function move(by: string, id: string, to: string, version: number, note?: string) {
    return http()
      .post(`/api/signals/${id}/transitions`)
      .set(as[by]!.auth)
      .send({ to, version, ...(note === undefined ? {} : { note }) });
  }

  async function timeline(by: string, id: string): Promise<TimelineItem[]> {
    const response = await http().get(`/api/signals/${id}/timeline`).set(as[by]!.auth);
    if (response.status !== 200)
      throw new Error(`timeline as ${by}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body as TimelineItem[];
  }

  async function versionOf(id: string): Promise<number> {
    const [row] = (await hub.db.query(`SELECT version FROM signals WHERE id = $1`, [id])) as {
      version: number;
    }[];
    return row!.version;
  }

  async function signalCount(): Promise<number> {
    const [row] = (await hub.db.query(`SELECT count(*)::int AS n FROM signals`)) as { n: number }[];
    return row!.n;
  }

  /** Backends of this database waiting for a lock while running a statement like `pattern`. */
  async function waitingOnLock(pattern: string): Promise<number> {
    const [row] = (await hub.db.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE $1`,
      [pattern],
    )) as { n: number }[];
    return row!.n;
  }

  /** Holds a row lock on the signal while `work` runs; writers of that row wait behind it. */
  async function whileRowLocked<T>(id: string, work: () => Promise<T>): Promise<T> {
    await locker.query('BEGIN');
    try {
      await locker.query(`SELECT 1 FROM signals WHERE id = $1 FOR UPDATE`, [id]);
      return await work();
    } finally {
      await locker.query('COMMIT');
    }
  }

  describe('optimistic locking', () => {
    it('answers a PATCH with a stale version with a 409 problem carrying the current record, redacted for that reader', async () => {
      const signal = await raise(AIVD, {
        marking: 'AMBER',
        leadAgency: 'NCTV',
        source: 'Eigen waarneming van de dienst',
      });
      const first = await http()
        .patch(`/api/signals/${signal.id}`)
        .set(as[AIVD]!.auth)
        .send({ version: 1, severity: 'critical' });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ version: 2, severity: 'critical' });

      // The lead agency's liaison edits from version 1: refused, and told what the signal is now.
      const stale = await http()
        .patch(`/api/signals/${signal.id}`)
        .set(as[NCTV]!.auth)
        .send({ version: 1, severity: 'low' });
      expectProblem(stale, 409, 'version');
      const current = (stale.body as { current: SignalBody }).current;
      expect(stale.body).toMatchObject({ code: 'version_conflict' });
      expect(current).toEqual((await get(NCTV, signal.id)).body);
      expect(current).toMatchObject({ id: signal.id, version: 2, severity: 'critical' });
      expect(current).not.toHaveProperty('source');

      // The owner's conflict carries the owner's view, source included.
      const ownerStale = await http()
        .patch(`/api/signals/${signal.id}`)
        .set(as[AIVD]!.auth)
        .send({ version: 1, title: 'Te laat' });
      expectProblem(ownerStale, 409, 'version');
      expect((ownerStale.body as { current: SignalBody }).current).toEqual(
        (await get(AIVD, signal.id)).body,
      );
      expect((ownerStale.body as { current: SignalBody }).current).toHaveProperty(
        'source',
        'Eigen waarneming van de dienst',
      );

      const [stored] = await signalsFromDb(hub, 'id = $1', [signal.id]);
      expect(stored).toMatchObject({ version: 2, severity: 'critical', title: signal['title'] });
    });

    it("lets exactly one of two PATCHes from the same version win; the other gets a 409 with the winner's record", async () => {
      const signal = await raise(AIVD, { leadAgency: 'NCTV' });
      const before = await rowCounts(hub);
      const [a, b] = await whileRowLocked(signal.id, async () => {
        const first = started(
          http()
            .patch(`/api/signals/${signal.id}`)
            .set(as[AIVD]!.auth)
            .send({ version: 1, severity: 'critical' }),
        );
        const second = started(
          http()
            .patch(`/api/signals/${signal.id}`)
            .set(as[NCTV]!.auth)
            .send({ version: 1, severity: 'low' }),
        );
        // Both have read version 1 and wait to write it: a real race.
        await until(
          'both PATCHes wait on the row',
          async () => (await waitingOnLock('%UPDATE signals SET%')) === 2,
        );
        return [first, second];
      });
      const responses = [await a, await b];
      expect(responses.map((r) => r.status).sort()).toEqual([200, 409]);
      const winner = responses.find((r) => r.status === 200)!;
      const loser = responses.find((r) => r.status === 409)!;
      expectProblem(loser, 409, 'version');
      expect((loser.body as { current: SignalBody }).current).toMatchObject({
        version: 2,
        severity: (winner.body as SignalBody)['severity'],
      });
      expect(await versionOf(signal.id)).toBe(2);
      const after = await rowCounts(hub);
      expect(after.audit_events - before.audit_events).toBe(1);
      expect(after.timeline_entries - before.timeline_entries).toBe(1);
      expect(after.outbox_events - before.outbox_events).toBe(1);
    });

    it('lets exactly one of two transitions from the same version win', async () => {
      const signal = await raise(NCSC);
      const [a, b] = await whileRowLocked(signal.id, async () => {
        const triage = started(move(CHAIR, signal.id, 'triaged', 1));
        const reject = started(
          move(CHAIR, signal.id, 'rejected', 1, 'Geen signaal voor deze tafel'),
        );
        await until(
          'both transitions wait on the row',
          async () => (await waitingOnLock('%UPDATE signals SET%')) === 2,
        );
        return [triage, reject];
      });
      const responses = [await a, await b];
      expect(responses.map((r) => r.status).sort()).toEqual([200, 409]);
      const winner = responses.find((r) => r.status === 200)!.body as SignalBody;
      const loser = responses.find((r) => r.status === 409)!;
      expectProblem(loser, 409, 'version');
      expect((loser.body as { current: SignalBody }).current).toMatchObject({
        status: winner.status,
        version: 2,
      });
      const transitions = (await timeline(NCSC, signal.id)).filter(
        (e) => e.data?.['change'] === 'transition',
      );
      expect(transitions).toHaveLength(1);
    });

    it('answers a transition with a stale version with a 409 carrying the current record', async () => {
      const signal = await raise(KIESRAAD);
      expect((await move(CHAIR, signal.id, 'triaged', 1)).status).toBe(200);
      const stale = await move(KIESRAAD, signal.id, 'in_progress', 1);
      expectProblem(stale, 409, 'version');
      expect((stale.body as { current: SignalBody }).current).toMatchObject({
        status: 'triaged',
        version: 2,
      });
    });
  });

  describe('Idempotency-Key on POST', () => {
    it('replays the stored response to a retry and creates nothing twice', async () => {
      const before = await rowCounts(hub);
      const body = signalBody({ title: 'Herhaald verzoek' });
      const first = await http()
        .post('/api/signals')
        .set(as[AIVD]!.auth)
        .set('Idempotency-Key', 'herhaal-1')
        .send(body);
      expect(first.status).toBe(201);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      const retry = await http()
        .post('/api/signals')
        .set(as[AIVD]!.auth)
        .set('Idempotency-Key', 'herhaal-1')
        .send(body);
      expect(retry.status).toBe(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body).toEqual(first.body);
      const after = await rowCounts(hub);
      expect(after.signals - before.signals).toBe(1);
      expect(after.audit_events - before.audit_events).toBe(1);
      expect(after.outbox_events - before.outbox_events).toBe(1);
    });

    it('commits the stored answer with the change: when recording it fails, nothing is written and the retry creates the signal once', async () => {
      // The database refuses, once, to mark the key done (as a connection lost at that moment);
      // a sequence counts the refusals, as it is not rolled back with the refused transaction.
      await hub.db.query(`CREATE SEQUENCE refused_done_once`);
      await hub.db.query(`
        CREATE OR REPLACE FUNCTION refuse_done_once() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.state = 'done' AND NEW.key = 'atomair-1' AND nextval('refused_done_once') = 1 THEN
            RAISE EXCEPTION 'connection lost' USING ERRCODE = '57P03';
          END IF;
          RETURN NEW;
        END $$`);
      await hub.db.query(`CREATE TRIGGER refuse_done_once BEFORE UPDATE ON idempotency_keys FOR EACH ROW EXECUTE FUNCTION refuse_done_once()`);
      try {
        const body = signalBody({ title: 'Atomair met zijn antwoord' });
        const send = () => http().post('/api/signals').set(as[AIVD]!.auth).set('Idempotency-Key', 'atomair-1').send(body);
        const failed = await send();
        expect(failed.status).toBe(503);
        expect(await signalsFromDb(hub, `title = 'Atomair met zijn antwoord'`)).toHaveLength(0);
        const retry = await send();
        expect(retry.status).toBe(201);
        const again = await send();
        expect(again.headers['idempotent-replayed']).toBe('true');
        expect(again.body).toEqual(retry.body);
        expect(await signalsFromDb(hub, `title = 'Atomair met zijn antwoord'`)).toHaveLength(1);
      } finally {
        await hub.db.query(`DROP TRIGGER refuse_done_once ON idempotency_keys`);
        await hub.db.query(`DROP FUNCTION refuse_done_once()`);
        await hub.db.query(`DROP SEQUENCE refused_done_once`);
      }
    });

    it('replays a transition instead of applying it twice', async () => {
      const signal = await raise(AIVD);
      const send = () =>
        move(CHAIR, signal.id, 'triaged', 1).set('Idempotency-Key', `triage-${signal.id}`);
      const first = await send();
      const retry = await send();
      expect([first.status, retry.status]).toEqual([200, 200]);
      expect(retry.body).toEqual(first.body);
      expect(await versionOf(signal.id)).toBe(2);
    });

    it('answers the same key with another body, or on another path, with a 422 naming Idempotency-Key', async () => {
      const key = 'hergebruikt-1';
      expect(
        (
          await http()
            .post('/api/signals')
            .set(as[AIVD]!.auth)
            .set('Idempotency-Key', key)
            .send(signalBody({ title: 'Eerste' }))
        ).status,
      ).toBe(201);
      const count = await signalCount();
      const otherBody = await http()
        .post('/api/signals')
        .set(as[AIVD]!.auth)
        .set('Idempotency-Key', key)
        .send(signalBody({ title: 'Tweede' }));
      expectProblem(otherBody, 422, 'Idempotency-Key');
      const signal = await raise(AIVD);
      const otherPath = await http()
        .post(`/api/signals/${signal.id}/timeline`)
        .set(as[AIVD]!.auth)
        .set('Idempotency-Key', key)
        .send({ text: 'Hallo' });
      expectProblem(otherPath, 422, 'Idempotency-Key');
      expect(await signalCount()).toBe(count + 1);
    });

    it('answers a retry while the first request is still in flight with a 409, then replays the result', async () => {
      const key = 'onderweg-1';
      const body = signalBody({ title: 'Nog onderweg' });
      const count = await signalCount();
      await locker.query('BEGIN');
      let first: Promise<Response> | undefined;
      try {
        // New signals wait behind this lock; the first request has claimed its key by then.
        await locker.query('LOCK TABLE signals IN EXCLUSIVE MODE');
        first = started(
          http().post('/api/signals').set(as[NCTV]!.auth).set('Idempotency-Key', key).send(body),
        );
        await until(
          'the first request waits to insert',
          async () => (await waitingOnLock('%INSERT INTO signals%')) === 1,
        );
        const [claimed] = (await hub.db.query(
          `SELECT state FROM idempotency_keys WHERE user_id = $1 AND key = $2`,
          [as[NCTV]!.reader.id, key],
        )) as {
          state: string;
        }[];
        expect(claimed).toEqual({ state: 'in_flight' });

        const meanwhile = await http()
          .post('/api/signals')
          .set(as[NCTV]!.auth)
          .set('Idempotency-Key', key)
          .send(body);
        expectProblem(meanwhile, 409);
        expect(meanwhile.body).toMatchObject({ code: 'idempotency_key_in_flight' });
        expect(meanwhile.headers['retry-after']).toBe('1');
      } finally {
        await locker.query('COMMIT');
      }
      const done = await first!;
      expect(done.status).toBe(201);
      const later = await http()
        .post('/api/signals')
        .set(as[NCTV]!.auth)
        .set('Idempotency-Key', key)
        .send(body);
      expect(later.status).toBe(201);
      expect(later.body).toEqual(done.body);
      expect(await signalCount()).toBe(count + 1);
    });

    it('scopes keys per user: another user with the same key gets a result of its own', async () => {
      const key = 'gedeelde-sleutel';
      const body = signalBody({ title: 'Zelfde sleutel, andere gebruiker' });
      const aivd = await http()
        .post('/api/signals')
        .set(as[AIVD]!.auth)
        .set('Idempotency-Key', key)
        .send(body);
      const nctv = await http()
        .post('/api/signals')
        .set(as[NCTV]!.auth)
        .set('Idempotency-Key', key)
        .send(body);
      expect([aivd.status, nctv.status]).toEqual([201, 201]);
      expect(nctv.headers['idempotent-replayed']).toBeUndefined();
      expect((nctv.body as SignalBody).id).not.toBe((aivd.body as SignalBody).id);
      expect(nctv.body).toMatchObject({ ownerAgency: 'NCTV' });
      const nctvRetry = await http()
        .post('/api/signals')
        .set(as[NCTV]!.auth)
        .set('Idempotency-Key', key)
        .send(body);
      expect(nctvRetry.body).toEqual(nctv.body);
      // Another session of the same user shares the user's keys.
      const again = await http()
        .post('/api/signals')
        .set('Authorization', `Bearer ${await hub.login(AIVD)}`)
        .set('Idempotency-Key', key)
        .send(body);
      expect(again.body).toEqual(aivd.body);
    });

    it('leaves the key free when the first request fails', async () => {
      const key = 'eerst-fout';
      const wrong = await http()
        .post('/api/signals')
        .set(as[ACM]!.auth)
        .set('Idempotency-Key', key)
        .send(signalBody({ severity: 'enorm' }));
      expectProblem(wrong, 400, 'severity');
      const right = await http()
        .post('/api/signals')
        .set(as[ACM]!.auth)
        .set('Idempotency-Key', key)
        .send(signalBody());
      expect(right.status).toBe(201);
    });

    it.each([
      ['with a space', 'twee woorden'],
      ['over 255 characters', 'k'.repeat(256)],
      ['with a control character', 'tab\tin'],
    ])(
      'answers a key %s with a 400 naming Idempotency-Key and writes nothing',
      async (_what, key) => {
        const count = await signalCount();
        const response = await http()
          .post('/api/signals')
          .set(as[AIVD]!.auth)
          .set('Idempotency-Key', key)
          .send(signalBody());
        expectProblem(response, 400, 'Idempotency-Key');
        expect(await signalCount()).toBe(count);
      },
    );
  });

  describe('the lifecycle (domain.md)', () => {
    it('walks a signal through every working state, with the chair, the owner and the lead agency each doing their part', async () => {
      const signal = await raise(AIVD, { leadAgency: 'NCTV' });
      const steps: [string, string][] = [
        [CHAIR, 'triaged'],
        [AIVD, 'in_progress'],
        [NCTV, 'monitoring'],
        [NCTV, 'in_progress'],
        [AIVD, 'monitoring'],
        [CHAIR, 'mitigated'],
        [AIVD, 'in_progress'],
        [NCTV, 'mitigated'],
        [CHAIR, 'closed'],
        [CHAIR, 'in_progress'],
      ];
      let version = 1;
      for (const [by, to] of steps) {
        const response = await move(by, signal.id, to, version, `naar ${to}`);
        expect({ by, to, status: response.status }).toEqual({ by, to, status: 200 });
        expect(response.body).toMatchObject({ status: to, version: version + 1 });
        version++;
      }
    });

    it.each([
      ['new', [], 'in_progress', ['duplicate', 'rejected', 'triaged']],
      ['new', [], 'new', ['duplicate', 'rejected', 'triaged']],
      ['triaged', ['triaged'], 'closed', ['duplicate', 'in_progress', 'rejected']],
      ['in_progress', ['triaged', 'in_progress'], 'closed', ['mitigated', 'monitoring']],
      [
        'mitigated',
        ['triaged', 'in_progress', 'mitigated'],
        'monitoring',
        ['closed', 'in_progress'],
      ],
      ['closed', ['triaged', 'in_progress', 'mitigated', 'closed'], 'mitigated', ['in_progress']],
      ['rejected', ['rejected'], 'in_progress', []],
      ['duplicate', ['duplicate'], 'triaged', []],
    ] as [string, string[], string, string[]][])(
      'refuses an invalid move from %s with a 409 listing the allowed next states, changing nothing',
      async (_from, path, to, allowed) => {
        const signal = await raise(AIVD);
        let version = 1;
        for (const step of path) {
          const response = await move(CHAIR, signal.id, step, version);
          expect(response.status).toBe(200);
          version++;
        }
        const before = await rowCounts(hub);
        const response = await move(CHAIR, signal.id, to, version);
        expectProblem(response, 409, 'to');
        expect(response.body).toMatchObject({
          code: 'invalid_transition',
          from: path[path.length - 1] ?? 'new',
        });
        expect([...(response.body as { allowed: string[] }).allowed].sort()).toEqual(allowed);
        expect(await rowCounts(hub)).toEqual(before);
        expect(await versionOf(signal.id)).toBe(version);
      },
    );

    it('answers a status that does not exist with a 400 naming to', async () => {
      const signal = await raise(AIVD);
      expectProblem(await move(CHAIR, signal.id, 'afgehandeld', 1), 400, 'to');
    });

    it.each([
      ['triaged', []],
      ['rejected', []],
      ['duplicate', []],
      ['closed', ['triaged', 'in_progress', 'mitigated']],
      ['in_progress', ['triaged', 'in_progress', 'mitigated', 'closed']],
    ])(
      "refuses the chair's move to %s to the owner agency's liaison with a 403",
      async (to, path) => {
        const signal = await raise(AIVD, { leadAgency: 'NCTV' });
        let version = 1;
        for (const step of path) {
          expect((await move(CHAIR, signal.id, step, version)).status).toBe(200);
          version++;
        }
        for (const by of [AIVD, NCTV]) {
          expectProblem(await move(by, signal.id, to, version), 403);
        }
        expect(await versionOf(signal.id)).toBe(version);
      },
    );

    it('refuses working moves to a reader that neither owns nor leads the signal', async () => {
      const signal = await raise(AIVD, { leadAgency: 'NCTV' });
      expect((await move(CHAIR, signal.id, 'triaged', 1)).status).toBe(200);
      for (const by of [ACM, KIESRAAD, AMSTERDAM]) {
        expectProblem(await move(by, signal.id, 'in_progress', 2), 403);
      }
      expectProblem(await move(OBSERVER, signal.id, 'in_progress', 2), 403);
      expectProblem(await move(ADMIN, signal.id, 'in_progress', 2), 403);
      expect(await versionOf(signal.id)).toBe(2);
    });

    it('writes each transition to the timeline with who, when and the note', async () => {
      const signal = await raise(AIVD, { leadAgency: 'NCTV' });
      expect((await move(CHAIR, signal.id, 'triaged', 1, 'Besproken aan tafel')).status).toBe(200);
      expect((await move(NCTV, signal.id, 'in_progress', 2)).status).toBe(200);
      const entries = (await timeline(AIVD, signal.id)).filter(
        (e) => e.data?.['change'] === 'transition',
      );
      expect(entries).toEqual([
        expect.objectContaining({
          kind: 'system',
          text: 'Besproken aan tafel',
          authorId: as[CHAIR]!.reader.id,
          authorAgency: 'BZK',
          authorName: expect.any(String),
          data: { change: 'transition', from: 'new', to: 'triaged' },
        }),
        expect.objectContaining({
          kind: 'system',
          text: '',
          authorId: as[NCTV]!.reader.id,
          authorAgency: 'NCTV',
          data: { change: 'transition', from: 'triaged', to: 'in_progress' },
        }),
      ]);
      for (const entry of entries)
        expect(new Date(entry.createdAt).toISOString()).toBe(entry.createdAt);
    });
  });

  describe('the timeline', () => {
    it('takes comments from whoever may read the signal, and from no one else', async () => {
      const signal = await raise(AIVD, { marking: 'AMBER', affectedMunicipalities: ['GM0363'] });
      for (const by of [AIVD, NCTV, CHAIR, AMSTERDAM]) {
        const response = await http()
          .post(`/api/signals/${signal.id}/timeline`)
          .set(as[by]!.auth)
          .send({ text: `gezien door ${by}` });
        expect({ by, status: response.status }).toEqual({ by, status: 201 });
        expect(response.body).toMatchObject({
          kind: 'comment',
          marking: 'AMBER',
          authorAgency: as[by]!.reader.agency,
          text: `gezien door ${by}`,
        });
      }
      // Not in the audience: the signal does not exist for them.
      expectProblem(
        await http()
          .post(`/api/signals/${signal.id}/timeline`)
          .set(as[ROTTERDAM]!.auth)
          .send({ text: 'mag niet' }),
        404,
      );
      // The administrator reads metadata only, the observer reads and never writes: their roles
      // may not comment at all, whatever the signal (so the answer tells nothing of it).
      for (const by of [ADMIN, OBSERVER]) {
        expectProblem(
          await http()
            .post(`/api/signals/${signal.id}/timeline`)
            .set(as[by]!.auth)
            .send({ text: 'mag niet' }),
          403,
        );
      }
      const comments = (await timeline(AIVD, signal.id)).filter((e) => e.kind === 'comment');
      expect(comments.map((e) => e.authorAgency)).toEqual(['AIVD', 'NCTV', 'BZK', 'GM0363']);

      // On a GREEN signal an observer is a reader, and still never writes (rule 8).
      const green = await raise(AIVD);
      expectProblem(
        await http()
          .post(`/api/signals/${green.id}/timeline`)
          .set(as[OBSERVER]!.auth)
          .send({ text: 'Ook in Brussel gezien.' }),
        403,
      );
    });

    it('filters an entry stricter than its signal on its own marking', async () => {
      const signal = await raise(AIVD, {
        marking: 'AMBER',
        sharedWith: ['EC'],
        affectedMunicipalities: ['GM0363'],
      });
      const strict = await http()
        .post(`/api/signals/${signal.id}/timeline`)
        .set(as[AIVD]!.auth)
        .send({ text: 'Alleen voor wie het gedeeld is', marking: 'AMBER_STRICT' });
      expect(strict.status).toBe(201);
      const red = await http()
        .post(`/api/signals/${signal.id}/timeline`)
        .set(as[AIVD]!.auth)
        .send({ text: 'Alleen AIVD', marking: 'RED', kind: 'assessment' });
      expect(red.status).toBe(201);
      const open = await http()
        .post(`/api/signals/${signal.id}/timeline`)
        .set(as[AIVD]!.auth)
        .send({ text: 'Voor de hele tafel' });
      expect(open.status).toBe(201);
      const ids = (by: string) =>
        timeline(by, signal.id).then((entries) =>
          entries.filter((e) => e.kind !== 'system').map((e) => e.text),
        );

      expect(await ids(AIVD)).toEqual([
        'Alleen voor wie het gedeeld is',
        'Alleen AIVD',
        'Voor de hele tafel',
      ]);
      // EC is in sharedWith: reads the AMBER+STRICT entry, not the RED one.
      expect(await ids(OBSERVER)).toEqual(['Alleen voor wie het gedeeld is', 'Voor de hele tafel']);
      // The core table and the affected municipality read the AMBER signal but neither stricter entry.
      for (const by of [NCTV, CHAIR, AMSTERDAM])
        expect(await ids(by)).toEqual(['Voor de hele tafel']);
    });

    it("keeps an entry at its signal's marking readable by the signal's readers, its owner agency included, whoever wrote it", async () => {
      // AIVD's AMBER+STRICT signal shared with NCTV: NCTV comments, the chair triages (a system
      // entry by BZK). Neither entry is stricter than the signal, so both belong to it.
      const signal = await raise(AIVD, { marking: 'AMBER_STRICT', sharedWith: ['NCTV', 'BZK'] });
      const comment = await http()
        .post(`/api/signals/${signal.id}/timeline`)
        .set(as[NCTV]!.auth)
        .send({ text: 'NCTV ziet dezelfde accounts' });
      expect(comment.status).toBe(201);
      const triaged = await http()
        .post(`/api/signals/${signal.id}/transitions`)
        .set(as[CHAIR]!.auth)
        .send({ to: 'triaged', version: signal.version });
      expect(triaged.status).toBe(200);
      for (const by of [AIVD, NCTV, CHAIR]) {
        const entries = await timeline(by, signal.id);
        expect(entries.map((e) => [e.authorAgency, e.kind, e.text])).toEqual(
          expect.arrayContaining([
            ['NCTV', 'comment', 'NCTV ziet dezelfde accounts'],
            ['BZK', 'system', expect.any(String)],
          ]),
        );
      }
      // Not shared with the Kiesraad: the signal and every entry on it do not exist there.
      const kiesraad = await http().get(`/api/signals/${signal.id}/timeline`).set(as[KIESRAAD]!.auth);
      expect(kiesraad.status).toBe(404);
    });

    it('refuses an entry looser than its signal with a 400 naming marking', async () => {
      const signal = await raise(AIVD, { marking: 'AMBER' });
      const before = await rowCounts(hub);
      for (const marking of ['CLEAR', 'GREEN']) {
        expectProblem(
          await http()
            .post(`/api/signals/${signal.id}/timeline`)
            .set(as[NCTV]!.auth)
            .send({ text: 'te los', marking }),
          400,
          'marking',
        );
      }
      expectProblem(
        await http()
          .post(`/api/signals/${signal.id}/timeline`)
          .set(as[NCTV]!.auth)
          .send({ text: 'onbekend', marking: 'ORANJE' }),
        400,
        'marking',
      );
      expect(await rowCounts(hub)).toEqual(before);
    });

    it('is append-only: no route changes or removes an entry, and the database refuses to', async () => {
      const signal = await raise(AIVD);
      const entry = (
        await http()
          .post(`/api/signals/${signal.id}/timeline`)
          .set(as[AIVD]!.auth)
          .send({ text: 'Origineel' })
      ).body as TimelineItem;
      for (const response of [
        await http()
          .patch(`/api/signals/${signal.id}/timeline/${entry.id}`)
          .set(as[AIVD]!.auth)
          .send({ text: 'Gewijzigd' }),
        await http()
          .put(`/api/signals/${signal.id}/timeline/${entry.id}`)
          .set(as[AIVD]!.auth)
          .send({ text: 'Gewijzigd' }),
        await http().delete(`/api/signals/${signal.id}/timeline/${entry.id}`).set(as[AIVD]!.auth),
        await http().delete(`/api/signals/${signal.id}/timeline`).set(as[AIVD]!.auth),
      ]) {
        expect(response.status).toBe(404);
      }
      await expect(
        hub.db.query(`UPDATE timeline_entries SET text = 'Gewijzigd' WHERE id = $1`, [entry.id]),
      ).rejects.toThrow(/append-only: UPDATE refused/);
      await expect(
        hub.db.query(`DELETE FROM timeline_entries WHERE id = $1`, [entry.id]),
      ).rejects.toThrow(/append-only: DELETE refused/);
      expect((await timeline(AIVD, signal.id)).find((e) => e.id === entry.id)).toMatchObject({
        text: 'Origineel',
      });
    });
  });

  describe('measures', () => {
    /** A POST of a measure, as the behaviour under test. */
    async function addMeasure(by: string, signalId: string, extra: Body = {}): Promise<Response> {
      return http()
        .post(`/api/signals/${signalId}/measures`)
        .set(as[by]!.auth)
        .send(measureBody(extra));
    }

    async function measuresOf(signalId: string): Promise<MeasureBody[]> {
      return (await http().get(`/api/signals/${signalId}/measures`).set(as[CHAIR]!.auth))
        .body as MeasureBody[];
    }

    it('are created by the chair and the lead agency only', async () => {
      const signal = await raise(AIVD, { marking: 'AMBER', leadAgency: 'NCTV' });
      expect((await addMeasure(CHAIR, signal.id)).status).toBe(201);
      expect((await addMeasure(NCTV, signal.id)).status).toBe(201);
      for (const by of [AIVD, KIESRAAD, FLAGGER, OBSERVER, ADMIN]) {
        expectProblem(await addMeasure(by, signal.id), 403);
      }
      expect(await measuresOf(signal.id)).toHaveLength(2);
    });

    it("are updated by the measure's owner agency and the chair only", async () => {
      const signal = await raise(AIVD, { leadAgency: 'NCTV' });
      const created = await f.newMeasure(NCTV, signal.id);
      expect(created).toMatchObject({ ownerAgency: 'KIESRAAD', status: 'open', version: 1 });
      for (const by of [NCTV, AIVD, ACM, OBSERVER, ADMIN]) {
        expectProblem(
          await http()
            .patch(`/api/measures/${created.id}`)
            .set(as[by]!.auth)
            .send({ version: 1, status: 'done' }),
          403,
        );
      }
      const byOwner = await http()
        .patch(`/api/measures/${created.id}`)
        .set(as[KIESRAAD]!.auth)
        .send({ version: 1, status: 'done' });
      expect(byOwner.status).toBe(200);
      expect(byOwner.body).toMatchObject({ status: 'done', version: 2 });
      const byChair = await http()
        .patch(`/api/measures/${created.id}`)
        .set(as[CHAIR]!.auth)
        .send({ version: 2, status: 'cancelled' });
      expect(byChair.body).toMatchObject({ status: 'cancelled', version: 3 });
      expectProblem(
        await http()
          .patch(`/api/measures/${created.id}`)
          .set(as[CHAIR]!.auth)
          .send({ version: 2, status: 'open' }),
        409,
        'version',
      );
      expectProblem(
        await http()
          .patch(`/api/measures/${created.id}`)
          .set(as[CHAIR]!.auth)
          .send({ version: 3, status: 'bezig' }),
        400,
        'status',
      );
      const reopened = await http()
        .patch(`/api/measures/${created.id}`)
        .set(as[CHAIR]!.auth)
        .send({ version: 3, status: 'open' });
      expect(reopened.body).toMatchObject({ status: 'open', version: 4 });
    });

    it('are due on a date or at an election milestone, not both; open ones past due are flagged overdue', async () => {
      const signal = await raise(AIVD, { leadAgency: 'NCTV' });
      const past = (await addMeasure(CHAIR, signal.id, { dueDate: '2000-01-05' }))
        .body as MeasureBody;
      const future = (await addMeasure(CHAIR, signal.id, { dueDate: '2099-01-05' }))
        .body as MeasureBody;
      const pastMilestone = (
        await addMeasure(CHAIR, signal.id, { dueMilestone: 'candidate_nomination' })
      ).body as MeasureBody;
      const futureMilestone = (await addMeasure(CHAIR, signal.id, { dueMilestone: 'polling_day' }))
        .body as MeasureBody;
      const undated = (await addMeasure(CHAIR, signal.id)).body as MeasureBody;
      expect(past).toMatchObject({
        dueDate: '2000-01-05',
        dueMilestone: null,
        dueOn: '2000-01-05',
        overdue: true,
      });
      expect(future).toMatchObject({ dueDate: '2099-01-05', dueOn: '2099-01-05', overdue: false });
      expect(pastMilestone).toMatchObject({
        dueDate: null,
        dueMilestone: 'candidate_nomination',
        dueOn: '2000-01-10',
        overdue: true,
      });
      expect(futureMilestone).toMatchObject({
        dueMilestone: 'polling_day',
        dueOn: '2099-03-18',
        overdue: false,
      });
      expect(undated).toMatchObject({
        dueDate: null,
        dueMilestone: null,
        dueOn: null,
        overdue: false,
      });

      // Done is never overdue.
      const done = await http()
        .patch(`/api/measures/${past.id}`)
        .set(as[KIESRAAD]!.auth)
        .send({ version: 1, status: 'done' });
      expect(done.body).toMatchObject({ status: 'done', overdue: false });
      const listed = await measuresOf(signal.id);
      expect(listed.map((m) => [m.id, m.overdue])).toEqual([
        [past.id, false],
        [future.id, false],
        [pastMilestone.id, true],
        [futureMilestone.id, false],
        [undated.id, false],
      ]);

      // A date and a milestone at once, on create or by an update.
      expectProblem(
        await addMeasure(CHAIR, signal.id, { dueDate: '2099-01-05', dueMilestone: 'count' }),
        400,
        'dueMilestone',
      );
      expectProblem(
        await http()
          .patch(`/api/measures/${future.id}`)
          .set(as[CHAIR]!.auth)
          .send({ version: 1, dueMilestone: 'count' }),
        400,
        'dueMilestone',
      );
      const switched = await http()
        .patch(`/api/measures/${future.id}`)
        .set(as[CHAIR]!.auth)
        .send({ version: 1, dueDate: null, dueMilestone: 'count' });
      expect(switched.body).toMatchObject({
        dueDate: null,
        dueMilestone: 'count',
        dueOn: null,
        overdue: false,
      });
    });

    it.each([
      [{ dueDate: '5 januari' }, 'dueDate'],
      [{ dueDate: '2099-02-30' }, 'dueDate'],
      [{ dueMilestone: 'inauguration' }, 'dueMilestone'],
      [{ ownerAgency: 'NOPE' }, 'ownerAgency'],
      [{ ownerAgency: 'nctv' }, 'ownerAgency'],
      [{ description: '' }, 'description'],
      [{ description: 'x'.repeat(2001) }, 'description'],
      [{ status: 'done' }, 'status'],
    ])('refuses a measure with %j naming %s', async (extra, field) => {
      const signal = await raise(AIVD, { leadAgency: 'NCTV' });
      const before = await rowCounts(hub);
      expectProblem(await addMeasure(CHAIR, signal.id, extra), 400, field);
      expect(await rowCounts(hub)).toEqual(before);
    });
  });

  describe("a municipality's own signals", () => {
    it('are about itself only: raising or editing one to name another municipality is refused, nothing changes', async () => {
      const before = await rowCounts(hub);
      const other = await http()
        .post('/api/signals')
        .set(as[AMSTERDAM]!.auth)
        .send(signalBody({ affectedMunicipalities: ['GM0599'] }));
      expect(other.status).toBe(403);
      expect(await rowCounts(hub)).toEqual(before);

      const own = await raise(AMSTERDAM, { affectedMunicipalities: ['GM0363'] });
      const widened = await http()
        .patch(`/api/signals/${own.id}`)
        .set(as[AMSTERDAM]!.auth)
        .send({ version: own.version, affectedMunicipalities: ['GM0363', 'GM0599'] });
      expect(widened.status).toBe(403);
      expect(widened.body.detail).toMatch(/names only itself/);
      const [stored] = await signalsFromDb(hub, 'id = $1', [own.id]);
      expect(stored).toMatchObject({ affectedMunicipalities: ['GM0363'], version: own.version });

      const edited = await http()
        .patch(`/api/signals/${own.id}`)
        .set(as[AMSTERDAM]!.auth)
        .send({ version: own.version, description: 'Aangevuld door de gemeente' });
      expect(edited.status).toBe(200);
    });
  });

  describe('input limits and references', () => {
    it.each([
      ['title', 200],
      ['description', 20000],
    ])(
      'accepts a %s of exactly %i characters and refuses one more with a 400 naming it',
      async (field, limit) => {
        const exact = await http()
          .post('/api/signals')
          .set(as[AIVD]!.auth)
          .send(signalBody({ [field]: 'a'.repeat(limit) }));
        expect(exact.status).toBe(201);
        expect((exact.body as SignalBody)[field]).toHaveLength(limit);
        const count = await signalCount();
        expectProblem(
          await http()
            .post('/api/signals')
            .set(as[AIVD]!.auth)
            .send(signalBody({ [field]: 'a'.repeat(limit + 1) })),
          400,
          field,
        );
        const id = (exact.body as SignalBody).id;
        expectProblem(
          await http()
            .patch(`/api/signals/${id}`)
            .set(as[AIVD]!.auth)
            .send({ version: 1, [field]: 'b'.repeat(limit + 1) }),
          400,
          field,
        );
        expect(
          (
            await http()
              .patch(`/api/signals/${id}`)
              .set(as[AIVD]!.auth)
              .send({ version: 1, [field]: 'b'.repeat(limit) })
          ).status,
        ).toBe(200);
        expect(await signalCount()).toBe(count);
      },
    );

    it('refuses an empty title', async () => {
      expectProblem(
        await http()
          .post('/api/signals')
          .set(as[AIVD]!.auth)
          .send(signalBody({ title: '' })),
        400,
        'title',
      );
    });

    it.each([
      'javascript:alert(1)',
      'ftp://voorbeeld.nl/bestand',
      'geen url',
      'https://localhost/x',
      '//voorbeeld.nl/pad',
      `https://voorbeeld.nl/${'p'.repeat(2048)}`,
    ])('refuses the evidence URL %s naming evidence[1].url', async (url) => {
      const response = await http()
        .post('/api/signals')
        .set(as[AIVD]!.auth)
        .send(
          signalBody({
            evidence: [
              { url: 'https://x.com/voorbeeld/status/1' },
              { url, description: 'schermafdruk' },
            ],
          }),
        );
      expectProblem(response, 400, 'evidence[1].url');
    });

    it('stores valid evidence links as sent', async () => {
      const evidence = [
        { url: 'https://x.com/voorbeeld/status/1', description: 'het bericht' },
        { url: 'http://voorbeeld.nl/pagina?id=3' },
      ];
      const signal = await raise(AIVD, { evidence });
      expect(signal['evidence']).toEqual(evidence);
    });

    it.each([
      [{ affectedMunicipalities: ['GM0363', 'GM9999'] }, 'affectedMunicipalities[1]'],
      [{ affectedMunicipalities: ['NCTV'] }, 'affectedMunicipalities'],
      [{ affectedMunicipalities: ['Amsterdam'] }, 'affectedMunicipalities'],
      [{ sharedWith: ['NCTV', 'GEHEIMEDIENST'] }, 'sharedWith[1]'],
      [{ sharedWith: ['nctv'] }, 'sharedWith'],
      [{ leadAgency: 'XYZ' }, 'leadAgency'],
      [{ recipients: ['00000000-0000-4000-8000-000000000000'] }, 'recipients[0]'],
      [{ electionId: '00000000-0000-4000-8000-000000000000' }, 'electionId'],
    ])('refuses the reference %j naming %s', async (extra, field) => {
      const before = await rowCounts(hub);
      expectProblem(
        await http().post('/api/signals').set(as[AIVD]!.auth).send(signalBody(extra)),
        400,
        field,
      );
      expect(await rowCounts(hub)).toEqual(before);
    });

    it('refuses references that do not exist on an edit too', async () => {
      const signal = await raise(AIVD);
      expectProblem(
        await http()
          .patch(`/api/signals/${signal.id}`)
          .set(as[AIVD]!.auth)
          .send({ version: 1, affectedMunicipalities: ['GM9999'] }),
        400,
        'affectedMunicipalities[0]',
      );
      expectProblem(
        await http()
          .patch(`/api/signals/${signal.id}`)
          .set(as[AIVD]!.auth)
          .send({ version: 1, leadAgency: 'XYZ' }),
        400,
        'leadAgency',
      );
      expect(await versionOf(signal.id)).toBe(1);
    });

    it.each([
      'STG_CONFIDENTIEEL',
      'Stg. Confidentieel',
      'STG_GEHEIM',
      'Stg. Geheim',
      'STG_ZEER_GEHEIM',
      'Stg. Zeer Geheim',
      'Staatsgeheim Geheim',
    ])(
      'refuses the classification %s saying the hub is not accredited for state secrets',
      async (classification) => {
        const before = await rowCounts(hub);
        const response = await http()
          .post('/api/signals')
          .set(as[AIVD]!.auth)
          .send(signalBody({ classification }));
        expectProblem(response, 400, 'classification');
        const messages = (response.body as { errors: { field: string; message: string }[] }).errors
          .filter((e) => e.field === 'classification')
          .map((e) => e.message);
        expect(messages.some((m) => /not accredited for state secrets/.test(m))).toBe(true);
        expect(await rowCounts(hub)).toEqual(before);

        const signal = await raise(AIVD);
        const edit = await http()
          .patch(`/api/signals/${signal.id}`)
          .set(as[AIVD]!.auth)
          .send({ version: 1, classification });
        expectProblem(edit, 400, 'classification');
        expect(JSON.stringify(edit.body)).toMatch(/not accredited for state secrets/);
      },
    );

    it('lets only the owner agency loosen a marking; any editor may tighten it', async () => {
      const signal = await raise(AIVD, {
        marking: 'AMBER_STRICT',
        sharedWith: ['NCTV'],
        leadAgency: 'NCTV',
      });
      // The lead agency edits content, but may not widen who reads it.
      for (const change of [
        { marking: 'AMBER' },
        { marking: 'GREEN' },
        { sharedWith: ['NCTV', 'KIESRAAD'] },
      ]) {
        const response = await http()
          .patch(`/api/signals/${signal.id}`)
          .set(as[NCTV]!.auth)
          .send({ version: 1, ...change });
        expectProblem(response, 403);
        expect(response.body).toMatchObject({ code: 'loosening_forbidden' });
      }
      expect(await versionOf(signal.id)).toBe(1);

      // Tightening is editing: the lead agency may make it RED for named users.
      const tightened = await http()
        .patch(`/api/signals/${signal.id}`)
        .set(as[NCTV]!.auth)
        .send({
          version: 1,
          marking: 'RED',
          recipients: [as[NCTV]!.reader.id, as[AIVD]!.reader.id],
        });
      expect(tightened.status).toBe(200);
      expect(tightened.body).toMatchObject({ marking: 'RED', version: 2 });
      expectProblem(await get(KIESRAAD, signal.id), 404);

      // Widening RED recipients is loosening too.
      expectProblem(
        await http()
          .patch(`/api/signals/${signal.id}`)
          .set(as[NCTV]!.auth)
          .send({
            version: 2,
            recipients: [as[NCTV]!.reader.id, as[AIVD]!.reader.id, as[CHAIR]!.reader.id],
          }),
        403,
      );

      // The owner loosens.
      const loosened = await http()
        .patch(`/api/signals/${signal.id}`)
        .set(as[AIVD]!.auth)
        .send({ version: 2, marking: 'AMBER' });
      expect(loosened.status).toBe(200);
      expect(loosened.body).toMatchObject({ marking: 'AMBER', version: 3 });
      expect((await get(KIESRAAD, signal.id)).status).toBe(200);

      // A reader who is no editor may not tighten either.
      expectProblem(
        await http()
          .patch(`/api/signals/${signal.id}`)
          .set(as[KIESRAAD]!.auth)
          .send({ version: 3, marking: 'RED' }),
        403,
      );

      const markings = (await auditOf(hub, as[ADMIN]!, signal.id))
        .filter((e) => e.action === 'signal.update')
        .map((e) => e.details['marking']);
      expect(markings).toEqual([
        { from: 'RED', to: 'AMBER' },
        { from: 'AMBER_STRICT', to: 'RED' },
      ]);
    });

    it('lets the lead agency tighten AMBER to AMBER+STRICT shared with itself, but not with an agency that did not read it', async () => {
      const signal = await raise(AIVD, {
        marking: 'AMBER',
        leadAgency: 'NCTV',
        affectedMunicipalities: ['GM0363'],
      });
      // GM0599 did not read the AMBER signal: sharing with it widens the audience.
      const widening = await http()
        .patch(`/api/signals/${signal.id}`)
        .set(as[NCTV]!.auth)
        .send({ version: 1, marking: 'AMBER_STRICT', sharedWith: ['NCTV', 'GM0599'] });
      expectProblem(widening, 403);
      expect(widening.body).toMatchObject({ code: 'loosening_forbidden' });
      const tightened = await http()
        .patch(`/api/signals/${signal.id}`)
        .set(as[NCTV]!.auth)
        .send({ version: 1, marking: 'AMBER_STRICT', sharedWith: ['NCTV', 'GM0363'] });
      expect(tightened.status).toBe(200);
      expect(tightened.body).toMatchObject({
        marking: 'AMBER_STRICT',
        sharedWith: ['NCTV', 'GM0363'],
        version: 2,
      });
      expect((await get(AMSTERDAM, signal.id)).status).toBe(200);
      for (const by of [KIESRAAD, CHAIR]) expectProblem(await get(by, signal.id), 404);
    });

    it('lets an editor tighten a marking so far that it no longer reads the signal itself', async () => {
      const signal = await raise(AIVD, { marking: 'AMBER', leadAgency: 'NCTV' });
      const response = await http()
        .patch(`/api/signals/${signal.id}`)
        .set(as[NCTV]!.auth)
        .send({ version: 1, marking: 'AMBER_STRICT', sharedWith: [] });
      expect(response.status).toBe(200);
      const [stored] = await signalsFromDb(hub, 'id = $1', [signal.id]);
      expect(stored).toMatchObject({ marking: 'AMBER_STRICT', version: 2 });
      expectProblem(await get(NCTV, signal.id), 404);
      expect((await get(AIVD, signal.id)).body).toMatchObject({
        marking: 'AMBER_STRICT',
        version: 2,
      });
    });
  });

  describe('elections', () => {
    const election = (code: string, extra: Body = {}) => ({
      code,
      name: `Verkiezing ${code}`,
      type: 'GR',
      electionDay: '2098-03-18',
      ...extra,
    });

    async function electionCount(): Promise<number> {
      const [row] = (await hub.db.query(`SELECT count(*)::int AS n FROM elections`)) as {
        n: number;
      }[];
      return row!.n;
    }

    it('are created by the administrator (201) and by no one else (403)', async () => {
      const created = await http()
        .post('/api/elections')
        .set(as[ADMIN]!.auth)
        .send(
          election('GR2098', {
            milestones: [{ code: 'polling_day', date: '2098-03-18' }],
            municipalities: ['GM0363', 'GM0599'],
          }),
        );
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        code: 'GR2098',
        name: 'Verkiezing GR2098',
        type: 'GR',
        electionDay: '2098-03-18',
        phase: 'preparation',
        exercise: false,
        milestones: [{ code: 'polling_day', date: '2098-03-18' }],
        municipalities: ['GM0363', 'GM0599'],
      });
      const before = await electionCount();
      for (const user of DEMO.filter((d) => !d.roles.includes('admin'))) {
        expectProblem(
          await http().post('/api/elections').set(as[user.email]!.auth).send(election('GR2097')),
          403,
        );
      }
      expect(await electionCount()).toBe(before);
    });

    it('are listed and read by id for every user', async () => {
      const id = (await f.newElection({ code: 'PS2098' })).id;
      for (const user of DEMO) {
        const list = await http().get('/api/elections').set(as[user.email]!.auth);
        expect(list.status).toBe(200);
        expect((list.body as { code: string }[]).map((e) => e.code)).toEqual(
          expect.arrayContaining(['TK2025', 'PS2098', 'TK2099-INTEGRITEIT']),
        );
        const one = await http().get(`/api/elections/${id}`).set(as[user.email]!.auth);
        expect(one.status).toBe(200);
        expect(one.body).toMatchObject({ id, code: 'PS2098', type: 'TK' });
      }
      expectProblem(
        await http()
          .get('/api/elections/00000000-0000-4000-8000-000000000000')
          .set(as[CHAIR]!.auth),
        404,
      );
      expectProblem(await http().get('/api/elections/TK2025').set(as[CHAIR]!.auth), 400, 'id');
      expectProblem(await http().get('/api/elections'), 401);
    });

    it('keeps the exercise flag of a drill', async () => {
      const created = await http()
        .post('/api/elections')
        .set(as[ADMIN]!.auth)
        .send(election('GR2098-OEFENING', { exercise: true, phase: 'campaign' }));
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ exercise: true, phase: 'campaign' });
      const read = await http()
        .get(`/api/elections/${(created.body as { id: string }).id}`)
        .set(as[OBSERVER]!.auth);
      expect(read.body).toMatchObject({ code: 'GR2098-OEFENING', exercise: true });
    });

    it.each([
      [{ code: 'gr2098' }, 'code'],
      [{ code: 'Gemeenteraad' }, 'code'],
      [{ type: 'XX' }, 'type'],
      [{ electionDay: '18-03-2098' }, 'electionDay'],
      [{ electionDay: '2098-02-30' }, 'electionDay'],
      [{ phase: 'afgelopen' }, 'phase'],
      [{ exercise: 'ja' }, 'exercise'],
      [{ name: '' }, 'name'],
      [{ municipalities: ['GM9999'] }, 'municipalities[0]'],
      [
        {
          milestones: [
            { code: 'polling_day', date: '2098-03-18' },
            { code: 'polling_day', date: '2098-03-19' },
          ],
        },
        'milestones[1].code',
      ],
      [{ milestones: [{ code: 'inauguration', date: '2098-03-18' }] }, 'milestones[0].code'],
      [{ website: 'https://voorbeeld.nl' }, 'website'],
    ])('refuses an election with %j naming %s', async (extra, field) => {
      const before = await electionCount();
      expectProblem(
        await http().post('/api/elections').set(as[ADMIN]!.auth).send(election('EP2098', extra)),
        400,
        field,
      );
      expect(await electionCount()).toBe(before);
    });

    it('refuses a second election with the same code with a 409 naming code', async () => {
      expectProblem(
        await http().post('/api/elections').set(as[ADMIN]!.auth).send(election('TK2025')),
        409,
        'code',
      );
    });
  });
});
