import { Injectable } from '@nestjs/common';
import type { AuditBreakReason, AuditPage, AuditVerification } from '@verkiezingstafel/domain';
import { DataSource } from 'typeorm';
import { SqlParams } from '../authorization/ability-sql';
import { validationProblem } from '../common/api.errors';
import type { Requester } from '../common/requester';
import { SignalAccessService } from '../signals/signal-access.service';

const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

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
   * see the whole trail.
   */
  async list(requester: Requester, limit: number, before?: number, entityId?: string): Promise<AuditPage> {
    const params = new SqlParams([before ?? null, entityId ?? null, limit + 1]);
    const signalReadable = this.access.readCondition(requester.ability, params);
    const entryReadable = this.access.entryReadCondition(requester.ability, params);
    const uuid = (text: string) => `(CASE WHEN ${text} ~* '${UUID_PATTERN}' THEN (${text})::uuid END)`;
    const rows: AuditRow[] = await this.db.query(
      `SELECT a.seq, a.at, a.actor_id, u.name AS actor_name, a.actor_agency, a.action, a.entity_type, a.entity_id, a.details,
              a.ip, a.request_id, encode(a.hash, 'hex') AS hash
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
        WHERE ($1::bigint IS NULL OR a.seq < $1) AND ($2::text IS NULL OR a.entity_id = $2)
          AND (s.id IS NULL OR ${signalReadable})
          AND (t.id IS NULL OR ${entryReadable})
        ORDER BY a.seq DESC LIMIT $3`,
      params.values,
    );
    const items = rows.slice(0, limit).map((row) => ({
      seq: Number(row.seq),
      at: row.at.toISOString(),
      actorId: row.actor_id,
      actorName: row.actor_name,
      actorAgency: row.actor_agency,
      action: row.action,
      entityType: row.entity_type,
      entityId: row.entity_id,
      details: row.details,
      ip: row.ip,
      requestId: row.request_id,
      hash: row.hash,
    }));
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? String(last.seq) : null };
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
