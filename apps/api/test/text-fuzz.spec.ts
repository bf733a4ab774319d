import { TEXT_LIMITS, type TextLimit, textLength } from '@verkiezingstafel/domain';
import fc from 'fast-check';
import type { Response } from 'supertest';
import { Factory, type SignalView } from './support/factories';
import { ADMIN, AIVD, CHAIR, FLAGGER, NCTV } from './support/visibility-oracle';

/*
 * Issue 9: a fuzz pass over every text field with combining marks, variation selectors, emoji
 * sequences and right-to-left text, at lengths around each field's limits. Every answer is
 * below 500; a text within its limits (counted in code points) is stored exactly as sent and
 * the database's length() counts what the API counted; a text outside them is a 400 naming the
 * field. A second test reads the limits of the schema's CHECK constraints: they are the API's.
 *
 * VT_TEXT_FUZZ_RUNS=<n> runs per field (default 100); a failure prints the seed: reproduce with
 * VT_FUZZ_SEED=<seed>.
 */

const RUNS = Number(process.env['VT_TEXT_FUZZ_RUNS'] ?? 100);
const SEED = process.env['VT_FUZZ_SEED'] === undefined ? undefined : Number(process.env['VT_FUZZ_SEED']);

/** Pieces of text that count differently in UTF-16, in validator.js, in graphemes and in code points. */
const PIECES = [
  // Combining marks: one grapheme, several code points.
  'e\u0301',
  'a\u0308\u0304',
  'Z\u0335\u0322\u0347',
  '\u0489',
  // Variation selectors, of the BMP and of the supplement (a surrogate pair).
  'a\uFE0F',
  '\u2764\uFE0F',
  '\u263A\uFE0E',
  '\u{E0100}',
  // Emoji: single, with a skin tone, ZWJ sequences, flags, keycaps, a tag sequence.
  '😀',
  '👍🏽',
  '👨‍👩‍👧‍👦',
  '🏳️‍🌈',
  '🇳🇱',
  '1️⃣',
  '🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}',
  // Right-to-left text and the controls that steer it.
  'שלום',
  'مرحبا',
  '\u200F',
  '\u202Eevil\u202C',
  '\u2067عربي\u2069',
  // Joiners, a byte order mark inside the text, plain Dutch.
  '\u200D',
  '\u200C',
  '\uFEFF',
  'IJsselmonde ',
  'x',
];

const piece = fc.constantFrom(...PIECES);

/** A text of exactly `length` code points, made of the pieces above (cut at a code point, never inside one). */
function textOf(length: number): fc.Arbitrary<string> {
  return fc.array(piece, { minLength: 1, maxLength: 64 }).map((pieces) => {
    let text = pieces.join('');
    while (textLength(text) < length) text += text;
    return [...text].slice(0, length).join('');
  });
}

/** Lengths around the limits: empty, each edge and its neighbours, and something short. */
function lengthAround(limit: TextLimit): fc.Arbitrary<number> {
  const edges = [0, limit.min - 1, limit.min, limit.min + 1, limit.max - 1, limit.max, limit.max + 1, limit.max + 2].filter((n) => n >= 0);
  return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...edges) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: Math.min(limit.max, 60) }) });
}

interface TextField {
  name: string;
  /** The field as the problem names it. */
  field: string;
  limit: TextLimit;
  send(value: string): Promise<Response>;
  /** The stored text and the database's length() of it, after a 2xx. */
  stored(response: Response): Promise<{ text: string; length: number }>;
}

describe('a fuzz pass over every text field: no 500, and the lengths the API counts are the database\'s', () => {
  let f: Factory;
  let editable: SignalView;
  let working: SignalView;
  let measureId: string;
  let elections = 0;

  beforeAll(async () => {
    f = await Factory.start();
    f.useElection(await f.newElection());
    editable = await f.newSignal(AIVD, { leadAgency: 'NCTV' });
    working = await f.newSignal(AIVD);
    await f.transition(CHAIR, working.id, 'triaged');
    await f.transition(AIVD, working.id, 'in_progress');
    measureId = (await f.newMeasure(CHAIR, editable.id)).id;
  });

  afterAll(async () => {
    await f.close();
  });

  const http = () => f.hub.http();
  const one = async (sql: string, params: unknown[]) => {
    const [row] = (await f.hub.db.query(sql, params)) as { text: string; length: number }[];
    if (!row) throw new Error(`nothing stored for ${sql} ${JSON.stringify(params)}`);
    return row;
  };
  const base = () => ({ electionId: f.electionId, title: 'Tekst', description: '', category: 'other', severity: 'low', marking: 'GREEN' });
  const idOf = (response: Response) => (response.body as { id: string }).id;
  const signalColumn = (column: string) => (response: Response) =>
    one(`SELECT ${column} AS text, length(${column})::int AS length FROM signals WHERE id = $1`, [idOf(response)]);

  const FIELDS: TextField[] = [
    ...(['title', 'description', 'source'] as const).map((field): TextField => {
      const limit = { title: TEXT_LIMITS.signalTitle, description: TEXT_LIMITS.signalDescription, source: TEXT_LIMITS.signalSource }[field];
      return { name: `POST /api/signals ${field}`, field, limit, send: (value) => http().post('/api/signals').set(f.as[AIVD]!.auth).send({ ...base(), [field]: value }), stored: signalColumn(field) };
    }),
    ...(['title', 'description', 'source'] as const).map((field): TextField => {
      const limit = { title: TEXT_LIMITS.signalTitle, description: TEXT_LIMITS.signalDescription, source: TEXT_LIMITS.signalSource }[field];
      return {
        name: `PATCH /api/signals/:id ${field}`,
        field,
        limit,
        send: async (value) => http().patch(`/api/signals/${editable.id}`).set(f.as[AIVD]!.auth).send({ version: await f.versionOf('signals', editable.id), [field]: value }),
        stored: signalColumn(field),
      };
    }),
    {
      name: 'POST /api/signals evidence[0].description',
      field: 'evidence[0].description',
      limit: TEXT_LIMITS.evidenceDescription,
      send: (value) => http().post('/api/signals').set(f.as[AIVD]!.auth).send({ ...base(), evidence: [{ url: 'https://voorbeeld.nl/bericht', description: value }] }),
      stored: (response) =>
        // An empty description is stored as none.
        one(
          `SELECT coalesce(evidence->0->>'description', '') AS text, coalesce(length(evidence->0->>'description'), 0)::int AS length FROM signals WHERE id = $1`,
          [idOf(response)],
        ),
    },
    {
      name: 'POST /api/signals/:id/timeline text',
      field: 'text',
      limit: TEXT_LIMITS.timelineText,
      send: (value) => http().post(`/api/signals/${editable.id}/timeline`).set(f.as[NCTV]!.auth).send({ text: value }),
      stored: (response) => one(`SELECT text, length(text)::int AS length FROM timeline_entries WHERE id = $1`, [idOf(response)]),
    },
    {
      name: 'POST /api/signals/:id/transitions note',
      field: 'note',
      limit: TEXT_LIMITS.transitionNote,
      send: async (value) => {
        const [{ status }] = (await f.hub.db.query(`SELECT status FROM signals WHERE id = $1`, [working.id])) as { status: string }[];
        const to = status === 'in_progress' ? 'monitoring' : 'in_progress';
        return http().post(`/api/signals/${working.id}/transitions`).set(f.as[AIVD]!.auth).send({ to, version: await f.versionOf('signals', working.id), note: value });
      },
      stored: () =>
        one(`SELECT text, length(text)::int AS length FROM timeline_entries WHERE signal_id = $1 AND kind = 'system' ORDER BY created_at DESC, id DESC LIMIT 1`, [working.id]),
    },
    {
      name: 'POST /api/signals/:id/measures description',
      field: 'description',
      limit: TEXT_LIMITS.measureDescription,
      send: (value) => http().post(`/api/signals/${editable.id}/measures`).set(f.as[CHAIR]!.auth).send({ description: value, ownerAgency: 'NCTV' }),
      stored: (response) => one(`SELECT description AS text, length(description)::int AS length FROM measures WHERE id = $1`, [idOf(response)]),
    },
    {
      name: 'PATCH /api/measures/:id description',
      field: 'description',
      limit: TEXT_LIMITS.measureDescription,
      send: async (value) => http().patch(`/api/measures/${measureId}`).set(f.as[CHAIR]!.auth).send({ version: await f.versionOf('measures', measureId), description: value }),
      stored: () => one(`SELECT description AS text, length(description)::int AS length FROM measures WHERE id = $1`, [measureId]),
    },
    {
      name: 'POST /api/signals/:id/platform-reports ground',
      field: 'ground',
      limit: TEXT_LIMITS.platformReportGround,
      send: (value) => http().post(`/api/signals/${editable.id}/platform-reports`).set(f.as[FLAGGER]!.auth).send({ platform: 'x', contentUrl: 'https://x.com/a/status/1', ground: value }),
      stored: (response) => one(`SELECT ground AS text, length(ground)::int AS length FROM platform_reports WHERE id = $1`, [idOf(response)]),
    },
    {
      name: 'POST /api/elections name',
      field: 'name',
      limit: TEXT_LIMITS.electionName,
      send: (value) => {
        elections += 1;
        return http().post('/api/elections').set(f.as[ADMIN]!.auth).send({ code: `EP2099T${elections.toString(36).toUpperCase()}`, type: 'EP', electionDay: '2099-06-01', name: value });
      },
      stored: (response) => one(`SELECT name AS text, length(name)::int AS length FROM elections WHERE id = $1`, [idOf(response)]),
    },
  ];

  it.each(FIELDS.map((field) => [field.name, field] as const))('%s', async (_name, field) => {
    await fc.assert(
      fc.asyncProperty(lengthAround(field.limit).chain(textOf), async (value) => {
        const length = textLength(value);
        const response = await field.send(value);
        const within = length >= field.limit.min && length <= field.limit.max;
        expect(response.status).toBeLessThan(500);
        if (within) {
          if (response.status >= 300) throw new Error(`expected a 2xx for ${length} code points, got ${response.status}: ${JSON.stringify(response.body)}`);
          const stored = await field.stored(response);
          expect(stored).toEqual({ text: value, length });
        } else {
          expect(response.status).toBe(400);
          const errors = (response.body as { errors: { field: string; code: string }[] }).errors;
          const expected = length === 0 ? 'required' : length < field.limit.min ? 'too_short' : 'too_long';
          expect(errors).toContainEqual(expect.objectContaining({ field: field.field, code: expected }));
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  }, 300_000);

  it.each([
    ['GET /api/signals?q=', (value: string) => http().get('/api/signals').set(f.as[CHAIR]!.auth).query({ q: value })],
    ['POST /api/auth/login email and password', (value: string) => http().post('/api/auth/login').send({ email: `${value}@voorbeeld.nl`, password: value })],
    ['POST /api/signals evidence[0].url', (value: string) => http().post('/api/signals').set(f.as[AIVD]!.auth).send({ ...base(), evidence: [{ url: `https://voorbeeld.nl/${value}` }] })],
  ] as const)('%s never answers a 500', async (_name, send) => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 260 }).chain(textOf), async (value) => {
        const response = await send(value);
        expect({ value, status: response.status < 500 }).toEqual({ value, status: true });
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  }, 300_000);

  it('holds the same limits as the CHECK constraints of the schema', async () => {
    const constraints = (await f.hub.db.query(
      `SELECT conrelid::regclass::text AS "table", pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE contype = 'c'`,
    )) as { table: string; definition: string }[];
    const limitOf = (table: string, column: string): TextLimit => {
      const definition = constraints.find((c) => c.table === table && c.definition.includes(`length(${column})`))?.definition;
      if (!definition) throw new Error(`no length check on ${table}.${column}`);
      const max = /length\(\w+\) <= (\d+)/.exec(definition);
      const min = /length\(\w+\) >= (\d+)/.exec(definition);
      return { min: min ? Number(min[1]) : 0, max: Number(max![1]) };
    };
    expect({
      signalTitle: limitOf('signals', 'title'),
      signalDescription: limitOf('signals', 'description'),
      signalSource: limitOf('signals', 'source'),
      measureDescription: limitOf('measures', 'description'),
      platformReportUrl: { min: TEXT_LIMITS.platformReportUrl.min, max: limitOf('platform_reports', 'content_url').max },
      platformReportGround: limitOf('platform_reports', 'ground'),
      electionName: limitOf('elections', 'name'),
    }).toEqual({
      signalTitle: TEXT_LIMITS.signalTitle,
      signalDescription: TEXT_LIMITS.signalDescription,
      signalSource: TEXT_LIMITS.signalSource,
      measureDescription: TEXT_LIMITS.measureDescription,
      platformReportUrl: TEXT_LIMITS.platformReportUrl,
      platformReportGround: TEXT_LIMITS.platformReportGround,
      electionName: TEXT_LIMITS.electionName,
    });
    // Comments and notes share the timeline's column; neither may be longer than it holds.
    const timeline = limitOf('timeline_entries', 'text');
    expect(TEXT_LIMITS.timelineText.max).toBeLessThanOrEqual(timeline.max);
    expect(TEXT_LIMITS.transitionNote.max).toBeLessThanOrEqual(timeline.max);
  });
});
