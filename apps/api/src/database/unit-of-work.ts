import { Injectable } from '@nestjs/common';
import type { DomainEventMap, ServiceEventType } from '@verkiezingstafel/domain';
import { DataSource, type EntityManager } from 'typeorm';
import { storeIdempotentResponse } from '../common/idempotency.interceptor';
import type { Requester } from '../common/requester';

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string | null;
  details?: Record<string, unknown>;
}

/** What a transaction will leave behind besides its rows: audit events and outbox events. */
export class Journal {
  readonly audits: AuditEntry[] = [];
  readonly events: { type: ServiceEventType; data: unknown }[] = [];

  audit(entry: AuditEntry): void {
    this.audits.push(entry);
  }

  emit<K extends ServiceEventType>(type: K, data: DomainEventMap[K]): void {
    this.events.push({ type, data });
  }
}

/**
 * Appends audit events in one statement: inside the caller's transaction, or, given the data
 * source itself, as a transaction of its own. The database numbers and hash-chains each row
 * (its trigger sees the rows inserted before it by the same statement).
 */
export async function writeAudit(
  tx: Pick<EntityManager, 'query'>,
  requester: Requester | null,
  entries: readonly AuditEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  await tx.query(
    `INSERT INTO audit_events (actor_id, actor_agency, action, entity_type, entity_id, details, ip, request_id, prev_hash, hash)
     SELECT $1, $2, e.action, e.entity_type, e.entity_id, e.details, $3, $4, '', ''
       FROM unnest($5::text[], $6::text[], $7::text[], $8::jsonb[]) WITH ORDINALITY AS e(action, entity_type, entity_id, details, n)
      ORDER BY e.n`,
    [
      requester?.user.id ?? null,
      requester?.user.agency.code ?? null,
      requester?.ip ?? null,
      requester?.requestId ?? null,
      entries.map((entry) => entry.action),
      entries.map((entry) => entry.entityType),
      entries.map((entry) => entry.entityId),
      entries.map((entry) => JSON.stringify(entry.details ?? {})),
    ],
  );
}

/**
 * One transaction for one change: the rows, their timeline, the audit events and the outbox
 * events commit together or not at all (architecture.md, path of a write). Audit and outbox
 * rows are written last, under the journal lock, which is then held only until commit.
 */
@Injectable()
export class UnitOfWork {
  constructor(private readonly db: DataSource) {}

  async run<T>(requester: Requester | null, work: (tx: EntityManager, journal: Journal) => Promise<T>): Promise<T> {
    const claim = requester?.idempotency?.stored === false ? requester.idempotency : null;
    const result = await this.db.transaction('READ COMMITTED', async (tx) => {
      const journal = new Journal();
      const answer = await work(tx, journal);
      // The answer of an Idempotency-Key commits with the change, or neither does.
      if (claim) await storeIdempotentResponse(tx, claim, answer);
      await writeAudit(tx, requester, journal.audits);
      for (const event of journal.events) {
        await tx.query(`INSERT INTO outbox_events (position, type, data) VALUES (0, $1, $2::jsonb)`, [
          event.type,
          JSON.stringify(event.data),
        ]);
      }
      return answer;
    });
    if (claim) claim.stored = true;
    return result;
  }
}
