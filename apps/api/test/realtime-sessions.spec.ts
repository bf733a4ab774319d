import { type Actor, defineAbilityFor, realtimeProjections, type Role } from '@verkiezingstafel/domain';
import { io, Manager, type Socket } from 'socket.io-client';
import { hashSessionToken } from '../src/auth/auth.crypto';
import { AuthService } from '../src/auth/auth.service';
import { audienceKey } from '../src/realtime/audiences';
import { OutboxTailService } from '../src/realtime/outbox-tail.service';
import {
  outboxMaxPosition,
  readyPosition,
  restClient,
  waitUntil,
} from './support/realtime-harness';
import { connectSocket, type Received, type TestSocket } from './support/sockets';
import { startTestApp, TEST_SESSION_SECRET, type TestApp } from './support/test-app';

/*
 * realtime.md and visibility.md ("Realtime follows the same rules"): a socket lives exactly as
 * long as its session, sees exactly what its user's current ability admits, and is a channel
 * the client can neither widen nor use to hurt other clients. Every wait below is a bounded
 * poll: a failure guard, never a speed assertion.
 */

const WAIT = 30_000;

interface Seen {
  position: number;
  type: string;
  data: unknown;
}

interface Dialled extends TestSocket {
  /** Why the server or transport ended the socket; null while connected. */
  ended: () => string | null;
}

interface SignalInput {
  title: string;
  marking: 'CLEAR' | 'GREEN' | 'AMBER' | 'AMBER_STRICT' | 'RED';
  classification?: 'NONE' | 'DEP_V';
  sharedWith?: string[];
  recipients?: string[];
  affectedMunicipalities?: string[];
}

interface Stall {
  release(): void;
  /** Resolves once `exclusive` has been asked `n` more times after the stall (bounded poll). */
  queued(n: number): Promise<void>;
  restore(): void;
}

/** A real socket.io client with any handshake `auth` and cookie, recording every event. */
async function dial(
  url: string,
  options: { auth?: Record<string, unknown>; cookie?: string },
): Promise<Dialled> {
  const socket: Socket = io(url, {
    path: '/socket.io',
    transports: ['websocket'],
    auth: options.auth ?? {},
    reconnection: false,
    forceNew: true,
    extraHeaders: options.cookie === undefined ? undefined : { Cookie: options.cookie },
  });
  const received: Received[] = [];
  let endedBy: string | null = null;
  socket.onAny((event: string, payload: Received['payload']) => received.push({ event, payload }));
  socket.on('disconnect', (reason) => (endedBy = reason));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
  return {
    socket,
    received,
    async waitFor(predicate, ms = WAIT) {
      if (!(await waitUntil(() => received.some(predicate), ms))) {
        throw new Error(`timed out waiting; received: ${received.map((r) => r.event).join(', ')}`);
      }
      return received.find(predicate)!;
    },
    close: () => socket.disconnect(),
    ended: () => endedBy,
  };
}

function idOf(r: Received): string | undefined {
  return (r.payload.data as { id?: string } | undefined)?.id;
}

/** The enveloped events of a socket, as { position, type, data }, in arrival order. */
function seenBy(socket: TestSocket, after = 0, through = Number.MAX_SAFE_INTEGER): Seen[] {
  return socket.received
    .filter(
      (r) => typeof r.payload.position === 'number' && r.event !== 'ready' && r.event !== 'resync',
    )
    .map((r) => ({ position: r.payload.position as number, type: r.event, data: r.payload.data }))
    .filter((s) => s.position > after && s.position <= through);
}

function exceptionsOf(
  socket: TestSocket,
): { code?: string; errors?: { field: string; message: string }[] }[] {
  return socket.received
    .filter((r) => r.event === 'exception')
    .map((r) => r.payload as { code?: string; errors?: { field: string; message: string }[] });
}

describe('realtime: sessions, permissions and the client channel', () => {
  /** Sweeps once an hour: here only the outbox events (triggers) can end or re-scope a socket. */
  let hub: TestApp;
  /** Sweeps every second, and observers must enrol two-factor sign-in. */
  let strict: TestApp;
  let electionId: string;
  let strictElectionId: string;
  const opened: TestSocket[] = [];
  let seedUsers: { id: string; active: boolean; roles: string[]; clearance: string }[] = [];

  beforeAll(async () => {
    [hub, strict] = await Promise.all([
      startTestApp({ REALTIME_SESSION_SWEEP_SECONDS: '3600' }),
      startTestApp({ REALTIME_SESSION_SWEEP_SECONDS: '1', MFA_REQUIRED_ROLES: 'observer' }),
    ]);
    [{ id: electionId }] = (await hub.db.query(
      `SELECT id FROM elections WHERE code = 'TK2025'`,
    )) as { id: string }[];
    [{ id: strictElectionId }] = (await strict.db.query(
      `SELECT id FROM elections WHERE code = 'TK2025'`,
    )) as { id: string }[];
    seedUsers = (await hub.db.query(
      `SELECT id, active, roles, clearance FROM users`,
    )) as typeof seedUsers;
  });

  afterEach(async () => {
    for (const socket of opened.splice(0)) socket.close();
    // Each test starts from the seeded users (a restore that changes nothing writes no event).
    for (const app of [hub, strict]) {
      for (const user of seedUsers) {
        await app.db.query(
          `UPDATE users SET active = $2, roles = $3::text[], clearance = $4
            WHERE id = $1 AND (active, roles, clearance) IS DISTINCT FROM ($2, $3::text[], $4)`,
          [user.id, user.active, user.roles, user.clearance],
        );
      }
    }
  });

  afterAll(async () => {
    await Promise.all([hub?.close(), strict?.close()]);
  });

  async function live(app: TestApp, token: string): Promise<Dialled> {
    const socket = await dial(app.url, { auth: { token } });
    opened.push(socket);
    await readyPosition(socket, WAIT);
    return socket;
  }

  async function userId(app: TestApp, email: string): Promise<string> {
    const [row] = (await app.db.query(`SELECT id FROM users WHERE email = $1`, [email])) as {
      id: string;
    }[];
    return row!.id;
  }

  async function sessionIdOf(app: TestApp, token: string): Promise<string> {
    const [row] = (await app.db.query(`SELECT id FROM sessions WHERE token_hash = $1`, [
      hashSessionToken(TEST_SESSION_SECRET, token),
    ])) as { id: string }[];
    return row!.id;
  }

  /** The actor as the database says it is now (what REST would authenticate). */
  async function actorOf(app: TestApp, id: string): Promise<Actor> {
    const [row] = (await app.db.query(
      `SELECT u.id, u.roles, u.clearance, a.code, a.type FROM users u JOIN agencies a ON a.code = u.agency_code WHERE u.id = $1`,
      [id],
    )) as {
      id: string;
      roles: Role[];
      clearance: Actor['clearance'];
      code: string;
      type: Actor['agency']['type'];
    }[];
    return {
      id: row!.id,
      roles: row!.roles,
      clearance: row!.clearance,
      agency: { code: row!.code, type: row!.type },
    };
  }

  /** What `actor` must have been told of the content events in (after, through]: the oracle. */
  async function expectedFor(
    app: TestApp,
    actor: Actor,
    after: number,
    through: number,
  ): Promise<Seen[]> {
    const rows = (await app.db.query(
      `SELECT position, type, data FROM outbox_events WHERE position > $1 AND position <= $2 ORDER BY position`,
      [after, through],
    )) as { position: string; type: string; data: unknown }[];
    const viewer = { actor, ability: defineAbilityFor(actor), facts: new Set<string>() };
    const expected: Seen[] = [];
    for (const row of rows) {
      const event = realtimeProjections.parse(row.type, row.data);
      const message = event ? realtimeProjections.change(event)?.live(viewer) : null;
      if (message)
        expected.push({ position: Number(row.position), type: message.type, data: message.data });
    }
    return expected;
  }

  async function createSignal(
    app: TestApp,
    token: string,
    input: SignalInput,
  ): Promise<{ id: string; version: number }> {
    const election = app === hub ? electionId : strictElectionId;
    const response = await restClient(app, token).post('/api/signals', {
      electionId: election,
      description: 'realtime-sessions',
      category: 'other',
      severity: 'low',
      ...input,
    });
    if (response.status !== 201)
      throw new Error(`create ${input.title}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body as { id: string; version: number };
  }

  /**
   * A GREEN signal (everyone reads it) that each listed socket must receive: proves those
   * sockets are live, and that everything before it in position order has been delivered.
   */
  async function marker(app: TestApp, token: string, ...sockets: TestSocket[]): Promise<number> {
    const { id } = await createSignal(app, token, {
      title: `Markering ${Math.random().toString(36).slice(2)}`,
      marking: 'GREEN',
    });
    let position = 0;
    for (const socket of sockets) {
      const got = await socket.waitFor((r) => r.event === 'signal.created' && idOf(r) === id, WAIT);
      position = got.payload.position as number;
    }
    return position;
  }

  async function endedWithin(socket: Dialled): Promise<string | null> {
    await waitUntil(() => socket.ended() !== null, WAIT);
    return socket.ended();
  }

  /** Holds the outbox tail between two deliveries until released (its own queue, no sleeps). */
  async function stallTail(app: TestApp): Promise<Stall> {
    const tail = app.app.get(OutboxTailService);
    const spy = jest.spyOn(tail, 'exclusive');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    await new Promise<void>((stalled) => {
      void tail.exclusive(() => {
        stalled();
        return gate;
      });
    });
    const base = spy.mock.calls.length;
    return {
      release,
      async queued(n: number) {
        if (!(await waitUntil(() => spy.mock.calls.length >= base + n, WAIT)))
          throw new Error('nothing was queued on the tail');
      },
      restore: () => spy.mockRestore(),
    };
  }

  describe('a socket lives as long as its session', () => {
    it('disconnects a socket when its session expires by time (idle or absolute), found by the periodic sweep', async () => {
      const chair = await strict.login('voorzitter@bzk.demo');
      const idleToken = await strict.login('liaison@kiesraad.demo');
      const absoluteToken = await strict.login('liaison@acm.demo');
      const idle = await live(strict, idleToken);
      const absolute = await live(strict, absoluteToken);
      const other = await live(strict, await strict.login('liaison@ncsc.demo'));
      const idleSession = await sessionIdOf(strict, idleToken);
      const absoluteSession = await sessionIdOf(strict, absoluteToken);

      // Time passes: idle for two days; and past the absolute end, as the clock (not an
      // UPDATE) would take it there, so that no trigger writes `session.ended`.
      await strict.db.query(
        `UPDATE sessions SET last_seen_at = now() - interval '2 days' WHERE id = $1`,
        [idleSession],
      );
      await strict.db.transaction(async (tx) => {
        await tx.query(`SET LOCAL session_replication_role = replica`);
        await tx.query(
          `UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id = $1`,
          [absoluteSession],
        );
      });

      await expect(endedWithin(idle)).resolves.toBe('io server disconnect');
      await expect(endedWithin(absolute)).resolves.toBe('io server disconnect');
      const ended = (await strict.db.query(
        `SELECT count(*)::int AS n FROM outbox_events WHERE type = 'session.ended' AND data->>'sessionId' = ANY($1::text[])`,
        [[idleSession, absoluteSession]],
      )) as { n: number }[];
      expect(ended[0]!.n).toBe(0); // the sweep ended them, not an event

      await marker(strict, chair, other);
      expect(other.socket.connected).toBe(true);
      await expect(connectSocket(strict.url, idleToken)).rejects.toThrow('Sign in first');
      await expect(connectSocket(strict.url, absoluteToken)).rejects.toThrow('Sign in first');
    });

    it("disconnects at once the sockets of a session revoked directly in the database; the user's other session and other users stay connected", async () => {
      const chair = await hub.login('voorzitter@bzk.demo');
      const revokedToken = await hub.login('liaison@aivd.demo');
      const keptToken = await hub.login('liaison@aivd.demo');
      const revokedA = await live(hub, revokedToken);
      const revokedB = await live(hub, revokedToken);
      const kept = await live(hub, keptToken);
      const other = await live(hub, await hub.login('liaison@nctv.demo'));

      await hub.db.query(`UPDATE sessions SET revoked_at = now() WHERE id = $1`, [
        await sessionIdOf(hub, revokedToken),
      ]);

      await expect(endedWithin(revokedA)).resolves.toBe('io server disconnect');
      await expect(endedWithin(revokedB)).resolves.toBe('io server disconnect');
      await marker(hub, chair, kept, other);
      expect([kept.socket.connected, other.socket.connected]).toEqual([true, true]);
      await expect(connectSocket(hub.url, revokedToken)).rejects.toThrow('Sign in first');

      // A session row deleted outright ends its sockets the same way.
      await hub.db.query(`DELETE FROM sessions WHERE id = $1`, [await sessionIdOf(hub, keptToken)]);
      await expect(endedWithin(kept)).resolves.toBe('io server disconnect');
      await marker(hub, chair, other);
    });

    it('disconnects at once every socket of a user deactivated in the database, on all of its sessions; other users stay connected', async () => {
      const chair = await hub.login('voorzitter@bzk.demo');
      const first = await hub.login('ambtenaar@rotterdam.demo');
      const second = await hub.login('ambtenaar@rotterdam.demo');
      const sockets = [await live(hub, first), await live(hub, first), await live(hub, second)];
      const others = [
        await live(hub, await hub.login('ambtenaar@amsterdam.demo')),
        await live(hub, await hub.login('ambtenaar@utrecht.demo')),
      ];

      await hub.db.query(
        `UPDATE users SET active = false WHERE email = 'ambtenaar@rotterdam.demo'`,
      );

      for (const socket of sockets)
        await expect(endedWithin(socket)).resolves.toBe('io server disconnect');
      await marker(hub, chair, ...others);
      expect(others.map((s) => s.socket.connected)).toEqual([true, true]);
      await expect(connectSocket(hub.url, second)).rejects.toThrow('Sign in first');
      expect((await restClient(hub, second).get('/api/auth/me')).status).toBe(401);
    });

    it('disconnects a socket whose session is revoked while the socket is still going live', async () => {
      const token = await hub.login('liaison@ncsc.demo');
      const stall = await stallTail(hub);
      let socket: Dialled;
      try {
        // The tail's next read is queued before the socket's go-live, and will carry the revocation.
        await hub.db.query(`SELECT pg_notify('outbox_events', '')`);
        await stall.queued(1);
        socket = await dial(hub.url, { auth: { token } });
        opened.push(socket);
        await stall.queued(2);
        await hub.db.query(`UPDATE sessions SET revoked_at = now() WHERE id = $1`, [
          await sessionIdOf(hub, token),
        ]);
      } finally {
        stall.release();
        stall.restore();
      }
      await expect(endedWithin(socket)).resolves.toBe('io server disconnect');
      expect(socket.received.filter((r) => r.event === 'ready')).toEqual([]);
    });
  });

  describe('a permission change re-scopes the sockets of the user', () => {
    it('a liaison whose DEP_V clearance is removed gets resync (permissions_changed) and from then on exactly what the new ability admits', async () => {
      const chair = await hub.login('voorzitter@bzk.demo');
      const nctvId = await userId(hub, 'liaison@nctv.demo');
      const nctvToken = await hub.login('liaison@nctv.demo');
      const socket = await live(hub, nctvToken);
      const before = await createSignal(hub, chair, {
        title: 'Dep. V vooraf',
        marking: 'AMBER',
        classification: 'DEP_V',
      });
      await socket.waitFor((r) => r.event === 'signal.created' && idOf(r) === before.id);

      await hub.db.query(`UPDATE users SET clearance = 'NONE' WHERE id = $1`, [nctvId]);
      const resync = await socket.waitFor((r) => r.event === 'resync', WAIT);
      expect(resync.payload).toEqual({
        reason: 'permissions_changed',
        position: expect.any(Number),
      });
      const [changed] = (await hub.db.query(
        `SELECT max(position)::int AS p FROM outbox_events WHERE type = 'user.changed' AND data->>'userId' = $1`,
        [nctvId],
      )) as { p: number }[];

      const hidden = await createSignal(hub, chair, {
        title: 'Dep. V daarna',
        marking: 'AMBER',
        classification: 'DEP_V',
      });
      const shown = await createSignal(hub, chair, {
        title: 'Gewoon AMBER daarna',
        marking: 'AMBER',
      });
      const edited = await restClient(hub, chair).patch(`/api/signals/${before.id}`, {
        version: before.version,
        title: 'Dep. V bijgewerkt',
      });
      expect(edited.status).toBe(200);
      const last = await marker(hub, chair, socket);

      const from = resync.payload.position as number;
      const received = seenBy(socket, from, last);
      expect(received).toEqual(await expectedFor(hub, await actorOf(hub, nctvId), from, last));
      expect(received.map((s) => (s.data as { id?: string }).id)).toContain(shown.id);
      // Nothing classified reached the socket after the change, not even transiently.
      const classified = seenBy(socket, changed!.p).filter((s) =>
        JSON.stringify(s.data).includes('"DEP_V"'),
      );
      expect(classified).toEqual([]);
      expect(seenBy(socket).map((s) => (s.data as { id?: string }).id)).not.toContain(hidden.id);
      expect((await restClient(hub, nctvToken).get(`/api/signals/${hidden.id}`)).status).toBe(404);
      expect(socket.socket.connected).toBe(true);
    });

    it('an administrator who is given the observer role gets resync and from then on reads content, exactly as the new ability admits', async () => {
      const chair = await hub.login('voorzitter@bzk.demo');
      const adminId = await userId(hub, 'beheer@bzk.demo');
      const socket = await live(hub, await hub.login('beheer@bzk.demo'));
      const metadataOnly = await createSignal(hub, chair, {
        title: 'Alleen metadata',
        marking: 'GREEN',
      });
      const first = await socket.waitFor(
        (r) => r.event === 'signal.created' && idOf(r) === metadataOnly.id,
      );
      expect(first.payload.data).not.toHaveProperty('title');

      await hub.db.query(`UPDATE users SET roles = '{admin,observer}' WHERE id = $1`, [adminId]);
      const resync = await socket.waitFor((r) => r.event === 'resync', WAIT);
      expect(resync.payload).toMatchObject({ reason: 'permissions_changed' });

      const content = await createSignal(hub, chair, { title: 'Nu met inhoud', marking: 'GREEN' });
      await createSignal(hub, chair, {
        title: 'Strikt gedeeld',
        marking: 'AMBER_STRICT',
        sharedWith: ['AIVD'],
      });
      await createSignal(hub, chair, {
        title: 'Geheim',
        marking: 'AMBER',
        classification: 'DEP_V',
      });
      const last = await marker(hub, chair, socket);

      const from = resync.payload.position as number;
      expect(seenBy(socket, from, last)).toEqual(
        await expectedFor(hub, await actorOf(hub, adminId), from, last),
      );
      const now = socket.received.find(
        (r) => r.event === 'signal.created' && idOf(r) === content.id,
      );
      expect(now?.payload.data).toMatchObject({ id: content.id, title: 'Nu met inhoud' });
    });

    it('events committed right after a permission change are judged with the new permissions, even when read in one batch with it', async () => {
      const chair = await hub.login('voorzitter@bzk.demo');
      const nctvId = await userId(hub, 'liaison@nctv.demo');
      const socket = await live(hub, await hub.login('liaison@nctv.demo'));
      const stall = await stallTail(hub);
      let hidden: { id: string };
      try {
        await hub.db.query(`UPDATE users SET clearance = 'NONE' WHERE id = $1`, [nctvId]);
        hidden = await createSignal(hub, chair, {
          title: 'Direct na de wijziging',
          marking: 'AMBER',
          classification: 'DEP_V',
        });
      } finally {
        stall.release();
        stall.restore();
      }
      const resync = await socket.waitFor((r) => r.event === 'resync', WAIT);
      expect(resync.payload).toMatchObject({ reason: 'permissions_changed' });
      const last = await marker(hub, chair, socket);
      expect(seenBy(socket).map((s) => (s.data as { id?: string }).id)).not.toContain(hidden.id);
      const from = resync.payload.position as number;
      expect(seenBy(socket, from, last)).toEqual(
        await expectedFor(hub, await actorOf(hub, nctvId), from, last),
      );
    });

    it('a socket still going live when its clearance is removed is re-scoped as well', async () => {
      const chair = await hub.login('voorzitter@bzk.demo');
      const nctvId = await userId(hub, 'liaison@nctv.demo');
      const token = await hub.login('liaison@nctv.demo');
      const stall = await stallTail(hub);
      let socket: Dialled;
      try {
        // Authenticated with the clearance; the tail's read of the change is queued before its go-live.
        await hub.db.query(`SELECT pg_notify('outbox_events', '')`);
        await stall.queued(1);
        socket = await dial(hub.url, { auth: { token } });
        opened.push(socket);
        await stall.queued(2);
        await hub.db.query(`UPDATE users SET clearance = 'NONE' WHERE id = $1`, [nctvId]);
      } finally {
        stall.release();
        stall.restore();
      }
      const resync = await socket.waitFor((r) => r.event === 'resync', WAIT);
      expect(resync.payload).toMatchObject({ reason: 'permissions_changed' });
      const hidden = await createSignal(hub, chair, {
        title: 'Na het live gaan',
        marking: 'AMBER',
        classification: 'DEP_V',
      });
      await marker(hub, chair, socket);
      expect(seenBy(socket).map((s) => (s.data as { id?: string }).id)).not.toContain(hidden.id);
    });

    it('a role change that makes two-factor sign-in mandatory disconnects the user until enrolled', async () => {
      const chair = await strict.login('voorzitter@bzk.demo');
      const token = await strict.login('ambtenaar@utrecht.demo');
      const socket = await live(strict, token);
      const other = await live(strict, await strict.login('ambtenaar@amsterdam.demo'));
      await strict.db.query(
        `UPDATE users SET roles = '{municipal,observer}' WHERE email = 'ambtenaar@utrecht.demo'`,
      );
      await expect(endedWithin(socket)).resolves.toBe('io server disconnect');
      await expect(connectSocket(strict.url, token)).rejects.toThrow(
        'Enrol two-factor sign-in first',
      );
      await marker(strict, chair, other);
    });
  });

  describe('the handshake', () => {
    it('refuses a user who must still enrol two-factor sign-in', async () => {
      const response = await strict
        .http()
        .post('/api/auth/login')
        .send({ email: 'waarnemer@ec.demo', password: 'demo' });
      expect(response.status).toBe(200);
      const { token, totpEnrolmentRequired } = response.body as {
        token: string;
        totpEnrolmentRequired: boolean;
      };
      expect(totpEnrolmentRequired).toBe(true);
      const refused = dial(strict.url, { auth: { token } });
      await expect(refused).rejects.toMatchObject({
        message: 'Enrol two-factor sign-in first',
        data: { code: 'totp_enrolment_required' },
      });
      await expect(dial(strict.url, { cookie: `vt_session=${token}` })).rejects.toThrow(
        'Enrol two-factor sign-in first',
      );
    });

    it('refuses an unknown, malformed, missing or revoked token, by auth.token and by cookie alike', async () => {
      const revoked = await hub.login('liaison@kiesraad.demo');
      expect((await restClient(hub, revoked).post('/api/auth/logout', {})).status).toBe(204);
      const unauthenticated = { message: 'Sign in first', data: { code: 'unauthenticated' } };
      const attempts: { auth?: Record<string, unknown>; cookie?: string }[] = [
        {},
        { auth: { token: 'x'.repeat(43) } },
        { auth: { token: 'short' } },
        { auth: { token: 'y'.repeat(5000) } },
        { auth: { token: 1234567890123456 } },
        { auth: { token: revoked } },
        { cookie: `vt_session=${'x'.repeat(43)}` },
        { cookie: `vt_session=${revoked}` },
        { cookie: 'other=1' },
      ];
      for (const attempt of attempts)
        await expect(dial(hub.url, attempt)).rejects.toMatchObject(unauthenticated);
    });

    it('accepts the session cookie as well as auth.token', async () => {
      const chair = await hub.login('voorzitter@bzk.demo');
      const login = await hub
        .http()
        .post('/api/auth/login')
        .send({ email: 'liaison@acm.demo', password: 'demo' });
      const cookie = ([] as string[])
        .concat(login.headers['set-cookie'] ?? [])
        .map((c) => c.split(';')[0]!)
        .join('; ');
      expect(cookie).toMatch(/^vt_session=/);
      const byCookie = await dial(hub.url, { cookie });
      opened.push(byCookie);
      await readyPosition(byCookie, WAIT);
      const byToken = await live(hub, (login.body as { token: string }).token);
      await marker(hub, chair, byCookie, byToken);
    });

    it('tells a socket nothing before its handshake has authenticated it', async () => {
      const chair = await hub.login('voorzitter@bzk.demo');
      const watcher = await live(hub, await hub.login('liaison@ncsc.demo'));
      const token = await hub.login('liaison@aivd.demo');
      const auth = hub.app.get(AuthService);
      const authenticate = auth.authenticate.bind(auth);
      let letThrough!: () => void;
      const held = new Promise<void>((resolve) => (letThrough = resolve));
      let asked = false;
      const spy = jest.spyOn(auth, 'authenticate').mockImplementation(async (candidate: string) => {
        if (candidate === token) {
          asked = true;
          await held;
        }
        return authenticate(candidate);
      });
      const manager = new Manager(hub.url, {
        path: '/socket.io',
        transports: ['websocket'],
        reconnection: false,
        autoConnect: false,
      });
      const frames: string[] = [];
      try {
        await new Promise<void>((opened, failed) =>
          manager.open((error) => (error ? failed(error) : opened())),
        );
        manager.engine.on('packet', (packet) => {
          if (packet.type === 'message') frames.push(String(packet.data));
        });
        // Transport open, no namespace handshake yet: events happen, nothing arrives.
        const during = [await marker(hub, chair, watcher)];
        expect(frames).toEqual([]);

        // Handshake sent, authentication under way: still nothing.
        const socket = manager.socket('/', { auth: { token } });
        socket.connect();
        expect(await waitUntil(() => asked, WAIT)).toBe(true);
        during.push(await marker(hub, chair, watcher));
        expect(frames).toEqual([]);

        letThrough();
        expect(await waitUntil(() => frames.some((f) => f.startsWith('2["ready"')), WAIT)).toBe(
          true,
        );
        expect(frames[0]).toMatch(/^0\{"sid":/); // the connect acknowledgement comes first
        const positions = frames
          .filter((f) => f.startsWith('2'))
          .map((f) => JSON.parse(f.slice(1)) as [string, { position?: number }])
          .filter(([event]) => event !== 'ready')
          .map(([, payload]) => payload.position);
        for (const position of during) expect(positions).not.toContain(position);
        socket.disconnect();

        // A refused handshake: the refusal, and never anything else.
        const refusedFrames: string[] = [];
        const refusedManager = new Manager(hub.url, {
          path: '/socket.io',
          transports: ['websocket'],
          reconnection: false,
          autoConnect: false,
        });
        await new Promise<void>((opened, failed) =>
          refusedManager.open((error) => (error ? failed(error) : opened())),
        );
        refusedManager.engine.on('packet', (packet) => {
          if (packet.type === 'message') refusedFrames.push(String(packet.data));
        });
        const refused = refusedManager.socket('/', { auth: { token: 'z'.repeat(43) } });
        const error = new Promise<Error>((resolve) => refused.once('connect_error', resolve));
        refused.connect();
        await expect(error).resolves.toMatchObject({ message: 'Sign in first' });
        await marker(hub, chair, watcher);
        expect(refusedFrames).toEqual([expect.stringMatching(/^4\{"message":"Sign in first"/)]);
        refusedManager.engine.close();
      } finally {
        letThrough();
        spy.mockRestore();
        manager.engine?.close();
      }
    });
  });

  describe('incoming messages', () => {
    it('validates resume like a REST body: each invalid one gets validation_failed naming the field, and the socket stays usable', async () => {
      const chair = await hub.login('voorzitter@bzk.demo');
      const socket = await live(hub, await hub.login('liaison@kiesraad.demo'));
      const cases: { body: unknown[]; field: string }[] = [
        { body: [{}], field: 'after' },
        { body: [], field: 'after' },
        { body: [{ after: -1 }], field: 'after' },
        { body: [{ after: 1.5 }], field: 'after' },
        { body: [{ after: '3' }], field: 'after' },
        { body: [{ after: Number.MAX_SAFE_INTEGER + 2 }], field: 'after' },
        { body: ['after'], field: 'after' },
        { body: [{ after: 0, room: 'aud:x' }], field: 'room' },
      ];
      for (const { body, field } of cases) {
        const count = exceptionsOf(socket).length;
        socket.socket.emit('resume', ...body);
        expect(await waitUntil(() => exceptionsOf(socket).length > count, WAIT)).toBe(true);
        const answer = exceptionsOf(socket)[count]!;
        expect(answer.code).toBe('validation_failed');
        expect(answer.errors?.map((e) => e.field)).toContain(field);
        expect(answer.errors?.every((e) => e.field === field)).toBe(true);
        expect(socket.socket.connected).toBe(true);
      }
      expect(socket.received.filter((r) => r.event === 'ready')).toHaveLength(1);

      // Unknown event names: no answer, no harm.
      for (const name of ['nonsense', 'join', 'error', 'signal.created', 'session.changed'])
        socket.socket.emit(name, { after: 0 });
      const position = await outboxMaxPosition(hub);
      socket.socket.emit('resume', { after: position });
      await socket.waitFor((r) => r.event === 'ready' && r.payload['position'] === position);
      await marker(hub, chair, socket);
      expect(exceptionsOf(socket)).toHaveLength(cases.length);
      expect(socket.socket.connected).toBe(true);
    });

    it('clients never choose their own rooms: asking to join another audience, user or session room gains nothing', async () => {
      const chair = await hub.login('voorzitter@bzk.demo');
      const nctvId = await userId(hub, 'liaison@nctv.demo');
      const nctvToken = await hub.login('liaison@nctv.demo');
      const nctv = await live(hub, nctvToken);
      const amsterdamId = await userId(hub, 'ambtenaar@amsterdam.demo');
      const amsterdam = await live(hub, await hub.login('ambtenaar@amsterdam.demo'));
      const from = await marker(hub, chair, amsterdam, nctv);

      const nctvAudience = `aud:${audienceKey({ agency: { code: 'NCTV', name: 'NCTV', type: 'core' }, roles: ['liaison'], clearance: 'DEP_V' })}`;
      const rooms = [
        nctvAudience,
        `user:${nctvId}`,
        `session:${await sessionIdOf(hub, nctvToken)}`,
        amsterdam.socket.id ?? '',
      ];
      for (const name of ['join', 'subscribe', 'session.follow', 'rooms']) {
        amsterdam.socket.emit(name, rooms);
        amsterdam.socket.emit(name, { room: nctvAudience });
      }
      amsterdam.socket.emit('join', ...rooms);

      const strictSignal = await createSignal(hub, chair, {
        title: 'Alleen NCTV',
        marking: 'AMBER_STRICT',
        sharedWith: ['NCTV'],
      });
      const red = await createSignal(hub, chair, {
        title: 'Persoonlijk',
        marking: 'RED',
        recipients: [nctvId],
      });
      await createSignal(hub, chair, {
        title: 'Geheim voor Amsterdam',
        marking: 'AMBER',
        classification: 'DEP_V',
        affectedMunicipalities: ['GM0363'],
      });
      const local = await createSignal(hub, chair, {
        title: 'Amsterdam mag dit zien',
        marking: 'AMBER',
        affectedMunicipalities: ['GM0363'],
      });
      const last = await marker(hub, chair, amsterdam, nctv);

      for (const id of [strictSignal.id, red.id]) await nctv.waitFor((r) => idOf(r) === id);
      const got = seenBy(amsterdam, from, last);
      expect(got).toEqual(await expectedFor(hub, await actorOf(hub, amsterdamId), from, last));
      expect(got.map((s) => (s.data as { id?: string }).id)).toEqual([
        local.id,
        expect.any(String),
      ]);
    });

    it('a message over the size limit ends that connection only', async () => {
      const chair = await hub.login('voorzitter@bzk.demo');
      const big = await live(hub, await hub.login('liaison@acm.demo'));
      const others = [
        await live(hub, await hub.login('liaison@acm.demo')),
        await live(hub, await hub.login('waarnemer@ec.demo')),
      ];

      // Under the limit: an ordinary (refused) message.
      big.socket.emit('resume', { after: 0, padding: 'x'.repeat(8 * 1024) });
      await big.waitFor((r) => r.event === 'exception');
      expect(exceptionsOf(big)[0]).toMatchObject({ code: 'validation_failed' });
      expect(big.socket.connected).toBe(true);

      big.socket.emit('resume', { after: 0, padding: 'x'.repeat(20 * 1024) });
      const reason = await endedWithin(big);
      expect(reason).not.toBeNull();
      expect(reason).not.toBe('io client disconnect');
      await marker(hub, chair, ...others);
      expect(others.map((s) => s.socket.connected)).toEqual([true, true]);
    });

    it('refuses messages above the rate limit with rate_limited, and a sustained flood disconnects; other sockets carry on', async () => {
      const chair = await hub.login('voorzitter@bzk.demo');
      const flooder = await live(hub, await hub.login('liaison@ncsc.demo'));
      const other = await live(hub, await hub.login('liaison@ncsc.demo'));
      const position = await outboxMaxPosition(hub);
      const readies = () => flooder.received.filter((r) => r.event === 'ready').length - 1;
      const limited = () => exceptionsOf(flooder).filter((e) => e.code === 'rate_limited').length;

      for (let i = 0; i < 25; i++) flooder.socket.emit('resume', { after: position });
      expect(await waitUntil(() => readies() + limited() === 25, WAIT)).toBe(true);
      expect(limited()).toBeGreaterThan(0);
      expect(exceptionsOf(flooder).find((e) => e.code === 'rate_limited')).toEqual({
        code: 'rate_limited',
        message: 'Too many messages',
      });
      expect(flooder.socket.connected).toBe(true);

      for (let i = 0; i < 100 && flooder.socket.connected; i++)
        flooder.socket.emit('resume', { after: position });
      await expect(endedWithin(flooder)).resolves.toBe('io server disconnect');
      await marker(hub, chair, other);
      expect(other.socket.connected).toBe(true);
    });
  });
});
