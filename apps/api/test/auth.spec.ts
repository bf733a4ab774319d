import { authenticator } from 'otplib';
import { DEMO_USERS } from '../src/seed/reference-data';
import { startTestApp, type TestApp } from './support/test-app';

/** A TOTP code for the time step after the current one: accepted (window 1), never a replay. */
function nextStepCode(secret: string, stepsAhead = 1): string {
  return authenticator.clone({ epoch: Date.now() + stepsAhead * 30_000 }).generate(secret);
}

function cookieHeader(response: { headers: Record<string, unknown> }): string[] {
  const raw = response.headers['set-cookie'];
  return Array.isArray(raw) ? (raw as string[]) : typeof raw === 'string' ? [raw] : [];
}

describe('sign-in', () => {
  let hub: TestApp;
  beforeAll(async () => {
    hub = await startTestApp();
  });
  afterAll(async () => {
    await hub.close();
  });

  it.each(DEMO_USERS.map((user) => [user.email, user]))(
    'demo user %s signs in and is told who they are',
    async (email, demo) => {
      const response = await hub.http().post('/api/auth/login').send({ email, password: 'demo' });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        email,
        name: demo.name,
        agency: { code: demo.agency },
        roles: demo.roles,
        clearance: demo.clearance,
        totpEnabled: false,
        totpEnrolmentRequired: false,
      });
      expect(typeof response.body.token).toBe('string');
      const me = await hub.http().get('/api/auth/me').set('Authorization', `Bearer ${response.body.token}`);
      expect(me.status).toBe(200);
      expect(me.body.email).toBe(email);
      expect(me.body.token).toBeUndefined();
    },
  );

  it('sets an HttpOnly, SameSite=Strict session cookie that works on its own', async () => {
    const response = await hub.http().post('/api/auth/login').send({ email: 'liaison@aivd.demo', password: 'demo' });
    const cookie = cookieHeader(response).find((c) => c.startsWith('vt_session='));
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\//);
    const me = await hub.http().get('/api/auth/me').set('Cookie', cookie!.split(';')[0]!);
    expect(me.status).toBe(200);
    expect(me.body.agency).toEqual({ code: 'AIVD', name: 'Algemene Inlichtingen- en Veiligheidsdienst', type: 'core' });
  });

  it('answers a wrong password and an unknown e-mail alike, without saying which part was wrong', async () => {
    const wrongPassword = await hub.http().post('/api/auth/login').send({ email: 'liaison@nctv.demo', password: 'nope' });
    const unknownEmail = await hub.http().post('/api/auth/login').send({ email: 'nobody@nctv.demo', password: 'demo' });
    for (const response of [wrongPassword, unknownEmail]) {
      expect(response.status).toBe(401);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(cookieHeader(response)).toEqual([]);
    }
    const { instance: _a, ...first } = wrongPassword.body;
    const { instance: _b, ...second } = unknownEmail.body;
    expect(first).toEqual(second);
    expect(first.code).toBe('invalid_credentials');
  });

  it('refuses every request without a session with 401 problem+json', async () => {
    const response = await hub.http().get('/api/agencies');
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ status: 401, code: 'unauthenticated' });
    const forged = await hub.http().get('/api/agencies').set('Authorization', 'Bearer forged-token-forged-token-forged');
    expect(forged.status).toBe(401);
  });

  it('lists agencies, municipalities with their province, to a signed-in user', async () => {
    const token = await hub.login('ambtenaar@amsterdam.demo');
    const response = await hub.http().get('/api/agencies').set('Authorization', `Bearer ${token}`);
    expect(response.status).toBe(200);
    const codes = (response.body as { code: string }[]).map((a) => a.code);
    expect(codes).toEqual(expect.arrayContaining(['BZK', 'AIVD', 'AP', 'KIESRAAD', 'EC', 'GM0363', 'GM0599', 'GM0344']));
    expect(response.body).toContainEqual({ code: 'GM0363', name: 'Amsterdam', type: 'municipality', province: 'Noord-Holland' });
  });
});

describe('sessions', () => {
  let hub: TestApp;
  beforeAll(async () => {
    hub = await startTestApp();
  });
  afterAll(async () => {
    await hub.close();
  });

  it('revokes a session at once on sign-out', async () => {
    const token = await hub.login('liaison@ncsc.demo');
    const logout = await hub.http().post('/api/auth/logout').set('Authorization', `Bearer ${token}`);
    expect(logout.status).toBe(204);
    const after = await hub.http().get('/api/auth/me').set('Authorization', `Bearer ${token}`);
    expect(after.status).toBe(401);
  });

  it('ends a session revoked in the database on the very next request, leaving other sessions alone', async () => {
    const revoked = await hub.login('liaison@kiesraad.demo');
    const other = await hub.login('liaison@kiesraad.demo');
    const [{ id }] = (await hub.db.query(
      `SELECT s.id FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE u.email = 'liaison@kiesraad.demo' ORDER BY s.created_at ASC LIMIT 1`,
    )) as { id: string }[];
    await hub.db.query(`UPDATE sessions SET revoked_at = now() WHERE id = $1`, [id]);
    expect((await hub.http().get('/api/auth/me').set('Authorization', `Bearer ${revoked}`)).status).toBe(401);
    expect((await hub.http().get('/api/auth/me').set('Authorization', `Bearer ${other}`)).status).toBe(200);
  });

  it('expires a session after 30 minutes without activity', async () => {
    const token = await hub.login('liaison@acm.demo');
    expect((await hub.http().get('/api/auth/me').set('Authorization', `Bearer ${token}`)).status).toBe(200);
    await hub.db.query(
      `UPDATE sessions SET last_seen_at = now() - interval '31 minutes'
        WHERE user_id = (SELECT id FROM users WHERE email = 'liaison@acm.demo')`,
    );
    const response = await hub.http().get('/api/auth/me').set('Authorization', `Bearer ${token}`);
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('unauthenticated');
  });

  it('keeps an active session alive: a request refreshes the inactivity clock', async () => {
    const token = await hub.login('flagger@bzk.demo');
    await hub.db.query(
      `UPDATE sessions SET last_seen_at = now() - interval '29 minutes'
        WHERE user_id = (SELECT id FROM users WHERE email = 'flagger@bzk.demo')`,
    );
    expect((await hub.http().get('/api/auth/me').set('Authorization', `Bearer ${token}`)).status).toBe(200);
    const [{ age }] = (await hub.db.query(
      `SELECT extract(epoch FROM now() - max(last_seen_at))::int AS age FROM sessions
        WHERE user_id = (SELECT id FROM users WHERE email = 'flagger@bzk.demo')`,
    )) as { age: number }[];
    expect(age).toBeLessThan(5);
  });

  it('ends a session at its absolute expiry even while in use', async () => {
    const token = await hub.login('waarnemer@ec.demo');
    await hub.db.query(
      `UPDATE sessions SET expires_at = now() - interval '1 second'
        WHERE user_id = (SELECT id FROM users WHERE email = 'waarnemer@ec.demo')`,
    );
    expect((await hub.http().get('/api/auth/me').set('Authorization', `Bearer ${token}`)).status).toBe(401);
  });

  it('ends the sessions of a deactivated user and refuses their sign-in', async () => {
    const token = await hub.login('ambtenaar@utrecht.demo');
    await hub.db.query(`UPDATE users SET active = false WHERE email = 'ambtenaar@utrecht.demo'`);
    expect((await hub.http().get('/api/auth/me').set('Authorization', `Bearer ${token}`)).status).toBe(401);
    const again = await hub.http().post('/api/auth/login').send({ email: 'ambtenaar@utrecht.demo', password: 'demo' });
    expect(again.status).toBe(401);
    expect(again.body.code).toBe('invalid_credentials');
  });
});

describe('sign-in rate limit', () => {
  let hub: TestApp;
  beforeAll(async () => {
    hub = await startTestApp({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '5', LOGIN_MAX_FAILURES_PER_IP: '12' });
  });
  afterAll(async () => {
    await hub.close();
  });

  it('locks an account after five failures, with Retry-After, even for the right password', async () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const response = await hub.http().post('/api/auth/login').send({ email: 'liaison@aivd.demo', password: 'wrong' });
      expect(response.status).toBe(401);
    }
    const locked = await hub.http().post('/api/auth/login').send({ email: 'liaison@aivd.demo', password: 'demo' });
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('too_many_attempts');
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(900);
    // Another account from the same address is not locked by it.
    expect((await hub.http().post('/api/auth/login').send({ email: 'liaison@nctv.demo', password: 'demo' })).status).toBe(200);
  });

  it('locks an address that fails across many accounts', async () => {
    const emails = ['liaison@ncsc.demo', 'liaison@kiesraad.demo', 'liaison@acm.demo', 'flagger@bzk.demo'];
    let status = 0;
    for (let attempt = 0; attempt < 12 && status !== 429; attempt++) {
      const email = emails[attempt % emails.length]!;
      status = (await hub.http().post('/api/auth/login').send({ email, password: `wrong-${attempt}` })).status;
    }
    const blocked = await hub.http().post('/api/auth/login').send({ email: 'waarnemer@ec.demo', password: 'demo' });
    expect(blocked.status).toBe(429);
    expect(blocked.headers['retry-after']).toBeDefined();
  });
});

describe('sign-in rate limit under concurrent attempts', () => {
  let hub: TestApp;
  beforeAll(async () => {
    hub = await startTestApp({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '5', LOGIN_MAX_FAILURES_PER_IP: '100' });
  });
  afterAll(async () => {
    await hub.close();
  });

  it('checks at most five passwords of twenty wrong ones sent at once; the rest are 429 and none slips past', async () => {
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => hub.http().post('/api/auth/login').send({ email: 'liaison@aivd.demo', password: `wrong-${i}` })),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(5).fill(401), ...Array(15).fill(429)]);
    const [{ failures }] = (await hub.db.query(
      `SELECT count(*)::int AS failures FROM login_attempts WHERE email = 'liaison@aivd.demo' AND NOT succeeded`,
    )) as { failures: number }[];
    expect(failures).toBe(5);
    // The right password is refused too while the account is locked.
    expect((await hub.http().post('/api/auth/login').send({ email: 'liaison@aivd.demo', password: 'demo' })).status).toBe(429);
  });

  it('does not count the first step of a two-factor sign-in (password right, code still to come) as a failure', async () => {
    await hub.db.query(`UPDATE users SET totp_enabled = true, totp_secret = 'x' WHERE email = 'liaison@nctv.demo'`);
    for (let i = 0; i < 7; i++) {
      const response = await hub.http().post('/api/auth/login').send({ email: 'liaison@nctv.demo', password: 'demo' });
      expect(response.body.code).toBe('totp_required');
    }
    const [{ attempts }] = (await hub.db.query(
      `SELECT count(*)::int AS attempts FROM login_attempts WHERE email = 'liaison@nctv.demo'`,
    )) as { attempts: number }[];
    expect(attempts).toBe(0);
  });
});

describe('two-factor sign-in (TOTP)', () => {
  let hub: TestApp;
  beforeAll(async () => {
    hub = await startTestApp({ MFA_REQUIRED_ROLES: 'chair,admin' });
  });
  afterAll(async () => {
    await hub.close();
  });

  it('lets a user enrol an authenticator app and then asks for its code at sign-in', async () => {
    const token = await hub.login('liaison@nctv.demo');
    const auth = { Authorization: `Bearer ${token}` };
    const enrol = await hub.http().post('/api/auth/totp/enrol').set(auth).send({});
    expect(enrol.status).toBe(200);
    expect(enrol.body.otpauthUrl).toMatch(/^otpauth:\/\/totp\/Verkiezingstafel:liaison%40nctv\.demo\?secret=/);
    expect(enrol.body.qrCodeDataUrl).toMatch(/^data:image\/png;base64,/);
    const secret: string = enrol.body.secret;

    const wrong = await hub.http().post('/api/auth/totp/confirm').set(auth).send({ code: '000000' === authenticator.generate(secret) ? '111111' : '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors).toEqual([{ field: 'code', code: 'incorrect', message: 'code is not correct' }]);

    const confirm = await hub.http().post('/api/auth/totp/confirm').set(auth).send({ code: authenticator.generate(secret) });
    expect(confirm.status).toBe(200);
    expect(confirm.body.totpEnabled).toBe(true);

    const withoutCode = await hub.http().post('/api/auth/login').send({ email: 'liaison@nctv.demo', password: 'demo' });
    expect(withoutCode.status).toBe(401);
    expect(withoutCode.body.code).toBe('totp_required');
    expect(cookieHeader(withoutCode)).toEqual([]);

    const code = nextStepCode(secret);
    const withCode = await hub.http().post('/api/auth/login').send({ email: 'liaison@nctv.demo', password: 'demo', code });
    expect(withCode.status).toBe(200);
    expect(withCode.body.totpEnabled).toBe(true);

    const replay = await hub.http().post('/api/auth/login').send({ email: 'liaison@nctv.demo', password: 'demo', code });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('invalid_credentials');
  });

  it('stores the TOTP secret sealed, never in the clear', async () => {
    const token = await hub.login('liaison@acm.demo');
    const enrol = await hub.http().post('/api/auth/totp/enrol').set('Authorization', `Bearer ${token}`).send({});
    const [{ totp_secret }] = (await hub.db.query(`SELECT totp_secret FROM users WHERE email = 'liaison@acm.demo'`)) as {
      totp_secret: string;
    }[];
    expect(totp_secret).toMatch(/^v1\./);
    expect(totp_secret).not.toContain(enrol.body.secret);
  });

  it('holds a chair who has not enrolled at the enrolment step until they do', async () => {
    const login = await hub.http().post('/api/auth/login').send({ email: 'voorzitter@bzk.demo', password: 'demo' });
    expect(login.status).toBe(200);
    expect(login.body.totpEnrolmentRequired).toBe(true);
    const auth = { Authorization: `Bearer ${login.body.token}` };

    const blocked = await hub.http().get('/api/agencies').set(auth);
    expect(blocked.status).toBe(403);
    expect(blocked.body.code).toBe('totp_enrolment_required');
    expect((await hub.http().get('/api/auth/me').set(auth)).status).toBe(200);

    const enrol = await hub.http().post('/api/auth/totp/enrol').set(auth).send({});
    await hub.http().post('/api/auth/totp/confirm').set(auth).send({ code: authenticator.generate(enrol.body.secret) });
    const allowed = await hub.http().get('/api/agencies').set(auth);
    expect(allowed.status).toBe(200);

    const disable = await hub.http().post('/api/auth/totp/disable').set(auth).send({ code: nextStepCode(enrol.body.secret) });
    expect(disable.status).toBe(403);
    expect(disable.body.code).toBe('totp_required_by_role');
  });

  it('counts wrong codes as failed sign-ins', async () => {
    const token = await hub.login('liaison@kiesraad.demo');
    const auth = { Authorization: `Bearer ${token}` };
    const enrol = await hub.http().post('/api/auth/totp/enrol').set(auth).send({});
    await hub.http().post('/api/auth/totp/confirm').set(auth).send({ code: authenticator.generate(enrol.body.secret) });
    const before = (await hub.db.query(
      `SELECT count(*)::int AS n FROM login_attempts WHERE email = 'liaison@kiesraad.demo' AND NOT succeeded`,
    )) as { n: number }[];
    const valid = new Set([-1, 0, 1].map((step) => nextStepCode(enrol.body.secret, step)));
    const wrongCode = ['123456', '654321', '111111'].find((candidate) => !valid.has(candidate))!;
    const response = await hub
      .http()
      .post('/api/auth/login')
      .send({ email: 'liaison@kiesraad.demo', password: 'demo', code: wrongCode });
    expect(response.status).toBe(401);
    const after = (await hub.db.query(
      `SELECT count(*)::int AS n FROM login_attempts WHERE email = 'liaison@kiesraad.demo' AND NOT succeeded`,
    )) as { n: number }[];
    expect(after[0]!.n).toBe(before[0]!.n + 1);
  });
});

describe('production cookie', () => {
  let hub: TestApp;
  beforeAll(async () => {
    hub = await startTestApp({ NODE_ENV: 'production', MFA_REQUIRED_ROLES: '' });
  });
  afterAll(async () => {
    await hub.close();
  });

  it('is __Host- prefixed and Secure in production', async () => {
    const response = await hub.http().post('/api/auth/login').send({ email: 'liaison@aivd.demo', password: 'demo' });
    const cookie = cookieHeader(response).find((c) => c.startsWith('__Host-vt_session='));
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toMatch(/Domain=/);
  });

  it('reads the session only from the __Host- cookie: a plain vt_session (plantable by a sibling host) is ignored', async () => {
    const response = await hub.http().post('/api/auth/login').send({ email: 'liaison@aivd.demo', password: 'demo' });
    const token = (response.body as { token: string }).token;
    expect((await hub.http().get('/api/auth/me').set('Cookie', `__Host-vt_session=${token}`)).status).toBe(200);
    expect((await hub.http().get('/api/auth/me').set('Cookie', `vt_session=${token}`)).status).toBe(401);
  });
});
