import { Client } from 'pg';
import type { Response, Test } from 'supertest';
import { Factory, signalBody } from './support/factories';
import { type AuditItem, auditOf, expectProblem, rowCounts, type Session } from './support/hub-helpers';
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
  type Marking,
  NCSC,
  NCTV,
  OBSERVER,
  ROTTERDAM,
  UTRECHT,
} from './support/visibility-oracle';

/*
 * domain.md and quality.md: the audit trail is append-only and hash-chained; every change
 * writes its audit event in the change's own transaction; reads of sensitive records are
 * audited; `GET /api/audit/verify` names the first row where the chain no longer holds.
 */

interface ChainRow {
  seq: number;
  prevHash: string;
  hash: string;
}

interface Verification {
  ok: boolean;
  checked: number;
  firstBroken: { seq: number; reason: string } | null;
}

const GENESIS = '0'.repeat(64);

/** The users who raise signals; each writes through several sessions at once. */
const WRITER_EMAILS = [
  CHAIR,
  FLAGGER,
  AIVD,
  NCTV,
  NCSC,
  KIESRAAD,
  ACM,
  AMSTERDAM,
  ROTTERDAM,
  UTRECHT,
];
const SESSIONS_PER_WRITER = 3;

describe('the audit trail', () => {
  let hub: TestApp;
  let as: Record<string, Session>;
  let electionId: string;
  let f: Factory;

  beforeAll(async () => {
    f = await Factory.start();
    ({ hub, as } = f);
    electionId = (await f.newElection({ code: 'TK2099-AUDIT' })).id;
    f.useElection(electionId);
  });

  afterAll(async () => {
    await hub?.close();
  });

  const SIGNAL = {
    title: 'Nepbericht over sluitingstijd stembureaus',
    description: 'Berichten beweren dat stembureaus om 17.00 uur sluiten.',
    category: 'disinformation',
    severity: 'high',
    marking: 'GREEN',
  };

  /** A POST of a new signal, as the behaviour under test (its answer is the test's to judge). */
  function createSignal(by: Session, extra: Record<string, unknown> = {}): Test {
    return hub.http().post('/api/signals').set(by.auth).send(signalBody(electionId, { ...SIGNAL, ...extra }));
  }

  /** A signal to arrange a test with. */
  function raise(by: Session, extra: Record<string, unknown> = {}): Promise<{ id: string; version: number }> {
    return f.newSignal(by, { ...SIGNAL, ...extra });
  }

  async function verify(by: Session = as[CHAIR]!): Promise<Verification> {
    const response = await hub.http().get('/api/audit/verify').set(by.auth);
    if (response.status !== 200)
      throw new Error(`GET /api/audit/verify: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body as Verification;
  }

  async function chain(): Promise<ChainRow[]> {
    const rows = (await hub.db.query(
      `SELECT seq::int AS seq, encode(prev_hash, 'hex') AS "prevHash", encode(hash, 'hex') AS hash FROM audit_events ORDER BY seq`,
    )) as ChainRow[];
    return rows;
  }

  async function maxSeq(): Promise<number> {
    const [row] = (await hub.db.query(
      `SELECT coalesce(max(seq), 0)::int AS seq FROM audit_events`,
    )) as { seq: number }[];
    return row!.seq;
  }

  /** The events after `seq`, oldest first, straight from the database. */
  async function eventsAfter(
    seq: number,
  ): Promise<{ seq: number; action: string; entityId: string | null; actorId: string | null }[]> {
    return (await hub.db.query(
      `SELECT seq::int AS seq, action, entity_id AS "entityId", actor_id::text AS "actorId" FROM audit_events WHERE seq > $1 ORDER BY seq`,
      [seq],
    )) as { seq: number; action: string; entityId: string | null; actorId: string | null }[];
  }

  /**
   * Changes the stored row `target` on a direct superuser connection that switches off the
   * triggers guarding the table, as an attacker with database access could; runs `check`
   * while the row is changed, then puts the original row back.
   */
  async function whileTampered(
    target: number,
    change: (client: Client) => Promise<unknown>,
    check: () => Promise<void>,
  ): Promise<void> {
    const client = new Client({ connectionString: hub.databaseUrl });
    await client.connect();
    try {
      await client.query(`SET session_replication_role = replica`);
      await client.query(
        `CREATE TEMP TABLE saved AS SELECT * FROM audit_events WHERE seq = ${Math.trunc(target)}`,
      );
      await change(client);
      try {
        await check();
      } finally {
        await client.query(`DELETE FROM audit_events WHERE seq = $1`, [target]);
        await client.query(`INSERT INTO audit_events SELECT * FROM saved`);
      }
    } finally {
      await client.end();
    }
  }

  /** Some audited history: creates, edits, a transition and a comment. */
  async function someHistory(): Promise<void> {
    const signal = await raise(as[AIVD]!);
    const edited = await hub
      .http()
      .patch(`/api/signals/${signal.id}`)
      .set(as[AIVD]!.auth)
      .send({ version: signal.version, severity: 'critical' });
    expect(edited.status).toBe(200);
    const triaged = await hub
      .http()
      .post(`/api/signals/${signal.id}/transitions`)
      .set(as[CHAIR]!.auth)
      .send({ to: 'triaged', version: 2 });
    expect(triaged.status).toBe(200);
    const comment = await hub
      .http()
      .post(`/api/signals/${signal.id}/timeline`)
      .set(as[NCTV]!.auth)
      .send({ text: 'Ook bij ons gemeld.' });
    expect(comment.status).toBe(201);
    await raise(as[NCTV]!);
  }

  describe('tamper evidence', () => {
    beforeAll(async () => {
      await someHistory();
      await someHistory();
    });

    it('verifies an untouched chain', async () => {
      const result = await verify();
      expect(result).toEqual({ ok: true, checked: await maxSeq(), firstBroken: null });
      expect(result.checked).toBeGreaterThanOrEqual(10);
    });

    it("names the altered row when a stored row's details are changed, and verifies again once restored", async () => {
      const target = (await maxSeq()) - 4;
      await whileTampered(
        target,
        (client) =>
          client.query(
            `UPDATE audit_events SET details = details || '{"note": "nooit gebeurd"}'::jsonb WHERE seq = $1`,
            [target],
          ),
        async () => {
          expect(await verify()).toEqual({
            ok: false,
            checked: await maxSeq(),
            firstBroken: { seq: target, reason: 'hash_mismatch' },
          });
          // The administrator verifies too, and is told the same.
          expect((await verify(as[ADMIN]!)).firstBroken).toEqual({
            seq: target,
            reason: 'hash_mismatch',
          });
        },
      );
      expect((await verify()).ok).toBe(true);
    });

    it.each([
      ['actor_id', `actor_id = (SELECT id FROM users WHERE email = '${OBSERVER}')`],
      ['action', `action = 'signal.read'`],
      ['at', `at = at - interval '1 hour'`],
      ['entity_id', `entity_id = gen_random_uuid()::text`],
      ['ip', `ip = '203.0.113.7'`],
    ])('names the altered row when its %s is changed', async (_column, assignment) => {
      const target = (await maxSeq()) - 2;
      await whileTampered(
        target,
        (client) => client.query(`UPDATE audit_events SET ${assignment} WHERE seq = $1`, [target]),
        async () => {
          expect((await verify()).firstBroken).toEqual({ seq: target, reason: 'hash_mismatch' });
        },
      );
      expect((await verify()).ok).toBe(true);
    });

    it('names the row after an altered row whose hash was recomputed: its link no longer holds', async () => {
      const target = (await maxSeq()) - 3;
      await whileTampered(
        target,
        async (client) => {
          await client.query(
            `UPDATE audit_events SET details = '{"rewritten": true}'::jsonb WHERE seq = $1`,
            [target],
          );
          await client.query(
            `UPDATE audit_events a SET hash = sha256(a.prev_hash || audit_payload(a)) WHERE seq = $1`,
            [target],
          );
        },
        async () => {
          expect((await verify()).firstBroken).toEqual({ seq: target + 1, reason: 'broken_link' });
        },
      );
      expect((await verify()).ok).toBe(true);
    });

    it('names a row deleted from the middle of the chain', async () => {
      const total = await maxSeq();
      const target = total - 5;
      await whileTampered(
        target,
        (client) => client.query(`DELETE FROM audit_events WHERE seq = $1`, [target]),
        async () => {
          expect(await verify()).toEqual({
            ok: false,
            checked: total - 1,
            firstBroken: { seq: target, reason: 'missing_row' },
          });
        },
      );
      expect((await verify()).ok).toBe(true);
    });

    it('names the first row when the start of the chain is deleted', async () => {
      await whileTampered(
        1,
        (client) => client.query(`DELETE FROM audit_events WHERE seq = 1`),
        async () => {
          expect((await verify()).firstBroken).toEqual({ seq: 1, reason: 'missing_row' });
        },
      );
      expect((await verify()).ok).toBe(true);
    });
  });

  describe('append-only in the database', () => {
    it('refuses UPDATE, DELETE and TRUNCATE of audit rows through an ordinary connection', async () => {
      await raise(as[KIESRAAD]!);
      const before = await chain();
      const seq = before[before.length - 1]!.seq;
      await expect(
        hub.db.query(`UPDATE audit_events SET details = '{}'::jsonb WHERE seq = $1`, [seq]),
      ).rejects.toThrow(/append-only: UPDATE refused/);
      await expect(hub.db.query(`UPDATE audit_events SET hash = prev_hash`)).rejects.toThrow(
        /append-only: UPDATE refused/,
      );
      await expect(hub.db.query(`DELETE FROM audit_events WHERE seq = $1`, [seq])).rejects.toThrow(
        /append-only: DELETE refused/,
      );
      await expect(hub.db.query(`TRUNCATE audit_events`)).rejects.toThrow(
        /append-only: TRUNCATE refused/,
      );
      expect(await chain()).toEqual(before);
      expect((await verify()).ok).toBe(true);
    });

    it('chains a hand-written INSERT itself: a forged seq, link and hash are replaced', async () => {
      const before = await chain();
      const last = before[before.length - 1]!;
      await hub.db.query(
        `INSERT INTO audit_events (seq, action, entity_type, prev_hash, hash) VALUES (1, 'forged', 'signal', '\\x00'::bytea, '\\x00'::bytea)`,
      );
      const after = await chain();
      expect(after).toHaveLength(before.length + 1);
      const added = after[after.length - 1]!;
      expect(added.seq).toBe(last.seq + 1);
      expect(added.prevHash).toBe(last.hash);
      expect(added.hash).toMatch(/^[0-9a-f]{64}$/);
      expect((await verify()).ok).toBe(true);
    });
  });

  describe('concurrent writers', () => {
    interface Writer {
      email: string;
      session: Session;
      marking: Marking;
      hot: string;
    }

    it(`${WRITER_EMAILS.length * SESSIONS_PER_WRITER} concurrent writers never fork the chain, and every acknowledged write is exactly one audit event`, async () => {
      const writers: Writer[] = [];
      for (const [u, email] of WRITER_EMAILS.entries()) {
        const hot = await raise(as[email]!, { title: `Gedeeld signaal van ${email}` });
        for (let s = 0; s < SESSIONS_PER_WRITER; s++) {
          // Each session is a sign-in of its own; the first reuses the suite's.
          const session: Session =
            s === 0
              ? as[email]!
              : { ...as[email]!, auth: { Authorization: `Bearer ${await hub.login(email)}` } };
          writers.push({
            email,
            session,
            marking: (u + s) % 2 === 0 ? 'GREEN' : 'AMBER_STRICT',
            hot: hot.id,
          });
        }
      }
      expect(writers.length).toBeGreaterThanOrEqual(20);
      const start = await maxSeq();
      const acknowledged = {
        'signal.create': 0,
        'signal.update': 0,
        'signal.read': 0,
        'timeline.add': 0,
      };
      const failures: string[] = [];
      let conflicts = 0;
      const fail = (what: string, response: Response): void => {
        failures.push(`${what}: ${response.status} ${JSON.stringify(response.body)}`);
      };

      await Promise.all(
        writers.map(async (writer, w) => {
          const http = () => hub.http();
          for (let round = 0; round < 2; round++) {
            const created = await createSignal(writer.session, {
              title: `Gelijktijdig ${w}.${round}`,
              marking: writer.marking,
            });
            if (created.status !== 201) {
              fail(`${writer.email} POST`, created);
              return;
            }
            acknowledged['signal.create']++;
            const own = created.body as { id: string; version: number };

            // Reading one's own AMBER+STRICT signal is an audited read; a GREEN one is not.
            const read = await http().get(`/api/signals/${own.id}`).set(writer.session.auth);
            if (read.status !== 200) {
              fail(`${writer.email} GET`, read);
              return;
            }
            if (writer.marking === 'AMBER_STRICT') acknowledged['signal.read']++;

            const edited = await http()
              .patch(`/api/signals/${own.id}`)
              .set(writer.session.auth)
              .send({ version: own.version, severity: 'critical' });
            if (edited.status !== 200) {
              fail(`${writer.email} PATCH own`, edited);
              return;
            }
            acknowledged['signal.update']++;

            // Both sessions of a user edit the same GREEN signal: some of these lose the race (409).
            const hot = await http().get(`/api/signals/${writer.hot}`).set(writer.session.auth);
            const raced = await http()
              .patch(`/api/signals/${writer.hot}`)
              .set(writer.session.auth)
              .send({
                version: (hot.body as { version: number }).version,
                description: `schrijver ${w} ronde ${round}`,
              });
            if (raced.status === 200) acknowledged['signal.update']++;
            else if (raced.status === 409) conflicts++;
            else {
              fail(`${writer.email} PATCH hot`, raced);
              return;
            }

            const commented = await http()
              .post(`/api/signals/${own.id}/timeline`)
              .set(writer.session.auth)
              .send({ text: `opmerking ${w}.${round}` });
            if (commented.status !== 201) {
              fail(`${writer.email} comment`, commented);
              return;
            }
            acknowledged['timeline.add']++;
          }
        }),
      );
      expect(failures).toEqual([]);

      // Exactly one audit event per acknowledged write and audited read, nothing else.
      const events = await eventsAfter(start);
      const byAction: Record<string, number> = {};
      for (const e of events) byAction[e.action] = (byAction[e.action] ?? 0) + 1;
      expect(byAction).toEqual(
        Object.fromEntries(Object.entries(acknowledged).filter(([, n]) => n > 0)),
      );
      expect(events).toHaveLength(Object.values(acknowledged).reduce((a, b) => a + b, 0));
      expect(acknowledged['signal.update'] + conflicts).toBe(writers.length * 4);

      // One unbroken chain: numbered without holes, each row linked to the one before.
      const rows = await chain();
      rows.forEach((row, i) => {
        expect(row.seq).toBe(i + 1);
        expect(row.prevHash).toBe(i === 0 ? GENESIS : rows[i - 1]!.hash);
      });
      expect(new Set(rows.map((r) => r.prevHash)).size).toBe(rows.length);
      expect(await verify()).toEqual({ ok: true, checked: rows.length, firstBroken: null });
    });
  });

  describe('what is audited', () => {
    it('writes one audit event per change, naming who, what, which record and the request', async () => {
      const aivd = as[AIVD]!;
      const chair = as[CHAIR]!;
      const steps: {
        by: Session;
        send: () => Promise<Response>;
        status: number;
        action: string;
        entity: (body: { id: string }) => string;
      }[] = [];
      let signalId = '';
      let measureId = '';
      const counts = await rowCounts(hub);

      const created = await createSignal(aivd, { marking: 'AMBER', leadAgency: 'NCTV' }).set(
        'X-Request-Id',
        'audit-create-1',
      );
      expect(created.status).toBe(201);
      signalId = (created.body as { id: string }).id;
      steps.push(
        {
          by: aivd,
          send: () =>
            hub
              .http()
              .patch(`/api/signals/${signalId}`)
              .set(aivd.auth)
              .send({ version: 1, title: 'Aangepast' }),
          status: 200,
          action: 'signal.update',
          entity: () => signalId,
        },
        {
          by: chair,
          send: () =>
            hub
              .http()
              .post(`/api/signals/${signalId}/transitions`)
              .set(chair.auth)
              .send({ to: 'triaged', version: 2 }),
          status: 200,
          action: 'signal.transition',
          entity: () => signalId,
        },
        {
          by: as[NCTV]!,
          send: () =>
            hub
              .http()
              .post(`/api/signals/${signalId}/timeline`)
              .set(as[NCTV]!.auth)
              .send({ text: 'Bevestigd.' }),
          status: 201,
          action: 'timeline.add',
          entity: () => signalId,
        },
        {
          by: chair,
          send: () =>
            hub
              .http()
              .post(`/api/signals/${signalId}/measures`)
              .set(chair.auth)
              .send({ description: 'Platform verzoeken te labelen', ownerAgency: 'NCTV' }),
          status: 201,
          action: 'measure.create',
          entity: (b) => b.id,
        },
        {
          by: as[NCTV]!,
          send: () =>
            hub
              .http()
              .patch(`/api/measures/${measureId}`)
              .set(as[NCTV]!.auth)
              .send({ version: 1, status: 'done' }),
          status: 200,
          action: 'measure.update',
          entity: (b) => b.id,
        },
        {
          by: as[FLAGGER]!,
          send: () =>
            hub
              .http()
              .post(`/api/signals/${signalId}/platform-reports`)
              .set(as[FLAGGER]!.auth)
              .send({
                platform: 'x',
                contentUrl: 'https://x.com/voorbeeld/status/1',
                ground: 'Onjuiste informatie over het stemproces',
              }),
          status: 201,
          action: 'platform_report.create',
          entity: (b) => b.id,
        },
      );
      const expected: { action: string; entityId: string; actorId: string; actorAgency: string }[] =
        [
          {
            action: 'signal.create',
            entityId: signalId,
            actorId: aivd.reader.id,
            actorAgency: 'AIVD',
          },
        ];
      for (const step of steps) {
        const response = await step.send();
        if (response.status !== step.status)
          throw new Error(`${step.action}: ${response.status} ${JSON.stringify(response.body)}`);
        const body = response.body as { id: string };
        if (step.action === 'measure.create') measureId = body.id;
        expected.push({
          action: step.action,
          entityId: step.entity(body),
          actorId: step.by.reader.id,
          actorAgency: step.by.reader.agency,
        });
      }

      const after = await rowCounts(hub);
      expect(after.audit_events - counts.audit_events).toBe(expected.length);
      const events = (await eventsAfter((await maxSeq()) - expected.length)).map(
        ({ action, entityId, actorId }) => ({ action, entityId, actorId }),
      );
      expect(events).toEqual(
        expected.map(({ action, entityId, actorId }) => ({ action, entityId, actorId })),
      );

      // As the chair reads them: who (user and agency), the record, and where the request came from.
      const [first] = (await auditOf(hub, chair, signalId)).filter(
        (e) => e.action === 'signal.create',
      );
      expect(first).toMatchObject({
        actorId: aivd.reader.id,
        actorAgency: 'AIVD',
        entityType: 'signal',
        entityId: signalId,
        details: { marking: 'AMBER', classification: 'NONE' },
      });
      expect((first as AuditItem & { requestId: string; ip: string }).requestId).toBe(
        'audit-create-1',
      );
      expect((first as AuditItem & { ip: string | null }).ip).toEqual(expect.any(String));
      const transition = (await auditOf(hub, chair, signalId)).find(
        (e) => e.action === 'signal.transition',
      );
      expect(transition?.details).toEqual({ from: 'new', to: 'triaged', version: 3 });
    });

    it('leaves no audit event, and nothing else, behind a refused write', async () => {
      const signal = await raise(as[AIVD]!);
      const before = await rowCounts(hub);
      const seq = await maxSeq();
      const refused: [string, Response, number][] = [
        ['invalid body', await createSignal(as[AIVD]!, { severity: 'extreme' }), 400],
        [
          'unknown municipality',
          await createSignal(as[AIVD]!, { affectedMunicipalities: ['GM9999'] }),
          400,
        ],
        ['observer may not raise', await createSignal(as[OBSERVER]!), 403],
        [
          'stale version',
          await hub
            .http()
            .patch(`/api/signals/${signal.id}`)
            .set(as[AIVD]!.auth)
            .send({ version: 7, title: 'x' }),
          409,
        ],
        [
          'not the editor',
          await hub
            .http()
            .patch(`/api/signals/${signal.id}`)
            .set(as[NCTV]!.auth)
            .send({ version: 1, title: 'x' }),
          403,
        ],
        [
          'chair-only transition',
          await hub
            .http()
            .post(`/api/signals/${signal.id}/transitions`)
            .set(as[AIVD]!.auth)
            .send({ to: 'triaged', version: 1 }),
          403,
        ],
        [
          'invalid transition',
          await hub
            .http()
            .post(`/api/signals/${signal.id}/transitions`)
            .set(as[CHAIR]!.auth)
            .send({ to: 'closed', version: 1 }),
          409,
        ],
        [
          'looser comment',
          await hub
            .http()
            .post(`/api/signals/${signal.id}/timeline`)
            .set(as[NCTV]!.auth)
            .send({ text: 'x', marking: 'CLEAR' }),
          400,
        ],
      ];
      for (const [what, response, status] of refused) {
        expect({ what, status: response.status }).toEqual({ what, status });
      }
      expect(await rowCounts(hub)).toEqual(before);
      expect(await maxSeq()).toBe(seq);
    });

    it('rolls the audit event back with the change when the transaction fails after writing it', async () => {
      // A fault after the audit row is written, at the very end of the transaction (the outbox insert).
      await hub.db.query(`
        CREATE FUNCTION test_fail_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.data::text LIKE '%Foutinjectie%' THEN RAISE EXCEPTION 'injected fault'; END IF;
          RETURN NEW;
        END $$`);
      await hub.db.query(
        `CREATE TRIGGER test_fail_outbox BEFORE INSERT ON outbox_events FOR EACH ROW EXECUTE FUNCTION test_fail_outbox()`,
      );
      try {
        const before = await rowCounts(hub);
        const seq = await maxSeq();
        const failed = await createSignal(as[AIVD]!, { title: 'Foutinjectie' });
        expectProblem(failed, 500);
        expect(await rowCounts(hub)).toEqual(before);
        expect(await maxSeq()).toBe(seq);
        // The next write continues the chain without a hole.
        await raise(as[AIVD]!);
        expect(await maxSeq()).toBe(seq + 1);
        expect(await verify()).toEqual({ ok: true, checked: seq + 1, firstBroken: null });
      } finally {
        await hub.db.query(`DROP TRIGGER test_fail_outbox ON outbox_events`);
        await hub.db.query(`DROP FUNCTION test_fail_outbox()`);
      }
    });

    it.each([
      ['AMBER_STRICT', 'NONE', true],
      ['RED', 'NONE', true],
      ['GREEN', 'DEP_V', true],
      ['GREEN', 'NONE', false],
      ['CLEAR', 'NONE', false],
    ] as const)(
      'GET /api/signals/:id of a %s signal classified %s is audited: %s',
      async (marking, classification, audited) => {
        const reader = as[NCTV]!;
        const signal = await raise(as[AIVD]!, {
          marking,
          classification,
          sharedWith: marking === 'AMBER_STRICT' ? ['NCTV'] : [],
          recipients: marking === 'RED' ? [reader.reader.id] : [],
        });
        const seq = await maxSeq();
        const response = await hub.http().get(`/api/signals/${signal.id}`).set(reader.auth);
        expect(response.status).toBe(200);
        const events = await eventsAfter(seq);
        if (audited) {
          expect(events).toEqual([
            { seq: seq + 1, action: 'signal.read', entityId: signal.id, actorId: reader.reader.id },
          ]);
          const [read] = (await auditOf(hub, as[ADMIN]!, signal.id)).filter(
            (e) => e.action === 'signal.read',
          );
          expect(read).toMatchObject({
            actorAgency: 'NCTV',
            entityType: 'signal',
            details: { marking, classification },
          });
        } else {
          expect(events).toEqual([]);
        }
      },
    );
  });

  it.each([
    ['the list', (_id: string, election: string) => `/api/signals?electionId=${election}&limit=200`, 'list'],
    ['the timeline', (id: string) => `/api/signals/${id}/timeline`, 'timeline'],
    ['the measures', (id: string) => `/api/signals/${id}/measures`, 'measures'],
    ['the platform reports', (id: string) => `/api/signals/${id}/platform-reports`, 'platform_reports'],
  ] as const)('a read of a RED signal through %s is audited as well, and a GREEN one is not', async (_what, path, via) => {
    const reader = as[NCTV]!;
    const red = await raise(as[AIVD]!, { marking: 'RED', classification: 'NONE', sharedWith: [], recipients: [reader.reader.id] });
    const green = await raise(as[AIVD]!, { marking: 'GREEN', classification: 'NONE', sharedWith: [], recipients: [] });
    const seq = await maxSeq();
    for (const signal of via === 'list' ? [red] : [red, green]) {
      const response = await hub.http().get(path(signal.id, electionId)).set(reader.auth);
      expect(response.status).toBe(200);
    }
    const events = await eventsAfter(seq);
    if (via === 'list') {
      // The list holds every readable signal of the election; each sensitive one is one audited read.
      expect(events.map((e) => e.action).every((action) => action === 'signal.read')).toBe(true);
      expect(events.map((e) => e.entityId)).toContain(red.id);
      expect(events.map((e) => e.entityId)).not.toContain(green.id);
    } else {
      expect(events).toEqual([{ seq: seq + 1, action: 'signal.read', entityId: red.id, actorId: reader.reader.id }]);
    }
    const [read] = (await auditOf(hub, as[ADMIN]!, red.id)).filter((e) => e.action === 'signal.read');
    const [{ name }] = (await hub.db.query(`SELECT name FROM users WHERE id = $1`, [reader.reader.id])) as { name: string }[];
    expect(read).toMatchObject({ actorAgency: 'NCTV', actorName: name, details: { marking: 'RED', via } });
  });

  describe('GET /api/audit and /api/audit/verify', () => {
    it.each(
      DEMO.map((d) => [d.email, d.roles.includes('admin') || d.roles.includes('chair')] as const),
    )('%s reads and verifies the audit trail: %s', async (email, allowed) => {
      const session = as[email]!;
      const list = await hub.http().get('/api/audit').set(session.auth);
      const check = await hub.http().get('/api/audit/verify').set(session.auth);
      if (allowed) {
        expect(list.status).toBe(200);
        expect(check.status).toBe(200);
        expect(check.body).toMatchObject({ ok: true });
      } else {
        expectProblem(list, 403);
        expectProblem(check, 403);
      }
    });

    it("withholds from the chair the events about a signal it may not read (that signal does not exist for it); the administrator sees them", async () => {
      const hidden = await raise(as[AIVD]!, { marking: 'AMBER_STRICT', sharedWith: ['NCTV'] });
      const shared = await raise(as[AIVD]!, { marking: 'AMBER_STRICT', sharedWith: ['BZK'] });
      for (const signal of [hidden, shared]) {
        await hub.http().post(`/api/signals/${signal.id}/timeline`).set(as[AIVD]!.auth).send({ text: 'Notitie' }).expect(201);
      }
      expect((await auditOf(hub, as[CHAIR]!, hidden.id)).map((e) => e.action)).toEqual([]);
      expect((await auditOf(hub, as[CHAIR]!, shared.id)).map((e) => e.action)).toEqual(['timeline.add', 'signal.create']);
      expect((await auditOf(hub, as[ADMIN]!, hidden.id)).map((e) => e.action)).toEqual(['timeline.add', 'signal.create']);
      const chairPage = (await hub.http().get('/api/audit').set(as[CHAIR]!.auth).query({ limit: '200' })).body as { items: AuditItem[] };
      expect(chairPage.items.some((e) => e.entityId === hidden.id || (e.details as { signalId?: string }).signalId === hidden.id)).toBe(false);
      expect(chairPage.items.some((e) => e.entityId === shared.id)).toBe(true);
    });

    it('refuses an anonymous caller with 401', async () => {
      expectProblem(await hub.http().get('/api/audit'), 401);
      expectProblem(await hub.http().get('/api/audit/verify'), 401);
    });

    it('pages newest first through every event, each exactly once, following nextCursor', async () => {
      const total = await maxSeq();
      const seen: number[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 1000; page++) {
        const response: Response = await hub
          .http()
          .get('/api/audit')
          .set(as[ADMIN]!.auth)
          .query({ limit: '7', ...(cursor ? { cursor } : {}) });
        expect(response.status).toBe(200);
        const body = response.body as { items: AuditItem[]; nextCursor: string | null };
        expect(body.items.length).toBeLessThanOrEqual(7);
        seen.push(...body.items.map((e) => e.seq));
        cursor = body.nextCursor;
        if (cursor === null) break;
        expect(body.items).toHaveLength(7);
      }
      expect(seen).toEqual(Array.from({ length: total }, (_, i) => total - i));
    });

    it('defaults to 50 events and filters by record', async () => {
      const page = await hub.http().get('/api/audit').set(as[CHAIR]!.auth);
      expect((page.body as { items: AuditItem[] }).items).toHaveLength(
        Math.min(50, await maxSeq()),
      );
      const signal = await raise(as[NCSC]!);
      await hub
        .http()
        .patch(`/api/signals/${signal.id}`)
        .set(as[NCSC]!.auth)
        .send({ version: 1, severity: 'low' })
        .expect(200);
      const events = await auditOf(hub, as[CHAIR]!, signal.id);
      expect(events.map((e) => e.action)).toEqual(['signal.update', 'signal.create']);
    });

    it.each([
      [{ limit: '0' }, 'limit'],
      [{ limit: '201' }, 'limit'],
      [{ limit: 'veel' }, 'limit'],
      [{ cursor: 'niet-een-cursor' }, 'cursor'],
      [{ onbekend: '1' }, 'onbekend'],
    ])('answers %j with a 400 naming %s', async (query, field) => {
      expectProblem(
        await hub.http().get('/api/audit').set(as[ADMIN]!.auth).query(query),
        400,
        field,
      );
    });
  });
});
