import { expectProblem, rowCounts } from './support/hub-helpers';
import { Factory, type SignalView } from './support/factories';
import { ADMIN, AIVD, CHAIR, FLAGGER, NCTV } from './support/visibility-oracle';

/*
 * Issue 9, defects 5 and 6: what the API accepts, the database stores. Text is measured in
 * Unicode code points by the API and by PostgreSQL's length() alike; a value the database
 * would refuse anyway is a 400 naming the field, never a 500; cursors and timestamps are
 * checked for what PostgreSQL accepts and for a sane range of years.
 */

/** `n` characters that are each a letter and a variation selector: 2n code points, n "characters" to validator.js. */
const selected = (n: number) => 'a\uFE0F'.repeat(n);

interface FieldError {
  field: string;
  code?: string;
  message: string;
}

function errorsOf(body: unknown): FieldError[] {
  return ((body as { errors?: FieldError[] }).errors ?? []) as FieldError[];
}

describe('input the database would refuse', () => {
  let f: Factory;
  let signal: SignalView;

  beforeAll(async () => {
    f = await Factory.start();
    f.useElection(await f.newElection());
    signal = await f.newSignal(AIVD, { leadAgency: 'NCTV' });
  });

  afterAll(async () => {
    await f.close();
  });

  const http = () => f.hub.http();

  describe('text is measured in code points, by the API as by the database', () => {
    it('refuses a title of 150 letters with a variation selector each (300 code points) with a 400 naming title, writing nothing', async () => {
      const before = await rowCounts(f.hub);
      const response = await http()
        .post('/api/signals')
        .set(f.as[AIVD]!.auth)
        .send({ electionId: f.electionId, title: selected(150), description: '', category: 'other', severity: 'low', marking: 'GREEN' });
      expectProblem(response, 400, 'title');
      expect(errorsOf(response.body)).toContainEqual(expect.objectContaining({ field: 'title', code: 'too_long' }));
      expect(await rowCounts(f.hub)).toEqual(before);
    });

    it('accepts exactly the limit in code points, stores it, and the database counts the same length', async () => {
      const created = await f.newSignal(AIVD, { title: selected(100) });
      const [row] = (await f.hub.db.query(`SELECT length(title)::int AS n, title FROM signals WHERE id = $1`, [created.id])) as { n: number; title: string }[];
      expect(row).toEqual({ n: 200, title: selected(100) });
      expectProblem(await http().post('/api/signals').set(f.as[AIVD]!.auth).send({ electionId: f.electionId, title: `${selected(100)}a`, description: '', category: 'other', severity: 'low', marking: 'GREEN' }), 400, 'title');
    });

    // Every text field the database checks, each one code point over its limit, written with
    // variation selectors so that validator.js would count it within the limit.
    const overLimit = (max: number) => `${selected(Math.floor(max / 2))}${max % 2 === 1 ? 'a' : ''}b`;

    it.each([
      ['POST /api/signals', 'title', 200],
      ['POST /api/signals', 'description', 20000],
      ['POST /api/signals', 'source', 5000],
      ['PATCH /api/signals/:id', 'title', 200],
      ['PATCH /api/signals/:id', 'description', 20000],
      ['PATCH /api/signals/:id', 'source', 5000],
      ['POST /api/signals/:id/timeline', 'text', 20000],
      ['POST /api/signals/:id/measures', 'description', 2000],
      ['PATCH /api/measures/:id', 'description', 2000],
      ['POST /api/signals/:id/platform-reports', 'ground', 2000],
      ['POST /api/elections', 'name', 200],
    ] as const)('%s refuses a %s one code point over %i with a 400 naming it, never a 500', async (route, field, max) => {
      const value = overLimit(max);
      expect([...value]).toHaveLength(max + 1);
      const before = await rowCounts(f.hub);
      let response;
      switch (route) {
        case 'POST /api/signals':
          response = await http().post('/api/signals').set(f.as[AIVD]!.auth).send({ electionId: f.electionId, title: 't', description: '', category: 'other', severity: 'low', marking: 'GREEN', [field]: value });
          break;
        case 'PATCH /api/signals/:id':
          response = await http().patch(`/api/signals/${signal.id}`).set(f.as[AIVD]!.auth).send({ version: await f.versionOf('signals', signal.id), [field]: value });
          break;
        case 'POST /api/signals/:id/timeline':
          response = await http().post(`/api/signals/${signal.id}/timeline`).set(f.as[NCTV]!.auth).send({ [field]: value });
          break;
        case 'POST /api/signals/:id/measures':
          response = await http().post(`/api/signals/${signal.id}/measures`).set(f.as[CHAIR]!.auth).send({ ownerAgency: 'NCTV', [field]: value });
          break;
        case 'PATCH /api/measures/:id': {
          const measure = await f.newMeasure(CHAIR, signal.id);
          response = await http().patch(`/api/measures/${measure.id}`).set(f.as[CHAIR]!.auth).send({ version: measure.version, [field]: value });
          break;
        }
        case 'POST /api/signals/:id/platform-reports':
          response = await http().post(`/api/signals/${signal.id}/platform-reports`).set(f.as[FLAGGER]!.auth).send({ platform: 'x', contentUrl: 'https://x.com/a/status/1', [field]: value });
          break;
        case 'POST /api/elections':
          response = await http().post('/api/elections').set(f.as[ADMIN]!.auth).send({ code: 'EP2099', type: 'EP', electionDay: '2099-06-01', [field]: value });
          break;
      }
      expectProblem(response, 400, field);
      expect(errorsOf(response.body)).toContainEqual(expect.objectContaining({ field, code: 'too_long' }));
      const after = await rowCounts(f.hub);
      // A measure made to be updated above is the only row the case itself adds.
      expect(after).toEqual(route === 'PATCH /api/measures/:id' ? { ...before, measures: before.measures + 1, audit_events: before.audit_events + 1, outbox_events: before.outbox_events + 1 } : before);
    });
  });

  describe('no database error caused by the input is a 500', () => {
    it('answers a check the database makes and the API did not foresee with a 400 naming the field', async () => {
      await f.hub.db.query(`ALTER TABLE signals ADD CONSTRAINT signals_description_check_probe CHECK (description NOT LIKE '%verboden woord%')`);
      try {
        const before = await rowCounts(f.hub);
        const response = await http()
          .post('/api/signals')
          .set(f.as[AIVD]!.auth)
          .send({ electionId: f.electionId, title: 'Proef', description: 'Een verboden woord', category: 'other', severity: 'low', marking: 'GREEN' });
        expectProblem(response, 400, 'description');
        expect(errorsOf(response.body)).toContainEqual(expect.objectContaining({ field: 'description', code: 'invalid_value' }));
        expect(await rowCounts(f.hub)).toEqual(before);
      } finally {
        await f.hub.db.query(`ALTER TABLE signals DROP CONSTRAINT signals_description_check_probe`);
      }
    });

    it('answers a unique value the database already holds with a 409 naming the field', async () => {
      // Two signals may not share a title in this probe: the second is a conflict, not a crash.
      await f.hub.db.query(`CREATE UNIQUE INDEX signals_title_key ON signals (title) WHERE title LIKE 'Uniek %'`);
      try {
        await f.newSignal(AIVD, { title: 'Uniek 1' });
        const response = await http()
          .post('/api/signals')
          .set(f.as[AIVD]!.auth)
          .send({ electionId: f.electionId, title: 'Uniek 1', description: '', category: 'other', severity: 'low', marking: 'GREEN' });
        expectProblem(response, 409, 'title');
        expect(errorsOf(response.body)).toContainEqual(expect.objectContaining({ field: 'title', code: 'already_exists' }));
      } finally {
        await f.hub.db.query(`DROP INDEX signals_title_key`);
      }
    });

    it('answers a value the database cannot convert with a 400 problem, not a 500', async () => {
      await f.hub.db.query(`
        CREATE FUNCTION probe_numeric_title() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.title LIKE 'Getal %' THEN PERFORM substr(NEW.title, 7)::int; END IF;
          RETURN NEW;
        END $$`);
      await f.hub.db.query(`CREATE TRIGGER probe_numeric_title BEFORE INSERT ON signals FOR EACH ROW EXECUTE FUNCTION probe_numeric_title()`);
      try {
        const response = await http()
          .post('/api/signals')
          .set(f.as[AIVD]!.auth)
          .send({ electionId: f.electionId, title: 'Getal twaalf', description: '', category: 'other', severity: 'low', marking: 'GREEN' });
        expectProblem(response, 400);
        expect(errorsOf(response.body)).toEqual([expect.objectContaining({ code: 'invalid_format' })]);
      } finally {
        await f.hub.db.query(`DROP TRIGGER probe_numeric_title ON signals`);
        await f.hub.db.query(`DROP FUNCTION probe_numeric_title()`);
      }
    });
  });

  describe('cursors and timestamps', () => {
    const cursorOf = (parts: unknown) => Buffer.from(JSON.stringify(parts)).toString('base64url');

    it.each([
      ['the year 0000', ['0000-01-01T00:00:00.000000Z', '00000000-0000-4000-8000-000000000000']],
      ['February 30th', ['2025-02-30T00:00:00.000000Z', '00000000-0000-4000-8000-000000000000']],
      ['a leap second', ['2016-12-31T23:59:60.000000Z', '00000000-0000-4000-8000-000000000000']],
      ['a uuid in capitals of a wrong variant', ['2025-01-01T00:00:00.000000Z', 'ZZZZZZZZ-0000-4000-8000-000000000000']],
      ['three parts', ['2025-01-01T00:00:00.000000Z', '00000000-0000-4000-8000-000000000000', 1]],
    ])('answers a list cursor with %s with a 400 naming cursor, never a 500', async (_what, parts) => {
      const response = await http().get('/api/signals').set(f.as[CHAIR]!.auth).query({ cursor: cursorOf(parts) });
      expectProblem(response, 400, 'cursor');
      expect(errorsOf(response.body)).toEqual([expect.objectContaining({ field: 'cursor', code: 'invalid_cursor' })]);
    });

    it.each([['9999-01-01T00:00:00Z'], ['9999-12-31T23:00:00-14:00'], ['1899-12-31T23:59:59Z'], ['2201-01-01T00:00:00Z']])(
      'refuses a firstSeenAt of %s with a 400 invalid_date, on create and on edit',
      async (firstSeenAt) => {
        const before = await rowCounts(f.hub);
        const created = await http()
          .post('/api/signals')
          .set(f.as[AIVD]!.auth)
          .send({ electionId: f.electionId, title: 'Gezien', description: '', category: 'other', severity: 'low', marking: 'GREEN', firstSeenAt });
        expectProblem(created, 400, 'firstSeenAt');
        expect(errorsOf(created.body)).toContainEqual(expect.objectContaining({ field: 'firstSeenAt', code: 'invalid_date' }));
        const edited = await http()
          .patch(`/api/signals/${signal.id}`)
          .set(f.as[AIVD]!.auth)
          .send({ version: await f.versionOf('signals', signal.id), firstSeenAt });
        expectProblem(edited, 400, 'firstSeenAt');
        expect(await rowCounts(f.hub)).toEqual(before);
      },
    );

    it('accepts instants from 1900 up to the end of 2200, and gives them back as they were meant', async () => {
      for (const [sent, stored] of [
        ['1900-01-01T00:00:00Z', '1900-01-01T00:00:00.000Z'],
        ['2200-12-31T23:59:59Z', '2200-12-31T23:59:59.000Z'],
        ['2026-03-18T09:30:00+01:00', '2026-03-18T08:30:00.000Z'],
      ]) {
        const created = await f.newSignal(AIVD, { firstSeenAt: sent });
        expect(created['firstSeenAt']).toBe(stored);
      }
    });

    it('bounds every other date and timestamp of a body in the same way', async () => {
      const report = await f.newPlatformReport(FLAGGER, signal.id);
      const cases = [
        { send: () => http().post(`/api/signals/${signal.id}/platform-reports`).set(f.as[FLAGGER]!.auth).send({ platform: 'x', contentUrl: 'https://x.com/a', ground: 'g', reportedAt: '9999-01-01T00:00:00Z' }), field: 'reportedAt' },
        { send: () => http().patch(`/api/platform-reports/${report.id}`).set(f.as[FLAGGER]!.auth).send({ version: report.version, respondedAt: '0001-01-01T00:00:00Z' }), field: 'respondedAt' },
        { send: () => http().post(`/api/signals/${signal.id}/measures`).set(f.as[CHAIR]!.auth).send({ description: 'd', ownerAgency: 'NCTV', dueDate: '9999-12-31' }), field: 'dueDate' },
        { send: () => http().post('/api/elections').set(f.as[ADMIN]!.auth).send({ code: 'EP2098', name: 'n', type: 'EP', electionDay: '1066-10-14' }), field: 'electionDay' },
        { send: () => http().post('/api/elections').set(f.as[ADMIN]!.auth).send({ code: 'EP2098', name: 'n', type: 'EP', electionDay: '2098-06-01', milestones: [{ code: 'count', date: '3000-01-01' }] }), field: 'milestones[0].date' },
      ];
      for (const { send, field } of cases) {
        const response = await send();
        expectProblem(response, 400, field);
        expect(errorsOf(response.body)).toContainEqual(expect.objectContaining({ field, code: 'invalid_date' }));
      }
    });
  });
});
