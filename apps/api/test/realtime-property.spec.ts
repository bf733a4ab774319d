import fc from 'fast-check';
import { OutboxTailService } from '../src/realtime/outbox-tail.service';
import {
  type DemoUser,
  listAllSignals,
  loginDemoUsers,
  type OutboxRow,
  outboxAfter,
  outboxMaxPosition,
  restClient,
  type SignalView,
  signalEventsOf,
  waitUntil,
} from './support/realtime-harness';
import { performOperation, type SignalOp, signalOperations, signalState } from './support/signal-operations';
import { connectSocket, type TestSocket } from './support/sockets';
import { startTestApp, type TestApp } from './support/test-app';

/*
 * The differential property of visibility.md: for any user and any sequence of changes, what
 * that user's board has been told (and not revoked) equals what GET /api/signals returns to
 * that user, field for field; and no socket is ever told anything the user could not read over
 * REST at that moment. Boards go away and come back at random points, resuming by the
 * handshake (`auth.after`) or by the `resume` message, sent at once or after more changes.
 *
 * The oracle is REST, never the socket: after every accepted write, every demo user's
 * GET /api/signals/:id is recorded (the REST view of that signal at that version for that
 * user, or "not readable"). From the outbox and these views follows exactly what each socket
 * must be told: live, each event as REST showed it at that version; replayed, each signal
 * changed while away once, as REST shows it at the end of the replay, and `signal.revoked` only
 * where the user could read it before. After every reconnect and at the end, the board's state
 * (all its sockets' messages applied in order) is compared with GET /api/signals.
 *
 * Reproduce a failure: VT_PROPERTY_SEED=<seed> (printed by fast-check); VT_PROPERTY_SHRINK=1
 * shrinks the counterexample (slow); VT_PROPERTY_RUNS=<n> changes the number of runs.
 */

const SHARE_CODES = ['BZK', 'AIVD', 'NCTV', 'NCSC', 'KIESRAAD', 'ACM', 'POLITIE', 'EC', 'GM0363', 'GM0599'] as const;
const LEAD_CODES = ['BZK', 'AIVD', 'NCTV', 'NCSC', 'KIESRAAD', 'ACM'] as const;
const MUNICIPALITIES = ['GM0363', 'GM0599', 'GM0344', 'GM0518'] as const;
const USER_COUNT = 12;
const WAIT = 15_000;

const operations = signalOperations({
  shareCodes: SHARE_CODES,
  leadCodes: LEAD_CODES,
  municipalities: MUNICIPALITIES,
  maxUserIndex: USER_COUNT - 1,
  text: (max) => fc.string({ minLength: 1, maxLength: max }),
});

type Step =
  | { kind: 'change'; op: SignalOp }
  /** A board loses its connection (the index picks among the connected ones). */
  | { kind: 'away'; user: number }
  /** A board that is away comes back: by the handshake, or connecting first and sending `resume` after `delay` more changes. */
  | { kind: 'back'; user: number; path: 'handshake' | 'message'; delay: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: operations.op.map((op): Step => ({ kind: 'change', op })) },
  { weight: 2, arbitrary: fc.nat(USER_COUNT - 1).map((user): Step => ({ kind: 'away', user })) },
  {
    weight: 2,
    arbitrary: fc
      .record({ user: fc.nat(USER_COUNT - 1), path: fc.constantFrom('handshake' as const, 'message' as const), delay: fc.nat(2) })
      .map((back): Step => ({ kind: 'back', ...back })),
  },
);

/** 6–20 steps that start with a create, so that later changes have a target. */
const scenarioArb: fc.Arbitrary<Step[]> = fc
  .tuple(operations.create, fc.array(stepArb, { minLength: 5, maxLength: 19 }))
  .map(([first, rest]) => [{ kind: 'change', op: first }, ...rest]);

type Told = { event: string; position: number; data: unknown };

/** One socket of a board, and what it asked for. */
interface Connection {
  socket: TestSocket;
  path: 'first' | 'handshake' | 'message';
  /** The position it resumed after (null: connected without one). */
  after: number | null;
  /** Handshake: the `ready` after its replay; otherwise the `ready` at connect. Live after this. */
  liveFrom: number;
  /** Message path: the `ready` that answered the `resume`. */
  resumedAt: number | null;
  /** Message path: changes still to happen before the `resume` is sent. */
  resumeIn: number | null;
  closed: boolean;
  readies: number;
}

interface Board {
  user: DemoUser;
  index: number;
  connections: Connection[];
}

const current = (board: Board): Connection | null => board.connections.find((c) => !c.closed) ?? null;

function toldOn(socket: TestSocket): Told[] {
  return signalEventsOf(socket).map((r) => ({ event: r.event, position: r.payload.position as number, data: r.payload.data }));
}

/**
 * A socket that connected without a position and went away before it sent its `resume`: it was
 * told what happened after it went live, but not what came between the board's position and
 * then. Its positions say nothing of what the board holds without a gap.
 */
const unresumed = (connection: Connection): boolean => connection.path === 'message' && connection.resumedAt === null;

/** The position a board resumes from: the highest it has seen without a gap, in an event or a `ready`. */
function boardPosition(board: Board): number {
  let position = 0;
  for (const { socket } of board.connections.filter((connection) => !unresumed(connection))) {
    for (const r of socket.received) {
      const p = (r.payload as { position?: unknown }).position;
      if ((r.event === 'ready' || r.event.startsWith('signal.')) && typeof p === 'number') position = Math.max(position, p);
    }
  }
  return position;
}

describe('realtime differential property: socket view = REST view, across reconnects', () => {
  let hub: TestApp;
  let electionId: string;
  let users: DemoUser[];

  beforeAll(async () => {
    hub = await startTestApp();
    [{ id: electionId }] = (await hub.db.query(`SELECT id FROM elections WHERE code = 'TK2025'`)) as { id: string }[];
    users = await loginDemoUsers(hub);
    expect(users).toHaveLength(USER_COUNT);
  });
  afterAll(async () => {
    await hub?.close();
  });

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

  /** With VT_PROPERTY_STATS=1: what the runs exercised. */
  const stats = new Map<string, number>();
  const count = (key: string, n = 1) => stats.set(key, (stats.get(key) ?? 0) + n);
  afterAll(() => {
    if (process.env['VT_PROPERTY_STATS'] === '1') console.log([...stats.entries()].sort().map(([k, n]) => `${k}: ${n}`).join('\n'));
  });

  function failure(user: DemoUser, what: string, error: unknown, trace: string[]): Error {
    const message = error instanceof Error ? error.message : String(error);
    return new Error(`${what} for ${user.label}\n${message}\n--- steps of this run ---\n${trace.join('\n')}`);
  }

  async function nextReady(connection: Connection): Promise<number> {
    const n = ++connection.readies;
    const readies = () => connection.socket.received.filter((r) => r.event === 'ready');
    if (!(await waitUntil(() => readies().length >= n, WAIT))) throw new Error(`no ready #${n}; received ${connection.socket.received.map((r) => r.event).join(', ')}`);
    return (readies()[n - 1]!.payload as { position: number }).position;
  }

  it('for random changes by random users and boards reconnecting at random points, every board equals the REST view', async () => {
    const seed = process.env['VT_PROPERTY_SEED'] ? Number(process.env['VT_PROPERTY_SEED']) : undefined;
    const tail = hub.app.get(OutboxTailService);
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (steps) => {
        const boards: Board[] = users.map((user, index) => ({ user, index, connections: [] }));
        const created: string[] = [];
        // views[user]["id@version"] = REST view of that signal at that version, or null.
        const views: Map<string, SignalView | null>[] = users.map(() => new Map());
        const trace: string[] = [];
        try {
          const start = await outboxMaxPosition(hub);
          for (const board of boards) {
            const socket = await connectSocket(hub.url, board.user.token);
            board.connections.push({ socket, path: 'first', after: null, liveFrom: 0, resumedAt: null, resumeIn: null, closed: false, readies: 0 });
          }
          for (const board of boards) board.connections[0]!.liveFrom = await nextReady(board.connections[0]!);
          expect(Math.min(...boards.map((b) => b.connections[0]!.liveFrom))).toBeGreaterThanOrEqual(start);

          /** What the board holds now (its sockets' messages in order) equals GET /api/signals for its user. */
          const compareWithRest = async (board: Board, when: string) => {
            const ids = new Set(created);
            const held = new Map<string, unknown>();
            for (const { socket } of board.connections) {
              for (const { event, data } of toldOn(socket)) {
                const id = (data as { id: string }).id;
                if (!ids.has(id)) continue;
                if (event === 'signal.revoked') held.delete(id);
                else held.set(id, data);
              }
            }
            const listed = (await listAllSignals(hub, board.user.token, electionId)).filter((s) => ids.has(s.id));
            try {
              expect(Object.fromEntries(held)).toStrictEqual(Object.fromEntries(listed.map((s) => [s.id, s])));
            } catch (error) {
              throw failure(board.user, `${when}: what the board holds ("Received") differs from GET /api/signals ("Expected")`, error, trace);
            }
            count('state comparisons');
          };
          /** A `resume` at the board's own position replays nothing: its `ready` follows everything sent before it. */
          const caughtUp = async (board: Board) => {
            const connection = current(board)!;
            for (let round = 0; round < 100; round++) {
              connection.socket.socket.emit('resume', { after: boardPosition(board) });
              if ((await nextReady(connection)) >= (await outboxMaxPosition(hub))) return;
              await waitUntil(async () => tail.position >= (await outboxMaxPosition(hub)), WAIT);
            }
            throw new Error('the board never caught up');
          };
          const resumeByMessage = async (board: Board, connection: Connection) => {
            connection.resumeIn = null;
            connection.socket.socket.emit('resume', { after: connection.after });
            connection.resumedAt = await nextReady(connection);
            trace.push(`board ${board.index}: resume { after: ${connection.after} } -> ready ${connection.resumedAt} (live from ${connection.liveFrom})`);
            await caughtUp(board);
            await compareWithRest(board, 'after a resume message');
          };
          const comeBack = async (board: Board, path: 'handshake' | 'message', delay: number) => {
            if (current(board)) return;
            const after = boardPosition(board);
            const socket = await connectSocket(hub.url, board.user.token, path === 'handshake' ? { after } : {});
            const connection: Connection = { socket, path, after, liveFrom: 0, resumedAt: null, resumeIn: null, closed: false, readies: 0 };
            board.connections.push(connection);
            connection.liveFrom = await nextReady(connection);
            count(`reconnect ${path}${path === 'message' ? ` delay ${delay}` : ''}`);
            if (path === 'handshake') {
              trace.push(`board ${board.index}: handshake after ${after} -> ready ${connection.liveFrom}`);
              await caughtUp(board);
              await compareWithRest(board, 'after a handshake resume');
            } else {
              trace.push(`board ${board.index}: connected -> ready ${connection.liveFrom}, resume after ${delay} changes`);
              connection.resumeIn = delay;
              if (delay === 0) await resumeByMessage(board, connection);
            }
          };

          for (const step of steps) {
            if (step.kind === 'away') {
              const connected = boards.filter((b) => current(b));
              const board = connected[step.user % connected.length];
              if (!board) continue;
              const connection = current(board)!;
              connection.closed = true;
              connection.socket.close();
              trace.push(`board ${board.index}: away at ${boardPosition(board)}`);
              count('away');
              continue;
            }
            if (step.kind === 'back') {
              // One of the boards that are away (the index picks among them).
              const away = boards.filter((b) => !current(b));
              if (away.length > 0) await comeBack(away[step.user % away.length]!, step.path, step.delay);
              continue;
            }
            const done = await performOperation(hub, step.op, users, electionId, created);
            if (!done) continue;
            const { actor, signalId, request, status, body } = done;
            if (status >= 500) throw new Error(`${request} as ${actor.label} answered ${status}: ${JSON.stringify(body)}\n${trace.join('\n')}`);
            count(`change ${step.op.kind} -> ${status}`);
            let line = `${actor.label}: ${request} -> ${status}`;
            if (status < 300 && signalId) {
              const { version } = await signalState(hub, signalId);
              (await restViews(signalId)).forEach((view, u) => views[u]!.set(`${signalId}@${version}`, view));
              line += ` (signal ${signalId} v${version})`;
            } else {
              line += ` ${(body as { code?: string }).code ?? ''}`;
            }
            trace.push(line);
            for (const board of boards) {
              const connection = current(board);
              if (connection?.resumeIn !== null && connection?.resumeIn !== undefined && --connection.resumeIn <= 0) await resumeByMessage(board, connection);
            }
          }

          // Every board back and caught up.
          for (const board of boards) {
            if (!current(board)) await comeBack(board, 'handshake', 0);
            const connection = current(board)!;
            if (connection.resumeIn !== null) await resumeByMessage(board, connection);
            else await caughtUp(board);
          }

          const outbox = await outboxAfter(hub, start);
          for (const board of boards) {
            const u = board.index;
            const viewOf = (row: OutboxRow, version = row.version!) => {
              const view = views[u]!.get(`${row.signalId}@${version}`);
              if (view === undefined && version === row.version) throw new Error(`outbox event ${row.position} (${row.type} ${row.signalId}@${version}) was not caused by this run\n${trace.join('\n')}`);
              return view ?? null;
            };
            /** Live: each event as REST showed it at its version; revoked where the change took it from sight. */
            const liveExpected = (rows: OutboxRow[]): Told[] =>
              rows.flatMap((row): Told[] => {
                const view = viewOf(row);
                if (view) return [{ event: row.type, position: row.position, data: view }];
                if (row.type === 'signal.updated' && viewOf(row, row.version! - 1)) return [{ event: 'signal.revoked', position: row.position, data: { id: row.signalId } }];
                return [];
              });
            /** Replayed: each signal once, as REST shows it at its last version of the window; revoked only if read before. */
            const replayExpected = (rows: OutboxRow[], tellThrough: number): Told[] => {
              const records = new Map<string, { first: OutboxRow; last: OutboxRow }>();
              for (const row of rows) {
                const known = records.get(row.signalId!);
                records.delete(row.signalId!);
                records.set(row.signalId!, { first: known?.first ?? row, last: row });
              }
              const seenBefore = (first: OutboxRow) => first.type === 'signal.updated' && viewOf(first, first.version! - 1) !== null;
              return [...records.values()].flatMap(({ first, last }): Told[] => {
                const view = viewOf(last);
                if (last.position <= tellThrough) {
                  if (view) return [{ event: first.type === 'signal.created' ? 'signal.created' : 'signal.updated', position: last.position, data: view }];
                  if (seenBefore(first)) return [{ event: 'signal.revoked', position: last.position, data: { id: last.signalId } }];
                  return [];
                }
                // A live socket: its later events were told live. When none of them told it
                // anything, what it had seen before it went away is withdrawn at the record's
                // last event before it went live.
                const ofRecord = rows.filter((row) => row.signalId === last.signalId);
                const within = ofRecord.filter((row) => row.position <= tellThrough).at(-1);
                const toldLive = liveExpected(ofRecord.filter((row) => row.position > tellThrough)).length > 0;
                if (within && !toldLive && !view && seenBefore(first)) return [{ event: 'signal.revoked', position: within.position, data: { id: last.signalId } }];
                return [];
              });
            };

            // Each position at most once over all the board's sockets (a socket that never
            // resumed had a gap: the board asks again from before it).
            const positions = board.connections.filter((c) => !unresumed(c)).flatMap((c) => toldOn(c.socket).map((t) => t.position));
            try {
              expect(positions.filter((p, i) => positions.indexOf(p) !== i)).toEqual([]);
            } catch (error) {
              throw failure(board.user, 'a position was told twice', error, trace);
            }
            for (const [n, connection] of board.connections.entries()) {
              const told = toldOn(connection.socket);
              const cut = Math.max(connection.liveFrom, ...told.map((t) => t.position));
              const live = told.filter((t) => t.position > connection.liveFrom);
              const replayed = told.filter((t) => t.position <= connection.liveFrom);
              const window = (from: number, through: number) => outbox.filter((r) => r.position > from && r.position <= through);
              let expectedReplay: Told[] = [];
              if (connection.path === 'handshake') expectedReplay = replayExpected(window(connection.after!, connection.liveFrom), Number.POSITIVE_INFINITY);
              if (connection.path === 'message' && connection.resumedAt !== null) expectedReplay = replayExpected(window(connection.after!, connection.resumedAt), connection.liveFrom);
              count(`replayed messages ${connection.path}`, expectedReplay.length);
              count('live messages', live.length);
              try {
                expect(live).toStrictEqual(liveExpected(window(connection.liveFrom, cut)));
              } catch (error) {
                throw failure(board.user, `socket ${n} (${connection.path}): live messages ("Received") differ from the REST views at each version ("Expected")`, error, trace);
              }
              try {
                expect(replayed).toStrictEqual(expectedReplay);
              } catch (error) {
                throw failure(board.user, `socket ${n} (${connection.path} after ${connection.after}): replayed messages ("Received") differ from the REST views at the end of the replay ("Expected")`, error, trace);
              }
            }
            await compareWithRest(board, 'at the end');
          }
        } finally {
          for (const board of boards) for (const { socket } of board.connections) socket.close();
        }
      }),
      {
        numRuns: Number(process.env['VT_PROPERTY_RUNS'] ?? 15),
        seed,
        endOnFailure: process.env['VT_PROPERTY_SHRINK'] !== '1',
        verbose: 1,
      },
    );
  }, 300_000);
});
