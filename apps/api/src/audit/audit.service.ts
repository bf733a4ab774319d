import { Injectable } from '@nestjs/common';
import {
  auditActionsOf,
  auditActionWords,
  auditKindOf,
  type AuditBreakReason,
  type AuditEvent,
  type AuditKind,
  type AuditPage,
  type AuditRecord,
  type AuditVerification,
  type Marking,
} from '@verkiezingstafel/domain';
import { DataSource } from 'typeorm';
import { SqlParams } from '../authorization/ability-sql';
import { validationProblem } from '../common/api.errors';
import { type CsvCell, toCsv } from '../common/csv';
import type { Requester } from '../common/requester';
import { writeAudit } from '../database/unit-of-work';
import { SignalAccessService } from '../signals/signal-access.service';

const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

/** The most events one CSV export carries; a narrower filter gives the rest. */
export const AUDIT_EXPORT_LIMIT = 10_000;

/** What the audit trail may be narrowed to (all optional; together they combine with AND). */
export interface AuditFilter {
  kind?: AuditKind;
  action?: string;
  /** Part of the actor's name. */
  actor?: string;
  /** The agency the actor acted for. */
  agency?: string;
  entityType?: string;
  entityId?: string;
  /** From this instant on (inclusive). */
  from?: string;
  /** Before this instant (exclusive). */
  to?: string;
}

interface AuditRow {
  seq: string;
  at: Date;
  actor_id: string | null;
  actor_name: string | null;
  actor_agency: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  details: Record<string, unknown>;
  ip: string | null;
  request_id: string | null;
  hash: string;
  signal_id: string | null;
  signal_title: string | null;
  signal_marking: Marking | null;
  election_title: string | null;
  user_name: string | null;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

@Injectable()
export class AuditService {
  constructor(
    private readonly db: DataSource,
    private readonly access: SignalAccessService,
  ) {}

  /**
   * Newest first; `before` is the `seq` of the last event of the previous page. Each event is
   * judged by the record it is about (visibility.md rule 6): an event about a signal, or about a
   * measure or platform report of one, is withheld where the reader may not read that signal; an
   * event about a timeline entry also where the reader may not read that entry (an entry with a
   * marking of its own is judged on it). Administrators read every record's metadata, so they
   * see the whole trail. The record is named by its title only where the reader reads that
   * content (an administrator sees the marking instead).
   */
  async list(requester: Requester, limit: number, before?: number, filter: AuditFilter = {}): Promise<AuditPage> {
    const rows = await this.query(requester, limit + 1, before, filter);
    const items = rows.slice(0, limit).map((row) => this.toEvent(requester, row));
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? String(last.seq) : null };
  }

  /**
   * The events the reader sees under `filter`, newest first, as CSV (at most
   * {@link AUDIT_EXPORT_LIMIT}); the export itself is audited.
   */
  async exportCsv(requester: Requester, filter: AuditFilter, language: 'nl' | 'en'): Promise<string> {
    const rows = await this.query(requester, AUDIT_EXPORT_LIMIT, undefined, filter);
    await writeAudit(this.db, requester, [
      { action: 'audit.export', entityType: 'audit', entityId: null, details: { filter: { ...filter }, rows: rows.length } },
    ]);
    const header =
      language === 'nl'
        ? ['Volgnummer', 'Tijdstip (UTC)', 'Soort', 'Handeling', 'Door', 'Namens', 'Soort record', 'Record', 'Titel', 'Markering', 'Details', 'IP-adres']
        : ['Sequence', 'Time (UTC)', 'Kind', 'Action', 'By', 'On behalf of', 'Record type', 'Record', 'Title', 'Marking', 'Details', 'IP address'];
    const kindWords = { nl: { change: 'wijziging', read: 'inzage' }, en: { change: 'change', read: 'read' } }[language];
    const lines: CsvCell[][] = rows.map((row) => {
      const event = this.toEvent(requester, row);
      return [
        event.seq,
        event.at,
        kindWords[event.kind],
        auditActionWords(event.action, language),
        event.actorName,
        event.actorAgency,
        event.entityType,
        event.entityId,
        event.record?.title ?? null,
        event.record?.marking ?? null,
        JSON.stringify(event.details),
        event.ip,
      ];
    });
    return toCsv(header, lines);
  }

  private async query(requester: Requester, limit: number, before: number | undefined, filter: AuditFilter): Promise<AuditRow[]> {
    const params = new SqlParams();
    const signalReadable = this.access.readCondition(requester.ability, params);
    const titleReadable = this.access.readCondition(requester.ability, params, 'title');
    const entryReadable = this.access.entryReadCondition(requester.ability, params);
    const where: string[] = [`(s.id IS NULL OR ${signalReadable})`, `(t.id IS NULL OR ${entryReadable})`];
    if (before !== undefined) where.push(`a.seq < ${params.add(before, 'bigint')}`);
    if (filter.kind) {
      const reads = params.add(auditActionsOf('read'), 'text[]');
      where.push(filter.kind === 'read' ? `a.action = ANY(${reads})` : `NOT (a.action = ANY(${reads}))`);
    }
    if (filter.action) where.push(`a.action = ${params.add(filter.action)}`);
    if (filter.actor) where.push(`u.name ILIKE ${params.add(`%${escapeLike(filter.actor)}%`)}`);
    if (filter.agency) where.push(`a.actor_agency = ${params.add(filter.agency)}`);
    if (filter.entityType) where.push(`a.entity_type = ${params.add(filter.entityType)}`);
    if (filter.entityId) {
      // "Events about this record": the record itself, and for a signal also its measures,
      // platform reports and timeline entries.
      const id = params.add(filter.entityId);
      where.push(`(a.entity_id = ${id} OR about.signal_id::text = ${id})`);
    }
    if (filter.from) where.push(`a.at >= ${params.add(filter.from, 'timestamptz')}`);
    if (filter.to) where.push(`a.at < ${params.add(filter.to, 'timestamptz')}`);
    const uuid = (text: string) => `(CASE WHEN ${text} ~* '${UUID_PATTERN}' THEN (${text})::uuid END)`;
    return this.db.query(
      `SELECT a.seq, a.at, a.actor_id, u.name AS actor_name, a.actor_agency, a.action, a.entity_type, a.entity_id, a.details,
              a.ip, a.request_id, encode(a.hash, 'hex') AS hash,
              s.id AS signal_id, CASE WHEN s.id IS NOT NULL AND ${titleReadable} THEN s.title END AS signal_title,
              s.marking AS signal_marking,
              CASE WHEN a.entity_type = 'election' THEN (SELECT e.code || ' ' || e.name FROM elections e WHERE e.id = ${uuid('a.entity_id')}) END
                AS election_title,
              CASE WHEN a.entity_type = 'user' THEN (SELECT ru.name FROM users ru WHERE ru.id = ${uuid('a.entity_id')}) END AS user_name
         FROM audit_events a
         LEFT JOIN users u ON u.id = a.actor_id
         LEFT JOIN LATERAL (
           SELECT CASE a.entity_type
                    WHEN 'signal' THEN ${uuid('a.entity_id')}
                    WHEN 'measure' THEN (SELECT m.signal_id FROM measures m WHERE m.id = ${uuid('a.entity_id')})
                    WHEN 'platform_report' THEN (SELECT p.signal_id FROM platform_reports p WHERE p.id = ${uuid('a.entity_id')})
                    ELSE ${uuid("a.details ->> 'signalId'")}
                  END AS signal_id,
                  ${uuid("a.details ->> 'entryId'")} AS entry_id
         ) about ON true
         LEFT JOIN signals s ON s.id = about.signal_id
         LEFT JOIN timeline_entries t ON t.id = about.entry_id AND t.signal_id = s.id
        WHERE ${where.join(' AND ')}
        ORDER BY a.seq DESC LIMIT ${params.add(limit)}`,
      params.values,
    );
  }

  private toEvent(requester: Requester, row: AuditRow): AuditEvent {
    return {
      seq: Number(row.seq),
      at: row.at.toISOString(),
      actorId: row.actor_id,
      actorName: row.actor_name,
      actorAgency: row.actor_agency,
      action: row.action,
      entityType: row.entity_type,
      entityId: row.entity_id,
      details: row.details,
      kind: auditKindOf(row.action),
      record: this.recordOf(requester, row),
      ip: row.ip,
      requestId: row.request_id,
      hash: row.hash,
    };
  }

  /** The record an event is about, named as far as the reader may know it, with where to open it. */
  private recordOf(requester: Requester, row: AuditRow): AuditRecord | null {
    if (row.entity_id === null) return null;
    if (row.signal_id !== null) {
      return {
        type: row.entity_type,
        id: row.entity_id,
        title: row.signal_title,
        marking: row.signal_marking,
        signalId: row.signal_id,
        // The signal page shows what this reader may read of it; only readers of its content open it.
        path: row.signal_title !== null ? `/signalen/${row.signal_id}` : null,
      };
    }
    if (row.entity_type === 'election') {
      return { type: 'election', id: row.entity_id, title: row.election_title, marking: null, signalId: null, path: '/verkiezingen' };
    }
    if (row.entity_type === 'user') {
      const administers = requester.ability.can('read', 'User');
      return {
        type: 'user',
        id: row.entity_id,
        title: row.user_name,
        marking: null,
        signalId: null,
        path: administers && row.user_name !== null ? `/beheer/gebruikers/${row.entity_id}` : null,
      };
    }
    return { type: row.entity_type, id: row.entity_id, title: null, marking: null, signalId: null, path: null };
  }

  /**
   * Recomputes the chain: each row's hash over its predecessor's hash and its own content,
   * each link to the row before, and the numbering without holes. Names the first break.
   */
  async verify(): Promise<AuditVerification> {
    const [result]: { checked: number; seq: string | null; reason: AuditBreakReason }[] = await this.db.query(
      `WITH chain AS (
           SELECT seq,
                  hash = sha256(prev_hash || audit_payload(a)) AS hash_ok,
                  prev_hash = coalesce(lag(hash) OVER w, '\\x0000000000000000000000000000000000000000000000000000000000000000'::bytea) AS link_ok,
                  row_number() OVER w AS expected
             FROM audit_events a
           WINDOW w AS (ORDER BY seq)
         )
         SELECT (SELECT count(*)::int FROM chain) AS checked, broken.seq, broken.reason
           FROM (SELECT 1) one
           LEFT JOIN LATERAL (
             SELECT CASE WHEN seq <> expected THEN expected ELSE seq END AS seq,
                    CASE WHEN seq <> expected THEN 'missing_row' WHEN NOT hash_ok THEN 'hash_mismatch' ELSE 'broken_link' END AS reason
               FROM chain WHERE NOT (hash_ok AND link_ok AND seq = expected) ORDER BY chain.seq LIMIT 1
           ) broken ON true`,
    );
    const checked = result?.checked ?? 0;
    if (!result || result.seq === null) return { ok: true, checked, firstBroken: null };
    return { ok: false, checked, firstBroken: { seq: Number(result.seq), reason: result.reason } };
  }

  parseCursor(cursor: string | undefined): number | undefined {
    if (cursor === undefined) return undefined;
    if (!/^\d{1,18}$/.test(cursor)) throw validationProblem([{ field: 'cursor', code: 'invalid_cursor', message: 'cursor is not a cursor of this list' }]);
    return Number(cursor);
  }
}
