import type { Response } from 'supertest';
import { type Audience, DEMO, type Reader } from './visibility-oracle';
import type { TestApp } from './test-app';

/** A signed-in demo user. */
export interface Session {
  reader: Reader;
  token: string;
  auth: { Authorization: string };
}

/** Signs every demo user in once; keyed by e-mail. */
export async function signInAll(hub: TestApp): Promise<Record<string, Session>> {
  const rows = (await hub.db.query(`SELECT id, email FROM users`)) as { id: string; email: string }[];
  const sessions: Record<string, Session> = {};
  for (const spec of DEMO) {
    const row = rows.find((r) => r.email === spec.email);
    if (!row) throw new Error(`demo user ${spec.email} is missing`);
    const token = await hub.login(spec.email);
    sessions[spec.email] = { reader: { ...spec, id: row.id }, token, auth: { Authorization: `Bearer ${token}` } };
  }
  return sessions;
}

/** Creates an election through the API as the administrator; returns its id. */
export async function createElection(hub: TestApp, admin: Session, code: string, extra: Record<string, unknown> = {}): Promise<string> {
  const response = await hub
    .http()
    .post('/api/elections')
    .set(admin.auth)
    .send({ code, name: `Testverkiezing ${code}`, type: 'TK', electionDay: '2099-03-18', ...extra });
  if (response.status !== 201) throw new Error(`creating election ${code}: ${response.status} ${JSON.stringify(response.body)}`);
  return (response.body as { id: string }).id;
}

export type Item = Record<string, unknown> & { id: string };

/** Every page of GET /api/signals for the query, following `nextCursor`; also returns the pages. */
export async function listAll(
  hub: TestApp,
  session: Session,
  query: Record<string, string | undefined>,
  limit = 200,
): Promise<{ items: Item[]; pages: Item[][] }> {
  const pages: Item[][] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 500; guard++) {
    const response = await hub
      .http()
      .get('/api/signals')
      .set(session.auth)
      .query({ ...query, limit: String(limit), ...(cursor ? { cursor } : {}) });
    if (response.status !== 200) {
      throw new Error(`GET /api/signals ${JSON.stringify(query)} as ${session.reader.email}: ${response.status} ${JSON.stringify(response.body)}`);
    }
    const body = response.body as { items: Item[]; nextCursor: string | null };
    pages.push(body.items);
    if (!body.nextCursor) return { items: pages.flat(), pages };
    cursor = body.nextCursor;
  }
  throw new Error('GET /api/signals: the cursor never ends');
}

/** The response is RFC 9457 problem details with this status (and, if given, naming the field). */
export function expectProblem(response: Response, status: number, field?: string): void {
  if (response.status !== status) {
    throw new Error(`expected ${status}, got ${response.status}: ${JSON.stringify(response.body)}`);
  }
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({ status, title: expect.any(String) });
  if (field !== undefined) {
    const fields = ((response.body as { errors?: { field: string }[] }).errors ?? []).map((e) => e.field);
    expect(fields).toContain(field);
  }
}

export const COUNTED_TABLES = ['signals', 'timeline_entries', 'measures', 'platform_reports', 'audit_events', 'outbox_events'] as const;
export type RowCounts = Record<(typeof COUNTED_TABLES)[number], number>;

/** Row counts of the tables a write touches. */
export async function rowCounts(hub: TestApp): Promise<RowCounts> {
  const [row] = (await hub.db.query(
    `SELECT ${COUNTED_TABLES.map((t) => `(SELECT count(*)::int FROM ${t}) AS ${t}`).join(', ')}`,
  )) as RowCounts[];
  return row!;
}

/** A signal with every field, as the API returns it to its owner, read straight from the database. */
export interface FullSignal extends Audience {
  id: string;
  electionId: string;
  title: string;
  description: string;
  category: string;
  severity: string;
  status: string;
  leadAgency: string | null;
  sharedWith: string[];
  recipients: string[];
  affectedMunicipalities: string[];
  platforms: string[];
  evidence: { url: string; description?: string }[];
  disarmTechniques: string[];
  source: string | null;
  firstSeenAt: string | null;
  createdBy: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

interface Row {
  id: string;
  election_id: string;
  title: string;
  description: string;
  category: string;
  severity: string;
  status: string;
  marking: FullSignal['marking'];
  classification: FullSignal['classification'];
  owner_agency: string;
  lead_agency: string | null;
  shared_with: string[];
  recipients: string[];
  affected_municipalities: string[];
  platforms: string[];
  evidence: FullSignal['evidence'];
  disarm_techniques: string[];
  source: string | null;
  first_seen_at: Date | null;
  created_by: string;
  version: number;
  created_at: Date;
  updated_at: Date;
}

/** Signals straight from the database (`where` over `signals`), newest first. */
export async function signalsFromDb(hub: TestApp, where = 'true', params: unknown[] = []): Promise<FullSignal[]> {
  const rows = (await hub.db.query(
    `SELECT id, election_id, title, description, category, severity, status, marking, classification, owner_agency,
            lead_agency, shared_with, recipients::text[] AS recipients, affected_municipalities, platforms, evidence,
            disarm_techniques, source, first_seen_at, created_by, version, created_at, updated_at
       FROM signals WHERE ${where} ORDER BY created_at DESC, id DESC`,
    params,
  )) as Row[];
  return rows.map((r) => ({
    id: r.id,
    electionId: r.election_id,
    title: r.title,
    description: r.description,
    category: r.category,
    severity: r.severity,
    status: r.status,
    marking: r.marking,
    classification: r.classification,
    ownerAgency: r.owner_agency,
    leadAgency: r.lead_agency,
    sharedWith: r.shared_with,
    recipients: r.recipients,
    affectedMunicipalities: r.affected_municipalities,
    platforms: r.platforms,
    evidence: r.evidence,
    disarmTechniques: r.disarm_techniques,
    source: r.source,
    firstSeenAt: r.first_seen_at?.toISOString() ?? null,
    createdBy: r.created_by,
    version: r.version,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  }));
}

export interface AuditItem {
  seq: number;
  action: string;
  entityType: string;
  entityId: string | null;
  actorId: string | null;
  actorAgency: string | null;
  details: Record<string, unknown>;
}

/** The audit events about one record, as the chair (or admin) reads them, newest first. */
export async function auditOf(hub: TestApp, reader: Session, entityId: string): Promise<AuditItem[]> {
  const response = await hub.http().get('/api/audit').set(reader.auth).query({ entityId, limit: '200' });
  if (response.status !== 200) throw new Error(`GET /api/audit: ${response.status} ${JSON.stringify(response.body)}`);
  return (response.body as { items: AuditItem[] }).items;
}

/** Runs `work` over `items` with at most `width` at a time, keeping the order of results. */
export async function inBatches<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += width) {
    results.push(...(await Promise.all(items.slice(i, i + width).map(work))));
  }
  return results;
}
