import type { Role } from '@verkiezingstafel/domain';
import type { OperationUser } from './signal-operations';
import type { Received, TestSocket } from './sockets';
import type { TestApp } from './test-app';

/** The demo accounts of contract.md (password `demo`). */
export const DEMO_EMAILS = [
  'voorzitter@bzk.demo',
  'flagger@bzk.demo',
  'liaison@aivd.demo',
  'liaison@nctv.demo',
  'liaison@ncsc.demo',
  'liaison@kiesraad.demo',
  'liaison@acm.demo',
  'ambtenaar@amsterdam.demo',
  'ambtenaar@rotterdam.demo',
  'ambtenaar@utrecht.demo',
  'waarnemer@ec.demo',
  'beheer@bzk.demo',
] as const;

export interface DemoUser extends OperationUser {
  email: string;
}

/** Signs every demo user in once; ids, agencies and roles come from the database. */
export async function loginDemoUsers(hub: TestApp): Promise<DemoUser[]> {
  const rows = (await hub.db.query(
    `SELECT u.id, u.email, u.agency_code, a.type AS agency_type, u.roles
       FROM users u JOIN agencies a ON a.code = u.agency_code WHERE u.email = ANY($1::text[])`,
    [[...DEMO_EMAILS]],
  )) as { id: string; email: string; agency_code: string; agency_type: DemoUser['agency']['type']; roles: Role[] }[];
  const users: DemoUser[] = [];
  for (const email of DEMO_EMAILS) {
    const row = rows.find((r) => r.email === email);
    if (!row) throw new Error(`demo user ${email} is missing from the seed`);
    users.push({
      email,
      id: row.id,
      agency: { code: row.agency_code, type: row.agency_type },
      roles: row.roles,
      token: await hub.login(email),
      label: `${email} (${row.agency_code}, ${row.roles.join(',')}, id ${row.id})`,
    });
  }
  return users;
}

export interface ApiResponse {
  status: number;
  body: unknown;
}

/** A small REST client for one Bearer token. */
export function restClient(hub: TestApp, token: string) {
  const auth = `Bearer ${token}`;
  return {
    async get(path: string): Promise<ApiResponse> {
      const r = await hub.http().get(path).set('Authorization', auth);
      return { status: r.status, body: r.body as unknown };
    },
    async post(path: string, body: object): Promise<ApiResponse> {
      const r = await hub.http().post(path).set('Authorization', auth).send(body);
      return { status: r.status, body: r.body as unknown };
    },
    async patch(path: string, body: object): Promise<ApiResponse> {
      const r = await hub.http().patch(path).set('Authorization', auth).send(body);
      return { status: r.status, body: r.body as unknown };
    },
  };
}

export type SignalView = { id: string; version?: number } & Record<string, unknown>;

/** Every signal of the election that `GET /api/signals` shows to the token's user, all pages. */
export async function listAllSignals(hub: TestApp, token: string, electionId: string): Promise<SignalView[]> {
  const client = restClient(hub, token);
  const all: SignalView[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 1000; page++) {
    const query = `/api/signals?electionId=${electionId}&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const r = await client.get(query);
    if (r.status !== 200) throw new Error(`GET ${query} answered ${r.status}: ${JSON.stringify(r.body)}`);
    const body = r.body as { items: SignalView[]; nextCursor: string | null };
    all.push(...body.items);
    cursor = body.nextCursor;
    if (!cursor) return all;
  }
  throw new Error('GET /api/signals kept returning a next cursor');
}

export interface OutboxRow {
  position: number;
  type: string;
  signalId: string | null;
  version: number | null;
  marking: string | null;
}

/** The outbox events after `after` (optionally only `signal.*`), in position order. */
export async function outboxAfter(hub: TestApp, after: number, onlySignals = true): Promise<OutboxRow[]> {
  const rows = (await hub.db.query(
    `SELECT position, type, data #>> '{signal,id}' AS signal_id, (data #>> '{signal,version}')::int AS version,
            data #>> '{signal,marking}' AS marking
       FROM outbox_events WHERE position > $1 ${onlySignals ? `AND type LIKE 'signal.%'` : ''} ORDER BY position`,
    [after],
  )) as { position: string; type: string; signal_id: string | null; version: number | null; marking: string | null }[];
  return rows.map((r) => ({ position: Number(r.position), type: r.type, signalId: r.signal_id, version: r.version, marking: r.marking }));
}

/**
 * What a replay of these `signal.*` events tells a reader that may read every one of them:
 * each signal once, as it is at the end, at the position of its last event, in that order;
 * `signal.created` when it was created within the events, else `signal.updated`.
 */
export function replayOf(events: readonly OutboxRow[]): OutboxRow[] {
  const last = new Map<string, OutboxRow>();
  const created = new Set<string>();
  for (const event of events) {
    if (event.signalId === null) continue;
    if (!last.has(event.signalId) && event.type === 'signal.created') created.add(event.signalId);
    last.delete(event.signalId);
    last.set(event.signalId, event);
  }
  return [...last.values()].map((event) => ({ ...event, type: created.has(event.signalId!) ? 'signal.created' : 'signal.updated' }));
}

export async function outboxMaxPosition(hub: TestApp): Promise<number> {
  const [row] = (await hub.db.query(`SELECT coalesce(max(position), 0) AS max FROM outbox_events`)) as { max: string }[];
  return Number(row?.max ?? 0);
}

/** `signal.*` events a socket received, in arrival order. */
export function signalEventsOf(socket: TestSocket): Received[] {
  return socket.received.filter((r) => r.event.startsWith('signal.'));
}

/** Positions of the enveloped events (not `ready`/`resync`) a socket received, in arrival order. */
export function eventPositionsOf(socket: TestSocket): number[] {
  return socket.received
    .filter((r) => r.event !== 'ready' && r.event !== 'resync' && typeof r.payload.position === 'number')
    .map((r) => r.payload.position as number);
}

export function highestPosition(socket: TestSocket): number {
  return Math.max(0, ...eventPositionsOf(socket));
}

/** Polls `condition` until true or `ms` passed; returns whether it became true (a failure guard, not a speed assertion). */
export async function waitUntil(condition: () => boolean | Promise<boolean>, ms = 20_000, every = 25): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, every));
  }
}

/** Waits for the socket's `ready` and returns its position. */
export async function readyPosition(socket: TestSocket, ms = 10_000): Promise<number> {
  const ready = await socket.waitFor((r) => r.event === 'ready', ms);
  return (ready.payload as { position: number }).position;
}
