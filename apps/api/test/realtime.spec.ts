import { Client } from 'pg';
import { waitUntil } from './support/realtime-harness';
import { connectSocket } from './support/sockets';
import { startTestApp, type TestApp } from './support/test-app';

describe('realtime channel', () => {
  let hub: TestApp;
  let electionId: string;
  beforeAll(async () => {
    hub = await startTestApp({ REALTIME_SESSION_SWEEP_SECONDS: '1' });
    [{ id: electionId }] = (await hub.db.query(`SELECT id FROM elections WHERE code = 'TK2025'`)) as { id: string }[];
  });
  afterAll(async () => {
    await hub.close();
  });

  it('refuses a socket without a session', async () => {
    await expect(connectSocket(hub.url, 'not-a-valid-token-not-a-valid-token')).rejects.toThrow('Sign in first');
  });

  it('refuses a socket from another origin (no cross-site WebSocket hijacking)', async () => {
    const token = await hub.login('liaison@aivd.demo');
    await expect(connectSocket(hub.url, token, { origin: 'https://evil.example' })).rejects.toThrow(/not allowed/);
  });

  it('pushes a new AMBER signal affecting Amsterdam to Amsterdam and not to Rotterdam', async () => {
    const nctv = await hub.login('liaison@nctv.demo');
    const amsterdam = await connectSocket(hub.url, await hub.login('ambtenaar@amsterdam.demo'));
    const rotterdam = await connectSocket(hub.url, await hub.login('ambtenaar@rotterdam.demo'));
    await amsterdam.waitFor((r) => r.event === 'ready');
    await rotterdam.waitFor((r) => r.event === 'ready');
    const created = await hub
      .http()
      .post('/api/signals')
      .set('Authorization', `Bearer ${nctv}`)
      .send({ electionId, title: 'Verdachte flyers bij stembureau', description: 'Flyers met onjuiste stemuitleg.', category: 'process_integrity', severity: 'medium', marking: 'AMBER', affectedMunicipalities: ['GM0363'], source: 'eigen waarneming' });
    expect(created.status).toBe(201);
    const got = await amsterdam.waitFor((r) => r.event === 'signal.created' && (r.payload.data as { id: string }).id === created.body.id);
    expect(got.payload.data).toMatchObject({ id: created.body.id, title: 'Verdachte flyers bij stembureau', marking: 'AMBER' });
    expect(got.payload.data).not.toHaveProperty('source');
    expect(typeof got.payload.position).toBe('number');
    // A later event for Rotterdam proves Rotterdam's socket was live when the first one passed.
    const green = await hub.http().post('/api/signals').set('Authorization', `Bearer ${nctv}`).send({ electionId, title: 'Algemene waarschuwing', description: '', category: 'other', severity: 'low', marking: 'GREEN' });
    await rotterdam.waitFor((r) => r.event === 'signal.created' && (r.payload.data as { id: string }).id === green.body.id);
    expect(rotterdam.received.some((r) => (r.payload.data as { id?: string } | undefined)?.id === created.body.id)).toBe(false);
    amsterdam.close();
    rotterdam.close();
  });

  it('sends signal.revoked with the id only when a tightened marking takes a signal out of sight', async () => {
    const nctv = await hub.login('liaison@nctv.demo');
    const created = await hub.http().post('/api/signals').set('Authorization', `Bearer ${nctv}`).send({ electionId, title: 'Te verstrengen signaal', description: 'x', category: 'other', severity: 'low', marking: 'GREEN' });
    const amsterdam = await connectSocket(hub.url, await hub.login('ambtenaar@amsterdam.demo'));
    await amsterdam.waitFor((r) => r.event === 'ready');
    const patched = await hub.http().patch(`/api/signals/${created.body.id}`).set('Authorization', `Bearer ${nctv}`).send({ version: 1, marking: 'AMBER_STRICT', sharedWith: ['AIVD'] });
    expect(patched.status).toBe(200);
    const revoked = await amsterdam.waitFor((r) => r.event === 'signal.revoked');
    expect(revoked.payload.data).toEqual({ id: created.body.id });
    amsterdam.close();
  });

  it('never sends a comment to a reader that a tightening committed just before it took the signal from', async () => {
    const nctv = await hub.login('liaison@nctv.demo');
    const chairToken = await hub.login('voorzitter@bzk.demo');
    const [{ id: chairId }] = (await hub.db.query(`SELECT id FROM users WHERE email = 'voorzitter@bzk.demo'`)) as { id: string }[];
    const created = await hub.http().post('/api/signals').set('Authorization', `Bearer ${nctv}`).send({ electionId, title: 'Gecoördineerde accounts', description: 'x', category: 'disinformation', severity: 'high', marking: 'AMBER', affectedMunicipalities: ['GM0363'] });
    expect(created.status).toBe(201);
    const amsterdam = await connectSocket(hub.url, await hub.login('ambtenaar@amsterdam.demo'));
    const chair = await connectSocket(hub.url, chairToken);
    await amsterdam.waitFor((r) => r.event === 'ready');
    await chair.waitFor((r) => r.event === 'ready');

    // Hold the journal lock: the tightening updates the row, then waits to write its events;
    // the comment is started while the tightening has not committed yet.
    const locker = new Client({ connectionString: hub.databaseUrl });
    await locker.connect();
    const lockerPid = ((await locker.query('SELECT pg_backend_pid() AS pid')).rows[0] as { pid: number }).pid;
    const waiting = async () =>
      Number(((await hub.db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> $1`, [lockerPid])) as { n: number }[])[0]!.n);
    try {
      await locker.query('BEGIN');
      await locker.query('SELECT pg_advisory_xact_lock(727002)');
      const tighten = Promise.resolve(hub.http().patch(`/api/signals/${created.body.id}`).set('Authorization', `Bearer ${nctv}`).send({ version: 1, marking: 'RED', recipients: [chairId] }));
      expect(await waitUntil(async () => (await waiting()) >= 1)).toBe(true);
      const comment = Promise.resolve(hub.http().post(`/api/signals/${created.body.id}/timeline`).set('Authorization', `Bearer ${nctv}`).send({ text: 'Namen van de betrokken ambtenaren' }));
      expect(await waitUntil(async () => (await waiting()) >= 2)).toBe(true);
      await locker.query('COMMIT');
      expect((await tighten).status).toBe(200);
      expect((await comment).status).toBe(201);
    } finally {
      await locker.end();
    }

    // The comment is on a RED signal now: the chair (named) gets it, Amsterdam only the revocation.
    await chair.waitFor((r) => r.event === 'timeline.added' && (r.payload.data as { signalId: string }).signalId === created.body.id);
    await amsterdam.waitFor((r) => r.event === 'signal.revoked' && (r.payload.data as { id: string }).id === created.body.id);
    // A later event for Amsterdam proves that everything before it has been delivered there.
    const later = await hub.http().post('/api/signals').set('Authorization', `Bearer ${nctv}`).send({ electionId, title: 'Daarna', description: '', category: 'other', severity: 'low', marking: 'GREEN' });
    await amsterdam.waitFor((r) => r.event === 'signal.created' && (r.payload.data as { id: string }).id === later.body.id);
    expect(amsterdam.received.filter((r) => r.event === 'timeline.added' && (r.payload.data as { signalId: string }).signalId === created.body.id)).toEqual([]);
    amsterdam.close();
    chair.close();
  });

  it('asks a board to reload instead of replaying when its user\'s permissions changed while it was away', async () => {
    const token = await hub.login('liaison@ncsc.demo');
    const first = await connectSocket(hub.url, token);
    const ready = await first.waitFor((r) => r.event === 'ready');
    first.close();
    const nctv = await hub.login('liaison@nctv.demo');
    await hub.http().post('/api/signals').set('Authorization', `Bearer ${nctv}`).send({ electionId, title: 'Terwijl NCSC weg was', description: '', category: 'other', severity: 'low', marking: 'GREEN' });
    await hub.db.query(`UPDATE users SET clearance = 'NONE' WHERE email = 'liaison@ncsc.demo'`);
    try {
      const again = await connectSocket(hub.url, token, { after: ready.payload.position as number });
      const resync = await again.waitFor((r) => r.event === 'resync');
      expect(resync.payload).toMatchObject({ reason: 'permissions_changed' });
      expect(again.received.filter((r) => r.event.startsWith('signal.'))).toEqual([]);
      again.close();
    } finally {
      await hub.db.query(`UPDATE users SET clearance = 'DEP_V' WHERE email = 'liaison@ncsc.demo'`);
    }
  });

  it('tells each reader of comments, measures and platform reports exactly what REST shows it, a stricter comment only where its own marking admits', async () => {
    const aivd = await hub.login('liaison@aivd.demo');
    const chairToken = await hub.login('voorzitter@bzk.demo');
    const flagger = await hub.login('flagger@bzk.demo');
    const readers = {
      amsterdam: await hub.login('ambtenaar@amsterdam.demo'),
      rotterdam: await hub.login('ambtenaar@rotterdam.demo'),
      observer: await hub.login('waarnemer@ec.demo'),
      admin: await hub.login('beheer@bzk.demo'),
      nctv: await hub.login('liaison@nctv.demo'),
    };
    const sockets = Object.fromEntries(await Promise.all(Object.entries(readers).map(async ([name, token]) => [name, await connectSocket(hub.url, token)] as const)));
    for (const socket of Object.values(sockets)) await socket.waitFor((r) => r.event === 'ready');

    const as = (token: string) => ({ Authorization: `Bearer ${token}` });
    const signal = await hub.http().post('/api/signals').set(as(aivd)).send({ electionId, title: 'Nepaccounts rond stembureaus', description: 'x', category: 'disinformation', severity: 'high', marking: 'AMBER', sharedWith: ['EC'], affectedMunicipalities: ['GM0363'], leadAgency: 'AIVD' });
    expect(signal.status).toBe(201);
    const id = signal.body.id as string;
    expect((await hub.http().post(`/api/signals/${id}/timeline`).set(as(aivd)).send({ text: 'Voor de hele tafel' })).status).toBe(201);
    expect((await hub.http().post(`/api/signals/${id}/timeline`).set(as(aivd)).send({ text: 'Alleen gedeeld met de EC', marking: 'AMBER_STRICT' })).status).toBe(201);
    expect((await hub.http().post(`/api/signals/${id}/measures`).set(as(chairToken)).send({ description: 'Platforms vragen de accounts te beoordelen', ownerAgency: 'KIESRAAD' })).status).toBe(201);
    expect((await hub.http().post(`/api/signals/${id}/platform-reports`).set(as(flagger)).send({ platform: 'x', contentUrl: 'https://x.com/voorbeeld/status/1', ground: 'Onjuiste informatie over het stemmen' })).status).toBe(201);
    // A later event everyone receives marks the end of what the four changes sent.
    const marker = await hub.http().post('/api/signals').set(as(aivd)).send({ electionId, title: 'Einde', description: '', category: 'other', severity: 'low', marking: 'GREEN' });

    for (const [name, token] of Object.entries(readers)) {
      const socket = sockets[name]!;
      await socket.waitFor((r) => r.event === 'signal.created' && (r.payload.data as { id: string }).id === marker.body.id);
      const about = (event: string) => socket.received.filter((r) => r.event === event && (r.payload.data as { signalId: string }).signalId === id).map((r) => r.payload.data);
      const rest = async (path: string) => {
        const response = await hub.http().get(`/api/signals/${id}/${path}`).set(as(token));
        return response.status === 200 ? (response.body as Record<string, unknown>[]) : [];
      };
      const entries = (await rest('timeline')).filter((e) => e['kind'] !== 'system');
      expect({ name, timeline: about('timeline.added').map((d) => (d as { entry: unknown }).entry) }).toEqual({ name, timeline: entries });
      expect({ name, measures: about('measure.changed').map((d) => (d as { measure: unknown }).measure) }).toEqual({ name, measures: await rest('measures') });
      expect({ name, reports: about('platform_report.changed').map((d) => (d as { report: unknown }).report) }).toEqual({ name, reports: await rest('platform-reports') });
    }
    // The oracle of visibility.md, stated by hand: the stricter comment reaches the EC only.
    const texts = (name: string) => sockets[name]!.received.filter((r) => r.event === 'timeline.added' && (r.payload.data as { signalId: string }).signalId === id).map((r) => (r.payload.data as { entry: { text?: string } }).entry.text);
    expect(texts('observer')).toEqual(['Voor de hele tafel', 'Alleen gedeeld met de EC']);
    expect(texts('amsterdam')).toEqual(['Voor de hele tafel']);
    expect(texts('nctv')).toEqual(['Voor de hele tafel']);
    expect(texts('rotterdam')).toEqual([]);
    for (const socket of Object.values(sockets)) socket.close();
  });

  it('disconnects the sockets of a session at sign-out', async () => {
    const token = await hub.login('liaison@kiesraad.demo');
    const socket = await connectSocket(hub.url, token);
    await socket.waitFor((r) => r.event === 'ready');
    const disconnected = new Promise<string>((resolve) => socket.socket.once('disconnect', (reason) => resolve(reason)));
    await hub.http().post('/api/auth/logout').set('Authorization', `Bearer ${token}`);
    await expect(disconnected).resolves.toBe('io server disconnect');
  });

  it('replays what was missed after a reconnect, in order, then continues live', async () => {
    const chairToken = await hub.login('voorzitter@bzk.demo');
    const first = await connectSocket(hub.url, chairToken);
    const ready = await first.waitFor((r) => r.event === 'ready');
    const from = ready.payload.position as number;
    first.close();
    const nctv = await hub.login('liaison@nctv.demo');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await hub.http().post('/api/signals').set('Authorization', `Bearer ${nctv}`).send({ electionId, title: `Gemist ${i}`, description: '', category: 'other', severity: 'low', marking: 'GREEN' });
      ids.push(r.body.id);
    }
    const again = await connectSocket(hub.url, chairToken, { after: from });
    await again.waitFor((r) => r.event === 'ready');
    const replayed = again.received.filter((r) => r.event === 'signal.created').map((r) => (r.payload.data as { id: string }).id);
    expect(replayed).toEqual(ids);
    const positions = again.received.filter((r) => typeof r.payload.position === 'number').map((r) => r.payload.position as number);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    again.close();
  });
});
