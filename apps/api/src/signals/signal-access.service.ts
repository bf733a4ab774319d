import { Injectable } from '@nestjs/common';
import {
  type AppAbility,
  canReadSignal,
  isAuditedOnRead,
  type MarkedRecord,
  type RedactedSignal,
  readableSignalFields,
  redactSignal,
  type Signal,
} from '@verkiezingstafel/domain';
import { DataSource } from 'typeorm';
import { abilityToSql, type ColumnMap, type SqlParams } from '../authorization/ability-sql';
import { notFound } from '../common/api.errors';
import type { Requester } from '../common/requester';
import { writeAudit } from '../database/unit-of-work';
import { type Queryable, SIGNAL_COLUMNS, SignalsRepository } from './signals.repository';

/** The parts of a signal that decide who reads it. */
export function audienceOf(signal: Signal): MarkedRecord {
  return {
    ownerAgency: signal.ownerAgency,
    marking: signal.marking,
    classification: signal.classification,
    sharedWith: signal.sharedWith,
    recipients: signal.recipients,
    affectedMunicipalities: signal.affectedMunicipalities,
  };
}

/**
 * `timelineEntryRecord` of libs/domain in SQL, over `timeline_entries t JOIN signals s`: an
 * entry with a marking of its own is judged on it with its author's agency as originator; any
 * other entry as its signal is now. The audience lists and the classification are the signal's.
 */
const TIMELINE_COLUMNS: ColumnMap = {
  ownerAgency: { sql: '(CASE WHEN t.own_marking THEN t.author_agency ELSE s.owner_agency END)' },
  marking: { sql: '(CASE WHEN t.own_marking THEN t.marking ELSE s.marking END)' },
  classification: { sql: 's.classification' },
  sharedWith: { sql: 's.shared_with', array: true },
  recipients: { sql: 's.recipients', array: true, type: 'uuid' },
  affectedMunicipalities: { sql: 's.affected_municipalities', array: true },
  signalOwnerAgency: { sql: 's.owner_agency' },
};

/** Where to look (the transaction of a write, else the data source) and whether to hold the row. */
export interface FindOptions {
  tx?: Queryable;
  lock?: 'share' | null;
}

/**
 * Who may read which signal, asked of libs/domain: the one place where the signals feature and
 * those built on it (timeline, measures, platform reports, audit) find a signal for a reader,
 * turn the reader's ability into SQL, and audit sensitive reads.
 */
@Injectable()
export class SignalAccessService {
  constructor(
    private readonly db: DataSource,
    private readonly signals: SignalsRepository,
  ) {}

  /** The SQL condition "the reader may read this signal" (`s` is `signals`); with `field`: that field of it. */
  readCondition(ability: AppAbility, params: SqlParams, field?: string): string {
    return abilityToSql(ability, 'read', 'Signal', SIGNAL_COLUMNS, params, field);
  }

  /** The SQL condition "the reader may read this timeline entry" (`t` is `timeline_entries`, `s` its signal). */
  entryReadCondition(ability: AppAbility, params: SqlParams): string {
    return abilityToSql(ability, 'read', 'TimelineEntry', TIMELINE_COLUMNS, params);
  }

  /**
   * A signal the requester may read, or a 404 as if it did not exist. `share` holds the row
   * until the transaction ends, for writes that carry the signal's audience in their event (a
   * comment, a measure, a platform report): a marking change cannot commit in between, so the
   * event is judged by the audience the signal has when the event takes its position.
   */
  async findReadable(requester: Requester, id: string, { tx = this.db.manager, lock = null }: FindOptions = {}): Promise<Signal> {
    const signal = await this.signals.find(tx, id, lock);
    if (!signal || !canReadSignal(requester.ability, signal)) throw notFound('signal');
    return signal;
  }

  /** Like `findReadable`, but the content must be readable too (not just metadata, as for admins). */
  async findContentReadable(requester: Requester, id: string, options: FindOptions = {}): Promise<Signal> {
    const signal = await this.findReadable(requester, id, options);
    if (!readableSignalFields(requester.ability, signal).includes('title')) throw notFound('signal');
    return signal;
  }

  /** The signal as the requester may see it; a 404 when it may not see it at all. */
  redact(requester: Requester, signal: Signal): RedactedSignal {
    const redacted = redactSignal(requester.ability, signal);
    if (!redacted) throw notFound('signal');
    return redacted;
  }

  /**
   * Reads of AMBER_STRICT, RED and DEP_V signals are written to the audit trail, wherever they
   * happen (detail, list, timeline, measures, platform reports), before the answer leaves:
   * when the audit cannot be written, the read fails.
   */
  async auditReads(requester: Requester, signals: readonly Signal[], via: string): Promise<void> {
    // One statement, so one transaction of its own.
    await writeAudit(
      this.db,
      requester,
      signals.filter(isAuditedOnRead).map((signal) => ({
        action: 'signal.read',
        entityType: 'signal',
        entityId: signal.id,
        details: { marking: signal.marking, classification: signal.classification, via },
      })),
    );
  }
}
