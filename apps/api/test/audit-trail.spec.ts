import { parse } from 'csv-parse/sync';
import { Factory } from './support/factories';
import { expectProblem } from './support/hub-helpers';
import { ADMIN, AIVD, CHAIR, NCTV } from './support/visibility-oracle';

/*
 * The audit trail as its readers use it (issue: a readable audit trail): changes apart from
 * reads, filters, records named by what the reader may read of them, and a CSV export.
 */

interface AuditItem {
  seq: number;
  at: string;
  action: string;
  kind: 'change' | 'read';
  actorName: string | null;
  actorAgency: string | null;
  entityType: string;
  entityId: string | null;
  record: { type: string; id: string; title: string | null; marking: string | null; signalId: string | null; path: string | null } | null;
}

describe('the audit trail, readable', () => {
  let f: Factory;
  let green: { id: string };
  let strict: { id: string };

  beforeAll(async () => {
    f = await Factory.start();
    green = await f.newSignal(NCTV, { title: '=HYPERLINK("http://evil.example","klik")', marking: 'GREEN' });
    await f.newMeasure(CHAIR, green.id);
    await f.newComment(AIVD, green.id, { text: 'Wij kijken mee.' });
    // An AMBER+STRICT signal shared with BZK: the chair reads it, and the read is audited.
    strict = await f.newSignal(AIVD, { title: 'Strikt gedeeld met BZK', marking: 'AMBER_STRICT', sharedWith: ['BZK'] });
    expect((await f.hub.http().get(`/api/signals/${strict.id}`).set(f.session(CHAIR).auth)).status).toBe(200);
  });

  afterAll(() => f.close());

  async function trail(email: string, query: Record<string, string> = {}): Promise<AuditItem[]> {
    const response = await f.hub.http().get('/api/audit').set(f.session(email).auth).query({ limit: '200', ...query });
    if (response.status !== 200) throw new Error(`GET /api/audit: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body.items as AuditItem[];
  }

  it('lists changes apart from reads', async () => {
    const changes = await trail(CHAIR, { kind: 'change' });
    const reads = await trail(CHAIR, { kind: 'read' });
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.every((event) => event.kind === 'change' && event.action !== 'signal.read')).toBe(true);
    expect(reads.map((event) => event.action)).toContain('signal.read');
    expect(reads.every((event) => event.kind === 'read')).toBe(true);
    expect(reads.some((event) => event.entityId === strict.id)).toBe(true);
  });

  it('filters by action, actor, agency, record and period', async () => {
    expect((await trail(CHAIR, { action: 'measure.create' })).every((event) => event.action === 'measure.create')).toBe(true);
    const byAgency = await trail(CHAIR, { agency: 'AIVD' });
    expect(byAgency.length).toBeGreaterThan(0);
    expect(byAgency.every((event) => event.actorAgency === 'AIVD')).toBe(true);
    const chairName = (await f.hub.db.query(`SELECT name FROM users WHERE email = $1`, [CHAIR])) as { name: string }[];
    const byActor = await trail(ADMIN, { actor: chairName[0]!.name.split(' ')[0]!.toLowerCase() });
    expect(byActor.length).toBeGreaterThan(0);
    expect(byActor.every((event) => event.actorName === chairName[0]!.name)).toBe(true);
    // A signal's record: its own events, and those of its measures and timeline.
    const about = await trail(CHAIR, { entityId: green.id });
    expect(about.map((event) => event.action).sort()).toEqual(['measure.create', 'signal.create', 'timeline.add']);
    const all = await trail(CHAIR);
    const middle = all[Math.floor(all.length / 2)]!;
    const later = await trail(CHAIR, { from: middle.at });
    expect(later.every((event) => event.at >= middle.at)).toBe(true);
    const earlier = await trail(CHAIR, { to: middle.at });
    expect(earlier.every((event) => event.at < middle.at)).toBe(true);
    expect(later.length + earlier.length).toBe(all.length);
  });

  it('refuses filters that are not filters, naming the field', async () => {
    const auth = f.session(CHAIR).auth;
    expectProblem(await f.hub.http().get('/api/audit').set(auth).query({ kind: 'everything' }), 400, 'kind');
    expectProblem(await f.hub.http().get('/api/audit').set(auth).query({ action: 'signal.destroy' }), 400, 'action');
    expectProblem(await f.hub.http().get('/api/audit').set(auth).query({ from: '9999-01-01T00:00:00Z' }), 400, 'from');
    expectProblem(await f.hub.http().get('/api/audit').set(auth).query({ agency: 'not an agency' }), 400, 'agency');
  });

  it('names records by title for a reader of their content, with a link; an administrator gets the marking and no title', async () => {
    const chairs = await trail(CHAIR, { entityId: green.id });
    const measure = chairs.find((event) => event.action === 'measure.create')!;
    expect(measure.record).toMatchObject({ type: 'measure', title: green && '=HYPERLINK("http://evil.example","klik")', signalId: green.id, path: `/signalen/${green.id}` });
    const admins = await trail(ADMIN, { entityId: strict.id });
    expect(admins.length).toBeGreaterThan(0);
    for (const event of admins) expect(event.record).toMatchObject({ title: null, marking: 'AMBER_STRICT', path: null });
    expect(JSON.stringify(admins)).not.toContain('Strikt gedeeld met BZK');
  });

  it('exports what the reader sees as CSV: BOM, semicolons, actions in words, a formula arriving as text', async () => {
    const response = await f.hub.http().get('/api/audit/export').set(f.session(CHAIR).auth).query({ entityId: green.id }).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
    });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="audittrail-\d{4}-\d{2}-\d{2}\.csv"$/);
    const text = response.body as string;
    expect(text.startsWith('\uFEFF')).toBe(true);
    const rows = parse(text.slice(1), { delimiter: ';' }) as string[][];
    expect(rows[0]).toEqual(['Volgnummer', 'Tijdstip (UTC)', 'Soort', 'Handeling', 'Door', 'Namens', 'Soort record', 'Record', 'Titel', 'Markering', 'Details', 'IP-adres']);
    expect(rows.slice(1).map((row) => row[3]).sort()).toEqual(['Bericht aan tijdlijn toegevoegd', 'Maatregel toegevoegd', 'Signaal gemeld']);
    for (const row of rows.slice(1)) expect(row[8]).toBe('\'=HYPERLINK("http://evil.example","klik")');
    // The export is itself on the trail.
    expect((await trail(CHAIR, { action: 'audit.export' })).length).toBe(1);
  });

  it('exports in English on request, and never what the reader may not read', async () => {
    const secret = await f.newSignal(AIVD, { title: 'Alleen voor de AIVD', marking: 'AMBER_STRICT', sharedWith: [] });
    const response = await f.hub.http().get('/api/audit/export').set(f.session(CHAIR).auth).query({ lang: 'en' });
    expect(response.status).toBe(200);
    const text = response.text;
    expect(text).toContain('Sequence;Time (UTC)');
    expect(text).not.toContain(secret.id);
    expect(text).not.toContain('Alleen voor de AIVD');
  });
});
