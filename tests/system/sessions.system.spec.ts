import { Client } from 'pg';
import { io, type Socket } from 'socket.io-client';
import { ApiProcess, login, PostgresProcess } from './support/processes';

/*
 * realtime.md guarantee 4 for sessions and users: whichever instance a session or a user is
 * changed through (or SQL directly), the sockets of that session or user on every instance end.
 * The sweep runs once an hour here, so only the outbox can have ended them. Every wait is a
 * bounded poll: a failure guard, never a speed assertion.
 */

const WAIT = 30_000;

interface Watched {
  socket: Socket;
  /** Ids of the `signal.created` events received. */
  created: string[];
  /** Why the socket ended; null while connected. */
  ended: string | null;
}

async function waitUntil(condition: () => boolean, ms = WAIT): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((done) => setTimeout(done, 25));
  }
  return true;
}

/** A socket on `api` for `token`, live (its `ready` received). */
async function watch(api: ApiProcess, token: string): Promise<Watched> {
  const socket = io(api.url, {
    path: '/socket.io',
    transports: ['websocket'],
    auth: { token },
    reconnection: false,
    forceNew: true,
  });
  const watched: Watched = { socket, created: [], ended: null };
  let ready = false;
  socket.on('ready', () => (ready = true));
  socket.on('signal.created', (payload: { data: { id: string } }) =>
    watched.created.push(payload.data.id),
  );
  socket.on('disconnect', (reason) => (watched.ended = reason));
  await new Promise<void>((connected, failed) => {
    socket.once('connect', () => connected());
    socket.once('connect_error', failed);
  });
  if (!(await waitUntil(() => ready))) throw new Error(`no ready from ${api.url}`);
  return watched;
}

async function post(api: ApiProcess, token: string, path: string, body: object): Promise<Response> {
  return fetch(`${api.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
}

describe('sessions and users across two API instances', () => {
  let pg: PostgresProcess;
  let a: ApiProcess;
  let b: ApiProcess;
  let db: Client;
  let electionId: string;
  let chair: string;
  const sockets: Watched[] = [];

  beforeAll(async () => {
    pg = await PostgresProcess.start();
    const env = { REALTIME_SESSION_SWEEP_SECONDS: '3600' };
    [a, b] = await Promise.all([
      ApiProcess.start(pg.url, 'api-a', env),
      ApiProcess.start(pg.url, 'api-b', env),
    ]);
    db = new Client({ connectionString: pg.url });
    await db.connect();
    electionId = (await db.query(`SELECT id FROM elections WHERE code = 'TK2025'`)).rows[0].id;
    chair = await login(a, 'voorzitter@bzk.demo');
  });

  afterAll(async () => {
    for (const watched of sockets) watched.socket.disconnect();
    await db?.end();
    await a?.stop();
    await b?.stop();
    await pg?.destroy();
  });

  async function on(api: ApiProcess, token: string): Promise<Watched> {
    const watched = await watch(api, token);
    sockets.push(watched);
    return watched;
  }

  /** A GREEN signal through `api` that each listed socket must receive: they are live and served. */
  async function marker(api: ApiProcess, ...receivers: Watched[]): Promise<void> {
    const response = await post(api, chair, '/api/signals', {
      electionId,
      title: `Markering ${Math.random().toString(36).slice(2)}`,
      description: 'systeemtest',
      category: 'other',
      severity: 'low',
      marking: 'GREEN',
    });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    for (const receiver of receivers)
      expect(await waitUntil(() => receiver.created.includes(id))).toBe(true);
  }

  it("signing out through instance A disconnects that session's sockets on instance B (and A); other sessions stay", async () => {
    const token = await login(a, 'liaison@aivd.demo');
    const otherSession = await login(b, 'liaison@aivd.demo');
    const onB = await on(b, token);
    const onA = await on(a, token);
    const keptOnB = await on(b, otherSession);
    const otherUserOnB = await on(b, await login(a, 'liaison@nctv.demo'));

    expect((await post(a, token, '/api/auth/logout', {})).status).toBe(204);

    expect(await waitUntil(() => onB.ended !== null && onA.ended !== null)).toBe(true);
    expect([onB.ended, onA.ended]).toEqual(['io server disconnect', 'io server disconnect']);
    await marker(a, keptOnB, otherUserOnB);
    expect([keptOnB.socket.connected, otherUserOnB.socket.connected]).toEqual([true, true]);
    await expect(watch(b, token)).rejects.toThrow('Sign in first');
  });

  it('deactivating a user disconnects its sockets on both instances; other users stay connected on both', async () => {
    const first = await login(a, 'ambtenaar@rotterdam.demo');
    const second = await login(b, 'ambtenaar@rotterdam.demo');
    const deactivated = [
      await on(a, first),
      await on(b, first),
      await on(a, second),
      await on(b, second),
    ];
    const others = [
      await on(a, await login(a, 'ambtenaar@amsterdam.demo')),
      await on(b, await login(b, 'ambtenaar@utrecht.demo')),
    ];

    await db.query(`UPDATE users SET active = false WHERE email = 'ambtenaar@rotterdam.demo'`);

    expect(await waitUntil(() => deactivated.every((s) => s.ended !== null))).toBe(true);
    expect(deactivated.map((s) => s.ended)).toEqual(Array(4).fill('io server disconnect'));
    await marker(b, ...others);
    expect(others.map((s) => s.socket.connected)).toEqual([true, true]);
    await expect(watch(a, second)).rejects.toThrow('Sign in first');
  });
});
