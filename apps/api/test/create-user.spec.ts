import { createUser, parseCreateUser, UsageError } from '../src/users/create-user';
import { startTestApp, type TestApp } from './support/test-app';

describe('creating the first administrator of a deployment (users/cli)', () => {
  let hub: TestApp;

  beforeAll(async () => {
    hub = await startTestApp();
  });

  afterAll(async () => {
    await hub?.close();
  });

  it('reads the options and names the one that is wrong', () => {
    expect(parseCreateUser(['create-user', '--email', 'beheer@bzk.nl', '--name', 'Functioneel beheer', '--agency', 'bzk', '--roles', 'admin'])).toEqual({
      email: 'beheer@bzk.nl',
      name: 'Functioneel beheer',
      agency: 'BZK',
      roles: ['admin'],
      clearance: 'NONE',
    });
    const base = ['create-user', '--email', 'a@b.nl', '--name', 'A', '--agency', 'BZK', '--roles', 'admin'];
    expect(() => parseCreateUser(['delete-user'])).toThrow(UsageError);
    expect(() => parseCreateUser([...base.slice(0, 3), '--name', 'A', '--agency', 'BZK'])).toThrow(/--roles: required/);
    expect(() => parseCreateUser(['create-user', '--email', 'geen-adres', '--name', 'A', '--agency', 'BZK', '--roles', 'admin'])).toThrow(/--email/);
    expect(() => parseCreateUser([...base.slice(0, 7), '--roles', 'admin,koning'])).toThrow(/--roles: "koning" is not a role/);
    expect(() => parseCreateUser([...base, '--clearance', 'STG_GEHEIM'])).toThrow(/--clearance/);
    expect(() => parseCreateUser([...base, '--password', 'x'])).toThrow(/--password: unknown option/);
  });

  it('creates a user who signs in with the password given, and audits the creation', async () => {
    const created = await createUser(
      hub.databaseUrl,
      { email: 'beheer@bzk.example.nl', name: 'Functioneel beheer', agency: 'BZK', roles: ['admin'], clearance: 'NONE' },
      'een-lang-wachtwoord',
    );
    expect(created.generated).toBe(false);
    const login = await hub.http().post('/api/auth/login').send({ email: 'beheer@bzk.example.nl', password: 'een-lang-wachtwoord' });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ roles: ['admin'], agency: { code: 'BZK' } });
    const audit = (await hub.db.query(`SELECT action, actor_id FROM audit_events WHERE entity_id = $1`, [created.id])) as { action: string; actor_id: string | null }[];
    expect(audit).toEqual([{ action: 'user.create', actor_id: null }]);
  });

  it('makes a strong password when none is given, and shows it once', async () => {
    const created = await createUser(hub.databaseUrl, { email: 'voorzitter@bzk.example.nl', name: 'Voorzitter', agency: 'BZK', roles: ['chair'], clearance: 'DEP_V' });
    expect(created.generated).toBe(true);
    expect(created.password.length).toBeGreaterThanOrEqual(20);
    const login = await hub.http().post('/api/auth/login').send({ email: 'voorzitter@bzk.example.nl', password: created.password });
    expect(login.status).toBe(200);
  });

  it('refuses a taken e-mail address, an unknown agency and a short password, and writes nothing', async () => {
    const [{ n: before }] = (await hub.db.query(`SELECT count(*)::int AS n FROM users`)) as { n: number }[];
    const user = { email: 'ambtenaar@amsterdam.demo', name: 'X', agency: 'GM0363', roles: ['municipal' as const], clearance: 'NONE' as const };
    await expect(createUser(hub.databaseUrl, user, 'een-lang-wachtwoord')).rejects.toThrow(/--email: .* already has an account/);
    await expect(createUser(hub.databaseUrl, { ...user, email: 'nieuw@x.nl', agency: 'GM9999' }, 'een-lang-wachtwoord')).rejects.toThrow(/--agency: no agency GM9999/);
    await expect(createUser(hub.databaseUrl, { ...user, email: 'nieuw@x.nl' }, 'kort')).rejects.toThrow(/TAFEL_NEW_USER_PASSWORD/);
    const [{ n: after }] = (await hub.db.query(`SELECT count(*)::int AS n FROM users`)) as { n: number }[];
    expect(after).toBe(before);
  });
});
