import { Injectable } from '@nestjs/common';
import type { AuditBreakReason, AuditPage, AuditVerification } from '@verkiezingstafel/domain';
import { DataSource } from 'typeorm';
import { SqlParams } from '../authorization/ability-sql';
import { validationProblem } from '../common/problem.exception';
import type { Requester } from '../common/requester';
import { SignalsService } from '../signals/signals.service';

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
    private readonly signals: SignalsService,
  ) {}

  /**
   * Newest first; `before` is the `seq` of the last event of the previous page. Events about a
   * signal (or a measure or platform report of one) the reader may not read are withheld: that
   * signal does not exist for the reader (visibility.md rule 6). Administrators read every
   * signal's metadata, so they see the whole trail.
   */
  async list(requester: Requester, limit: number, before?: number, entityId?: string): Promise<AuditPage> {
    const params = new SqlParams([before ?? null, entityId ?? null, limit + 1]);
    const readable = this.signals.readCondition(requester.ability, params);
    const rows: AuditRow[] = await this.db.query(
      `SELECT a.seq, a.at, a.actor_id, u.name AS actor_name, a.actor_agency, a.action, a.entity_type, a.entity_id, a.details,
              a.ip, a.request_id, encode(a.hash, 'hex') AS hash
         FROM audit_events a
         LEFT JOIN users u ON u.id = a.actor_id
         LEFT JOIN signals s ON s.id = (
           SELECT CASE WHEN ref ~ '^[0-9a-fA-F-]{36}$' THEN ref::uuid END
             FROM (SELECT CASE WHEN a.entity_type = 'signal' THEN a.entity_id ELSE a.details ->> 'signalId' END AS ref) r)
        WHERE ($1::bigint IS NULL OR a.seq < $1) AND ($2::text IS NULL OR a.entity_id = $2)
          AND (s.id IS NULL OR ${readable})
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
    if (!/^\d{1,18}$/.test(cursor)) throw validationProblem([{ field: 'cursor', message: 'cursor is not a cursor of this list' }]);
    return Number(cursor);
  }
}
