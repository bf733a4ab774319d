import request from 'supertest';
import { startTestApp, type TestApp } from './support/test-app';

describe('the HTTP contract', () => {
  let hub: TestApp;
  let token: string;
  beforeAll(async () => {
    hub = await startTestApp();
    token = await hub.login('liaison@aivd.demo');
  });
  afterAll(async () => {
    await hub.close();
  });

  it('answers malformed JSON with a 400 problem naming the body', async () => {
    const response = await hub
      .http()
      .post('/api/auth/login')
      .set('Content-Type', 'application/json')
      .send('{"email": "liaison@aivd.demo", "password": ');
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({
      status: 400,
      title: 'Bad Request',
      code: 'malformed_json',
      errors: [{ field: 'body' }],
      instance: '/api/auth/login',
    });
    expect(typeof response.body.type).toBe('string');
  });

  it('refuses unknown fields with a 400 naming each of them', async () => {
    const response = await hub
      .http()
      .post('/api/auth/login')
      .send({ email: 'liaison@aivd.demo', password: 'demo', isAdmin: true, role: 'chair' });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('validation_failed');
    const fields = (response.body.errors as { field: string }[]).map((e) => e.field).sort();
    expect(fields).toEqual(['isAdmin', 'role']);
  });

  it('names the field of a wrong type or a missing value', async () => {
    const response = await hub.http().post('/api/auth/login').send({ email: 42 });
    expect(response.status).toBe(400);
    const fields = new Set((response.body.errors as { field: string }[]).map((e) => e.field));
    expect(fields).toEqual(new Set(['email', 'password']));
  });

  it('refuses a malformed TOTP code naming the field', async () => {
    const response = await hub
      .http()
      .post('/api/auth/totp/confirm')
      .set('Authorization', `Bearer ${token}`)
      .send({ code: '12ab' });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ field: 'code', code: 'invalid_format', message: 'code must be six digits' }]);
  });

  it('refuses unknown fields on an endpoint whose body is empty', async () => {
    const response = await hub
      .http()
      .post('/api/auth/totp/enrol')
      .set('Authorization', `Bearer ${token}`)
      .send({ secret: 'JBSWY3DPEHPK3PXP' });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ field: 'secret', code: 'not_allowed', message: 'unknown field secret is not allowed' }]);
    const [{ totp_secret }] = (await hub.db.query(`SELECT totp_secret FROM users WHERE email = 'liaison@aivd.demo'`)) as {
      totp_secret: string | null;
    }[];
    expect(totp_secret).toBeNull();
  });

  it('refuses a body over 1 MB with 413', async () => {
    const response = await hub
      .http()
      .post('/api/auth/login')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(1_100_000) }));
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ status: 413, code: 'body_too_large', errors: [{ field: 'body' }] });
  });

  it('refuses a body that is not JSON with 415 naming Content-Type, and a compressed one naming Content-Encoding', async () => {
    const cases = [
      { headers: { 'Content-Type': 'text/plain' }, status: 415, field: 'Content-Type' },
      { headers: { 'Content-Type': 'application/json; charset=latin1' }, status: 415, field: 'Content-Type' },
      { headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, status: 415, field: 'Content-Encoding' },
    ];
    for (const { headers, status, field } of cases) {
      const response = await hub.http().post('/api/auth/login').set(headers).send('{"email":"a@b.c","password":"x"}');
      expect(response.status).toBe(status);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body.errors).toEqual([expect.objectContaining({ field })]);
      // Refused before any route ran, it still carries the headers of every answer.
      expect(response.headers['x-request-id']).toMatch(/^[\w.-]+$/);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['cache-control']).toBe('no-store');
    }
    // +json media types are JSON; an empty JSON body is an empty object (here: fields missing).
    const vendor = await hub.http().post('/api/auth/login').set('Content-Type', 'application/vnd.api+json').send('{"email":"liaison@aivd.demo","password":"demo"}');
    expect(vendor.status).toBe(200);
    const empty = await hub.http().post('/api/auth/login').set('Content-Type', 'application/json').send('');
    expect(empty.status).toBe(400);
    expect(empty.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['email', 'password']));
  });

  it('answers a path that is not valid percent-encoding with a 400 problem naming the path', async () => {
    const response = await hub.http().get('/api/signals/%zz').set('Authorization', `Bearer ${token}`);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body.errors).toEqual([expect.objectContaining({ field: 'path' })]);
  });

  it('answers an unknown API path with a 404 problem', async () => {
    const response = await hub.http().get('/api/no-such-thing').set('Authorization', `Bearer ${token}`);
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('marks every API response Cache-Control: no-store and gives it a request id', async () => {
    for (const response of [
      await hub.http().get('/api/auth/me').set('Authorization', `Bearer ${token}`),
      await hub.http().get('/api/auth/me'),
      await hub.http().get('/api/health'),
    ]) {
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers['x-request-id']).toMatch(/^[\w.-]+$/);
    }
    const echoed = await hub.http().get('/api/health').set('X-Request-Id', 'trace-123');
    expect(echoed.headers['x-request-id']).toBe('trace-123');
  });

  it('reports liveness and database readiness', async () => {
    expect((await hub.http().get('/api/health')).body).toEqual({ status: 'ok' });
    const ready = await hub.http().get('/api/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.details.database.status).toBe('up');
  });

  it('exposes Prometheus metrics that count every answered request by route and status', async () => {
    const count = async (): Promise<number> => {
      const response = await hub.http().get('/metrics');
      expect(response.status).toBe(200);
      expect(response.text).toContain('process_cpu_user_seconds_total');
      const line = /^http_request_duration_seconds_count\{method="GET",route="\/api\/health",status="200"\} (\d+)$/m.exec(response.text);
      return line ? Number(line[1]) : 0;
    };
    const before = await count();
    for (let i = 0; i < 3; i++) expect((await hub.http().get('/api/health')).status).toBe(200);
    expect(await count()).toBe(before + 3);
  });

  it('documents the response of every route in OpenAPI: a JSON schema for each 2xx, a media type for a file, or none for a 204', async () => {
    const document = (await hub.http().get('/api/docs/openapi.json')).body as {
      paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }> }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    const undocumented: string[] = [];
    let routes = 0;
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        routes++;
        const successes = Object.entries(operation.responses).filter(([status]) => /^2\d\d$/.test(status));
        if (successes.length === 0) undocumented.push(`${method.toUpperCase()} ${path}: no 2xx response`);
        for (const [status, response] of successes) {
          if (status === '204') continue;
          // A file (CSV, PDF, Markdown, calendar, XML) is declared by its media type and a binary or text schema.
          const files = Object.entries(response.content ?? {}).filter(([type]) => type !== 'application/json');
          if (files.length > 0) {
            for (const [type, media] of files) {
              if (media.schema?.['type'] !== 'string') undocumented.push(`${method.toUpperCase()} ${path} ${status}: ${type} has no schema`);
            }
            continue;
          }
          const schema = response.content?.['application/json']?.schema;
          // A named schema, or an array of one; either must have properties of its own.
          const ref = (schema?.['$ref'] ?? (schema?.['items'] as { $ref?: string } | undefined)?.$ref) as string | undefined;
          const component = ref ? document.components.schemas[ref.replace('#/components/schemas/', '')] : undefined;
          if (!component || Object.keys(component.properties ?? {}).length === 0) {
            undocumented.push(`${method.toUpperCase()} ${path} ${status}: no response schema`);
          }
        }
      }
    }
    expect(routes).toBeGreaterThanOrEqual(25);
    expect(undocumented).toEqual([]);
  });

  it('serves the OpenAPI description generated from the DTOs', async () => {
    const response = await hub.http().get('/api/docs/openapi.json');
    expect(response.status).toBe(200);
    expect(response.body.paths['/api/auth/login'].post).toBeDefined();
    expect(response.body.components.schemas.LoginDto.properties).toHaveProperty('email');
    expect(response.body.components.schemas.SessionUserDto.properties).toHaveProperty('clearance');
    const page = await hub.http().get('/api/docs');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
  });
});

describe('transport security headers', () => {
  it('forbid framing twice over: X-Frame-Options DENY, as the CSP says with frame-ancestors none', async () => {
    const hub = await startTestApp();
    try {
      for (const path of ['/api/health', '/api/no-such-thing', '/api/docs']) {
        const response = await hub.http().get(path);
        expect(response.headers['x-frame-options']).toBe('DENY');
        expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      }
    } finally {
      await hub.close();
    }
  });

  it('ask for HTTPS (HSTS, upgrade-insecure-requests) only where the board is served over HTTPS', async () => {
    const plain = await startTestApp();
    const secure = await startTestApp({ PUBLIC_ORIGIN: 'https://tafel.example' });
    try {
      const overHttp = await plain.http().get('/api/health');
      expect(overHttp.headers['strict-transport-security']).toBeUndefined();
      expect(overHttp.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
      const overHttps = await secure.http().get('/api/health');
      expect(overHttps.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(overHttps.headers['content-security-policy']).toContain('upgrade-insecure-requests');
      expect(overHttps.headers['content-security-policy']).toContain('connect-src');
    } finally {
      await plain.close();
      await secure.close();
    }
  });
});

describe('metrics in production', () => {
  const production = { NODE_ENV: 'production', PUBLIC_ORIGIN: 'https://tafel.example' };
  const TOKEN = 'metrics-token-of-at-least-32-bytes-long';

  it('are not served on the public port without a port or token of their own', async () => {
    const hub = await startTestApp(production);
    try {
      const response = await hub.http().get('/metrics');
      expect(response.status).toBe(404);
      expect(response.text).not.toContain('http_request_duration_seconds');
    } finally {
      await hub.close();
    }
  });

  it('are served on the public port only with the bearer token of METRICS_TOKEN', async () => {
    const hub = await startTestApp({ ...production, METRICS_TOKEN: TOKEN });
    try {
      for (const authorization of [undefined, 'Bearer wrong-token', `Bearer ${TOKEN}x`, TOKEN]) {
        const request = hub.http().get('/metrics');
        const response = await (authorization === undefined ? request : request.set('Authorization', authorization));
        expect({ authorization, status: response.status }).toEqual({ authorization, status: 401 });
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(response.text).not.toContain('http_request_duration_seconds');
      }
      const allowed = await hub.http().get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
      expect(allowed.status).toBe(200);
      expect(allowed.text).toContain('http_request_duration_seconds_count');
    } finally {
      await hub.close();
    }
  });

  it('are served on METRICS_PORT, and then never on the public port', async () => {
    const hub = await startTestApp({ ...production, METRICS_PORT: '0' });
    try {
      expect((await hub.http().get('/metrics')).status).toBe(404);
      const { MetricsServer } = await import('../src/health/metrics.server');
      const port = hub.app.get(MetricsServer).port();
      expect(port).toEqual(expect.any(Number));
      const internal = request(`http://127.0.0.1:${port}`);
      const scraped = await internal.get('/metrics');
      expect(scraped.status).toBe(200);
      expect(scraped.headers['content-type']).toMatch(/^text\/plain/);
      expect(scraped.text).toContain('process_cpu_user_seconds_total');
      // Only the metrics: no API, no board on that port.
      expect((await internal.get('/api/health')).status).toBe(404);
      expect((await internal.post('/metrics')).status).toBe(405);
    } finally {
      await hub.close();
    }
  });
});
