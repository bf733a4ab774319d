import { Factory } from './support/factories';
import { expectProblem, type FullSignal, inBatches, type Item, listAll, type Session, signalsFromDb } from './support/hub-helpers';
import type { TestApp } from './support/test-app';
import {
  ACM,
  ADMIN,
  AIVD,
  AMSTERDAM,
  CHAIR,
  type Classification,
  CLASSIFICATIONS,
  DEMO,
  FLAGGER,
  KIESRAAD,
  type Marking,
  MARKINGS,
  METADATA_FIELDS,
  NCSC,
  NCTV,
  OBSERVER,
  type Reader,
  readsContent,
  redactFor,
  ROTTERDAM,
  sees,
  UTRECHT,
} from './support/visibility-oracle';

/** A signal of the fixture: raised through the API by `by`, with its audience. */
interface Fixture {
  key: string;
  by: string;
  marking: Marking;
  classification: Classification;
  sharedWith?: string[];
  /** E-mails of the named recipients. */
  recipients?: string[];
  affected?: string[];
  lead?: string;
}

/** Every marking × classification, by various owners, with audiences that test each rule. */
const FIXTURES: Fixture[] = [
  { key: 'clear-kiesraad', by: KIESRAAD, marking: 'CLEAR', classification: 'NONE', affected: ['GM0599'] },
  { key: 'clear-depv-aivd', by: AIVD, marking: 'CLEAR', classification: 'DEP_V' },
  { key: 'clear-chair', by: CHAIR, marking: 'CLEAR', classification: 'NONE', lead: 'NCTV' },
  { key: 'clear-rotterdam', by: ROTTERDAM, marking: 'CLEAR', classification: 'NONE', affected: ['GM0599'] },
  { key: 'green-amsterdam', by: AMSTERDAM, marking: 'GREEN', classification: 'NONE', affected: ['GM0363'] },
  { key: 'green-depv-nctv', by: NCTV, marking: 'GREEN', classification: 'DEP_V', lead: 'AIVD' },
  { key: 'green-acm', by: ACM, marking: 'GREEN', classification: 'NONE' },
  { key: 'green-depv-ncsc', by: NCSC, marking: 'GREEN', classification: 'DEP_V', affected: ['GM0344'] },
  { key: 'amber-nctv-ec', by: NCTV, marking: 'AMBER', classification: 'NONE', affected: ['GM0363'], sharedWith: ['EC'] },
  { key: 'amber-utrecht', by: UTRECHT, marking: 'AMBER', classification: 'NONE', affected: ['GM0344'], lead: 'NCTV' },
  { key: 'amber-depv-ncsc', by: NCSC, marking: 'AMBER', classification: 'DEP_V', affected: ['GM0599'], sharedWith: ['EC'] },
  { key: 'amber-aivd-core', by: AIVD, marking: 'AMBER', classification: 'NONE', lead: 'NCTV' },
  { key: 'amber-flagger', by: FLAGGER, marking: 'AMBER', classification: 'NONE', affected: ['GM0363', 'GM0599'], lead: 'KIESRAAD' },
  { key: 'strict-ncsc', by: NCSC, marking: 'AMBER_STRICT', classification: 'NONE', sharedWith: ['GM0599', 'KIESRAAD'], affected: ['GM0363'] },
  { key: 'strict-rotterdam', by: ROTTERDAM, marking: 'AMBER_STRICT', classification: 'NONE', affected: ['GM0599'] },
  { key: 'strict-depv-aivd', by: AIVD, marking: 'AMBER_STRICT', classification: 'DEP_V', sharedWith: ['BZK', 'GM0363'] },
  { key: 'strict-flagger', by: FLAGGER, marking: 'AMBER_STRICT', classification: 'NONE', sharedWith: ['EC', 'ACM'] },
  { key: 'strict-depv-kiesraad', by: KIESRAAD, marking: 'AMBER_STRICT', classification: 'DEP_V', sharedWith: ['NCTV', 'EC'], lead: 'NCTV' },
  { key: 'red-aivd', by: AIVD, marking: 'RED', classification: 'NONE', recipients: [ROTTERDAM, CHAIR], affected: ['GM0599'] },
  { key: 'red-depv-nctv', by: NCTV, marking: 'RED', classification: 'DEP_V', recipients: [AMSTERDAM, KIESRAAD] },
  { key: 'red-chair', by: CHAIR, marking: 'RED', classification: 'NONE', recipients: [OBSERVER], sharedWith: ['NCSC'] },
  { key: 'red-amsterdam', by: AMSTERDAM, marking: 'RED', classification: 'NONE', recipients: [CHAIR] },
  { key: 'red-depv-aivd-admin', by: AIVD, marking: 'RED', classification: 'DEP_V', recipients: [ADMIN, NCSC] },
];

const CATEGORIES = ['disinformation', 'foreign_interference', 'cyber', 'physical_security', 'threat_to_persons', 'process_integrity', 'synthetic_media', 'political_advertising', 'other'];
const SEVERITIES = ['low', 'medium', 'high', 'critical'];
/** Words that only the fixture's titles carry: `kwartelkoning` in all, one topic word each. */
const TOPICS = ['stembiljet', 'brievenbus', 'lantaarnpaal'];
const COMMON_WORD = 'kwartelkoning';

const hasWord = (s: FullSignal, word: string) => new RegExp(`\\b${word}\\b`, 'i').test(`${s.title} ${s.description}`);

function count<T>(items: T[], key: (item: T) => string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) for (const k of key(item)) counts[k] = (counts[k] ?? 0) + 1;
  return counts;
}

/** What GET /api/stats must answer: totals over what the reader sees, content counts over content it reads. */
function expectedStats(reader: Reader, signals: FullSignal[]) {
  const visible = signals.filter((s) => sees(reader, s));
  const content = visible.filter((s) => readsContent(reader, s));
  return {
    total: visible.length,
    byStatus: count(visible, (s) => [s.status]),
    byCategory: count(content, (s) => [s.category]),
    bySeverity: count(content, (s) => [s.severity]),
    byMunicipality: count(content, (s) => s.affectedMunicipalities),
  };
}

describe('signal visibility: every demo user × every marking and classification (visibility.md)', () => {
  let hub: TestApp;
  let as: Record<string, Session>;
  let electionId: string;
  let tk2025: string;
  /** Every signal in the database (demo seed and fixture), newest first, straight from the database. */
  let all: FullSignal[];
  /** The fixture's signals only (its own election), newest first. */
  let fixture: FullSignal[];
  const idOf: Record<string, string> = {};
  const created: Record<string, { body: Record<string, unknown>; sent: Record<string, unknown> }> = {};

  const byKey = (key: string) => fixture.find((s) => s.id === idOf[key])!;

  beforeAll(async () => {
    const factory = await Factory.start();
    ({ hub, as } = factory);
    [{ id: tk2025 }] = (await hub.db.query(`SELECT id FROM elections WHERE code = 'TK2025'`)) as { id: string }[];
    electionId = (await factory.newElection({ code: 'TK2099-ZICHT' })).id;

    for (const [i, f] of FIXTURES.entries()) {
      const sent = {
        electionId,
        title: `Kwartelkoning ${TOPICS[i % TOPICS.length]} melding ${i + 1}`,
        description: `Waargenomen voorval nummer ${i + 1} tijdens de campagne.`,
        category: CATEGORIES[i % CATEGORIES.length],
        severity: SEVERITIES[i % SEVERITIES.length],
        marking: f.marking,
        classification: f.classification,
        sharedWith: f.sharedWith ?? [],
        recipients: (f.recipients ?? []).map((email) => as[email]!.reader.id),
        affectedMunicipalities: f.affected ?? [],
        platforms: i % 2 === 0 ? ['x', 'tiktok'] : [],
        evidence: i % 3 === 0 ? [{ url: `https://voorbeeld.nl/bericht/${i}`, description: 'schermafdruk' }] : [],
        source: `Bron van ${f.key}: alleen voor de eigenaar.`,
        ...(f.lead ? { leadAgency: f.lead } : {}),
      };
      const body = await factory.newSignal(f.by, sent);
      created[f.key] = { body, sent };
      idOf[f.key] = body.id;
    }

    // Statuses besides `new`, through the API.
    const move = (key: string, to: string, by: Session = as[CHAIR]!) => factory.transition(by, idOf[key]!, to);
    await move('clear-kiesraad', 'triaged');
    await move('amber-nctv-ec', 'triaged');
    await move('amber-nctv-ec', 'in_progress', as[NCTV]);
    await move('green-acm', 'rejected');
    await move('strict-flagger', 'triaged');
    await move('strict-depv-aivd', 'duplicate');
    await move('amber-utrecht', 'triaged');

    // Four signals created in the same microsecond: the cursor must break the tie by id.
    await hub.db.query(`UPDATE signals SET created_at = '2099-01-01T12:00:00.123456Z' WHERE id = ANY($1::uuid[])`, [
      ['green-acm', 'amber-utrecht', 'strict-ncsc', 'red-chair'].map((k) => idOf[k]),
    ]);

    all = await signalsFromDb(hub);
    fixture = all.filter((s) => s.electionId === electionId);
  });

  afterAll(async () => {
    await hub.close();
  });

  it('has a fixture covering every marking × classification', () => {
    for (const marking of MARKINGS) {
      for (const classification of CLASSIFICATIONS) {
        expect(fixture.some((s) => s.marking === marking && s.classification === classification)).toBe(true);
      }
    }
    expect(fixture).toHaveLength(FIXTURES.length);
  });

  it('gives the creator back what it sent, source included, owned by its own agency', async () => {
    for (const f of FIXTURES) {
      const { body, sent } = created[f.key]!;
      const { electionId: _e, ...content } = sent;
      expect(body).toMatchObject({ ...content, ownerAgency: as[f.by]!.reader.agency, leadAgency: f.lead ?? null, status: 'new', version: 1 });
      // The owner's view is the whole record as stored.
      const owner = await hub.http().get(`/api/signals/${idOf[f.key]}`).set(as[f.by]!.auth);
      expect(owner.status).toBe(200);
      expect(owner.body).toEqual(byKey(f.key));
    }
  });

  it.each(DEMO.map((d) => [d.email]))(
    '%s: GET /api/signals/:id answers 200 with exactly the visible fields for a readable signal, 404 otherwise',
    async (email) => {
      const session = as[email]!;
      const results = await inBatches(all, 8, async (s) => ({ s, response: await hub.http().get(`/api/signals/${s.id}`).set(session.auth) }));
      for (const { s, response } of results) {
        const expected = redactFor(session.reader, s);
        if (expected === null) {
          expectProblem(response, 404);
        } else {
          expect({ id: s.id, status: response.status }).toEqual({ id: s.id, status: 200 });
          expect(response.body).toEqual(expected);
        }
      }
    },
  );

  it.each(DEMO.map((d) => [d.email]))('%s: the list holds exactly the readable signals, newest first, field for field', async (email) => {
    const session = as[email]!;
    const { items } = await listAll(hub, session, { electionId });
    const expected = fixture.map((s) => redactFor(session.reader, s)).filter((s) => s !== null);
    expect(items).toEqual(expected);

    const everything = await listAll(hub, session, {});
    expect(everything.items.map((i) => i.id)).toEqual(all.filter((s) => sees(session.reader, s)).map((s) => s.id));
    const demo = await listAll(hub, session, { electionId: tk2025 });
    expect(demo.items).toEqual(all.filter((s) => s.electionId === tk2025).map((s) => redactFor(session.reader, s)).filter((s) => s !== null));
  });

  it.each(DEMO.map((d) => [d.email]))('%s: full-text search finds only signals whose content it may read', async (email) => {
    const session = as[email]!;
    for (const word of [COMMON_WORD, ...TOPICS]) {
      const { items } = await listAll(hub, session, { electionId, q: word });
      const expected = fixture.filter((s) => readsContent(session.reader, s) && hasWord(s, word)).map((s) => s.id);
      expect({ word, ids: items.map((i) => i.id) }).toEqual({ word, ids: expected });
    }
    // The Dutch dictionary: a plural finds the singular of the title.
    const plural = await listAll(hub, session, { electionId, q: 'stembiljetten' });
    expect(plural.items.map((i) => i.id)).toEqual(fixture.filter((s) => readsContent(session.reader, s) && hasWord(s, 'stembiljet')).map((s) => s.id));
  });

  it.each(DEMO.map((d) => [d.email]))('%s: statistics count exactly the signals it may read', async (email) => {
    const session = as[email]!;
    for (const [scope, signals] of [
      [electionId, fixture],
      [tk2025, all.filter((s) => s.electionId === tk2025)],
    ] as const) {
      const response = await hub.http().get('/api/stats').set(session.auth).query({ electionId: scope });
      expect(response.status).toBe(200);
      expect(response.body).toEqual(expectedStats(session.reader, signals));
    }
    const overall = await hub.http().get('/api/stats').set(session.auth);
    expect(overall.status).toBe(200);
    expect(overall.body).toEqual(expectedStats(session.reader, all));
  });

  describe('the rules by name', () => {
    const ids = async (session: Session, query: Record<string, string>) => (await listAll(hub, session, query)).items.map((i) => i.id);

    it('a municipality never receives an AMBER_STRICT signal it is not named in, even when affected', async () => {
      const amsterdam = as[AMSTERDAM]!;
      const strict = idOf['strict-ncsc']!;
      expect(byKey('strict-ncsc').affectedMunicipalities).toContain('GM0363');
      expectProblem(await hub.http().get(`/api/signals/${strict}`).set(amsterdam.auth), 404);
      expect(await ids(amsterdam, { electionId })).not.toContain(strict);
      expect(await ids(amsterdam, { electionId, q: COMMON_WORD })).not.toContain(strict);
      expect(await ids(amsterdam, { electionId, municipality: 'GM0363' })).not.toContain(strict);
      // Rotterdam is named in sharedWith and reads it.
      expect((await hub.http().get(`/api/signals/${strict}`).set(as[ROTTERDAM]!.auth)).status).toBe(200);
    });

    it('an AMBER signal reaches the core table, the affected municipalities and sharedWith, no one else', async () => {
      const amber = idOf['amber-nctv-ec']!; // affected GM0363, shared with EC
      const status = async (email: string) => (await hub.http().get(`/api/signals/${amber}`).set(as[email]!.auth)).status;
      expect(await status(KIESRAAD)).toBe(200);
      expect(await status(AMSTERDAM)).toBe(200);
      expect(await status(OBSERVER)).toBe(200);
      expect(await status(ROTTERDAM)).toBe(404);
      expect(await status(UTRECHT)).toBe(404);
    });

    it('a named recipient without the DEP_V clearance never reads a RED signal classified DEP_V', async () => {
      const red = idOf['red-depv-nctv']!;
      expect(byKey('red-depv-nctv').recipients).toContain(as[AMSTERDAM]!.reader.id);
      expectProblem(await hub.http().get(`/api/signals/${red}`).set(as[AMSTERDAM]!.auth), 404);
      expect(await ids(as[AMSTERDAM]!, {})).not.toContain(red);
      expect((await hub.http().get(`/api/signals/${red}`).set(as[KIESRAAD]!.auth)).status).toBe(200);
      // Shared with Amsterdam but DEP_V: the same.
      expectProblem(await hub.http().get(`/api/signals/${idOf['strict-depv-aivd']}`).set(as[AMSTERDAM]!.auth), 404);
    });

    it('the chair reads AMBER_STRICT only where shared with BZK and RED only where named', async () => {
      const chair = as[CHAIR]!;
      const status = async (key: string) => (await hub.http().get(`/api/signals/${idOf[key]}`).set(chair.auth)).status;
      expect(await status('strict-ncsc')).toBe(404);
      expect(await status('strict-depv-aivd')).toBe(200);
      expect(await status('red-aivd')).toBe(200);
      expect(await status('red-depv-nctv')).toBe(404);
      // Another BZK user is not named: RED needs naming, not the agency.
      expect((await hub.http().get(`/api/signals/${idOf['red-aivd']}`).set(as[FLAGGER]!.auth)).status).toBe(404);
    });

    it('the administrator sees the metadata of every signal, DEP_V included, and never content or source', async () => {
      const admin = as[ADMIN]!;
      const { items } = await listAll(hub, admin, {});
      expect(items.map((i) => i.id)).toEqual(all.map((s) => s.id));
      for (const item of items) expect(Object.keys(item).sort()).toEqual([...METADATA_FIELDS].sort());
      const depv = await hub.http().get(`/api/signals/${idOf['red-depv-aivd-admin']}`).set(admin.auth);
      expect(depv.status).toBe(200);
      expect(depv.body).not.toHaveProperty('title');
      expect(depv.body).not.toHaveProperty('source');
      // The administrator is BZK, yet does not read BZK's own content (rule 3 over rule 1).
      const own = await hub.http().get(`/api/signals/${idOf['strict-flagger']}`).set(admin.auth);
      expect(Object.keys(own.body as object).sort()).toEqual([...METADATA_FIELDS].sort());
    });

    it('source reaches only users of the owner agency', async () => {
      for (const session of Object.values(as)) {
        const { items } = await listAll(hub, session, { electionId });
        for (const item of items) {
          const s = fixture.find((f) => f.id === item.id)!;
          const owner = s.ownerAgency === session.reader.agency && !session.reader.roles.includes('admin');
          expect({ user: session.reader.email, id: s.id, hasSource: 'source' in item }).toEqual({ user: session.reader.email, id: s.id, hasSource: owner });
        }
      }
      // The chair (BZK) reads the flagger's (BZK) source, the lead agency does not.
      expect((await hub.http().get(`/api/signals/${idOf['amber-flagger']}`).set(as[CHAIR]!.auth)).body).toHaveProperty('source');
      expect((await hub.http().get(`/api/signals/${idOf['amber-flagger']}`).set(as[KIESRAAD]!.auth)).body).not.toHaveProperty('source');
    });

    it('a hidden signal answers exactly like a signal that does not exist', async () => {
      const hidden = await hub.http().get(`/api/signals/${idOf['strict-rotterdam']}`).set(as[AMSTERDAM]!.auth);
      const missing = await hub.http().get('/api/signals/00000000-0000-4000-8000-000000000000').set(as[AMSTERDAM]!.auth);
      const strip = (body: Record<string, unknown>) => {
        const { instance: _i, ...rest } = body;
        return rest;
      };
      expect(hidden.status).toBe(404);
      expect(strip(hidden.body as Record<string, unknown>)).toEqual(strip(missing.body as Record<string, unknown>));
    });
  });

  describe('filters of contract.md', () => {
    type Filter = { name: string; query: Record<string, string | string[]>; match: (s: FullSignal, reader: Reader) => boolean };
    const content = (s: FullSignal, reader: Reader) => readsContent(reader, s);
    /** `agency` matches the owner (metadata) or the lead agency (content: only where readable). */
    const agency = (code: string) => (s: FullSignal, reader: Reader) => s.ownerAgency === code || (content(s, reader) && s.leadAgency === code);
    const FILTERS: Filter[] = [
      { name: 'status', query: { status: 'triaged' }, match: (s) => s.status === 'triaged' },
      { name: 'status list', query: { status: 'new,in_progress' }, match: (s) => ['new', 'in_progress'].includes(s.status) },
      { name: 'category', query: { category: 'cyber' }, match: (s, r) => content(s, r) && s.category === 'cyber' },
      { name: 'category repeated', query: { category: ['cyber', 'disinformation'] }, match: (s, r) => content(s, r) && ['cyber', 'disinformation'].includes(s.category) },
      { name: 'severity', query: { severity: 'high,critical' }, match: (s, r) => content(s, r) && ['high', 'critical'].includes(s.severity) },
      { name: 'marking', query: { marking: 'AMBER_STRICT' }, match: (s) => s.marking === 'AMBER_STRICT' },
      { name: 'marking list', query: { marking: 'RED,AMBER' }, match: (s) => ['RED', 'AMBER'].includes(s.marking) },
      { name: 'agency (owner or lead)', query: { agency: 'NCTV' }, match: agency('NCTV') },
      { name: 'municipality', query: { municipality: 'GM0599' }, match: (s, r) => content(s, r) && s.affectedMunicipalities.includes('GM0599') },
      { name: 'q', query: { q: 'stembiljet' }, match: (s, r) => content(s, r) && hasWord(s, 'stembiljet') },
      {
        name: 'marking + municipality + q',
        query: { marking: 'AMBER,AMBER_STRICT', municipality: 'GM0363', q: COMMON_WORD },
        match: (s, r) => ['AMBER', 'AMBER_STRICT'].includes(s.marking) && content(s, r) && s.affectedMunicipalities.includes('GM0363') && hasWord(s, COMMON_WORD),
      },
      {
        name: 'status + severity + agency',
        query: { status: 'new', severity: 'low,medium', agency: 'AIVD' },
        match: (s, r) => s.status === 'new' && content(s, r) && ['low', 'medium'].includes(s.severity) && agency('AIVD')(s, r),
      },
      {
        name: 'category + marking + status',
        query: { category: 'physical_security,cyber,threat_to_persons', marking: 'AMBER,RED,GREEN', status: 'new' },
        match: (s, r) => content(s, r) && ['physical_security', 'cyber', 'threat_to_persons'].includes(s.category) && ['AMBER', 'RED', 'GREEN'].includes(s.marking) && s.status === 'new',
      },
    ];

    it.each(FILTERS.map((f) => [f.name, f]))('filter %s: exactly the readable signals that match, for every user', async (_name, filter) => {
      let nonEmpty = 0;
      for (const session of Object.values(as)) {
        // The administrator reads metadata only: see the separate tests below.
        if (session.reader.roles.includes('admin')) continue;
        const { items } = await listAll(hub, session, { electionId, ...filter.query } as Record<string, string>);
        const expected = fixture.filter((s) => sees(session.reader, s) && filter.match(s, session.reader)).map((s) => s.id);
        expect({ user: session.reader.email, ids: items.map((i) => i.id) }).toEqual({ user: session.reader.email, ids: expected });
        nonEmpty += expected.length;
      }
      expect(nonEmpty).toBeGreaterThan(0);
    });

    it('an administrator filtering by status or marking gets the metadata of every matching signal', async () => {
      const admin = as[ADMIN]!;
      for (const query of [{ status: 'triaged' }, { marking: 'RED,AMBER_STRICT' }, { status: 'new', marking: 'CLEAR' }]) {
        const { items } = await listAll(hub, admin, { electionId, ...query });
        const expected = fixture
          .filter((s) => (!query.status || query.status === s.status) && (!('marking' in query) || query.marking!.split(',').includes(s.marking)))
          .map((s) => ({ id: s.id, keys: [...METADATA_FIELDS].sort() }));
        expect(items.map((i) => ({ id: i.id, keys: Object.keys(i).sort() }))).toEqual(expected);
        expect(expected.length).toBeGreaterThan(0);
      }
    });

    it.each([[{ q: COMMON_WORD }], [{ category: 'cyber' }], [{ severity: 'low' }], [{ municipality: 'GM0599' }]])(
      'an administrator filtering on content (%o) gets an empty list, never content and never an error',
      async (query) => {
        const response = await hub.http().get('/api/signals').set(as[ADMIN]!.auth).query({ electionId, ...query });
        expect(response.status).toBe(200);
        expect(response.body).toEqual({ items: [], nextCursor: null });
      },
    );

    it('an administrator filtering by agency learns nothing about the lead agency, which is content', async () => {
      // amber-utrecht: owner GM0344, lead NCTV. The administrator does not see leadAgency.
      const { items } = await listAll(hub, as[ADMIN]!, { electionId, agency: 'NCTV' });
      const expected = fixture.filter((s) => s.ownerAgency === 'NCTV').map((s) => s.id);
      expect(items.map((i) => i.id)).toEqual(expected);
    });
  });

  describe('cursor pagination', () => {
    it.each([[CHAIR], [ADMIN], [AMSTERDAM], [AIVD]])('%s: pages of 3 hold every signal once, in the order of one page', async (email) => {
      const session = as[email]!;
      for (const query of [{ electionId }, {}]) {
        const whole = await listAll(hub, session, query, 200);
        expect(whole.pages).toHaveLength(1);
        const paged = await listAll(hub, session, query, 3);
        const ids = paged.items.map((i) => i.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids).toEqual(whole.items.map((i) => i.id));
        expect(paged.items).toEqual(whole.items);
        for (const page of paged.pages.slice(0, -1)) expect(page).toHaveLength(3);
        expect(paged.pages.length).toBe(Math.max(1, Math.ceil(ids.length / 3)));
      }
    });

    it('breaks ties of created_at by id, across page boundaries', async () => {
      const tied = fixture.filter((s) => s.createdAt === '2099-01-01T12:00:00.123Z');
      expect(tied).toHaveLength(4);
      for (const limit of [1, 2, 3]) {
        const { items } = await listAll(hub, as[CHAIR]!, { electionId, marking: 'GREEN,AMBER,AMBER_STRICT,RED,CLEAR' }, limit);
        const order = items.map((i) => i.id).filter((id) => tied.some((t) => t.id === id));
        const readable = tied.filter((s) => sees(as[CHAIR]!.reader, s)).map((s) => s.id).sort().reverse();
        expect(order).toEqual(readable);
      }
    });

    it.each([['not-a-cursor'], ['!!!'], [Buffer.from('[]').toString('base64url')], [Buffer.from('{"a":1}').toString('base64url')], ['x'.repeat(201)]])(
      'answers the malformed cursor %s with a 400 naming cursor',
      async (cursor) => {
        const response = await hub.http().get('/api/signals').set(as[CHAIR]!.auth).query({ cursor });
        expectProblem(response, 400, 'cursor');
      },
    );

    it.each([
      ['an impossible timestamp', ['2025-13-45T99:99:99.000000Z', '00000000-0000-4000-8000-000000000000']],
      ['an id of dashes only', ['2025-01-01T00:00:00.000000Z', '-'.repeat(36)]],
    ])('answers a cursor of the right shape with %s with a 400 naming cursor, not a 500', async (_what, parts) => {
      const cursor = Buffer.from(JSON.stringify(parts)).toString('base64url');
      const response = await hub.http().get('/api/signals').set(as[CHAIR]!.auth).query({ cursor });
      expectProblem(response, 400, 'cursor');
    });

    it('a page answers { items, nextCursor } with the default limit of 50 and refuses a limit over 200', async () => {
      const page = await hub.http().get('/api/signals').set(as[CHAIR]!.auth);
      expect(page.status).toBe(200);
      expect(Object.keys(page.body as object).sort()).toEqual(['items', 'nextCursor']);
      expect((page.body as { items: Item[] }).items.length).toBeLessThanOrEqual(50);
      expectProblem(await hub.http().get('/api/signals').set(as[CHAIR]!.auth).query({ limit: '201' }), 400, 'limit');
      expectProblem(await hub.http().get('/api/signals').set(as[CHAIR]!.auth).query({ limit: '0' }), 400, 'limit');
    });
  });
});
