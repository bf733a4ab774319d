import { MailWorker } from '../src/mail/mail.worker';
import { Factory } from './support/factories';
import { expectProblem } from './support/hub-helpers';
import { ManualClock } from './support/manual-clock';
import { TestSmtpServer } from './support/smtp';
import { connectSocket } from './support/sockets';
import { startInstance } from './support/test-app';
import { ADMIN, AIVD, CHAIR, FLAGGER, NCTV } from './support/visibility-oracle';

/*
 * User administration (contract.md, visibility.md): administrators only, accounts only, never
 * content; invitations by mail with a one-time link; no administrator locks the hub out.
 */

interface UserBody {
  id: string;
  name: string;
  email: string;
  agency: { code: string };
  roles: string[];
  clearance: string;
  state: string;
  active: boolean;
  totpEnabled: boolean;
  version: number;
  invitation: { purpose: string; expiresAt: string; expired: boolean; mail: { to: string; status: string } | null } | null;
}

const LINK = /https?:\/\/\S+\/uitnodiging#([A-Za-z0-9_-]{20,})/;

describe('user administration', () => {
  let f: Factory;
  let smtp: TestSmtpServer;
  let clock: ManualClock;
  let counter = 0;

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    clock = new ManualClock();
    f = await Factory.start({ SMTP_URL: smtp.url, INVITATION_HOURS: '72' }, [clock.provider()]);
  });

  afterAll(async () => {
    await f.close();
    await smtp.close();
  });

  const admin = () => f.session(ADMIN).auth;
  const http = () => f.hub.http();

  function newEmail(): string {
    counter += 1;
    return `nieuwe.gebruiker${counter}@nctv.example`;
  }

  async function createUser(overrides: Record<string, unknown> = {}): Promise<UserBody> {
    const response = await http()
      .post('/api/users')
      .set(admin())
      .send({ email: newEmail(), name: `Nieuwe Gebruiker ${counter}`, agency: 'NCTV', roles: ['liaison'], clearance: 'DEP_V', ...overrides });
    if (response.status !== 201) throw new Error(`creating a user: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body as UserBody;
  }

  /** Sends what the queue holds and returns the token of the newest link mailed to `email`. */
  async function linkFor(email: string): Promise<string> {
    await f.hub.app.get(MailWorker).drain();
    const mails = smtp.to(email);
    const match = LINK.exec(mails[mails.length - 1]?.text ?? '');
    if (!match) throw new Error(`no invitation link mailed to ${email}`);
    return match[1]!;
  }

  async function accept(token: string, password = 'een lang en sterk wachtwoord') {
    return http().post('/api/auth/invitation/accept').send({ token, password });
  }

  it('is for administrators only: every other role gets a 403 and changes nothing', async () => {
    for (const email of [CHAIR, AIVD, FLAGGER]) {
      const auth = f.session(email).auth;
      expectProblem(await http().get('/api/users').set(auth), 403);
      expectProblem(await http().post('/api/users').set(auth).send({ email: 'x@y.example', name: 'X', agency: 'BZK', roles: ['liaison'] }), 403);
    }
    const me = f.session(NCTV).reader.id;
    expectProblem(await http().patch(`/api/users/${me}`).set(f.session(NCTV).auth).send({ version: 1, roles: ['chair'] }), 403);
    expectProblem(await http().get('/api/users'), 401);
  });

  it('lists and searches accounts by name, e-mail, agency, role and state', async () => {
    const all = await http().get('/api/users').set(admin()).query({ limit: '200' });
    expect(all.status).toBe(200);
    const emails = (all.body.items as UserBody[]).map((user) => user.email);
    expect(emails).toEqual(expect.arrayContaining([CHAIR, AIVD, ADMIN]));
    const byName = await http().get('/api/users').set(admin()).query({ q: 'amsterdam' });
    expect((byName.body.items as UserBody[]).map((user) => user.email)).toEqual(['ambtenaar@amsterdam.demo']);
    const byAgency = await http().get('/api/users').set(admin()).query({ agency: 'BZK', role: 'chair' });
    expect((byAgency.body.items as UserBody[]).map((user) => user.email)).toEqual([CHAIR]);
    const paged = await http().get('/api/users').set(admin()).query({ limit: '2' });
    expect(paged.body.items).toHaveLength(2);
    const next = await http().get('/api/users').set(admin()).query({ limit: '2', cursor: paged.body.nextCursor as string });
    expect((next.body.items as UserBody[])[0]!.name >= (paged.body.items as UserBody[])[1]!.name).toBe(true);
    expectProblem(await http().get('/api/users').set(admin()).query({ cursor: 'nonsense' }), 400, 'cursor');
  });

  it('creates an invited user whose mailed one-time link sets a password to sign in with', async () => {
    const created = await createUser();
    expect(created).toMatchObject({ state: 'invited', active: true, roles: ['liaison'], clearance: 'DEP_V', agency: { code: 'NCTV' } });
    expect(created.invitation).toMatchObject({ purpose: 'invite', expired: false });
    expect(Date.parse(created.invitation!.expiresAt) - clock.now().getTime()).toBe(72 * 3_600_000);
    // Nobody signs in before the password is set.
    expectProblem(await http().post('/api/auth/login').send({ email: created.email, password: 'een lang en sterk wachtwoord' }), 401);

    const token = await linkFor(created.email);
    const [mail] = smtp.to(created.email);
    expect(mail!.headers['subject']).toContain('Uitnodiging voor de Verkiezingstafel');
    const summary = await http().post('/api/auth/invitation').send({ token });
    expect(summary.status).toBe(200);
    expect(summary.body).toMatchObject({ email: created.email, purpose: 'invite', agency: { code: 'NCTV' } });

    const accepted = await accept(token);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({ email: created.email });
    const login = await http().post('/api/auth/login').send({ email: created.email, password: 'een lang en sterk wachtwoord' });
    expect(login.status).toBe(200);
    const after = await http().get(`/api/users/${created.id}`).set(admin());
    expect(after.body).toMatchObject({ state: 'active', invitation: null });
  });

  it('spends an invitation link once: a second use is refused and changes nothing', async () => {
    const created = await createUser();
    const token = await linkFor(created.email);
    expect((await accept(token, 'het eerste wachtwoord is lang')).status).toBe(200);
    expectProblem(await accept(token, 'het tweede wachtwoord is lang'), 410);
    expect((await accept(token, 'het tweede wachtwoord is lang')).body.code).toBe('invitation_used');
    expect((await http().post('/api/auth/login').send({ email: created.email, password: 'het eerste wachtwoord is lang' })).status).toBe(200);
  });

  it('lets a link expire after INVITATION_HOURS, by the clock', async () => {
    const created = await createUser();
    const token = await linkFor(created.email);
    clock.advanceSeconds(72 * 3600 + 1);
    const response = await accept(token);
    expectProblem(response, 410);
    expect(response.body.code).toBe('invitation_expired');
    const listed = await http().get(`/api/users/${created.id}`).set(admin());
    expect(listed.body.invitation).toMatchObject({ expired: true });
  });

  it('keeps only a keyed hash of the token: the token itself is nowhere in the database', async () => {
    const created = await createUser();
    const token = await linkFor(created.email);
    const [row] = (await f.hub.db.query(`SELECT token_hash FROM invitations WHERE user_id = $1`, [created.id])) as { token_hash: Buffer }[];
    expect(row!.token_hash).toHaveLength(32);
    expect(row!.token_hash.toString('base64url')).not.toBe(token);
    const [{ hits }] = (await f.hub.db.query(
      `SELECT (SELECT count(*) FROM invitations WHERE encode(token_hash, 'escape') LIKE '%' || $1 || '%')
            + (SELECT count(*) FROM mails WHERE coalesce(body, '') LIKE '%' || $1 || '%')
            + (SELECT count(*) FROM audit_events WHERE details::text LIKE '%' || $1 || '%')
            + (SELECT count(*) FROM outbox_events WHERE data::text LIKE '%' || $1 || '%') AS hits`,
      [token],
    )) as { hits: string }[];
    expect(Number(hits)).toBe(0);
    expectProblem(await http().post('/api/auth/invitation').send({ token: `${token.slice(0, -2)}xx` }), 404);
  });

  it('resets a password: sessions end, the old link dies and a new one works', async () => {
    const created = await createUser();
    const first = await linkFor(created.email);
    const reset = await http().post(`/api/users/${created.id}/reset-password`).set(admin()).send({});
    expect(reset.status).toBe(200);
    const second = await linkFor(created.email);
    expect(second).not.toBe(first);
    const old = await accept(first);
    expectProblem(old, 410);
    expect(old.body.code).toBe('invitation_revoked');
    expect((await accept(second)).status).toBe(200);

    const token = await f.hub.login(created.email, 'een lang en sterk wachtwoord');
    const reset2 = await http().post(`/api/users/${created.id}/reset-password`).set(admin()).send({});
    expect(reset2.status).toBe(200);
    expect(reset2.body).toMatchObject({ state: 'invited', invitation: { purpose: 'reset' } });
    expectProblem(await http().get('/api/auth/me').set('Authorization', `Bearer ${token}`), 401);
    expectProblem(await http().post('/api/auth/login').send({ email: created.email, password: 'een lang en sterk wachtwoord' }), 401);
    const third = await linkFor(created.email);
    expect(third).not.toBe(second);
    expect(smtp.to(created.email).at(-1)!.headers['subject']).toContain('Nieuw wachtwoord instellen');
  });

  it('clears a second factor, ends the sessions, and refuses when there is none', async () => {
    const created = await createUser();
    await accept(await linkFor(created.email));
    const token = await f.hub.login(created.email, 'een lang en sterk wachtwoord');
    expectProblem(await http().post(`/api/users/${created.id}/reset-totp`).set(admin()).send({}), 409);
    await f.hub.db.query(`UPDATE users SET totp_enabled = true, totp_secret = 'v1.x.y.z' WHERE id = $1`, [created.id]);
    const reset = await http().post(`/api/users/${created.id}/reset-totp`).set(admin()).send({});
    expect(reset.status).toBe(200);
    expect(reset.body.totpEnabled).toBe(false);
    expectProblem(await http().get('/api/auth/me').set('Authorization', `Bearer ${token}`), 401);
  });

  it('changes roles, agency and clearance with optimistic locking, and audits each change', async () => {
    const created = await createUser();
    const changed = await http().patch(`/api/users/${created.id}`).set(admin()).send({ version: created.version, agency: 'AIVD', clearance: 'NONE' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ agency: { code: 'AIVD' }, clearance: 'NONE', version: created.version + 1 });
    const stale = await http().patch(`/api/users/${created.id}`).set(admin()).send({ version: created.version, roles: ['observer'] });
    expectProblem(stale, 409, 'version');
    expect(stale.body).toMatchObject({ code: 'version_conflict', current: { id: created.id, version: created.version + 1 } });
    const audit = await http().get('/api/audit').set(admin()).query({ entityId: created.id });
    const actions = (audit.body.items as { action: string; details: Record<string, unknown> }[]).map((event) => event.action);
    expect(actions).toEqual(['user.update', 'user.create']);
    expect((audit.body.items as { details: Record<string, unknown> }[])[0]!.details).toMatchObject({
      agency: { from: 'NCTV', to: 'AIVD' },
      clearance: { from: 'DEP_V', to: 'NONE' },
    });
  });

  it('refuses bad input with the field and its code, and creates nothing', async () => {
    const before = (await f.hub.db.query(`SELECT count(*)::int AS n FROM users`)) as { n: number }[];
    const cases: [Record<string, unknown>, string, string][] = [
      [{ email: 'geen-adres', name: 'A', agency: 'NCTV', roles: ['liaison'] }, 'email', 'invalid_format'],
      [{ email: newEmail(), name: '', agency: 'NCTV', roles: ['liaison'] }, 'name', 'required'],
      [{ email: newEmail(), name: 'A', agency: 'XYZ', roles: ['liaison'] }, 'agency', 'unknown_agency'],
      [{ email: newEmail(), name: 'A', agency: 'NCTV', roles: [] }, 'roles', 'too_few'],
      [{ email: newEmail(), name: 'A', agency: 'NCTV', roles: ['god'] }, 'roles', 'not_one_of'],
      [{ email: newEmail(), name: 'A', agency: 'NCTV', roles: ['municipal'] }, 'roles', 'conflict'],
      [{ email: newEmail(), name: 'A', agency: 'GM0363', roles: ['liaison'] }, 'roles', 'conflict'],
      [{ email: newEmail(), name: 'A', agency: 'NCTV', roles: ['chair'] }, 'roles', 'conflict'],
      [{ email: AIVD.toUpperCase(), name: 'A', agency: 'NCTV', roles: ['liaison'] }, 'email', 'already_exists'],
      [{ email: newEmail(), name: 'A', agency: 'NCTV', roles: ['liaison'], password: 'x' }, 'password', 'not_allowed'],
    ];
    for (const [body, field, code] of cases) {
      const response = await http().post('/api/users').set(admin()).send(body);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, code })]));
    }
    expect(await f.hub.db.query(`SELECT count(*)::int AS n FROM users`)).toEqual(before);
  });

  it("never lets an administrator change its own access or lock the hub out", async () => {
    const me = await http().get(`/api/users/${f.session(ADMIN).reader.id}`).set(admin());
    for (const change of [{ roles: ['liaison'] }, { active: false }, { clearance: 'DEP_V' }, { agency: 'NCTV' }]) {
      const response = await http().patch(`/api/users/${me.body.id}`).set(admin()).send({ version: me.body.version, ...change });
      expectProblem(response, 403, Object.keys(change)[0]);
      expect(response.body.code).toBe('own_account');
    }
    expectProblem(await http().post(`/api/users/${me.body.id}/reset-password`).set(admin()).send({}), 403, 'password');
    // Its own name is not access.
    const renamed = await http().patch(`/api/users/${me.body.id}`).set(admin()).send({ version: me.body.version, name: 'Functioneel beheer BZK' });
    expect(renamed.status).toBe(200);
  });

  it('keeps an active administrator when two administrators deactivate each other at once', async () => {
    const other = await createUser({ agency: 'BZK', roles: ['admin'], clearance: 'NONE' });
    await accept(await linkFor(other.email));
    const otherToken = await f.hub.login(other.email, 'een lang en sterk wachtwoord');
    const mine = (await http().get(`/api/users/${f.session(ADMIN).reader.id}`).set(admin())).body as UserBody;
    const [a, b] = await Promise.all([
      http().patch(`/api/users/${other.id}`).set(admin()).send({ version: other.version + 1, active: false }),
      http().patch(`/api/users/${mine.id}`).set('Authorization', `Bearer ${otherToken}`).send({ version: mine.version, active: false }),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses[0]).toBe(200);
    expect(statuses[1]).toBeGreaterThanOrEqual(400);
    const [{ n }] = (await f.hub.db.query(`SELECT count(*)::int AS n FROM users WHERE active AND 'admin' = ANY(roles)`)) as { n: number }[];
    expect(n).toBe(1);
    // Whoever lost is reactivated by the one who won, for the suites after this one.
    const winner = a.status === 200 ? admin() : { Authorization: `Bearer ${otherToken}` };
    const loserId = a.status === 200 ? other.id : mine.id;
    const loser = (await http().get(`/api/users/${loserId}`).set(winner)).body as UserBody;
    expect((await http().patch(`/api/users/${loserId}`).set(winner).send({ version: loser.version, active: true })).status).toBe(200);
  });

  it('shows an administrator accounts, never signal content', async () => {
    const signal = await f.newSignal(AIVD, { title: 'Geheime titel die niet bij beheer hoort', marking: 'GREEN' });
    const users = await http().get('/api/users').set(admin()).query({ limit: '200' });
    expect(JSON.stringify(users.body)).not.toContain('Geheime titel');
    const created = await createUser();
    await http().patch(`/api/users/${created.id}`).set(admin()).send({ version: created.version, roles: ['observer'] });
    const read = await http().get(`/api/signals/${signal.id}`).set(admin());
    expect(read.body.title).toBeUndefined();
    const audit = await http().get('/api/audit').set(admin()).query({ entityId: signal.id });
    expect(JSON.stringify(audit.body)).not.toContain('Geheime titel');
  });

  it("reaches the user's open boards at once: a role change re-scopes the socket, a deactivation ends it", async () => {
    const created = await createUser({ agency: 'NCTV', roles: ['liaison'] });
    await accept(await linkFor(created.email));
    const token = await f.hub.login(created.email, 'een lang en sterk wachtwoord');
    // A second instance: the change is made through one, the socket lives on the other.
    const other = await startInstance(f.hub.databaseUrl, {}, [clock.provider()]);
    try {
      const socket = await connectSocket(other.url, token);
      await socket.waitFor((r) => r.event === 'ready');
      const current = (await http().get(`/api/users/${created.id}`).set(admin())).body as UserBody;
      await http().patch(`/api/users/${created.id}`).set(admin()).send({ version: current.version, roles: ['observer'] });
      const resync = await socket.waitFor((r) => r.event === 'resync');
      expect(resync.payload).toMatchObject({ reason: 'permissions_changed' });
      const disconnected = new Promise<string>((resolve) => socket.socket.once('disconnect', (reason) => resolve(reason)));
      await http().patch(`/api/users/${created.id}`).set(admin()).send({ version: current.version + 1, active: false });
      await expect(disconnected).resolves.toBe('io server disconnect');
      expectProblem(await http().get('/api/auth/me').set('Authorization', `Bearer ${token}`), 401);
    } finally {
      await other.close();
    }
  });
});
