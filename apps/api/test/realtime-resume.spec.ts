import { DataSource } from 'typeorm';
import { eventPositionsOf, outboxMaxPosition, readyPosition, restClient, signalEventsOf, waitUntil } from './support/realtime-harness';
import { connectSocket, type Received, type TestSocket } from './support/sockets';
import { Factory } from './support/factories';
import { startInstance, type TestApp } from './support/test-app';

/*
 * realtime.md guarantees 1–3 across a reconnect: a board that was away is told what it missed,
 * judged as the records are now (never what it may no longer read, not even for a moment), each
 * event at most once, by the handshake's `auth.after` and by a `resume` message alike; a position
 * the hub never issued gets `resync` at once.
 */

const WAIT = 20_000;

function aboutSignal(id: string) {
  return (r: Received) => {
    const data = r.payload.data as { id?: string; signalId?: string } | undefined;
    return data?.id === id || data?.signalId === id;
  };
}

/** The `signal.*` events of a socket as [event, id, title] (title absent where not told). */
function told(socket: TestSocket): [string, string, string | undefined][] {
  return signalEventsOf(socket).map((r) => {
    const data = r.payload.data as { id: string; title?: string };
    return [r.event, data.id, data.title];
  });
}

describe('realtime: what a board is told after a reconnect', () => {
  let factory: Factory;
  let hub: TestApp;
  const nctv = 'liaison@nctv.demo';
  const amsterdam = 'ambtenaar@amsterdam.demo';
  const chair = 'voorzitter@bzk.demo';
  const opened: TestSocket[] = [];

  beforeAll(async () => {
    factory = await Factory.start();
    hub = factory.hub;
  });
  afterEach(() => {
    for (const socket of opened.splice(0)) socket.close();
  });
  afterAll(async () => {
    await factory?.close();
  });

  async function connect(email: string, options: { after?: number } = {}, app: TestApp = hub): Promise<TestSocket> {
    const socket = await connectSocket(app.url, factory.session(email).token, options);
    opened.push(socket);
    return socket;
  }

  /** A board that was live, then away: the position it resumes from. */
  async function wentAway(email: string): Promise<number> {
    const socket = await connect(email);
    const from = await readyPosition(socket);
    socket.close();
    return from;
  }

  const create = (email: string, title: string, extra: Record<string, unknown> = {}) => factory.newSignal(email, { title, ...extra });
  /** Changes a signal as `email`, from the version it has now. */
  const patch = (email: string, id: string, changes: Record<string, unknown>) => factory.editSignal(email, id, changes);

  /** Waits for the `n`th `ready` of a socket and returns its position. */
  async function nthReady(socket: TestSocket, n: number): Promise<number> {
    expect(await waitUntil(() => socket.received.filter((r) => r.event === 'ready').length >= n, WAIT)).toBe(true);
    return (socket.received.filter((r) => r.event === 'ready')[n - 1]!.payload as { position: number }).position;
  }

  describe('a replay judges each record as it is now', () => {
    it('a board that was away never receives a signal tightened out of its sight while it was away', async () => {
      const from = await wentAway(amsterdam);
      const hidden = await create(nctv, 'Eerst groen, daarna streng');
      await patch(nctv, hidden.id, { marking: 'AMBER_STRICT', sharedWith: ['AIVD'] });
      const after = await create(nctv, 'Daarna');

      const back = await connect(amsterdam, { after: from });
      await readyPosition(back);
      // Not its title for a moment, and no revocation either: that would tell it the signal exists.
      expect(back.received.filter(aboutSignal(hidden.id))).toEqual([]);
      expect(told(back)).toEqual([['signal.created', after.id, 'Daarna']]);
      // REST agrees: the signal does not exist for Amsterdam.
      expect((await restClient(hub, factory.session(amsterdam).token).get(`/api/signals/${hidden.id}`)).status).toBe(404);
    });

    it('a board that was away is not told a comment on a signal that left its sight while it was away', async () => {
      const from = await wentAway(amsterdam);
      const signal = await create(nctv, 'Met een opmerking');
      await factory.newComment(nctv, signal.id, { text: 'Namen van betrokkenen' });
      await patch(nctv, signal.id, { marking: 'AMBER_STRICT', sharedWith: ['AIVD'] });
      const marker = await create(nctv, 'Markering na de opmerking');

      const back = await connect(amsterdam, { after: from });
      await readyPosition(back);
      expect(back.received.filter(aboutSignal(signal.id))).toEqual([]);
      expect(back.received.some(aboutSignal(marker.id))).toBe(true);
    });

    it('a replay tells signal.revoked only of a signal the board could read before it went away', async () => {
      const seen = await create(nctv, 'Gezien voor het wegvallen');
      const neverSeen = await create(nctv, 'Nooit gezien', { marking: 'AMBER_STRICT', sharedWith: ['AIVD'] });
      const from = await wentAway(amsterdam);
      await patch(nctv, seen.id, { marking: 'AMBER_STRICT', sharedWith: ['AIVD'] });
      await patch(nctv, neverSeen.id, { marking: 'RED', recipients: [] });
      const during = await create(nctv, 'Ontstaan en verdwenen terwijl weg');
      await patch(nctv, during.id, { marking: 'AMBER_STRICT', sharedWith: ['AIVD'] });
      const marker = await create(nctv, 'Markering');

      const back = await connect(amsterdam, { after: from });
      await readyPosition(back);
      expect(told(back)).toEqual([
        ['signal.revoked', seen.id, undefined],
        ['signal.created', marker.id, 'Markering'],
      ]);
      expect(back.received.filter((r) => r.event === 'signal.revoked').map((r) => r.payload.data)).toEqual([{ id: seen.id }]);
    });

    it('a signal loosened into sight while the board was away arrives once, as it is now', async () => {
      const signal = await create(nctv, 'Streng begonnen', { marking: 'AMBER_STRICT', sharedWith: ['AIVD'] });
      const from = await wentAway(amsterdam);
      await patch(nctv, signal.id, { marking: 'GREEN' });
      const edited = await patch(nctv, signal.id, { title: 'Nu voor iedereen' });

      const back = await connect(amsterdam, { after: from });
      await readyPosition(back);
      const about = back.received.filter(aboutSignal(signal.id));
      expect(about.map((r) => [r.event, (r.payload.data as { title: string; version: number }).title, (r.payload.data as { version: number }).version])).toEqual([
        ['signal.updated', 'Nu voor iedereen', edited.version],
      ]);
      const rest = await restClient(hub, factory.session(amsterdam).token).get(`/api/signals/${signal.id}`);
      expect(about[0]!.payload.data).toEqual(rest.body);
    });
  });

  describe('resume { after } on a live socket', () => {
    it('replays what the socket missed before it went live, each event once, as the handshake auth.after does', async () => {
      const from = await wentAway(chair);
      const first = await create(nctv, 'Gemist 1');
      const second = await create(nctv, 'Gemist 2');
      // Connected without a position, as the documented protocol does: live at once...
      const socket = await connect(chair);
      const liveFrom = await nthReady(socket, 1);
      const third = await create(nctv, 'Live');
      await socket.waitFor(aboutSignal(third.id), WAIT);
      // ...then `resume { after }`: what it missed before it went live, once.
      socket.socket.emit('resume', { after: from });
      await nthReady(socket, 2);
      expect(told(socket)).toEqual([
        ['signal.created', third.id, 'Live'],
        ['signal.created', first.id, 'Gemist 1'],
        ['signal.created', second.id, 'Gemist 2'],
      ]);
      expect(eventPositionsOf(socket).filter((p) => p <= liveFrom)).toHaveLength(2);

      // Exactly what a handshake resuming from the same position is told (in position order).
      const handshake = await connect(chair, { after: from });
      await readyPosition(handshake);
      const byPosition = (s: TestSocket) => signalEventsOf(s).map((r) => r.payload).sort((a, b) => (a.position as number) - (b.position as number));
      expect(byPosition(socket)).toEqual(byPosition(handshake));

      // Asking again replays nothing twice.
      socket.socket.emit('resume', { after: from });
      await nthReady(socket, 3);
      const fourth = await create(nctv, 'Daarna live');
      await socket.waitFor(aboutSignal(fourth.id), WAIT);
      const positions = eventPositionsOf(socket);
      expect(positions.filter((p, i) => positions.indexOf(p) !== i)).toEqual([]);
      expect(told(socket).map(([, id]) => id)).toEqual([third.id, first.id, second.id, fourth.id]);
    });
  });

  describe('a position the hub never issued', () => {
    it('a handshake resuming after a position beyond the newest event gets resync at once and is live', async () => {
      const impossible = (await outboxMaxPosition(hub)) + 100_000;
      const socket = await connect(chair, { after: impossible });
      const answer = await socket.waitFor((r) => r.event === 'ready' || r.event === 'resync', WAIT);
      expect(answer.event).toBe('resync');
      expect(answer.payload).toMatchObject({ reason: 'unknown_position' });
      const position = (answer.payload as { position: number }).position;
      expect(position).toBeLessThanOrEqual(await outboxMaxPosition(hub));
      // Live meanwhile: a change made right after is told.
      const after = await create(nctv, 'Na de onmogelijke positie');
      await socket.waitFor(aboutSignal(after.id), WAIT);
      expect(socket.received.some((r) => r.event === 'ready' && (r.payload as { position: number }).position === impossible)).toBe(false);
    });

    it('a resume message with a position beyond the newest event gets resync at once, and the live socket loses nothing', async () => {
      const socket = await connect(chair);
      await readyPosition(socket);
      const impossible = (await outboxMaxPosition(hub)) + 100_000;
      socket.socket.emit('resume', { after: impossible });
      const during = await create(nctv, 'Tijdens de hervatting');
      const answer = await socket.waitFor((r) => r.event === 'resync' || (r.event === 'ready' && socket.received.filter((x) => x.event === 'ready').length > 1), WAIT);
      expect(answer.event).toBe('resync');
      expect(answer.payload).toMatchObject({ reason: 'unknown_position' });
      await socket.waitFor(aboutSignal(during.id), WAIT);
      expect(socket.received.some((r) => (r.payload as { position?: number }).position === impossible)).toBe(false);
    });
  });

  describe('resuming on an instance that is behind', () => {
    let second: TestApp;
    beforeAll(async () => {
      second = await startInstance(hub.databaseUrl);
    });
    afterAll(async () => {
      await second?.close();
    });

    /** Makes the second instance's tail read nothing new until released: it falls behind the database. */
    function holdBack(app: TestApp): { release(): void } {
      const db = app.app.get(DataSource);
      const read = db.query.bind(db);
      let held = true;
      const spy = jest.spyOn(db, 'query').mockImplementation(async (query: string, parameters?: unknown[]) =>
        held && /FROM outbox_events WHERE position > \$1 ORDER BY position LIMIT/.test(query) ? [] : read(query, parameters),
      );
      return {
        release() {
          held = false;
          spy.mockRestore();
        },
      };
    }

    it('a board that saw events on another instance waits for this one to catch up: nothing twice, nothing lost, no ready before', async () => {
      const behind = holdBack(second);
      let releaseAt = 0;
      try {
        // Seen on the first instance.
        const first = await connect(chair);
        await readyPosition(first);
        const seen = [await create(nctv, 'Elders gezien 1'), await create(nctv, 'Elders gezien 2')];
        await first.waitFor(aboutSignal(seen[1]!.id), WAIT);
        const after = Math.max(...eventPositionsOf(first));
        first.close();

        // The board reconnects through the load balancer and lands on the instance that is behind.
        const socket = await connect(chair, { after }, second);
        const meanwhile = await create(nctv, 'Terwijl de tweede achterliep');
        // However long it is behind (longer than any fixed wait), the socket is told nothing yet.
        await waitUntil(() => socket.received.length > 0, 6_000);
        expect(socket.received.map((r) => r.event)).toEqual([]);
        releaseAt = await outboxMaxPosition(hub);
        behind.release();

        await socket.waitFor(aboutSignal(meanwhile.id), WAIT);
        expect(socket.received.find((r) => r.event === 'ready')?.payload).toEqual({ position: after });
        expect(eventPositionsOf(socket).every((p) => p > after)).toBe(true);
        expect(told(socket)).toEqual([['signal.created', meanwhile.id, 'Terwijl de tweede achterliep']]);
        const later = await create(nctv, 'Daarna');
        await socket.waitFor(aboutSignal(later.id), WAIT);
        expect(signalEventsOf(socket).map((r) => r.payload.position)).toEqual([...eventPositionsOf(socket)].sort((a, b) => a - b));
        expect(releaseAt).toBeGreaterThan(after);
      } finally {
        behind.release();
      }
    });
  });
});
