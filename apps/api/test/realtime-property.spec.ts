import {
  allowedTransitions,
  type Marking,
  MARKINGS,
  SEVERITIES,
  SIGNAL_CATEGORIES,
  type SignalStatus,
} from '@verkiezingstafel/domain';
import fc from 'fast-check';
import {
  type ApiResponse,
  type DemoUser,
  highestPosition,
  listAllSignals,
  loginDemoUsers,
  outboxAfter,
  outboxMaxPosition,
  readyPosition,
  restClient,
  type SignalView,
  signalEventsOf,
  waitUntil,
} from './support/realtime-harness';
import { connectSocket, type TestSocket } from './support/sockets';
import { startTestApp, type TestApp } from './support/test-app';

/*
 * The differential property of visibility.md: for any user and any sequence of changes, what
 * that user's socket has been told (and not revoked) equals what GET /api/signals returns to
 * that user, field for field; and no socket is ever told anything the user could not have read
 * over REST at that moment.
 *
 * The oracle is REST, never the socket: after every accepted write, every demo user's
 * GET /api/signals/:id is recorded (the REST view of that signal at that version for that
 * user, or "not readable"). From the outbox and these views the exact list of messages each
 * user's socket must receive follows; the final state is also compared with the list endpoint.
 *
 * Reproduce a failure: VT_PROPERTY_SEED=<seed> (printed by fast-check); VT_PROPERTY_SHRINK=1
 * shrinks the counterexample (slow); VT_PROPERTY_RUNS=<n> changes the number of runs.
 */

const SHARE_CODES = ['BZK', 'AIVD', 'NCTV', 'NCSC', 'KIESRAAD', 'ACM', 'POLITIE', 'EC', 'GM0363', 'GM0599'] as const;
const LEAD_CODES = ['BZK', 'AIVD', 'NCTV', 'NCSC', 'KIESRAAD', 'ACM'] as const;
const MUNICIPALITIES = ['GM0363', 'GM0599', 'GM0344', 'GM0518'] as const;
const USER_COUNT = 12;

type ActorSel = { by: 'owner'; pick: number } | { by: 'lead' } | { by: 'chair' } | { by: 'user'; index: number };

interface CreateOp {
  kind: 'create';
  creator: number;
  marking: Marking;
  classification: 'NONE' | 'DEP_V';
  sharedWith: string[];
  recipients: number[];
  affected: string[];
  ownMunicipality: boolean;
  leadAgency: string | null;
  source: string | null;
  title: string;
  description: string;
  category: string;
  severity: string;
}
interface EditOp {
  kind: 'edit';
  target: number;
  actor: ActorSel;
  changes: { title?: string; description?: string; severity?: string; category?: string; source?: string | null; leadAgency?: string | null };
}
interface MarkingOp {
  kind: 'marking';
  target: number;
  actor: ActorSel;
  marking: Marking;
}
interface AudienceOp {
  kind: 'audience';
  target: number;
  actor: ActorSel;
  field: 'sharedWith' | 'recipients' | 'affectedMunicipalities';
  codes: string[];
  recipients: number[];
  marking: Marking | null;
}
interface TransitionOp {
  kind: 'transition';
  target: number;
  actor: ActorSel;
  pick: number;
}
type Op = CreateOp | EditOp | MarkingOp | AudienceOp | TransitionOp;

const text = (max: number) => fc.string({ minLength: 1, maxLength: max });
const markingArb = fc.constantFrom<Marking>(...MARKINGS);
const actorArb: fc.Arbitrary<ActorSel> = fc.oneof(
  { weight: 6, arbitrary: fc.nat(5).map((pick): ActorSel => ({ by: 'owner', pick })) },
  { weight: 2, arbitrary: fc.constant<ActorSel>({ by: 'lead' }) },
  { weight: 1, arbitrary: fc.constant<ActorSel>({ by: 'chair' }) },
  { weight: 2, arbitrary: fc.nat(USER_COUNT - 1).map((index): ActorSel => ({ by: 'user', index })) },
);
const targetArb = fc.nat(50);

const createArb: fc.Arbitrary<CreateOp> = fc.record({
  kind: fc.constant('create' as const),
  // Mostly users who may raise signals (chair, liaisons, municipalities); sometimes the observer or admin (refused).
  creator: fc.oneof({ weight: 7, arbitrary: fc.integer({ min: 0, max: 6 }) }, { weight: 3, arbitrary: fc.integer({ min: 7, max: 9 }) }, { weight: 1, arbitrary: fc.integer({ min: 10, max: 11 }) }),
  marking: markingArb,
  classification: fc.oneof({ weight: 5, arbitrary: fc.constant('NONE' as const) }, { weight: 1, arbitrary: fc.constant('DEP_V' as const) }),
  sharedWith: fc.subarray([...SHARE_CODES], { maxLength: 3 }),
  recipients: fc.subarray([...Array(USER_COUNT).keys()], { maxLength: 4 }),
  affected: fc.subarray([...MUNICIPALITIES], { maxLength: 2 }),
  ownMunicipality: fc.boolean(),
  leadAgency: fc.option(fc.constantFrom(...LEAD_CODES), { nil: null }),
  source: fc.option(text(30), { nil: null }),
  title: text(40),
  description: fc.string({ maxLength: 60 }),
  category: fc.constantFrom(...SIGNAL_CATEGORIES),
  severity: fc.constantFrom(...SEVERITIES),
});

const editArb: fc.Arbitrary<EditOp> = fc.record({
  kind: fc.constant('edit' as const),
  target: targetArb,
  actor: actorArb,
  changes: fc
    .record(
      {
        title: text(40),
        description: fc.string({ maxLength: 60 }),
        severity: fc.constantFrom(...SEVERITIES),
        category: fc.constantFrom(...SIGNAL_CATEGORIES),
        source: fc.option(text(30), { nil: null }),
        leadAgency: fc.option(fc.constantFrom(...LEAD_CODES), { nil: null }),
      },
      { requiredKeys: [] },
    )
    .filter((changes) => Object.keys(changes).length > 0),
});

const markingOpArb: fc.Arbitrary<MarkingOp> = fc.record({ kind: fc.constant('marking' as const), target: targetArb, actor: actorArb, marking: markingArb });

const audienceArb: fc.Arbitrary<AudienceOp> = fc.record({
  kind: fc.constant('audience' as const),
  target: targetArb,
  actor: actorArb,
  field: fc.constantFrom('sharedWith' as const, 'recipients' as const, 'affectedMunicipalities' as const),
  codes: fc.subarray([...SHARE_CODES], { maxLength: 3 }),
  recipients: fc.subarray([...Array(USER_COUNT).keys()], { maxLength: 4 }),
  marking: fc.option(markingArb, { nil: null }),
});

const transitionArb: fc.Arbitrary<TransitionOp> = fc.record({
  kind: fc.constant('transition' as const),
  target: targetArb,
  actor: fc.oneof({ weight: 3, arbitrary: fc.constant<ActorSel>({ by: 'chair' }) }, { weight: 2, arbitrary: actorArb }),
  pick: fc.nat(5),
});

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: createArb },
  { weight: 2, arbitrary: editArb },
  { weight: 3, arbitrary: markingOpArb },
  { weight: 3, arbitrary: audienceArb },
  { weight: 2, arbitrary: transitionArb },
);

/** A sequence of 5–15 changes that starts with a create, so that later changes have a target. */
const sequenceArb: fc.Arbitrary<Op[]> = fc
  .tuple(createArb, fc.array(opArb, { minLength: 4, maxLength: 14 }))
  .map(([first, rest]) => [first, ...rest]);

interface SignalState {
  ownerAgency: string;
  leadAgency: string | null;
  status: SignalStatus;
  version: number;
}

type Expected = { event: string; type: string; position: number; data: unknown };

describe('realtime differential property: socket view = REST view', () => {
  let hub: TestApp;
  let electionId: string;
  let users: DemoUser[];

  beforeAll(async () => {
    hub = await startTestApp();
    [{ id: electionId }] = (await hub.db.query(`SELECT id FROM elections WHERE code = 'TK2025'`)) as { id: string }[];
    users = await loginDemoUsers(hub);
  });
  afterAll(async () => {
    await hub?.close();
  });

  async function stateOf(id: string): Promise<SignalState> {
    const [row] = (await hub.db.query(`SELECT owner_agency, lead_agency, status, version FROM signals WHERE id = $1`, [id])) as {
      owner_agency: string;
      lead_agency: string | null;
      status: SignalStatus;
      version: number;
    }[];
    return { ownerAgency: row!.owner_agency, leadAgency: row!.lead_agency, status: row!.status, version: row!.version };
  }

  function resolveActor(sel: ActorSel, state: SignalState): DemoUser {
    const acting = (u: DemoUser) => !u.roles.includes('admin') && !u.roles.includes('observer');
    switch (sel.by) {
      case 'owner': {
        const owners = users.filter((u) => u.agency === state.ownerAgency && acting(u));
        return owners.length > 0 ? owners[sel.pick % owners.length]! : users[0]!;
      }
      case 'lead': {
        const leads = users.filter((u) => u.agency === state.leadAgency && u.roles.includes('liaison'));
        return leads[0] ?? resolveActor({ by: 'owner', pick: 0 }, state);
      }
      case 'chair':
        return users[0]!;
      case 'user':
        return users[sel.index % users.length]!;
    }
  }

  /** Performs one change over REST; returns the signal it changed and the response. */
  async function perform(op: Op, created: string[]): Promise<{ actor: DemoUser; signalId: string | null; request: string; response: ApiResponse } | null> {
    if (op.kind === 'create') {
      const actor = users[op.creator]!;
      const affected = op.ownMunicipality && actor.roles.includes('municipal') ? [actor.agency] : op.affected;
      const body: Record<string, unknown> = {
        electionId,
        title: op.title,
        description: op.description,
        category: op.category,
        severity: op.severity,
        marking: op.marking,
        classification: op.classification,
        sharedWith: op.sharedWith,
        recipients: op.recipients.map((i) => users[i]!.id),
        affectedMunicipalities: affected,
      };
      if (op.leadAgency !== null) body['leadAgency'] = op.leadAgency;
      if (op.source !== null) body['source'] = op.source;
      const response = await restClient(hub, actor.token).post('/api/signals', body);
      const id = response.status === 201 ? (response.body as { id: string }).id : null;
      return { actor, signalId: id, request: `POST /api/signals ${JSON.stringify({ ...body, electionId: undefined })}`, response };
    }
    if (created.length === 0) return null;
    const id = created[op.target % created.length]!;
    const state = await stateOf(id);
    const actor = resolveActor(op.actor, state);
    const client = restClient(hub, actor.token);
    if (op.kind === 'transition') {
      const allowed = allowedTransitions(state.status);
      const to = allowed.length > 0 ? allowed[op.pick % allowed.length]! : 'in_progress';
      const body = { to, version: state.version };
      return { actor, signalId: id, request: `POST transitions ${JSON.stringify(body)}`, response: await client.post(`/api/signals/${id}/transitions`, body) };
    }
    let body: Record<string, unknown>;
    if (op.kind === 'edit') body = { ...op.changes };
    else if (op.kind === 'marking') body = { marking: op.marking };
    else {
      body = op.field === 'recipients' ? { recipients: op.recipients.map((i) => users[i]!.id) } : op.field === 'sharedWith' ? { sharedWith: op.codes } : { affectedMunicipalities: op.codes.filter((c) => c.startsWith('GM')) };
      if (op.marking !== null) body['marking'] = op.marking;
    }
    body['version'] = state.version;
    return { actor, signalId: id, request: `PATCH ${JSON.stringify(body)}`, response: await client.patch(`/api/signals/${id}`, body) };
  }

  /** The REST view of one signal for every user, right now: the body of GET /api/signals/:id, or null on 404. */
  async function restViews(id: string): Promise<(SignalView | null)[]> {
    return Promise.all(
      users.map(async (user) => {
        const r = await restClient(hub, user.token).get(`/api/signals/${id}`);
        if (r.status === 404) return null;
        if (r.status !== 200) throw new Error(`GET /api/signals/${id} as ${user.email} answered ${r.status}: ${JSON.stringify(r.body)}`);
        return r.body as SignalView;
      }),
    );
  }

  /** With VT_PROPERTY_STATS=1: what the runs exercised (accepted and refused changes, messages by kind). */
  const stats = new Map<string, number>();
  const count = (key: string) => stats.set(key, (stats.get(key) ?? 0) + 1);
  afterAll(() => {
    if (process.env['VT_PROPERTY_STATS'] === '1') console.log([...stats.entries()].sort().map(([k, n]) => `${k}: ${n}`).join('\n'));
  });

  function describeFailure(user: DemoUser, what: string, error: unknown, trace: string[]): Error {
    const message = error instanceof Error ? error.message : String(error);
    return new Error(`${what} for ${user.email} (${user.agency}, ${user.roles.join(',')}, id ${user.id})\n${message}\n--- changes of this run ---\n${trace.join('\n')}`);
  }

  it('for random sequences of changes by random users, every socket view equals the REST view', async () => {
    const seed = process.env['VT_PROPERTY_SEED'] ? Number(process.env['VT_PROPERTY_SEED']) : undefined;
    await fc.assert(
      fc.asyncProperty(sequenceArb, async (ops) => {
        const sockets: TestSocket[] = [];
        const replays: TestSocket[] = [];
        try {
          // Every demo user has a live socket before the first change.
          for (const user of users) sockets.push(await connectSocket(hub.url, user.token));
          const readies = await Promise.all(sockets.map((s) => readyPosition(s)));
          const start = await outboxMaxPosition(hub);
          expect(Math.min(...readies)).toBeGreaterThanOrEqual(start);

          const created: string[] = [];
          // views[user]["id@version"] = REST view of that signal at that version, or null.
          const views: Map<string, SignalView | null>[] = users.map(() => new Map());
          const trace: string[] = [];
          const record = async (id: string) => {
            const { version } = await stateOf(id);
            const now = await restViews(id);
            now.forEach((view, u) => views[u]!.set(`${id}@${version}`, view));
            return version;
          };

          for (const op of ops) {
            const done = await perform(op, created);
            if (!done) continue;
            const { actor, signalId, request, response } = done;
            if (response.status >= 500) {
              throw new Error(`${request} as ${actor.email} answered ${response.status}: ${JSON.stringify(response.body)}\n${trace.join('\n')}`);
            }
            count(`change ${op.kind} -> ${response.status} ${response.status >= 300 ? ((response.body as { code?: string }).code ?? '') : ''}`);
            let line = `${actor.email}: ${request} -> ${response.status}`;
            if (response.status < 300 && signalId) {
              if (op.kind === 'create') created.push(signalId);
              const version = await record(signalId);
              line += ` (signal ${signalId} v${version})`;
            } else {
              line += ` ${(response.body as { code?: string }).code ?? ''}`;
            }
            trace.push(line);
          }

          // A GREEN sentinel that every user reads: once every socket has it, every earlier event has passed.
          const sentinel = await restClient(hub, users[0]!.token).post('/api/signals', {
            electionId,
            title: 'Sentinel',
            description: '',
            category: 'other',
            severity: 'low',
            marking: 'GREEN',
          });
          expect(sentinel.status).toBe(201);
          const sentinelId = (sentinel.body as { id: string }).id;
          created.push(sentinelId);
          await record(sentinelId);
          trace.push(`sentinel ${sentinelId}`);
          const end = await outboxMaxPosition(hub);
          await waitUntil(() => sockets.every((s) => signalEventsOf(s).some((r) => (r.payload.data as { id?: string }).id === sentinelId)), 15_000);
          for (const [u, socket] of sockets.entries()) {
            if (highestPosition(socket) < end) {
              throw describeFailure(users[u]!, 'live socket did not catch up', `highest received ${highestPosition(socket)} < outbox ${end}`, trace);
            }
          }

          // A second socket per user that resumes after the start position: the replay path.
          for (const user of users) replays.push(await connectSocket(hub.url, user.token, { after: start }));
          await Promise.all(replays.map((s) => readyPosition(s, 15_000)));

          const ids = new Set(created);
          const outbox = await outboxAfter(hub, start);
          for (const [u, user] of users.entries()) {
            // 1. Final state: the socket's id → latest payload, minus revoked ids, equals GET /api/signals.
            const told = new Map<string, unknown>();
            for (const r of signalEventsOf(sockets[u]!)) {
              const id = (r.payload.data as { id: string }).id;
              if (!ids.has(id)) continue;
              if (r.event === 'signal.revoked') told.delete(id);
              else told.set(id, r.payload.data);
            }
            const listed = (await listAllSignals(hub, user.token, electionId)).filter((s) => ids.has(s.id));
            try {
              expect(Object.fromEntries(told)).toStrictEqual(Object.fromEntries(listed.map((s) => [s.id, s])));
            } catch (error) {
              throw describeFailure(user, 'socket view (live; "Received") differs from GET /api/signals ("Expected")', error, trace);
            }

            // 2. Every message, live and replayed: exactly what REST showed this user at that version.
            const expected: Expected[] = [];
            for (const event of outbox) {
              const key = `${event.signalId}@${event.version}`;
              const view = views[u]!.get(key);
              if (view === undefined) throw new Error(`outbox event ${event.position} (${event.type} ${key}) was not caused by this run\n${trace.join('\n')}`);
              if (view) {
                expected.push({ event: event.type, type: event.type, position: event.position, data: view });
              } else if (event.type === 'signal.updated' && views[u]!.get(`${event.signalId}@${event.version! - 1}`)) {
                expected.push({ event: 'signal.revoked', type: 'signal.revoked', position: event.position, data: { id: event.signalId } });
              }
            }
            for (const e of expected) count(`expected ${e.event}${(e.data as { marking?: string }).marking ? ` ${(e.data as { marking?: string }).marking}` : ''}`);
            for (const [path, socket] of [
              ['live', sockets[u]!],
              ['replayed', replays[u]!],
            ] as const) {
              const actual = signalEventsOf(socket).map((r) => ({ event: r.event, type: r.payload.type, position: r.payload.position, data: r.payload.data }));
              try {
                expect(actual).toStrictEqual(expected);
              } catch (error) {
                throw describeFailure(user, `${path} socket messages ("Received") differ from the REST views at each version ("Expected")`, error, trace);
              }
            }
          }
        } finally {
          for (const s of [...sockets, ...replays]) s.close();
        }
      }),
      {
        numRuns: Number(process.env['VT_PROPERTY_RUNS'] ?? 15),
        seed,
        endOnFailure: process.env['VT_PROPERTY_SHRINK'] !== '1',
        verbose: 1,
      },
    );
  }, 180_000);
});
