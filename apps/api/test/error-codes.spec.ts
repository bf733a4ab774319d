import { FIELD_ERROR_CODES } from '@verkiezingstafel/domain';
import { Client } from 'pg';
import type { Response } from 'supertest';
import { expectProblem } from './support/hub-helpers';
import { Factory } from './support/factories';
import { AIVD, CHAIR, FLAGGER, KIESRAAD, NCTV } from './support/visibility-oracle';

/*
 * Issue 9, "errors as codes": the same condition always answers the same status and body
 * shape, whichever record it is about; a database outage is a 503 wherever it happens.
 */

/** Waits for a condition of the database (never asserts on time; the deadline only ends a hung test). */
async function until(what: string, condition: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 2000; attempt++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`never happened: ${what}`);
}

/** A body with what differs between kinds of record taken out: the record itself, its name in the detail, the path. */
function shapeOf(body: Record<string, unknown>): Record<string, unknown> {
  const { instance: _instance, detail, current, errors, ...rest } = body;
  return {
    ...rest,
    detail: typeof detail === 'string' ? detail.replace(/^The [a-z ]+ changed/, 'The record changed') : detail,
    current: typeof current === 'object' && current !== null ? 'a record' : current,
    errors,
  };
}

describe('errors as codes', () => {
  let f: Factory;
  /** A direct connection of its own, for holding locks while requests wait behind them. */
  let locker: Client;

  beforeAll(async () => {
    f = await Factory.start();
    f.useElection(await f.newElection());
    locker = new Client({ connectionString: f.hub.databaseUrl });
    await locker.connect();
  });

  afterAll(async () => {
    await locker?.end();
    await f?.close();
  });

  const http = () => f.hub.http();

  /** Backends of this suite's database waiting for a lock while running a statement like `pattern`. */
  async function waiting(pattern: string): Promise<number[]> {
    const rows = (await f.hub.db.query(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE $1`,
      [pattern],
    )) as { pid: number }[];
    return rows.map((r) => r.pid);
  }

  /** Holds a row lock while `work` runs; writers of that row wait behind it. */
  async function whileLocked<T>(table: string, id: string, work: () => Promise<T>): Promise<T> {
    await locker.query('BEGIN');
    try {
      await locker.query(`SELECT 1 FROM ${table} WHERE id = $1 FOR UPDATE`, [id]);
      return await work();
    } finally {
      await locker.query('COMMIT');
    }
  }

  /** Two writes from the same version at once: exactly one wins, the other answers its conflict. */
  async function race(table: string, id: string, update: string, send: () => PromiseLike<Response>): Promise<Response> {
    const [a, b] = await whileLocked(table, id, async () => {
      const first = Promise.resolve(send());
      const second = Promise.resolve(send());
      await until(`both writes wait on the ${table} row`, async () => (await waiting(`%${update}%`)).length === 2);
      return [first, second];
    });
    const responses = [await a, await b];
    expect(responses.map((r) => r.status).sort()).toEqual([200, 409]);
    return responses.find((r) => r.status === 409)!;
  }

  describe('a stale version', () => {
    it('answers one shape for a signal, a measure and a platform report: 409 version_conflict naming version, carrying the current record', async () => {
      const signal = await f.newSignal(AIVD, { leadAgency: 'NCTV' });
      await f.editSignal(AIVD, signal.id, { severity: 'high' });
      const measure = await f.newMeasure(CHAIR, signal.id);
      await http().patch(`/api/measures/${measure.id}`).set(f.as[CHAIR]!.auth).send({ version: 1, status: 'done' }).expect(200);
      const report = await f.newPlatformReport(FLAGGER, signal.id);
      await http().patch(`/api/platform-reports/${report.id}`).set(f.as[FLAGGER]!.auth).send({ version: 1, outcome: 'removed' }).expect(200);

      const answers = [
        await http().patch(`/api/signals/${signal.id}`).set(f.as[AIVD]!.auth).send({ version: 1, title: 'Te laat' }),
        await http().patch(`/api/measures/${measure.id}`).set(f.as[CHAIR]!.auth).send({ version: 1, status: 'cancelled' }),
        await http().patch(`/api/platform-reports/${report.id}`).set(f.as[FLAGGER]!.auth).send({ version: 1, outcome: 'labelled' }),
      ];
      for (const answer of answers) {
        expectProblem(answer, 409, 'version');
        expect(answer.body).toMatchObject({
          code: 'version_conflict',
          errors: [{ field: 'version', code: 'stale_version', message: 'stale version 1; current is 2' }],
          current: { version: 2 },
        });
      }
      const [first, ...others] = answers.map((a) => shapeOf(a.body as Record<string, unknown>));
      for (const other of others) expect(other).toEqual(first);
      expect(first!['detail']).toBe('The record changed since you loaded it (your version 1, now 2).');
    });

    it("answers a measure update that lost a race the same way, with the winner's record", async () => {
      const signal = await f.newSignal(AIVD, { leadAgency: 'NCTV' });
      const measure = await f.newMeasure(CHAIR, signal.id, { ownerAgency: 'KIESRAAD' });
      const loser = await race('measures', measure.id, 'UPDATE measures SET', () =>
        http().patch(`/api/measures/${measure.id}`).set(f.as[KIESRAAD]!.auth).send({ version: 1, status: 'done' }),
      );
      expectProblem(loser, 409, 'version');
      expect(loser.body).toMatchObject({
        code: 'version_conflict',
        errors: [{ field: 'version', code: 'stale_version', message: 'stale version 1; current is 2' }],
        current: { id: measure.id, version: 2, status: 'done' },
      });
    });

    it("answers a platform report update that lost a race the same way, with the winner's record", async () => {
      const signal = await f.newSignal(AIVD);
      const report = await f.newPlatformReport(FLAGGER, signal.id);
      const loser = await race('platform_reports', report.id, 'UPDATE platform_reports SET', () =>
        http().patch(`/api/platform-reports/${report.id}`).set(f.as[FLAGGER]!.auth).send({ version: 1, outcome: 'removed' }),
      );
      expectProblem(loser, 409, 'version');
      expect(loser.body).toMatchObject({
        code: 'version_conflict',
        errors: [{ field: 'version', code: 'stale_version', message: 'stale version 1; current is 2' }],
        current: { id: report.id, version: 2, outcome: 'removed' },
      });
    });
  });

  describe('a database outage', () => {
    /** Sends `send` while the signal row is locked, and kills the backend that waits for it there. */
    async function outageWhileReadingSignal(signalId: string, send: () => PromiseLike<Response>): Promise<Response> {
      return whileLocked('signals', signalId, async () => {
        const answer = Promise.resolve(send());
        await until('the request waits to read the signal', async () => (await waiting('%FOR SHARE%')).length === 1);
        const [pid] = await waiting('%FOR SHARE%');
        await f.hub.db.query(`SELECT pg_terminate_backend($1)`, [pid]);
        return answer;
      });
    }

    it('inside a measure update is a 503 to retry, not a 404', async () => {
      const signal = await f.newSignal(AIVD, { leadAgency: 'NCTV' });
      const measure = await f.newMeasure(NCTV, signal.id);
      const answer = await outageWhileReadingSignal(signal.id, () =>
        http().patch(`/api/measures/${measure.id}`).set(f.as[CHAIR]!.auth).send({ version: 1, status: 'done' }),
      );
      expectProblem(answer, 503);
      expect(answer.body).toMatchObject({ code: 'database_unavailable' });
      expect(answer.headers['retry-after']).toBe('2');
      expect(await f.versionOf('measures', measure.id)).toBe(1);
    });

    it('inside a platform report update is a 503 to retry, not a 404', async () => {
      const signal = await f.newSignal(AIVD);
      const report = await f.newPlatformReport(FLAGGER, signal.id);
      const answer = await outageWhileReadingSignal(signal.id, () =>
        http().patch(`/api/platform-reports/${report.id}`).set(f.as[FLAGGER]!.auth).send({ version: 1, outcome: 'removed' }),
      );
      expectProblem(answer, 503);
      expect(answer.body).toMatchObject({ code: 'database_unavailable' });
      expect(await f.versionOf('platform_reports', report.id)).toBe(1);
    });
  });

  describe('field errors', () => {
    it('carry a code of FIELD_ERROR_CODES beside the message, from the validators and from the services alike', async () => {
      const signal = await f.newSignal(AIVD, { marking: 'AMBER' });
      const answers = [
        await http().post('/api/signals').set(f.as[AIVD]!.auth).send({ title: 5, marking: 'ORANJE', surplus: true }),
        await http().post('/api/signals').set(f.as[AIVD]!.auth).send({ electionId: f.electionId, title: 't', description: '', category: 'other', severity: 'low', marking: 'GREEN', sharedWith: ['ZZZ'], affectedMunicipalities: ['GM9999'] }),
        await http().post(`/api/signals/${signal.id}/timeline`).set(f.as[NCTV]!.auth).send({ text: 'te los', marking: 'GREEN' }),
        await http().post(`/api/signals/${signal.id}/measures`).set(f.as[CHAIR]!.auth).send({ description: 'd', ownerAgency: 'ZZZ' }),
        await http().post(`/api/signals/${signal.id}/transitions`).set(f.as[CHAIR]!.auth).send({ to: 'closed', version: 1 }),
        await http().get('/api/signals').set(f.as[CHAIR]!.auth).query({ cursor: 'geen-cursor' }),
        await http().get('/api/signals/niet-een-id').set(f.as[CHAIR]!.auth),
        await http().post('/api/auth/login').set('Content-Type', 'application/json').send('{"email":'),
      ];
      const codes = new Set<string>();
      for (const answer of answers) {
        expect(answer.status).toBeGreaterThanOrEqual(400);
        const errors = (answer.body as { errors: { field: string; code: string; message: string }[] }).errors;
        expect(errors.length).toBeGreaterThan(0);
        for (const error of errors) {
          expect(FIELD_ERROR_CODES).toContain(error.code);
          expect(error.message).toEqual(expect.any(String));
          codes.add(`${error.field}:${error.code}`);
        }
      }
      expect([...codes]).toEqual(
        expect.arrayContaining([
          'title:wrong_type',
          'marking:not_one_of',
          'surplus:not_allowed',
          'electionId:required',
          'sharedWith[0]:unknown_agency',
          'affectedMunicipalities[0]:unknown_municipality',
          'marking:too_loose',
          'ownerAgency:unknown_agency',
          'to:invalid_transition',
          'cursor:invalid_cursor',
          'id:invalid_format',
          'body:invalid_format',
        ]),
      );
    });
  });
});
