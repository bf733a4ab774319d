import { Inject, Injectable } from '@nestjs/common';
import type { MailDelivery, MailState } from '@verkiezingstafel/domain';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { sealSecret } from '../auth/auth.crypto';
import { CLOCK, type Clock } from '../common/clock';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { RUNTIME, type Runtime } from '../config/runtime';
import type { OutgoingMail } from './mail.types';

type Queryable = Pick<EntityManager, 'query'>;

/** A header value may not start a new header line. */
const LINE_BREAK = /[\r\n]/;

interface DeliveryRow {
  ref_id: string;
  to_address: string;
  status: MailState;
  attempts: number;
  last_error: string | null;
  sent_at: Date | null;
}

/** The domain of the sender's address: where the Message-IDs of the hub's mail come from. */
export function senderDomain(mailFrom: string): string {
  const match = /@([^\s<>@]+)>?$/.exec(mailFrom.trim());
  return match?.[1] ?? 'localhost';
}

/**
 * The way into the mail queue for every feature (invitations, alerts, reminders). A mail is
 * queued in the caller's transaction, so it exists exactly when the change it belongs to
 * commits; the mail worker sends it afterwards, once.
 */
@Injectable()
export class MailService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Queues a mail inside `tx` (a `UnitOfWork` transaction); returns its id. */
  async enqueue(tx: Queryable, mail: OutgoingMail): Promise<string> {
    if (LINE_BREAK.test(mail.to) || LINE_BREAK.test(mail.subject)) throw new Error('A mail address or subject holds a line break');
    const id = randomUUID();
    const now = this.clock.now();
    await tx.query(
      `INSERT INTO mails (id, message_id, kind, ref_type, ref_id, to_address, subject, body, next_attempt_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`,
      [
        id,
        `<${id}@${senderDomain(this.config.mailFrom)}>`,
        mail.kind,
        mail.ref?.type ?? null,
        mail.ref?.id ?? null,
        mail.to,
        mail.subject,
        sealSecret(this.runtime.sessionSecret, mail.text, 'mail-body-at-rest'),
        now,
      ],
    );
    return id;
  }

  /** The mails about these records (`ref`), per record, oldest first: state, attempts, last error. */
  async deliveries(tx: Queryable, refType: string, refIds: readonly string[]): Promise<Map<string, MailDelivery[]>> {
    const result = new Map<string, MailDelivery[]>();
    if (refIds.length === 0) return result;
    const rows: DeliveryRow[] = await tx.query(
      `SELECT ref_id, to_address, status, attempts, last_error, sent_at FROM mails
        WHERE ref_type = $1 AND ref_id = ANY($2::text[]) ORDER BY created_at, id`,
      [refType, refIds],
    );
    for (const row of rows) {
      const list = result.get(row.ref_id) ?? [];
      list.push({
        to: row.to_address,
        status: row.status,
        attempts: row.attempts,
        lastError: row.last_error,
        sentAt: row.sent_at?.toISOString() ?? null,
      });
      result.set(row.ref_id, list);
    }
    return result;
  }
}
