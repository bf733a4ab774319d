import { Injectable } from '@nestjs/common';
import type { AgencyType, Clearance, EvidenceLink, Role, Signal } from '@verkiezingstafel/domain';
import { DataSource, type EntityManager } from 'typeorm';
import type { ColumnMap } from '../authorization/ability-sql';
import { SqlParams } from '../authorization/ability-sql';

/** Anything that runs SQL: the data source, or the manager of a unit of work's transaction. */
export type Queryable = Pick<EntityManager, 'query'>;

/** The columns of `signals s` as a Signal, plus the exact sort key for cursors. */
export const SIGNAL_SELECT = `
  s.id, s.election_id, s.title, s.description, s.category, s.severity, s.status, s.marking, s.classification,
  s.owner_agency, s.lead_agency, s.shared_with, s.recipients::text[] AS recipients, s.affected_municipalities,
  s.platforms, s.evidence, s.disarm_techniques, s.source, s.first_seen_at, s.created_by, s.version,
  s.created_at, s.updated_at,
  to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS sort_at`;

const RETURNING = SIGNAL_SELECT.replace(/\bs\./g, 'signals.');

/** Where the fields used by the rules of libs/domain live in SQL, for `abilityToSql`. */
export const SIGNAL_COLUMNS: ColumnMap = {
  id: { sql: 's.id', type: 'uuid' },
  electionId: { sql: 's.election_id', type: 'uuid' },
  status: { sql: 's.status' },
  ownerAgency: { sql: 's.owner_agency' },
  leadAgency: { sql: 's.lead_agency' },
  marking: { sql: 's.marking' },
  classification: { sql: 's.classification' },
  sharedWith: { sql: 's.shared_with', array: true },
  recipients: { sql: 's.recipients', array: true, type: 'uuid' },
  affectedMunicipalities: { sql: 's.affected_municipalities', array: true },
};

export interface SignalRow {
  id: string;
  election_id: string;
  title: string;
  description: string;
  category: Signal['category'];
  severity: Signal['severity'];
  status: Signal['status'];
  marking: Signal['marking'];
  classification: Signal['classification'];
  owner_agency: string;
  lead_agency: string | null;
  shared_with: string[];
  recipients: string[];
  affected_municipalities: string[];
  platforms: Signal['platforms'];
  evidence: EvidenceLink[];
  disarm_techniques: string[];
  source: string | null;
  first_seen_at: Date | null;
  created_by: string;
  version: number;
  created_at: Date;
  updated_at: Date;
  sort_at: string;
}

export function toSignal(row: SignalRow): Signal {
  return {
    id: row.id,
    electionId: row.election_id,
    title: row.title,
    description: row.description,
    category: row.category,
    severity: row.severity,
    status: row.status,
    marking: row.marking,
    classification: row.classification,
    ownerAgency: row.owner_agency,
    leadAgency: row.lead_agency,
    sharedWith: row.shared_with,
    recipients: row.recipients,
    affectedMunicipalities: row.affected_municipalities,
    platforms: row.platforms,
    evidence: row.evidence,
    disarmTechniques: row.disarm_techniques,
    source: row.source,
    firstSeenAt: row.first_seen_at?.toISOString() ?? null,
    createdBy: row.created_by,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** A page position: the exact sort key (created_at with microseconds, id) of the last row of a page. */
export interface SignalCursor {
  at: string;
  id: string;
}

/** Opaque cursor of a page: the exact sort key (created_at with microseconds, id) of its last row. */
export function encodeCursor(row: Pick<SignalRow, 'sort_at' | 'id'>): string {
  return Buffer.from(JSON.stringify([row.sort_at, row.id])).toString('base64url');
}

const CURSOR_AT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{6})Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The position of a cursor this list issued, or null for anything else. The instant is checked
 * for what PostgreSQL accepts as a timestamptz (a real date and time of the years 1 to 9999; no
 * year 0, no 30 February, no leap second) and the id for a UUID, so that no cursor reaches the
 * database only to be refused there.
 */
export function decodeCursor(cursor: string): SignalCursor | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return null;
  const [at, id] = parsed as unknown[];
  if (typeof at !== 'string' || typeof id !== 'string' || !UUID.test(id)) return null;
  const match = CURSOR_AT.exec(at);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (year < 1) return null;
  const instant = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC reads years 0 to 99 as 1900 to 1999: set the year itself.
  instant.setUTCFullYear(year);
  const exact =
    instant.getUTCFullYear() === year &&
    instant.getUTCMonth() === month - 1 &&
    instant.getUTCDate() === day &&
    instant.getUTCHours() === hour &&
    instant.getUTCMinutes() === minute &&
    instant.getUTCSeconds() === second;
  return exact ? { at, id } : null;
}

/** A signal about to be inserted: every column its author writes, and who owns it. */
export type SignalDraft = Omit<Signal, 'id' | 'status' | 'createdBy' | 'version' | 'createdAt' | 'updatedAt'>;

export interface StatsRow {
  dimension: string;
  key: string | null;
  n: number;
}

/** What the database knows of the references of a signal. */
export interface KnownReferences {
  elections: string[];
  agencies: string[];
  municipalities: string[];
  users: string[];
}

/** An agency or user a change would add to a signal's audience, as the rules need it. */
export interface PotentialReader {
  id: string;
  code: string;
  type: AgencyType;
  roles: Role[];
  clearance: Clearance;
}

/** The signals table: its SQL and its row mapping, and nothing about who may do what. */
@Injectable()
export class SignalsRepository {
  constructor(private readonly db: DataSource) {}

  async find(tx: Queryable, id: string, lock: 'share' | null = null): Promise<Signal | null> {
    const rows: SignalRow[] = await tx.query(
      `SELECT ${SIGNAL_SELECT} FROM signals s WHERE s.id = $1${lock === 'share' ? ' FOR SHARE' : ''}`,
      [id],
    );
    return rows[0] ? toSignal(rows[0]) : null;
  }

  /**
   * One page, newest first: `where` are SQL conditions over `signals s` whose parameters are in
   * `params`; answers up to `limit + 1` rows so the caller knows whether another page follows.
   */
  async page(where: string[], params: SqlParams, limit: number, after: SignalCursor | null): Promise<{ signals: Signal[]; next: string | null }> {
    const conditions = [...where];
    if (after) conditions.push(`(s.created_at, s.id) < (${params.add(after.at, 'timestamptz')}, ${params.add(after.id, 'uuid')})`);
    const rows: SignalRow[] = await this.db.query(
      `SELECT ${SIGNAL_SELECT} FROM signals s WHERE ${conditions.join(' AND ')}
        ORDER BY s.created_at DESC, s.id DESC LIMIT ${params.add(limit + 1)}`,
      params.values,
    );
    const last = rows[Math.min(rows.length, limit) - 1];
    return { signals: rows.slice(0, limit).map(toSignal), next: rows.length > limit && last ? encodeCursor(last) : null };
  }

  /** Counts by status over `readable`, and by category, severity and municipality over `content`. */
  async stats(scope: string, readable: string, content: string, params: SqlParams): Promise<StatsRow[]> {
    return this.db.query(
      `WITH visible AS (
         SELECT s.status, s.category, s.severity, s.affected_municipalities, (${content}) AS content
           FROM signals s WHERE ${scope} AND ${readable}
       )
       SELECT 'status' AS dimension, status AS key, count(*)::int AS n FROM visible GROUP BY status
       UNION ALL SELECT 'category', category, count(*)::int FROM visible WHERE content GROUP BY category
       UNION ALL SELECT 'severity', severity, count(*)::int FROM visible WHERE content GROUP BY severity
       UNION ALL SELECT 'municipality', m, count(*)::int FROM visible, unnest(affected_municipalities) m
                  WHERE content GROUP BY m`,
      params.values,
    );
  }

  async insert(tx: Queryable, draft: SignalDraft, createdBy: string): Promise<Signal> {
    const rows: SignalRow[] = await tx.query(
      `INSERT INTO signals (election_id, title, description, category, severity, marking, classification,
         owner_agency, lead_agency, shared_with, recipients, affected_municipalities, platforms, evidence,
         disarm_techniques, source, first_seen_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::text[], $11::uuid[], $12::text[], $13::text[], $14::jsonb,
         $15::text[], $16, $17::timestamptz, $18)
       RETURNING ${RETURNING}`,
      [
        draft.electionId,
        draft.title,
        draft.description,
        draft.category,
        draft.severity,
        draft.marking,
        draft.classification,
        draft.ownerAgency,
        draft.leadAgency,
        draft.sharedWith,
        draft.recipients,
        draft.affectedMunicipalities,
        draft.platforms,
        JSON.stringify(draft.evidence),
        draft.disarmTechniques,
        draft.source,
        draft.firstSeenAt,
        createdBy,
      ],
    );
    return toSignal(rows[0]!);
  }

  /**
   * `UPDATE ... WHERE version = $2`: the row count, not a loaded entity, decides whether the
   * write was based on the latest version. `params` holds the id and the version as $1 and $2.
   * Null when another write took that version first.
   */
  async updateIfVersion(tx: Queryable, sets: string[], params: SqlParams): Promise<Signal | null> {
    const [rows, count]: [SignalRow[], number] = await tx.query(
      `UPDATE signals SET ${sets.join(', ')}, version = version + 1, updated_at = now()
        WHERE id = $1 AND version = $2
        RETURNING ${RETURNING}`,
      params.values,
    );
    return count === 1 && rows[0] ? toSignal(rows[0]) : null;
  }

  /** A system entry on the signal's timeline: it follows the signal's marking, now and later. */
  async addSystemEntry(
    tx: Queryable,
    signal: Pick<Signal, 'id' | 'marking'>,
    author: { id: string; agency: string },
    data: Record<string, unknown>,
    note = '',
  ): Promise<void> {
    await tx.query(
      `INSERT INTO timeline_entries (signal_id, kind, text, marking, own_marking, author_id, author_agency, data)
       VALUES ($1, 'system', $2, $3, false, $4, $5, $6::jsonb)`,
      [signal.id, note, signal.marking, author.id, author.agency, JSON.stringify(data)],
    );
  }

  /** Which of these references exist: the election, agencies, municipalities and active users. */
  async knownReferences(
    tx: Queryable,
    references: { electionId: string; agencies: string[]; municipalities: string[]; users: string[] },
  ): Promise<KnownReferences> {
    const [known]: KnownReferences[] = await tx.query(
      `SELECT
         ARRAY(SELECT id::text FROM elections WHERE id = $1::uuid) AS elections,
         ARRAY(SELECT code FROM agencies WHERE code = ANY($2::text[])) AS agencies,
         ARRAY(SELECT code FROM agencies WHERE type = 'municipality' AND code = ANY($3::text[])) AS municipalities,
         ARRAY(SELECT id::text FROM users WHERE active AND id = ANY($4::uuid[])) AS users`,
      [references.electionId, references.agencies, references.municipalities, references.users],
    );
    return known!;
  }

  /** The agencies (as any of their cleared liaisons) and users a change would add to an audience. */
  async potentialReaders(tx: Queryable, agencies: string[], users: string[]): Promise<PotentialReader[]> {
    return tx.query(
      `SELECT '' AS id, code, type, ARRAY['liaison']::text[] AS roles, 'DEP_V' AS clearance FROM agencies WHERE code = ANY($1::text[])
       UNION ALL
       SELECT u.id::text, a.code, a.type, u.roles, u.clearance FROM users u JOIN agencies a ON a.code = u.agency_code
        WHERE u.id = ANY($2::uuid[])`,
      [agencies, users],
    );
  }
}
