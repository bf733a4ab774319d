import {
  allowedTransitions,
  CLASSIFICATIONS,
  ELECTION_PHASES,
  ELECTION_TYPES,
  FIELD_ERROR_CODES,
  MARKINGS,
  MEASURE_STATUSES,
  MILESTONE_CODES,
  PLATFORM_OUTCOMES,
  PLATFORMS,
  SEVERITIES,
  SIGNAL_CATEGORIES,
  SIGNAL_STATUSES,
  type SignalStatus,
} from '@verkiezingstafel/domain';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { Factory } from './support/factories';
import { expectProblem, rowCounts } from './support/hub-helpers';
import type { TestApp } from './support/test-app';
import {
  ACM,
  ADMIN,
  AIVD,
  AMSTERDAM,
  CHAIR,
  DEMO,
  FLAGGER,
  NCTV,
  OBSERVER,
  UTRECHT,
} from './support/visibility-oracle';

/*
 * quality.md, "What bad input gets": every write endpoint answers any body with a 4xx problem
 * naming the field, or with a whole write; never a 500, never half a write.
 *
 * For every write endpoint fast-check generates requests mixing (a) valid bodies with one field
 * made wrong (wrong type, unknown enum value, over-long or NUL-carrying text, null, nested junk,
 * ids and codes of nothing, Stg. classifications, malformed URLs and timestamps, an unknown
 * extra field), (b) random JSON, (c) malformed JSON text, other content types and encodings, and
 * malformed or foreign path ids, sent as demo users, anonymously or with an ended session.
 *
 * Every answer: below 500; a 4xx is problem+json with `status` and `title`; a 400 or 422 names at
 * least one field; a valid body with one field made wrong, sent by a user who may write there,
 * names that field. Around every request the database is measured: after a 4xx every counted
 * table has the same rows and every mutable table the same content; after a 2xx exactly the rows
 * of a whole write were added (a created signal with its timeline entry, audit event and outbox
 * event, and so on) and the newest audit and outbox events are about the record written.
 *
 * VT_FUZZ_RUNS=<n> runs per endpoint (default 120; TOTP enrolment a third). A failure prints
 * fast-check's seed: reproduce with VT_FUZZ_SEED=<seed> (and the same VT_FUZZ_RUNS), e.g. with
 * `-t` on the failing endpoint; VT_FUZZ_SHRINK=1 shrinks the counterexample (slow: every step is
 * a request).
 */

function envInteger(name: string, fallback: number | undefined, min: number): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new Error(`${name} must be a whole number >= ${min}, got "${raw}"`);
  return value;
}

const RUNS = envInteger('VT_FUZZ_RUNS', 120, 1)!;
const SEED = envInteger('VT_FUZZ_SEED', undefined, -(2 ** 31));

// ---------------------------------------------------------------------------------------------
// What is sent
// ---------------------------------------------------------------------------------------------

/** A value filled in when the request is sent, from the database as it is at that moment. */
class Slot {
  constructor(
    readonly kind: 'version' | 'electionCode' | 'nextStatus' | 'email',
    readonly pick = 0,
  ) {}
}

type Body = Record<string, unknown>;

type Payload =
  | { kind: 'json'; body: unknown }
  | { kind: 'text'; contentType: string; text: string }
  | { kind: 'typed'; contentType: string; body: unknown }
  | { kind: 'truncated'; body: unknown; cut: number }
  | { kind: 'encoded'; encoding: string; body: unknown }
  | { kind: 'none' };

type Caller = { kind: 'user'; email: string } | { kind: 'anonymous' } | { kind: 'ended-session' };
type Target =
  | { kind: 'record'; upper: boolean }
  | { kind: 'other'; id: string }
  | { kind: 'malformed'; raw: string };
type IdempotencyKey = { kind: 'none' } | { kind: 'fresh' } | { kind: 'malformed'; value: string };

interface Case {
  caller: Caller;
  target: Target;
  key: IdempotencyKey;
  payload: Payload;
  /** The field a valid body was made wrong in: the problem must name it. */
  names?: string;
}

/** A body field: values that are wrong for it whatever the rest of the body, and whether it must be there. */
interface FieldRule {
  bad: fc.Arbitrary<unknown>;
  required: boolean;
}

const HASHED = ['signals', 'measures', 'platform_reports', 'elections', 'users'] as const;
type Hashed = (typeof HASHED)[number];

const COUNTERS = [
  'signals',
  'timeline_entries',
  'measures',
  'platform_reports',
  'audit_events',
  'outbox_events',
  'elections',
  'election_municipalities',
  'idempotency_keys',
  'sessions',
  'revoked_sessions',
  'login_attempts',
  'signal_versions',
  'measure_versions',
  'report_versions',
  'users',
  'invitations',
  'mails',
] as const;
type Counter = (typeof COUNTERS)[number];

/** What a whole write leaves behind. */
interface Whole {
  delta: Partial<Record<Counter, number>>;
  /** The tables whose content may change. */
  touches: Hashed[];
  audit?: { action: string; entityId: string };
  outbox?: { type: string; signalId: string | null };
}

interface Sent {
  path: string;
  /** The id in the path when it names the record under test (lower case). */
  recordId: string | null;
  body: unknown;
}

interface Endpoint {
  method: 'post' | 'patch';
  route: string;
  /** Users who may write here (the naming check is made for them); none for a public route. */
  callers: string[];
  isPublic?: boolean;
  fields: Record<string, FieldRule>;
  valid(email: string | null): fc.Arbitrary<Body>;
  /** The record in the path, for routes with `:id`. */
  record?: () => string;
  /** Ids in the path that are not that record: other kinds of record, or one the callers may not see. */
  others?: () => string[];
  fill?: (slot: Slot) => Promise<unknown>;
  whole(response: Response, sent: Sent): Whole;
  /** Further checks of a 2xx. */
  verify?: (response: Response, sent: Sent) => Promise<void>;
  /** The share of VT_FUZZ_RUNS this endpoint gets (default all). */
  runShare?: number;
  /** After a 2xx (e.g. a logout): put the world back in order for the next request. */
  after?: (caller: Caller) => Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------

const SHARE_CODES = [
  'BZK',
  'AIVD',
  'NCTV',
  'NCSC',
  'KIESRAAD',
  'ACM',
  'POLITIE',
  'EC',
  'GM0363',
  'GM0599',
];
const LEAD_CODES = ['BZK', 'AIVD', 'NCTV', 'KIESRAAD'];
const MUNICIPALITIES = ['GM0363', 'GM0599', 'GM0344'];
const STATE_SECRETS = [
  'STG_GEHEIM',
  'Stg. Geheim',
  'Stg. Confidentieel',
  'Stg. Zeer Geheim',
  'stg-geheim',
  'STG_ZEER_GEHEIM',
  'Staatsgeheim Confidentieel',
];
/** Timestamps that ISO 8601 admits in one form or another but that are no instant a database stores. */
const ODD_TIMESTAMPS = [
  '-2025-01-01',
  '+2025-01-01',
  '2025-W01',
  '2025-W01-1',
  '2025-01-01T10:00:00,5Z',
  '2025-01-01T10',
  '2025',
  '2025-01-01T10:00:00-23:59',
  '2025-02-30T10:00:00Z',
  '2025-13-01T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '2025-01-01T25:00:00Z',
  'yesterday',
  'now',
  '',
];
const BAD_DATES = [
  '2025-02-30',
  '2025-1-1',
  '2025-01-01T00:00:00Z',
  '0000-01-01',
  '20250101',
  '-2025-01-01',
  '2025-W01',
  'tomorrow',
  '',
];
const BAD_URLS = [
  'not a url',
  'ftp://x.nl/bestand',
  'javascript:alert(1)',
  'http://',
  'https://',
  '//x.nl/pad',
  `https://${'a'.repeat(2050)}.nl`,
  'https://x.nl/\u0000',
  '',
];

/** Anything a field of one JSON type is not. */
const notString = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant([]),
  fc.array(fc.string({ maxLength: 5 }), { minLength: 1, maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);
const notArray = fc.oneof(
  fc.string({ maxLength: 10 }),
  fc.integer(),
  fc.boolean(),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);
const notInteger = fc.oneof(
  fc.constantFrom(0, -1, 1.5, '1', '', true, 2 ** 31, 2 ** 53, 1e21, 1e300, -(2 ** 31), [], {}),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n)),
  fc.string({ maxLength: 6 }),
);
const withNul = fc
  .tuple(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }))
  .map(([a, b]) => `${a}\u0000${b}`);
const tooLong = (max: number) =>
  fc.oneof(
    fc.integer({ min: 1, max: 40 }).map((k) => 'x'.repeat(max + k)),
    fc.constant('é'.repeat(max + 1)),
    fc.constant('😀'.repeat(max + 1)),
  );

/** Junk of every kind, for fields and whole bodies alike. */
const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    true,
    false,
    0,
    -1,
    1.5,
    2 ** 31,
    2 ** 53,
    1e308,
    -1e308,
    '',
    ' ',
    'null',
    '[]',
    '{}',
    '\u0000',
    '\ud800',
    'Stg. Geheim',
    "'; DROP TABLE signals; --",
    '<script>alert(1)</script>',
    '../../etc/passwd',
    '${jndi:ldap://x}',
    'x'.repeat(25_000),
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 4 }),
  fc.jsonValue({ maxDepth: 3 }),
);

interface TextRule {
  min?: number;
  max: number;
  nullable?: boolean;
}

/** Wrong for a text field of at most `max` characters. */
function badText({ min = 0, max, nullable = false }: TextRule): fc.Arbitrary<unknown> {
  return fc.oneof(
    notString,
    tooLong(max),
    withNul,
    fc.constant('lone \ud800 surrogate'),
    ...(min > 0 ? [fc.constant('')] : []),
    ...(nullable ? [] : [fc.constant(null)]),
  );
}

/** Wrong for a field of one of `values`. */
function badEnum(values: readonly string[], nullable = false): fc.Arbitrary<unknown> {
  const near = values
    .flatMap((v) => [v.toUpperCase(), v.toLowerCase(), ` ${v}`, `${v}\u0000`])
    .filter((v) => !values.includes(v));
  return fc.oneof(
    notString,
    fc.string({ maxLength: 20 }).filter((v) => !values.includes(v)),
    fc.constantFrom(...near, ''),
    ...(nullable ? [] : [fc.constant(null)]),
  );
}

const badTimestamp = (nullable: boolean) =>
  fc.oneof(
    notString,
    fc.constantFrom(...ODD_TIMESTAMPS),
    withNul,
    ...(nullable ? [] : [fc.constant(null)]),
  );
const badDate = (nullable: boolean) =>
  fc.oneof(
    notString,
    fc.constantFrom(...BAD_DATES),
    withNul,
    ...(nullable ? [] : [fc.constant(null)]),
  );
const badVersion = fc.oneof(notInteger, fc.constant(null), fc.constant(1_000_000));

/** Valid text: plain, any script, the longest allowed, and a few awkward ones. */
function text(min: number, max: number): fc.Arbitrary<string> {
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc.string({ minLength: Math.max(min, 1), maxLength: Math.min(max, 80) }),
    },
    {
      weight: 2,
      arbitrary: fc.string({
        unit: 'grapheme',
        minLength: Math.max(min, 1),
        maxLength: Math.min(max, 30),
      }),
    },
    { weight: 1, arbitrary: fc.constant('x'.repeat(max)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'Stembiljetten 🗳️ in Zaandam',
        'Ĳsselmonde — “quotes” & <tags>',
        '   ',
      ),
    },
  );
}

const url = fc
  .tuple(
    fc.constantFrom('https://x.com/', 'https://www.facebook.com/', 'http://nieuws.example.nl/'),
    fc.stringMatching(/^[a-z0-9]{0,12}$/),
  )
  .map(([base, path]) => base + path);
const timestamp = fc
  .date({
    min: new Date('2000-01-01T00:00:00Z'),
    max: new Date('2100-01-01T00:00:00Z'),
    noInvalidDate: true,
  })
  .map((d) => d.toISOString());
const day = timestamp.map((t) => t.slice(0, 10));
const sixDigits = fc.stringMatching(/^\d{6}$/);

/** A valid body of the wrong shape: JSON text as the client meant it. */
function jsonText(body: unknown): string {
  return JSON.stringify(body) ?? 'null';
}

const DEEP = 100_000;
/** JSON that is not, or that no body parser should take. */
const MALFORMED_JSON = [
  '',
  ' ',
  '{',
  '}',
  '[',
  '{"title": }',
  "{'title': 'x'}",
  '{"a":1,}',
  '[1,2',
  'NaN',
  '{"version": NaN}',
  '{"version": Infinity}',
  '{"version": 1e400}',
  '{"version": -0}',
  '{"a":1}{"b":2}',
  '\uFEFF{}',
  'undefined',
  'nul',
  'tru',
  '"unterminated',
  '{"a":"\\x41"}',
  '{"a":"\\ud800"}',
  '{"title":"\\u0000"}',
  'null',
  '"a string"',
  '42',
  'true',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"title":"a","title":{"__proto__":{"polluted":true}}}',
  '['.repeat(DEEP) + ']'.repeat(DEEP),
  '{"a":'.repeat(DEEP) + '1' + '}'.repeat(DEEP),
  `{"title":"${'x'.repeat(1_100_000)}"}`,
];
const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/vnd.api+json',
  'APPLICATION/JSON',
  'text/json',
];
const ENCODINGS = ['gzip', 'deflate', 'br', 'x-unknown', 'identity'];
const MALFORMED_IDS = [
  '%zz',
  '%',
  '%E0%A4%A',
  '%00',
  'null',
  'undefined',
  '0',
  '-1',
  '1e9',
  '%2e%2e',
  "'%20OR%201=1--",
  'f4028ee508334aa3a93430e5e4ac9d94',
  '%7Bf4028ee5-0833-4aa3-a934-30e5e4ac9d94%7D',
  'f4028ee5-0833-4aa3-a934-30e5e4ac9d9',
  'g4028ee5-0833-4aa3-a934-30e5e4ac9d94',
  'x'.repeat(5000),
];
const MALFORMED_KEYS = ['has space', 'x'.repeat(256), 'ünïcode'];
const UNKNOWN_FIELDS = [
  'id',
  'status',
  'ownerAgency',
  'createdBy',
  'createdAt',
  'isAdmin',
  'role',
  'roles',
  '__proto__',
  'constructor',
  'prototype',
  'version',
  'Title',
  'title ',
];

// ---------------------------------------------------------------------------------------------
// The hub
// ---------------------------------------------------------------------------------------------

let hub: TestApp;
/** The current session of every demo user, by e-mail. */
const tokens = new Map<string, string>();
const userIds: Record<string, string> = {};
let endedToken: string;
let tk2025: string;
/** Edited by its owner (AIVD) in the PATCH fuzz. */
let editSignal: string;
/** GREEN, owned by NCTV with AIVD leading: transitions, comments, measures and platform reports. */
let flowSignal: string;
/** RED for the observer only: no caller of the fuzz may see it. */
let hiddenSignal: string;
let measure: string;
let report: string;
let electionCodes = 0;
let emails = 0;

interface Snapshot {
  counts: Record<Counter, number>;
  hashes: Record<Hashed, string>;
}

type ExtraCounts = Omit<Record<Counter, number>, keyof Awaited<ReturnType<typeof rowCounts>>>;

/** Row counts of every table a write touches, and the content of every table a write changes. */
async function snapshot(): Promise<Snapshot> {
  const counts = await rowCounts(hub);
  const [row] = (await hub.db.query(`
    SELECT (SELECT count(*)::int FROM elections) AS elections,
           (SELECT count(*)::int FROM election_municipalities) AS election_municipalities,
           (SELECT count(*)::int FROM idempotency_keys) AS idempotency_keys,
           (SELECT count(*)::int FROM sessions) AS sessions,
           (SELECT count(*)::int FROM sessions WHERE revoked_at IS NOT NULL) AS revoked_sessions,
           (SELECT count(*)::int FROM login_attempts) AS login_attempts,
           (SELECT coalesce(sum(version), 0)::int FROM signals) AS signal_versions,
           (SELECT coalesce(sum(version), 0)::int FROM measures) AS measure_versions,
           (SELECT coalesce(sum(version), 0)::int FROM platform_reports) AS report_versions,
           (SELECT count(*)::int FROM users) AS users,
           (SELECT count(*)::int FROM invitations) AS invitations,
           (SELECT count(*)::int FROM mails) AS mails,
           ${HASHED.map((t) => `(SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t.id), '')) FROM ${t} t) AS hash_${t}`).join(',\n')}
  `)) as (ExtraCounts & Record<`hash_${Hashed}`, string>)[];
  const extra = row!;
  const hashes = Object.fromEntries(HASHED.map((t) => [t, extra[`hash_${t}`]])) as Record<
    Hashed,
    string
  >;
  return {
    counts: {
      ...counts,
      elections: extra.elections,
      election_municipalities: extra.election_municipalities,
      idempotency_keys: extra.idempotency_keys,
      sessions: extra.sessions,
      revoked_sessions: extra.revoked_sessions,
      login_attempts: extra.login_attempts,
      signal_versions: extra.signal_versions,
      measure_versions: extra.measure_versions,
      report_versions: extra.report_versions,
      users: extra.users,
      invitations: extra.invitations,
      mails: extra.mails,
    },
    hashes,
  };
}

async function newest(): Promise<{
  audit: { action: string; entityId: string | null } | null;
  outbox: { type: string; signalId: string | null } | null;
}> {
  const [row] = (await hub.db.query(`
    SELECT (SELECT json_build_object('action', action, 'entityId', entity_id) FROM audit_events ORDER BY seq DESC LIMIT 1) AS audit,
           (SELECT json_build_object('type', type, 'signalId', data->'signal'->>'id') FROM outbox_events ORDER BY position DESC LIMIT 1) AS outbox
  `)) as {
    audit: { action: string; entityId: string | null } | null;
    outbox: { type: string; signalId: string | null } | null;
  }[];
  return row!;
}

async function versionOf(
  table: 'signals' | 'measures' | 'platform_reports',
  id: string,
): Promise<number> {
  const rows = (await hub.db.query(`SELECT version FROM ${table} WHERE id = $1`, [id])) as {
    version: number;
  }[];
  return rows[0]?.version ?? 1;
}

async function statusOf(id: string): Promise<SignalStatus> {
  const rows = (await hub.db.query(`SELECT status FROM signals WHERE id = $1`, [id])) as {
    status: SignalStatus;
  }[];
  return rows[0]!.status;
}

const bearer = (email: string) => ({ Authorization: `Bearer ${tokens.get(email)!}` });

// ---------------------------------------------------------------------------------------------
// Generating cases
// ---------------------------------------------------------------------------------------------

function withField(body: Body, name: string, value: unknown): Body {
  // fromEntries defines the key as an own property, so even `__proto__` is sent as a field.
  return Object.fromEntries([
    ...Object.entries(body).filter(([key]) => key !== name),
    [name, value],
  ]) as Body;
}

function withoutField(body: Body, name: string): Body {
  return Object.fromEntries(Object.entries(body).filter(([key]) => key !== name)) as Body;
}

function payloads(
  endpoint: Endpoint,
  email: string | null,
): fc.Arbitrary<{ payload: Payload; names?: string }> {
  const valid = endpoint.valid(email);
  const rules = endpoint.fields;
  const fields = Object.keys(rules);
  const required = fields.filter((field) => rules[field]!.required);
  const json = (body: unknown): Payload => ({ kind: 'json', body });
  const unknownName = fc
    .oneof(fc.constantFrom(...UNKNOWN_FIELDS), fc.string({ minLength: 1, maxLength: 24 }))
    .filter((name) => !fields.includes(name));

  const kinds: fc.WeightedArbitrary<{ payload: Payload; names?: string }>[] = [
    { weight: 4, arbitrary: valid.map((body) => ({ payload: json(body) })) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(valid, unknownName, fc.jsonValue({ maxDepth: 2 }))
        .map(([body, name, value]) => ({
          payload: json(withField(body, name, value)),
          names: name,
        })),
    },
    {
      weight: 2,
      arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => ({ payload: json(value) })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(...MALFORMED_JSON).map((text) => ({
        payload: { kind: 'text', contentType: 'application/json', text } as Payload,
      })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(valid, fc.nat())
        .map(([body, cut]) => ({ payload: { kind: 'truncated', body, cut } as Payload })),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(valid, fc.constantFrom(...CONTENT_TYPES)).map(([body, contentType]) => ({
        payload: { kind: 'typed', contentType, body } as Payload,
      })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(valid, fc.constantFrom(...ENCODINGS))
        .map(([body, encoding]) => ({ payload: { kind: 'encoded', encoding, body } as Payload })),
    },
    { weight: 1, arbitrary: fc.constant({ payload: { kind: 'none' } as Payload }) },
  ];
  if (fields.length > 0) {
    kinds.push(
      {
        weight: 10,
        arbitrary: fc.tuple(valid, fc.constantFrom(...fields)).chain(([body, field]) =>
          rules[field]!.bad.map((value) => ({
            payload: json(withField(body, field, value)),
            names: field,
          })),
        ),
      },
      {
        weight: 2,
        arbitrary: fc
          .tuple(valid, fc.constantFrom(...fields), junk)
          .map(([body, field, value]) => ({ payload: json(withField(body, field, value)) })),
      },
      {
        weight: 2,
        arbitrary: fc
          .record(Object.fromEntries(fields.map((field) => [field, junk])), { requiredKeys: [] })
          .map((body) => ({ payload: json(body) })),
      },
    );
  }
  if (required.length > 0) {
    kinds.push({
      weight: 2,
      arbitrary: fc
        .tuple(valid, fc.constantFrom(...required))
        .map(([body, field]) => ({ payload: json(withoutField(body, field)), names: field })),
    });
  }
  return fc.oneof(...kinds);
}

function cases(endpoint: Endpoint): fc.Arbitrary<Case> {
  const everyone = DEMO.map((d) => d.email);
  const primary: fc.Arbitrary<Caller> = endpoint.isPublic
    ? fc.constant<Caller>({ kind: 'anonymous' })
    : fc.constantFrom(...endpoint.callers).map((email): Caller => ({ kind: 'user', email }));
  const caller = fc.oneof(
    { weight: 8, arbitrary: primary },
    {
      weight: 2,
      arbitrary: fc.constantFrom(...everyone).map((email): Caller => ({ kind: 'user', email })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom<Caller>({ kind: 'anonymous' }, { kind: 'ended-session' }),
    },
  );
  const target: fc.Arbitrary<Target> = endpoint.record
    ? fc.oneof(
        { weight: 10, arbitrary: fc.constant<Target>({ kind: 'record', upper: false }) },
        { weight: 1, arbitrary: fc.constant<Target>({ kind: 'record', upper: true }) },
        { weight: 1, arbitrary: fc.uuid().map((id): Target => ({ kind: 'other', id })) },
        {
          weight: 1,
          arbitrary: fc
            .constantFrom(...endpoint.others!())
            .map((id): Target => ({ kind: 'other', id })),
        },
        {
          weight: 2,
          arbitrary: fc
            .oneof(
              fc.constantFrom(...MALFORMED_IDS),
              fc.string({ minLength: 1, maxLength: 40 }).map(encodeURIComponent),
            )
            .map((raw): Target => ({ kind: 'malformed', raw })),
        },
      )
    : fc.constant<Target>({ kind: 'record', upper: false });
  const key: fc.Arbitrary<IdempotencyKey> =
    endpoint.method === 'post' && !endpoint.isPublic
      ? fc.oneof(
          { weight: 6, arbitrary: fc.constant<IdempotencyKey>({ kind: 'none' }) },
          { weight: 3, arbitrary: fc.constant<IdempotencyKey>({ kind: 'fresh' }) },
          {
            weight: 1,
            arbitrary: fc
              .constantFrom(...MALFORMED_KEYS)
              .map((value): IdempotencyKey => ({ kind: 'malformed', value })),
          },
        )
      : fc.constant<IdempotencyKey>({ kind: 'none' });
  return caller.chain((who) =>
    fc
      .record({
        target,
        key,
        body: payloads(endpoint, who.kind === 'user' ? who.email : (endpoint.callers[0] ?? null)),
      })
      .map(({ target: t, key: k, body }): Case => ({
        caller: who,
        target: t,
        key: k,
        payload: body.payload,
        ...(body.names === undefined ? {} : { names: body.names }),
      })),
  );
}

// ---------------------------------------------------------------------------------------------
// Sending and judging
// ---------------------------------------------------------------------------------------------

async function fill(endpoint: Endpoint, value: unknown): Promise<unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const entries: [string, unknown][] = [];
  for (const [key, field] of Object.entries(value as Body)) {
    entries.push([key, field instanceof Slot ? await endpoint.fill!(field) : field]);
  }
  // fromEntries, not assignment: an own `__proto__` key stays an own key.
  return Object.fromEntries(entries);
}

function excerpt(text: string | undefined, max = 400): string {
  if (text === undefined) return '';
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

function describeCaller(caller: Caller): string {
  return caller.kind === 'user' ? caller.email : caller.kind;
}

async function send(
  endpoint: Endpoint,
  c: Case,
): Promise<{ response: Response; sent: Sent; shown: string }> {
  let path = endpoint.route;
  let recordId: string | null = null;
  if (endpoint.record) {
    const id =
      c.target.kind === 'record'
        ? c.target.upper
          ? endpoint.record().toUpperCase()
          : endpoint.record()
        : c.target.kind === 'other'
          ? c.target.id
          : c.target.raw;
    if (c.target.kind === 'record') recordId = endpoint.record();
    path = path.replace(':id', id);
  }
  const agent = hub.http();
  let request = endpoint.method === 'post' ? agent.post(path) : agent.patch(path);
  if (c.caller.kind === 'user') request = request.set(bearer(c.caller.email));
  if (c.caller.kind === 'ended-session')
    request = request.set('Authorization', `Bearer ${endedToken}`);
  if (c.key.kind === 'fresh') request = request.set('Idempotency-Key', `fuzz-${randomUUID()}`);
  if (c.key.kind === 'malformed') request = request.set('Idempotency-Key', c.key.value);

  let body: unknown = undefined;
  let shown: string;
  switch (c.payload.kind) {
    case 'json':
    case 'typed':
    case 'truncated':
    case 'encoded': {
      body = await fill(endpoint, c.payload.body);
      const full = jsonText(body);
      const contentType = c.payload.kind === 'typed' ? c.payload.contentType : 'application/json';
      const textSent =
        c.payload.kind === 'truncated'
          ? full.slice(0, c.payload.cut % Math.max(full.length, 1))
          : full;
      request = request.set('Content-Type', contentType);
      if (c.payload.kind === 'encoded')
        request = request.set('Content-Encoding', c.payload.encoding);
      request = request.send(textSent);
      shown = `${contentType}${c.payload.kind === 'encoded' ? ` (${c.payload.encoding})` : ''}: ${excerpt(textSent)}`;
      break;
    }
    case 'text':
      request = request.set('Content-Type', c.payload.contentType).send(c.payload.text);
      shown = `${c.payload.contentType}: ${excerpt(c.payload.text)}`;
      break;
    case 'none':
      shown = 'no body';
      break;
  }
  const response = await request;
  const head = `${endpoint.method.toUpperCase()} ${excerpt(path, 120)} as ${describeCaller(c.caller)}${c.key.kind === 'none' ? '' : ` (Idempotency-Key ${c.key.kind})`}`;
  return {
    response,
    sent: { path, recordId, body },
    shown: `${head} with ${shown}\n→ ${response.status} ${excerpt(response.text)}`,
  };
}

function problemFields(response: Response): string[] {
  const errors = (response.body as { errors?: unknown }).errors;
  // A field may be named '' when that is the key sent.
  return Array.isArray(errors)
    ? errors
        .map((e) => (e as { field?: unknown }).field)
        .filter((f): f is string => typeof f === 'string')
    : [];
}

/**
 * Whether the case must be refused naming the field made wrong: sent by a user who may write
 * there (anyone, on a public route), to the record under test, with no other fault first.
 */
function mustRefuse(endpoint: Endpoint, c: Case): boolean {
  const writer = endpoint.isPublic
    ? c.caller.kind === 'anonymous'
    : c.caller.kind === 'user' && endpoint.callers.includes(c.caller.email);
  return (
    writer && c.target.kind === 'record' && c.key.kind !== 'malformed' && c.payload.kind === 'json'
  );
}

const namesField = (fields: string[], field: string) =>
  fields.some((f) => f === field || f.startsWith(`${field}.`) || f.startsWith(`${field}[`));

/** One request of the fuzz: send it, then hold the answer and the database to the rules. */
async function judge(endpoint: Endpoint, c: Case): Promise<void> {
  const before = await snapshot();
  const { response, sent, shown } = await send(endpoint, c);
  const after = await snapshot();
  try {
    const { status } = response;
    if (status >= 500) throw new Error(`a ${status} answers this request`);
    if (status < 200 || (status >= 300 && status < 400))
      throw new Error(`unexpected status ${status}`);

    if (status >= 400) {
      expectProblem(response, status);
      const fields = problemFields(response);
      if ((status === 400 || status === 422) && fields.length === 0)
        throw new Error(`a ${status} problem that names no field`);
      // Every field error says why as a code the board translates, beside its message.
      const uncoded = ((response.body as { errors?: { code?: unknown }[] }).errors ?? []).filter(
        (e) => !(FIELD_ERROR_CODES as readonly unknown[]).includes(e.code),
      );
      if (uncoded.length > 0) throw new Error(`field errors without a code of FIELD_ERROR_CODES: ${JSON.stringify(uncoded)}`);
      if (c.names !== undefined && mustRefuse(endpoint, c) && !namesField(fields, c.names)) {
        throw new Error(
          `the problem does not name the field made wrong, ${JSON.stringify(c.names)}, but ${JSON.stringify(fields)}`,
        );
      }
      // No partial write: nothing counted was added, nothing stored was changed. A refused
      // sign-in is counted by the throttle, and that is all it writes.
      const expected = { ...before.counts };
      if (
        endpoint.route === '/api/auth/login' &&
        status === 401 &&
        after.counts.login_attempts === before.counts.login_attempts + 1
      ) {
        expected.login_attempts = after.counts.login_attempts;
      }
      expect({ counts: after.counts, hashes: after.hashes }).toEqual({
        counts: expected,
        hashes: before.hashes,
      });
    } else {
      if (c.names !== undefined && mustRefuse(endpoint, c))
        throw new Error(`a body with ${JSON.stringify(c.names)} made wrong was accepted`);
      if (status !== 204) expect(response.headers['content-type']).toMatch(/^application\/json/);
      const whole = endpoint.whole(response, sent);
      const delta = { ...whole.delta };
      if (c.key.kind === 'fresh') delta.idempotency_keys = (delta.idempotency_keys ?? 0) + 1;
      const expectedCounts = Object.fromEntries(
        COUNTERS.map((counter) => [counter, before.counts[counter] + (delta[counter] ?? 0)]),
      );
      expect(after.counts).toEqual(expectedCounts);
      const untouched = HASHED.filter((t) => !whole.touches.includes(t));
      expect(Object.fromEntries(untouched.map((t) => [t, after.hashes[t]]))).toEqual(
        Object.fromEntries(untouched.map((t) => [t, before.hashes[t]])),
      );
      if (whole.audit || whole.outbox) {
        const last = await newest();
        if (whole.audit) expect(last.audit).toEqual(whole.audit);
        if (whole.outbox) expect(last.outbox).toEqual(whole.outbox);
      }
      if (endpoint.verify) await endpoint.verify(response, sent);
      if (endpoint.after) await endpoint.after(c.caller);
    }
    // Bodies are parsed in this process: no key of any body reaches a shared prototype.
    expect(Object.prototype).not.toHaveProperty('polluted');
  } catch (error) {
    throw new Error(`${shown}\n${error instanceof Error ? error.message : String(error)}`);
  }
}

async function fuzz(endpoint: Endpoint): Promise<void> {
  await fc.assert(
    fc.asyncProperty(cases(endpoint), (c) => judge(endpoint, c)),
    {
      numRuns: Math.max(1, Math.round(RUNS * (endpoint.runShare ?? 1))),
      seed: SEED,
      endOnFailure: process.env['VT_FUZZ_SHRINK'] !== '1',
      verbose: 1,
    },
  );
}

const signalWrite =
  (action: string, type: string) =>
  (_response: Response, sent: Sent): Whole => ({
    delta: { signal_versions: 1, timeline_entries: 1, audit_events: 1, outbox_events: 1 },
    touches: ['signals'],
    audit: { action, entityId: sent.recordId! },
    outbox: { type, signalId: sent.recordId! },
  });

const idOf = (response: Response) => (response.body as { id: string }).id;

// ---------------------------------------------------------------------------------------------
// The endpoints
// ---------------------------------------------------------------------------------------------

function signalFields(create: boolean): Record<string, FieldRule> {
  const codes = (max: number, nothing: string, pattern: string[]) =>
    fc.oneof(
      notArray,
      fc.constant(null),
      fc.array(notString, { minLength: 1, maxLength: 3 }),
      fc.constantFrom(
        [nothing],
        pattern,
        [SHARE_CODES[0]!, SHARE_CODES[0]!],
        [`${SHARE_CODES[1]!}\u0000`],
      ),
      fc.constant(Array.from({ length: max + 1 }, (_, i) => `GM${String(i).padStart(4, '0')}`)),
    );
  return {
    ...(create
      ? {
          electionId: {
            required: true,
            bad: fc.oneof(
              notString,
              fc.constant(null),
              fc.constantFrom('not-a-uuid', '', MALFORMED_IDS[11]!),
              fc.uuid(),
              fc.constant('00000000-0000-0000-0000-000000000000'),
              fc.constant(userIds[AIVD]!),
              withNul,
            ),
          },
        }
      : {}),
    title: { required: create, bad: badText({ min: 1, max: 200 }) },
    description: { required: create, bad: badText({ max: 20_000 }) },
    category: { required: create, bad: badEnum(SIGNAL_CATEGORIES) },
    severity: { required: create, bad: badEnum(SEVERITIES) },
    marking: { required: create, bad: badEnum(MARKINGS) },
    classification: {
      required: false,
      bad: fc.oneof(fc.constantFrom(...STATE_SECRETS), badEnum(CLASSIFICATIONS)),
    },
    sharedWith: { required: false, bad: codes(100, 'ZZZZ', ['bzk', 'B', '1ABC', 'A'.repeat(17)]) },
    recipients: {
      required: false,
      bad: fc.oneof(
        notArray,
        fc.constant(null),
        fc.array(notString, { minLength: 1, maxLength: 3 }),
        fc.uuid().map((id) => [id]),
        fc.constantFrom(['not-a-uuid'], ['BZK'], [editSignal], [userIds[AIVD]!, userIds[AIVD]!]),
        fc.constant(Array.from({ length: 201 }, () => randomUUID())),
      ),
    },
    affectedMunicipalities: {
      required: false,
      bad: codes(500, 'GM9999', ['gm0363', 'GM363', 'BZK']),
    },
    platforms: {
      required: false,
      bad: fc.oneof(
        notArray,
        fc.constant(null),
        fc.constantFrom(['myspace'], ['X'], ['x', 'x'], [1], [null], [...PLATFORMS, 'other2']),
      ),
    },
    evidence: {
      required: false,
      bad: fc.oneof(
        notArray,
        fc.constant(null),
        fc.constantFrom(...BAD_URLS).map((u) => [{ url: u }]),
        fc.constantFrom<unknown[]>(
          [{}],
          [null],
          [[]],
          [[{ url: 'https://x.nl' }]],
          ['https://x.nl'],
          [{ url: 'https://localhost' }],
          [{ url: 'https://x.nl', description: 'x'.repeat(501) }],
          [{ url: 'https://x.nl', description: null }],
          [{ url: 'https://x.nl', description: 5 }],
          [{ url: 'https://x.nl', extra: 1 }],
          [JSON.parse('{"url":"https://x.nl","__proto__":{"polluted":true}}') as unknown],
          Array.from({ length: 51 }, (_, i) => ({ url: `https://x.nl/${i}` })),
        ),
      ),
    },
    disarmTechniques: {
      required: false,
      bad: fc.oneof(
        notArray,
        fc.constant(null),
        fc.constantFrom(
          ['X123'],
          ['t0086'],
          ['T86'],
          [1],
          ['T0086', 'T0086'],
          Array.from({ length: 51 }, (_, i) => `T${String(i).padStart(4, '0')}`),
        ),
      ),
    },
    source: { required: false, bad: badText({ max: 5000, nullable: true }) },
    leadAgency: {
      required: false,
      bad: fc.oneof(notString, fc.constantFrom('ZZZZ', 'bzk', 'B', 'A'.repeat(17), ''), withNul),
    },
    firstSeenAt: { required: false, bad: badTimestamp(true) },
    ...(create ? {} : { version: { required: true, bad: badVersion } }),
  };
}

function signalContent(email: string | null): Record<string, fc.Arbitrary<unknown>> {
  const municipal =
    email !== null && DEMO.find((d) => d.email === email)?.roles.includes('municipal') === true;
  const own = DEMO.find((d) => d.email === email)?.agency ?? 'GM0363';
  return {
    title: text(1, 200),
    description: text(0, 20_000),
    category: fc.constantFrom(...SIGNAL_CATEGORIES),
    severity: fc.constantFrom(...SEVERITIES),
    marking: fc.constantFrom(...MARKINGS),
    classification: municipal ? fc.constant('NONE') : fc.constantFrom(...CLASSIFICATIONS),
    sharedWith: fc.subarray(SHARE_CODES, { maxLength: 3 }),
    recipients: fc.subarray(Object.values(userIds), { maxLength: 3 }),
    affectedMunicipalities: municipal
      ? fc.constantFrom([], [own])
      : fc.subarray(MUNICIPALITIES, { maxLength: 2 }),
    platforms: fc.subarray([...PLATFORMS], { maxLength: 3 }),
    evidence: fc.array(fc.record({ url, description: text(0, 500) }, { requiredKeys: ['url'] }), {
      maxLength: 2,
    }),
    disarmTechniques: fc.subarray(['T0086', 'T0085.001', 'T0002'], { maxLength: 2 }),
    source: fc.option(text(0, 5000), { nil: null }),
    leadAgency: fc.option(fc.constantFrom(...LEAD_CODES), { nil: null }),
    firstSeenAt: fc.option(timestamp, { nil: null }),
  };
}

const createSignal: Endpoint = {
  method: 'post',
  route: '/api/signals',
  callers: [AIVD, CHAIR, AMSTERDAM],
  get fields() {
    return signalFields(true);
  },
  valid: (email) => {
    const model: Record<string, fc.Arbitrary<unknown>> = {
      electionId: fc.constant(tk2025),
      ...signalContent(email),
    };
    return fc.record(model, {
      requiredKeys: ['electionId', 'title', 'description', 'category', 'severity', 'marking'],
    });
  },
  whole: (response) => ({
    delta: {
      signals: 1,
      signal_versions: 1,
      timeline_entries: 1,
      audit_events: 1,
      outbox_events: 1,
    },
    touches: ['signals'],
    audit: { action: 'signal.create', entityId: idOf(response) },
    outbox: { type: 'signal.created', signalId: idOf(response) },
  }),
  verify: async (response) => {
    const [{ n }] = (await hub.db.query(
      `SELECT count(*)::int AS n FROM timeline_entries WHERE signal_id = $1 AND data->>'change' = 'created'`,
      [idOf(response)],
    )) as { n: number }[];
    expect(n).toBe(1);
  },
};

const editSignalEndpoint: Endpoint = {
  method: 'patch',
  route: '/api/signals/:id',
  callers: [AIVD],
  get fields() {
    return signalFields(false);
  },
  valid: (email) =>
    fc
      .record(
        { version: fc.constant(new Slot('version')), ...signalContent(email) },
        { requiredKeys: ['version'] },
      )
      .map((body) =>
        Object.keys(body).length > 1 ? body : { ...body, title: 'Bijgewerkte melding' },
      ),
  record: () => editSignal,
  others: () => [hiddenSignal, measure, report, userIds[AIVD]!],
  fill: async () => versionOf('signals', editSignal),
  whole: signalWrite('signal.update', 'signal.updated'),
};

const transition: Endpoint = {
  method: 'post',
  route: '/api/signals/:id/transitions',
  callers: [CHAIR],
  fields: {
    to: { required: true, bad: badEnum(SIGNAL_STATUSES) },
    version: { required: true, bad: badVersion },
    note: { required: false, bad: badText({ max: 2000 }) },
  },
  valid: () =>
    fc.record(
      {
        to: fc.oneof(
          { weight: 3, arbitrary: fc.nat(7).map((pick) => new Slot('nextStatus', pick)) },
          { weight: 1, arbitrary: fc.constantFrom(...SIGNAL_STATUSES) },
        ),
        version: fc.constant(new Slot('version')),
        note: text(0, 2000),
      },
      { requiredKeys: ['to', 'version'] },
    ),
  record: () => flowSignal,
  others: () => [hiddenSignal, measure, report],
  fill: async (slot) => {
    if (slot.kind === 'version') return versionOf('signals', flowSignal);
    const next = allowedTransitions(await statusOf(flowSignal));
    return next.length === 0 ? 'new' : next[slot.pick % next.length];
  },
  whole: signalWrite('signal.transition', 'signal.updated'),
};

const comment: Endpoint = {
  method: 'post',
  route: '/api/signals/:id/timeline',
  callers: [AIVD, CHAIR, AMSTERDAM, NCTV],
  fields: {
    text: { required: true, bad: badText({ min: 1, max: 20_000 }) },
    kind: {
      required: false,
      bad: fc.oneof(fc.constant('system'), badEnum(['comment', 'assessment'])),
    },
    // CLEAR is looser than the GREEN signal.
    marking: { required: false, bad: fc.oneof(fc.constant('CLEAR'), badEnum(MARKINGS)) },
  },
  valid: () =>
    fc.record(
      {
        text: text(1, 20_000),
        kind: fc.constantFrom('comment', 'assessment'),
        marking: fc.constantFrom('GREEN', 'AMBER', 'AMBER_STRICT', 'RED'),
      },
      { requiredKeys: ['text'] },
    ),
  record: () => flowSignal,
  others: () => [hiddenSignal, measure, report],
  whole: (_response, sent) => ({
    delta: { timeline_entries: 1, audit_events: 1, outbox_events: 1 },
    touches: [],
    audit: { action: 'timeline.add', entityId: sent.recordId! },
    outbox: { type: 'timeline.added', signalId: sent.recordId! },
  }),
};

const dueParts = fc.oneof(
  fc.constant<Body>({}),
  day.map((d): Body => ({ dueDate: d })),
  fc.constantFrom(...MILESTONE_CODES).map((m): Body => ({ dueMilestone: m })),
);

const addMeasure: Endpoint = {
  method: 'post',
  route: '/api/signals/:id/measures',
  callers: [CHAIR, AIVD],
  fields: {
    description: { required: true, bad: badText({ min: 1, max: 2000 }) },
    ownerAgency: {
      required: true,
      bad: fc.oneof(notString, fc.constant(null), fc.constantFrom('ZZZZ', 'bzk', 'B', ''), withNul),
    },
    dueDate: { required: false, bad: badDate(false) },
    dueMilestone: { required: false, bad: badEnum(MILESTONE_CODES) },
  },
  valid: () =>
    fc
      .tuple(
        fc.record({
          description: text(1, 2000),
          ownerAgency: fc.constantFrom('NCTV', 'AIVD', 'BZK', 'GM0363'),
        }),
        dueParts,
      )
      .map(([body, due]) => ({ ...body, ...due })),
  record: () => flowSignal,
  others: () => [hiddenSignal, measure, report],
  whole: (response, sent) => ({
    delta: { measures: 1, measure_versions: 1, audit_events: 1, outbox_events: 1 },
    touches: ['measures'],
    audit: { action: 'measure.create', entityId: idOf(response) },
    outbox: { type: 'measure.changed', signalId: sent.recordId! },
  }),
};

const updateMeasure: Endpoint = {
  method: 'patch',
  route: '/api/measures/:id',
  callers: [CHAIR, NCTV],
  fields: {
    version: { required: true, bad: badVersion },
    status: { required: false, bad: badEnum(MEASURE_STATUSES) },
    description: { required: false, bad: badText({ min: 1, max: 2000 }) },
    dueDate: { required: false, bad: badDate(true) },
    dueMilestone: { required: false, bad: badEnum(MILESTONE_CODES, true) },
  },
  valid: () =>
    fc
      .tuple(
        fc.record(
          {
            version: fc.constant(new Slot('version')),
            status: fc.constantFrom(...MEASURE_STATUSES),
            description: text(1, 2000),
          },
          { requiredKeys: ['version'] },
        ),
        fc.oneof(
          fc.constant<Body>({}),
          day.map((d): Body => ({ dueDate: d, dueMilestone: null })),
          fc
            .constantFrom(...MILESTONE_CODES)
            .map((m): Body => ({ dueMilestone: m, dueDate: null })),
          fc.constant<Body>({ dueDate: null, dueMilestone: null }),
        ),
      )
      .map(([body, due]) => ({ ...body, ...due })),
  record: () => measure,
  others: () => [flowSignal, report, hiddenSignal],
  fill: async () => versionOf('measures', measure),
  whole: (_response, sent) => ({
    delta: { measure_versions: 1, audit_events: 1, outbox_events: 1 },
    touches: ['measures'],
    audit: { action: 'measure.update', entityId: sent.recordId! },
    outbox: { type: 'measure.changed', signalId: flowSignal },
  }),
};

const addReport: Endpoint = {
  method: 'post',
  route: '/api/signals/:id/platform-reports',
  callers: [FLAGGER, CHAIR],
  fields: {
    platform: { required: true, bad: badEnum(PLATFORMS) },
    contentUrl: {
      required: true,
      bad: fc.oneof(notString, fc.constant(null), fc.constantFrom(...BAD_URLS)),
    },
    ground: { required: true, bad: badText({ min: 1, max: 2000 }) },
    reportedAt: { required: false, bad: badTimestamp(false) },
  },
  valid: () =>
    fc.record(
      {
        platform: fc.constantFrom(...PLATFORMS),
        contentUrl: url,
        ground: text(1, 2000),
        reportedAt: timestamp,
      },
      { requiredKeys: ['platform', 'contentUrl', 'ground'] },
    ),
  record: () => flowSignal,
  others: () => [hiddenSignal, measure, report],
  whole: (response, sent) => ({
    delta: { platform_reports: 1, report_versions: 1, audit_events: 1, outbox_events: 1 },
    touches: ['platform_reports'],
    audit: { action: 'platform_report.create', entityId: idOf(response) },
    outbox: { type: 'platform_report.changed', signalId: sent.recordId! },
  }),
};

const updateReport: Endpoint = {
  method: 'patch',
  route: '/api/platform-reports/:id',
  callers: [FLAGGER, CHAIR],
  fields: {
    version: { required: true, bad: badVersion },
    outcome: { required: false, bad: badEnum(PLATFORM_OUTCOMES) },
    respondedAt: { required: false, bad: badTimestamp(true) },
  },
  valid: () =>
    fc.record(
      {
        version: fc.constant(new Slot('version')),
        outcome: fc.constantFrom(...PLATFORM_OUTCOMES),
        respondedAt: fc.option(timestamp, { nil: null }),
      },
      { requiredKeys: ['version'] },
    ),
  record: () => report,
  others: () => [flowSignal, measure, hiddenSignal],
  fill: async () => versionOf('platform_reports', report),
  whole: (_response, sent) => ({
    delta: { report_versions: 1, audit_events: 1, outbox_events: 1 },
    touches: ['platform_reports'],
    audit: { action: 'platform_report.update', entityId: sent.recordId! },
    outbox: { type: 'platform_report.changed', signalId: flowSignal },
  }),
};

const createElection: Endpoint = {
  method: 'post',
  route: '/api/elections',
  callers: [ADMIN],
  fields: {
    code: {
      required: true,
      bad: fc.oneof(
        notString,
        fc.constant(null),
        fc.constantFrom('tk2099', 'TK99', 'XX', '', `TK2099${'A'.repeat(13)}`, 'TK2025'),
        withNul,
      ),
    },
    name: { required: true, bad: badText({ min: 1, max: 200 }) },
    type: { required: true, bad: badEnum(ELECTION_TYPES) },
    electionDay: { required: true, bad: badDate(false) },
    phase: { required: false, bad: badEnum(ELECTION_PHASES) },
    exercise: { required: false, bad: fc.constantFrom('true', 1, 0, 'yes', null, [], {}) },
    milestones: {
      required: false,
      bad: fc.oneof(
        notArray,
        fc.constant(null),
        fc.constantFrom<unknown[]>(
          [null],
          [[]],
          [5],
          [{ code: 'stembusakkoord', date: '2099-01-01' }],
          [{ code: 'count' }],
          [{ code: 'count', date: '2099-02-30' }],
          [{ code: 'count', date: '2099-01-01', extra: 1 }],
          [
            { code: 'count', date: '2099-01-01' },
            { code: 'count', date: '2099-01-02' },
          ],
          Array.from({ length: 21 }, (_, i) => ({
            code: 'count',
            date: `2099-01-${String((i % 28) + 1).padStart(2, '0')}`,
          })),
        ),
      ),
    },
    municipalities: {
      required: false,
      bad: fc.oneof(
        notArray,
        fc.constant(null),
        fc.constantFrom<unknown[]>(['GM9999'], ['gm0363'], ['GM0363', 'GM0363'], [5], ['BZK']),
        fc.constant(Array.from({ length: 1001 }, (_, i) => `GM${String(i).padStart(4, '0')}`)),
      ),
    },
  },
  valid: () =>
    fc.record(
      {
        code: fc.constant(new Slot('electionCode')),
        name: text(1, 200),
        type: fc.constantFrom(...ELECTION_TYPES),
        electionDay: day,
        phase: fc.constantFrom(...ELECTION_PHASES),
        exercise: fc.boolean(),
        milestones: fc.uniqueArray(
          fc.record({ code: fc.constantFrom(...MILESTONE_CODES), date: day }),
          { selector: (m) => m.code, maxLength: 4 },
        ),
        municipalities: fc.subarray(MUNICIPALITIES),
      },
      { requiredKeys: ['code', 'name', 'type', 'electionDay'] },
    ),
  fill: () => {
    electionCodes += 1;
    return Promise.resolve(`TK2099F${electionCodes.toString(36).toUpperCase()}`);
  },
  whole: (response) => ({
    delta: {
      elections: 1,
      election_municipalities: (response.body as { municipalities: string[] }).municipalities
        .length,
      audit_events: 1,
    },
    touches: ['elections'],
    audit: { action: 'election.create', entityId: idOf(response) },
  }),
};

const createUser: Endpoint = {
  method: 'post',
  route: '/api/users',
  callers: [ADMIN],
  fields: {
    email: {
      required: true,
      bad: fc.oneof(notString, fc.constant(null), fc.constantFrom('', 'geen-adres', 'a@b', 'twee@@b.nl', 'a b@c.nl', `${'a'.repeat(320)}@b.nl`, 'liaison@aivd.demo'), withNul),
    },
    name: { required: true, bad: badText({ min: 1, max: 200 }) },
    agency: { required: true, bad: fc.oneof(notString, fc.constant(null), fc.constantFrom('', 'nctv', 'XYZ', 'GM9999', 'A'.repeat(17)), withNul) },
    roles: {
      required: true,
      bad: fc.oneof(notArray, fc.constant(null), fc.constantFrom<unknown[]>([], ['god'], ['liaison', 'liaison'], [5], ['municipal'], ['chair', 'liaison', 'observer', 'admin', 'municipal', 'x'])),
    },
    clearance: { required: false, bad: fc.oneof(badEnum(['NONE', 'DEP_V']), fc.constantFrom('Stg. Geheim')) },
  },
  valid: () =>
    fc.record(
      {
        email: fc.constant(new Slot('email')),
        name: text(1, 200),
        agency: fc.constantFrom('NCTV', 'AIVD', 'KIESRAAD'),
        roles: fc.subarray(['liaison', 'observer'] as const, { minLength: 1 }),
        clearance: fc.constantFrom('NONE', 'DEP_V'),
      },
      { requiredKeys: ['email', 'name', 'agency', 'roles'] },
    ),
  fill: () => {
    emails += 1;
    return Promise.resolve(`fuzz.gebruiker${emails}@nctv.example`);
  },
  whole: (response) => ({
    delta: { users: 1, invitations: 1, mails: 1, audit_events: 1 },
    touches: ['users'],
    audit: { action: 'user.create', entityId: idOf(response) },
  }),
};

const totpCode: Record<string, FieldRule> = {
  code: {
    required: true,
    bad: fc.oneof(
      fc.constantFrom('12345', '1234567', 'abcdef', ' 123456', '12ab56', '', 123456, null),
      notString,
      withNul,
    ),
  },
};

const enrol: Endpoint = {
  method: 'post',
  route: '/api/auth/totp/enrol',
  callers: [ACM],
  // Its body is empty, and every accepted enrolment draws a QR code (slow in-process): a third will do.
  runShare: 1 / 3,
  fields: {},
  valid: () => fc.constant<Body>({}),
  whole: () => ({ delta: {}, touches: ['users'] }),
};

const confirmTotp: Endpoint = {
  method: 'post',
  route: '/api/auth/totp/confirm',
  callers: [ACM],
  fields: totpCode,
  valid: () => fc.record({ code: sixDigits }),
  whole: () => ({ delta: {}, touches: [] }),
};

const disableTotp: Endpoint = { ...confirmTotp, route: '/api/auth/totp/disable' };

const logout: Endpoint = {
  method: 'post',
  route: '/api/auth/logout',
  callers: [UTRECHT],
  fields: {},
  valid: () => fc.constant<Body>({}),
  // Ending a session tells its sockets through the outbox.
  whole: () => ({
    delta: { revoked_sessions: 1, outbox_events: 1 },
    touches: [],
    outbox: { type: 'session.ended', signalId: null },
  }),
  after: async (caller) => {
    if (caller.kind === 'user') tokens.set(caller.email, await hub.login(caller.email));
  },
};

const login: Endpoint = {
  method: 'post',
  route: '/api/auth/login',
  callers: [],
  isPublic: true,
  fields: {
    email: {
      required: true,
      bad: fc.oneof(
        notString,
        fc.constant(null),
        fc.constantFrom('not-an-email', '', '@', 'a@', `${'a'.repeat(320)}@b.nl`, 'a b@c.nl'),
        withNul,
      ),
    },
    password: {
      required: true,
      bad: fc.oneof(notString, fc.constant(null), fc.constant(''), tooLong(1024), withNul),
    },
    code: { required: false, bad: totpCode['code']!.bad.filter((v) => v !== null) },
  },
  valid: () =>
    fc.record(
      {
        email: fc.constantFrom(
          ...DEMO.map((d) => d.email),
          'VOORZITTER@BZK.DEMO',
          'niemand@nergens.demo',
        ),
        password: fc.oneof(
          { weight: 3, arbitrary: fc.constant('demo') },
          { weight: 1, arbitrary: text(1, 1024) },
        ),
        code: sixDigits,
      },
      { requiredKeys: ['email', 'password'] },
    ),
  whole: () => ({ delta: { sessions: 1, login_attempts: 1 }, touches: [] }),
};

// ---------------------------------------------------------------------------------------------

describe('fuzzing every write endpoint: no input yields a 500 or a partial write (quality.md)', () => {
  beforeAll(async () => {
    // Every fuzzed sign-in comes from one address: the per-address limit would soon refuse all.
    const f = await Factory.start({ LOGIN_MAX_FAILURES_PER_IP: '100000' });
    hub = f.hub;
    for (const [email, session] of Object.entries(f.as)) {
      tokens.set(email, session.token);
      userIds[email] = session.reader.id;
    }
    endedToken = await hub.login(UTRECHT);
    const ended = await hub
      .http()
      .post('/api/auth/logout')
      .set('Authorization', `Bearer ${endedToken}`)
      .send({});
    if (ended.status !== 204) throw new Error(`arranging: logout ${ended.status} ${ended.text}`);
    [{ id: tk2025 }] = (await hub.db.query(`SELECT id FROM elections WHERE code = 'TK2025'`)) as {
      id: string;
    }[];

    f.useElection(tk2025);
    const base = {
      description: 'Aangemaakt voor de fuzz.',
      category: 'disinformation',
      severity: 'medium',
    };
    editSignal = (
      await f.newSignal(AIVD, {
        ...base,
        title: 'Te bewerken melding',
        marking: 'AMBER',
        leadAgency: 'NCTV',
        affectedMunicipalities: ['GM0363'],
      })
    ).id;
    flowSignal = (
      await f.newSignal(NCTV, { ...base, title: 'Melding in behandeling', marking: 'GREEN', leadAgency: 'AIVD' })
    ).id;
    hiddenSignal = (
      await f.newSignal(NCTV, {
        ...base,
        title: 'Alleen voor de waarnemer',
        marking: 'RED',
        recipients: [userIds[OBSERVER]],
      })
    ).id;
    measure = (await f.newMeasure(CHAIR, flowSignal, { description: 'Bron benaderen', ownerAgency: 'NCTV' })).id;
    report = (
      await f.newPlatformReport(FLAGGER, flowSignal, {
        platform: 'x',
        contentUrl: 'https://x.com/a/status/1',
        ground: 'Misleidende stemdatum',
      })
    ).id;
  });

  afterAll(async () => {
    await hub.close();
  });

  // Sign-ins and sign-outs last: the fuzzed sign-ins leave every demo account throttled.
  const endpoints: Endpoint[] = [
    createSignal,
    editSignalEndpoint,
    transition,
    comment,
    addMeasure,
    updateMeasure,
    addReport,
    updateReport,
    createElection,
    createUser,
    enrol,
    confirmTotp,
    disableTotp,
    logout,
    login,
  ];

  for (const endpoint of endpoints) {
    it(`no body sent to ${endpoint.method.toUpperCase()} ${endpoint.route} yields a 500 or a partial write`, async () => {
      await fuzz(endpoint);
    }, 300_000);
  }

  it('leaves an audit chain that still verifies', async () => {
    const response = await hub.http().get('/api/audit/verify').set(bearer(CHAIR));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ ok: true, firstBroken: null });
  });
});
