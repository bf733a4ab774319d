import { ConfigError, loadConfig } from './app-config';

const strongSecret = 'x'.repeat(32);

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, '/srv');
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('runs in demo mode with defaults when nothing is set', () => {
    const config = loadConfig({}, '/srv');
    expect(config.demo).toBe(true);
    expect(config.port).toBe(3000);
    expect(config.dataDir).toBe('/srv/.data');
    expect(config.publicOrigin).toBe('http://localhost:3000');
    expect(config.demoPassword).toBe('demo');
    expect(config.mfaRequiredRoles).toEqual([]);
  });

  it('refuses production without DATABASE_URL', () => {
    expect(errorOf({ NODE_ENV: 'production', SESSION_SECRET: strongSecret }).variable).toBe(
      'DATABASE_URL',
    );
  });

  it('refuses production without a session secret of 32 bytes or more', () => {
    const base = { NODE_ENV: 'production', DATABASE_URL: 'postgres://db/tafel' };
    expect(errorOf(base).variable).toBe('SESSION_SECRET');
    expect(errorOf({ ...base, SESSION_SECRET: 'short' }).message).toContain('at least 32 bytes');
  });

  it('reads a port and a token for the metrics, and leaves them unset by default', () => {
    expect(loadConfig({}, '/srv')).toMatchObject({ metricsPort: null, metricsToken: null });
    const config = loadConfig({ METRICS_PORT: '9464', METRICS_TOKEN: 't'.repeat(32) }, '/srv');
    expect(config).toMatchObject({ metricsPort: 9464, metricsToken: 't'.repeat(32) });
  });

  it('requires two factors for admin and chair in production by default', () => {
    const config = loadConfig(
      { NODE_ENV: 'production', DATABASE_URL: 'postgres://db/tafel', SESSION_SECRET: strongSecret },
      '/srv',
    );
    expect(config.demo).toBe(false);
    expect(config.mfaRequiredRoles).toEqual(['admin', 'chair']);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://db/tafel'],
    ['DATABASE_URL', 'not a url'],
    ['PUBLIC_ORIGIN', 'https://tafel.example/path'],
    ['LOG_LEVEL', 'loud'],
    ['MFA_REQUIRED_ROLES', 'admin,king'],
    ['SESSION_IDLE_MINUTES', '0'],
    ['TRUST_PROXY', 'maybe'],
    ['NODE_ENV', 'staging'],
    ['SMTP_URL', 'http://mail'],
    ['METRICS_PORT', 'abc'],
    ['METRICS_PORT', '3000'],
    ['METRICS_TOKEN', 'too-short'],
    ['METRICS_TOKEN', 'has spaces in it but is long enough to pass'],
    ['SMTP_URL', 'mail.example.nl:25'],
    ['SMTP_URL', 'not a url'],
    ['MAIL_FROM', 'Verkiezingstafel'],
    ['MAIL_FROM', 'a@b.nl\r\nBcc: x@y.nl'],
    ['MAIL_RETRY_BASE_SECONDS', '0'],
    ['MAIL_MAX_ATTEMPTS', 'many'],
    ['INVITATION_HOURS', '0'],
    ['INVITATION_HOURS', '10000'],
  ])('stops with a message naming %s when it is %j', (variable, value) => {
    const error = errorOf({ [variable]: value });
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`${variable}:`)).toBe(true);
  });

  it('takes smtp:// and smtps:// mail servers, and a sender with or without a name', () => {
    expect(loadConfig({ SMTP_URL: 'smtps://user:secret@mail.example.nl:465', MAIL_FROM: 'Verkiezingstafel <noreply@minbzk.nl>' })).toMatchObject({
      smtpUrl: 'smtps://user:secret@mail.example.nl:465',
      mailFrom: 'Verkiezingstafel <noreply@minbzk.nl>',
    });
    expect(loadConfig({ SMTP_URL: 'smtp://127.0.0.1:2525', MAIL_FROM: 'noreply@minbzk.nl' }).mailFrom).toBe('noreply@minbzk.nl');
  });

  it('without SMTP_URL mail goes to files, from an address at the public origin, and invitations last three days', () => {
    const config = loadConfig({ PUBLIC_ORIGIN: 'https://tafel.example.nl' });
    expect(config.smtpUrl).toBeNull();
    expect(config.mailFrom).toBe('Verkiezingstafel <noreply@tafel.example.nl>');
    expect(config.invitationHours).toBe(72);
  });
});
