import {
  type Actor,
  type AppAbility,
  CORE_TABLE_AGENCIES,
  defineAbilityFor,
  type Marking,
  MARKINGS,
  PLATFORMS,
  type RedactedSignal,
  redactSignal,
  ROLES,
  type Role,
  SEVERITIES,
  type Signal,
  SIGNAL_CATEGORIES,
  SIGNAL_STATUSES,
  type SignalStatus,
} from '@verkiezingstafel/domain';
import fc from 'fast-check';
import { createElection, type FullSignal, inBatches, listAll, type Session, signalsFromDb, signInAll } from './support/hub-helpers';
import { type OperationUser, performOperation, type SignalOp, signalOperations } from './support/signal-operations';
import { startTestApp, type TestApp } from './support/test-app';

/*
 * The differential property of visibility.md for lists: over random users (random agency,
 * role mix and clearance), random markings and random edits, GET /api/signals returns to each
 * user exactly the records the ability of libs/domain admits, field for field, in the API's
 * order. The API pushes that ability into SQL (ability-sql.ts) for lists, filters, counts and
 * search; here the same ability is asked in memory about each record instance instead.
 *
 * Also checked per user: the status, marking, category, agency, municipality and q filters,
 * GET /api/stats, and GET /api/signals/:id (404 exactly where the ability admits nothing).
 *
 * Reproduce a failure: VT_PROPERTY_SEED=<seed> (and VT_PROPERTY_PATH=<path>) as printed;
 * VT_PROPERTY_SHRINK=1 shrinks the counterexample (slow); VT_PROPERTY_RUNS=<n> runs more or less.
 */

const MUNICIPALITIES = ['GM0363', 'GM0599', 'GM0344', 'GM0518'] as const;
const USER_AGENCIES = [...CORE_TABLE_AGENCIES, ...MUNICIPALITIES, 'EC'] as const;
const SHARE_CODES = USER_AGENCIES;
const LEAD_CODES = ['BZK', 'AIVD', 'NCTV', 'NCSC', 'POLITIE', 'KIESRAAD', 'ACM', 'EC', 'GM0363', 'GM0599'] as const;
/** Words put in titles and descriptions, so that `q` finds something. */
const SEARCH_WORDS = ['stembureau', 'deepfake', 'kiesregister', 'telling'] as const;
/** At most this many random users per run, besides the twelve demo users. */
const MAX_RANDOM_USERS = 8;
/** Indices into the users of a run (demo users first), taken modulo their number. */
const USER_INDEX = 12 + MAX_RANDOM_USERS - 1;

const RUNS = Number(process.env['VT_PROPERTY_RUNS'] ?? 20);

interface UserSpec {
  agency: (typeof USER_AGENCIES)[number];
  roles: Role[];
  clearance: 'NONE' | 'DEP_V';
}

interface Scenario {
  users: UserSpec[];
  ops: SignalOp[];
  /** What the filters of the check ask for. */
  filters: { status: SignalStatus[]; marking: Marking[]; category: string[]; agency: string; municipality: string; word: string };
  /** Page size of the main list, small enough that most lists take several pages. */
  limit: number;
  /** An exercise election is left out of the statistics over all elections. */
  exercise: boolean;
  /** Users (indices) who also compare the lists and statistics over every election. */
  globalReaders: number[];
}

const userArb: fc.Arbitrary<UserSpec> = fc.record({
  agency: fc.constantFrom(...USER_AGENCIES),
  roles: fc.subarray([...ROLES], { minLength: 1 }),
  clearance: fc.constantFrom('NONE' as const, 'DEP_V' as const),
});

const wordy = (max: number): fc.Arbitrary<string> =>
  fc
    .tuple(fc.option(fc.constantFrom(...SEARCH_WORDS), { nil: null }), fc.string({ minLength: 1, maxLength: max }))
    .map(([word, rest]) => (word === null ? rest : `${rest} ${word}`));
const operations = signalOperations({
  shareCodes: SHARE_CODES,
  leadCodes: LEAD_CODES,
  municipalities: MUNICIPALITIES,
  maxUserIndex: USER_INDEX,
  text: wordy,
});
const userIndexArb = fc.nat(USER_INDEX);

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  users: fc.array(userArb, { minLength: 2, maxLength: MAX_RANDOM_USERS }),
  // 10 to 30 changes, starting with a create so that later changes have a target.
  ops: operations.sequence(10, 30),
  filters: fc.record({
    status: fc.subarray([...SIGNAL_STATUSES], { minLength: 1, maxLength: 3 }),
    marking: fc.subarray([...MARKINGS], { minLength: 1, maxLength: 2 }),
    category: fc.subarray([...SIGNAL_CATEGORIES], { minLength: 1, maxLength: 3 }),
    agency: fc.constantFrom(...LEAD_CODES),
    municipality: fc.constantFrom(...MUNICIPALITIES),
    word: fc.constantFrom(...SEARCH_WORDS),
  }),
  limit: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.constant(200)),
  exercise: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  globalReaders: fc.uniqueArray(userIndexArb, { minLength: 1, maxLength: 2 }),
});

/** A signed-in user of a run, with the Actor the ability is built from (read from the database). */
interface RunUser extends OperationUser {
  session: Session;
  actor: Actor;
}

function runUser(session: Session, actor: Actor, label: string): RunUser {
  return { session, actor, label, id: actor.id, token: session.token, agency: actor.agency, roles: actor.roles };
}

function member<T extends string>(values: readonly T[], value: string, what: string): T {
  const found = values.find((v) => v === value);
  if (found === undefined) throw new Error(`${what} "${value}" is not one of ${values.join(', ')}`);
  return found;
}

/** The database row as the domain's Signal, the record instance the ability is asked about. */
function toDomainSignal(s: FullSignal): Signal {
  return {
    id: s.id,
    electionId: s.electionId,
    title: s.title,
    description: s.description,
    category: member(SIGNAL_CATEGORIES, s.category, 'category'),
    severity: member(SEVERITIES, s.severity, 'severity'),
    status: member(SIGNAL_STATUSES, s.status, 'status'),
    marking: s.marking,
    classification: s.classification,
    ownerAgency: s.ownerAgency,
    leadAgency: s.leadAgency,
    sharedWith: s.sharedWith,
    recipients: s.recipients,
    affectedMunicipalities: s.affectedMunicipalities,
    platforms: s.platforms.map((p) => member(PLATFORMS, p, 'platform')),
    evidence: s.evidence,
    disarmTechniques: s.disarmTechniques,
    source: s.source,
    firstSeenAt: s.firstSeenAt,
    createdBy: s.createdBy,
    version: s.version,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

/** The JSON form, as it travels over HTTP (absent stays absent, dates are ISO strings). */
function asJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

interface Admitted {
  record: Signal;
  view: RedactedSignal;
}

/** The records the ability admits, each as the actor may see it, in the order given. */
function admittedBy(ability: AppAbility, records: Signal[]): Admitted[] {
  return records.map((record) => ({ record, view: redactSignal(ability, record) })).filter((x): x is Admitted => x.view !== null);
}

interface Stats {
  total: number;
  byStatus: Record<string, number>;
  byCategory: Record<string, number>;
  bySeverity: Record<string, number>;
  byMunicipality: Record<string, number>;
}

/** Counts over exactly the admitted records; content counts over the records whose content is admitted. */
function statsOf(admitted: Admitted[]): Stats {
  const stats: Stats = { total: admitted.length, byStatus: {}, byCategory: {}, bySeverity: {}, byMunicipality: {} };
  const bump = (bucket: Record<string, number>, key: string) => (bucket[key] = (bucket[key] ?? 0) + 1);
  for (const { record, view } of admitted) {
    bump(stats.byStatus, record.status);
    if (view.category !== undefined) bump(stats.byCategory, view.category);
    if (view.severity !== undefined) bump(stats.bySeverity, view.severity);
    for (const m of view.affectedMunicipalities ?? []) bump(stats.byMunicipality, m);
  }
  return stats;
}

describe('signal lists: SQL pushdown = the ability on each record', () => {
  let hub: TestApp;
  let demo: RunUser[];
  let admin: Session;
  let passwordHash: string;
  let runNumber = 0;

  async function actorOf(id: string): Promise<Actor> {
    const [row] = (await hub.db.query(
      `SELECT u.id, u.agency_code, a.type, u.roles, u.clearance FROM users u JOIN agencies a ON a.code = u.agency_code WHERE u.id = $1`,
      [id],
    )) as { id: string; agency_code: string; type: 'core' | 'municipality' | 'external'; roles: Role[]; clearance: 'NONE' | 'DEP_V' }[];
    if (!row) throw new Error(`user ${id} is missing`);
    return { id: row.id, agency: { code: row.agency_code, type: row.type }, roles: row.roles, clearance: row.clearance };
  }

  const labelOf = (email: string, actor: Actor) => `${email} (${actor.agency.code}, ${actor.roles.join('+')}, ${actor.clearance}, id ${actor.id})`;

  beforeAll(async () => {
    hub = await startTestApp();
    const sessions = await signInAll(hub);
    admin = sessions['beheer@bzk.demo']!;
    demo = await Promise.all(
      Object.values(sessions).map(async (session) => {
        const actor = await actorOf(session.reader.id);
        return runUser(session, actor, labelOf(session.reader.email, actor));
      }),
    );
    const [row] = (await hub.db.query(`SELECT password_hash FROM users WHERE email = 'voorzitter@bzk.demo'`)) as { password_hash: string }[];
    passwordHash = row!.password_hash;
  });
  afterAll(async () => {
    await hub?.close();
  });

  /** Inserts the random users of a run (password `demo`, as the demo users) and signs them in over HTTP. */
  async function createUsers(specs: UserSpec[], run: number): Promise<RunUser[]> {
    return Promise.all(
      specs.map(async (spec, i) => {
        const email = `run${run}-user${i}@property.test`;
        const [row] = (await hub.db.query(
          `INSERT INTO users (email, name, agency_code, roles, clearance, password_hash) VALUES ($1, $2, $3, $4::text[], $5, $6) RETURNING id`,
          [email, `Proef ${run}.${i}`, spec.agency, spec.roles, spec.clearance, passwordHash],
        )) as { id: string }[];
        const token = await hub.login(email);
        const actor = await actorOf(row!.id);
        const session: Session = {
          reader: { email, agency: spec.agency, roles: spec.roles, clearance: spec.clearance, id: row!.id },
          token,
          auth: { Authorization: `Bearer ${token}` },
        };
        return runUser(session, actor, labelOf(email, actor));
      }),
    );
  }

  /** Ids of the election's signals whose title or description matches `q` (the text part of search, not the rules). */
  async function textMatches(electionId: string, q: string): Promise<Set<string>> {
    const rows = (await hub.db.query(`SELECT id FROM signals WHERE election_id = $1 AND search @@ websearch_to_tsquery('dutch', $2)`, [
      electionId,
      q,
    ])) as { id: string }[];
    return new Set(rows.map((r) => r.id));
  }

  /** With VT_PROPERTY_STATS=1: what the runs exercised. */
  const stats = new Map<string, number>();
  const count = (key: string, n = 1) => stats.set(key, (stats.get(key) ?? 0) + n);
  afterAll(() => {
    if (process.env['VT_PROPERTY_STATS'] === '1') console.log([...stats.entries()].sort().map(([k, n]) => `${k}: ${n}`).join('\n'));
  });

  function failure(user: RunUser, what: string, error: unknown, trace: string[]): Error {
    const message = error instanceof Error ? error.message : String(error);
    return new Error(`${what} for ${user.label}\n${message}\n--- changes of this run ---\n${trace.join('\n')}`);
  }

  /** Runs `check`; a failed expectation is rethrown with the user and the changes of the run. */
  function within(user: RunUser, what: string, trace: string[], check: () => void): void {
    try {
      check();
    } catch (error) {
      throw failure(user, what, error, trace);
    }
  }

  /** Everything one user sees of the election over HTTP, against the ability asked in memory. */
  async function checkUser(user: RunUser, electionId: string, records: Signal[], scenario: Scenario, words: Set<string>, trace: string[]): Promise<void> {
    const ability = defineAbilityFor(user.actor);
    const admitted = admittedBy(ability, records);
    const expectedOf = (keep: (x: Admitted) => boolean) => admitted.filter(keep).map((x) => asJson(x.view));
    const sees = (view: RedactedSignal, field: keyof Signal) => field in view;
    count('admitted records', admitted.length);
    count('withheld records', records.length - admitted.length);
    count('admitted metadata-only records', admitted.filter((x) => !sees(x.view, 'title')).length);

    // The whole list, over as many pages as it takes.
    const { items, pages } = await listAll(hub, user.session, { electionId }, scenario.limit);
    within(user, `GET /api/signals?limit=${scenario.limit} ("Received") differs from the ability ("Expected")`, trace, () => {
      expect(items).toStrictEqual(expectedOf(() => true));
      for (const page of pages.slice(0, -1)) expect(page).toHaveLength(scenario.limit);
    });

    const { filters } = scenario;
    const cases: { query: Record<string, string>; keep: (x: Admitted) => boolean }[] = [
      { query: { status: filters.status.join(',') }, keep: ({ record }) => filters.status.includes(record.status) },
      { query: { marking: filters.marking.join(',') }, keep: ({ record }) => filters.marking.includes(record.marking) },
      // Filtering on content is a read of that content: only where the reader sees it.
      { query: { category: filters.category.join(',') }, keep: ({ view }) => view.category !== undefined && filters.category.includes(view.category) },
      {
        query: { municipality: filters.municipality },
        keep: ({ view }) => view.affectedMunicipalities !== undefined && view.affectedMunicipalities.includes(filters.municipality),
      },
      // Owner agency (metadata) or lead agency (content, where readable).
      { query: { agency: filters.agency }, keep: ({ record, view }) => record.ownerAgency === filters.agency || view.leadAgency === filters.agency },
      { query: { q: filters.word }, keep: ({ record, view }) => sees(view, 'title') && words.has(record.id) },
      {
        query: { q: filters.word, status: filters.status.join(','), marking: filters.marking.join(',') },
        keep: ({ record, view }) => sees(view, 'title') && words.has(record.id) && filters.status.includes(record.status) && filters.marking.includes(record.marking),
      },
    ];
    for (const { query, keep } of cases) {
      const { items: filtered } = await listAll(hub, user.session, { electionId, ...query });
      const expected = expectedOf(keep);
      count(`filter ${Object.keys(query).join('+')} ${expected.length > 0 ? 'non-empty' : 'empty'}`);
      within(user, `GET /api/signals?${new URLSearchParams(query).toString()} ("Received") differs from the ability ("Expected")`, trace, () => {
        expect(filtered).toStrictEqual(expected);
      });
    }

    const statsResponse = await hub.http().get('/api/stats').set(user.session.auth).query({ electionId });
    within(user, 'GET /api/stats ("Received") differs from the ability ("Expected")', trace, () => {
      expect(statsResponse.status).toBe(200);
      expect(statsResponse.body).toStrictEqual(statsOf(admitted));
    });

    // GET /:id: the admitted view, or 404 as if the record did not exist.
    const single = await Promise.all(
      records.map(async (record) => {
        const response = await hub.http().get(`/api/signals/${record.id}`).set(user.session.auth);
        return { id: record.id, status: response.status, body: response.status === 200 ? (response.body as unknown) : null };
      }),
    );
    const expectedSingle = records.map((record) => {
      const view = redactSignal(ability, record);
      return { id: record.id, status: view ? 200 : 404, body: view ? asJson(view) : null };
    });
    within(user, 'GET /api/signals/:id ("Received") differs from the ability ("Expected")', trace, () => {
      expect(single).toStrictEqual(expectedSingle);
    });
  }

  /** Lists and statistics over every election (the demo's, earlier runs', exercises), for one user. */
  async function checkEverywhere(user: RunUser, trace: string[]): Promise<void> {
    const all = (await signalsFromDb(hub)).map(toDomainSignal);
    const exercises = new Set(((await hub.db.query(`SELECT id FROM elections WHERE exercise`)) as { id: string }[]).map((r) => r.id));
    const admitted = admittedBy(defineAbilityFor(user.actor), all);
    count('records over every election', all.length);
    const { items } = await listAll(hub, user.session, {});
    within(user, 'GET /api/signals over every election ("Received") differs from the ability ("Expected")', trace, () => {
      expect(items).toStrictEqual(admitted.map((x) => asJson(x.view)));
    });
    const statsResponse = await hub.http().get('/api/stats').set(user.session.auth);
    within(user, 'GET /api/stats over every election but exercises ("Received") differs from the ability ("Expected")', trace, () => {
      expect(statsResponse.status).toBe(200);
      expect(statsResponse.body).toStrictEqual(statsOf(admitted.filter((x) => !exercises.has(x.record.electionId))));
    });
  }

  it('over random users, markings and edits, GET /api/signals for a user equals the records the ability admits', async () => {
    const seed = process.env['VT_PROPERTY_SEED'] !== undefined ? Number(process.env['VT_PROPERTY_SEED']) : Date.now() ^ (Math.random() * 0x100000000);
    const path = process.env['VT_PROPERTY_PATH'];
    const started = Date.now();
    try {
      await fc.assert(
        fc.asyncProperty(scenarioArb, async (scenario) => {
          const run = ++runNumber;
          const electionId = await createElection(hub, admin, `TK2099-L${run}`, { exercise: scenario.exercise });
          const users = [...demo, ...(await createUsers(scenario.users, run))];
          const created: string[] = [];
          const trace: string[] = users.slice(demo.length).map((u, i) => `user ${demo.length + i}: ${u.label}`);

          for (const op of scenario.ops) {
            const outcome = await performOperation(hub, op, users, electionId, created);
            if (!outcome) continue;
            const { actor, request, status, body } = outcome;
            if (status >= 500) throw new Error(`${request} as ${actor.label} answered ${status}: ${JSON.stringify(body)}\n${trace.join('\n')}`);
            const code = status >= 300 ? ((body as { code?: string }).code ?? '') : '';
            count(`change ${op.kind} -> ${status} ${code}`);
            trace.push(`${actor.label}: ${request} -> ${status} ${code}`);
          }

          const records = (await signalsFromDb(hub, 'election_id = $1', [electionId])).map(toDomainSignal);
          count('signals', records.length);
          for (const r of records) count(`final ${r.marking}${r.classification === 'DEP_V' ? ' DEP_V' : ''}`);
          const words = await textMatches(electionId, scenario.filters.word);
          await inBatches(users, 4, (user) => checkUser(user, electionId, records, scenario, words, trace));
          for (const index of scenario.globalReaders) await checkEverywhere(users[index % users.length]!, trace);
        }),
        {
          numRuns: RUNS,
          seed,
          ...(path !== undefined ? { path } : {}),
          endOnFailure: process.env['VT_PROPERTY_SHRINK'] !== '1',
          verbose: 1,
        },
      );
    } catch (error) {
      // fast-check keeps the failing expectation as `cause`; show it first, the counterexample after.
      const message = error instanceof Error ? error.message : String(error);
      const cause = error instanceof Error && error.cause instanceof Error ? `${error.cause.message}\n\n` : '';
      throw new Error(`Reproduce with VT_PROPERTY_SEED=${seed}${path !== undefined ? ` VT_PROPERTY_PATH=${path}` : ''}\n${cause}${message}`);
    }
    console.log(`signals-list-property: ${runNumber} runs in ${((Date.now() - started) / 1000).toFixed(1)} s, seed ${seed}`);
  }, 300_000);
});
