import type { ColumnMap } from '../authorization/ability-sql';
import type { EvidenceLink, Signal } from '@verkiezingstafel/domain';

/** The columns of `signals s` as a Signal, plus the exact sort key for cursors. */
export const SIGNAL_SELECT = `
  s.id, s.election_id, s.title, s.description, s.category, s.severity, s.status, s.marking, s.classification,
  s.owner_agency, s.lead_agency, s.shared_with, s.recipients::text[] AS recipients, s.affected_municipalities,
  s.platforms, s.evidence, s.disarm_techniques, s.source, s.first_seen_at, s.created_by, s.version,
  s.created_at, s.updated_at,
  to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS sort_at`;

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

/** Opaque cursor of a page: the exact sort key (created_at with microseconds, id) of its last row. */
export function encodeCursor(row: Pick<SignalRow, 'sort_at' | 'id'>): string {
  return Buffer.from(JSON.stringify([row.sort_at, row.id])).toString('base64url');
}

export function decodeCursor(cursor: string): { at: string; id: string } | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === 'string' &&
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(parsed[0]) &&
      typeof parsed[1] === 'string' &&
      /^[0-9a-f-]{36}$/.test(parsed[1])
    ) {
      // The shape is right; the values must be a real instant and a real UUID, or the
      // database would refuse them with a 500 instead of a 400.
      const at = parsed[0];
      const millis = Date.parse(at);
      if (Number.isNaN(millis) || new Date(millis).toISOString().slice(0, 19) !== at.slice(0, 19)) return null;
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(parsed[1])) return null;
      return { at, id: parsed[1] };
    }
  } catch {
    return null;
  }
  return null;
}
