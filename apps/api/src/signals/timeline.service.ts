import { Injectable } from '@nestjs/common';
import { MARKINGS, redactTimelineEntry, type Signal, type TimelineEntry } from '@verkiezingstafel/domain';
import { DataSource } from 'typeorm';
import { abilityToSql, type ColumnMap, SqlParams } from '../authorization/ability-sql';
import type { Requester } from '../common/requester';
import { UnitOfWork } from '../database/unit-of-work';
import type { CreateTimelineEntryDto } from './dto/timeline.dto';
import { audienceOf, SignalsService } from './signals.service';

/** `redactTimelineEntry`'s `isJudgedOnItsOwn` in SQL: the entry's marking is stricter than its signal's. */
const RANK = (column: string) => `array_position(ARRAY[${MARKINGS.map((m) => `'${m}'`).join(', ')}]::text[], ${column})`;
const OWN = `${RANK('t.marking')} > ${RANK('s.marking')}`;

/** A stricter entry is judged on its own marking with its author's agency as originator; any other as its signal. */
const TIMELINE_COLUMNS: ColumnMap = {
  ownerAgency: { sql: `(CASE WHEN ${OWN} THEN t.author_agency ELSE s.owner_agency END)` },
  marking: { sql: `(CASE WHEN ${OWN} THEN t.marking ELSE s.marking END)` },
  classification: { sql: 's.classification' },
  sharedWith: { sql: 's.shared_with', array: true },
  recipients: { sql: 's.recipients', array: true, type: 'uuid' },
  affectedMunicipalities: { sql: 's.affected_municipalities', array: true },
};

interface TimelineRow {
  id: string;
  signal_id: string;
  kind: TimelineEntry['kind'];
  text: string;
  marking: TimelineEntry['marking'];
  author_id: string;
  author_name: string;
  author_agency: string;
  data: Record<string, unknown> | null;
  created_at: Date;
}

function toEntry(row: TimelineRow): TimelineEntry {
  return {
    id: row.id,
    signalId: row.signal_id,
    kind: row.kind,
    text: row.text,
    marking: row.marking,
    authorId: row.author_id,
    authorName: row.author_name,
    authorAgency: row.author_agency,
    data: row.data,
    createdAt: row.created_at.toISOString(),
  };
}

export type RedactedTimelineEntry = Partial<TimelineEntry> & { id: string };

@Injectable()
export class TimelineService {
  constructor(
    private readonly db: DataSource,
    private readonly signals: SignalsService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async list(requester: Requester, signalId: string): Promise<RedactedTimelineEntry[]> {
    const signal = await this.signals.findReadable(this.db.manager, requester, signalId);
    await this.signals.auditReads(requester, [signal], 'timeline');
    const params = new SqlParams([signalId]);
    const visible = abilityToSql(requester.ability, 'read', 'TimelineEntry', TIMELINE_COLUMNS, params);
    const rows: TimelineRow[] = await this.db.query(
      `SELECT t.id, t.signal_id, t.kind, t.text, t.marking, t.author_id, u.name AS author_name, t.author_agency,
              t.data, t.created_at
         FROM timeline_entries t JOIN signals s ON s.id = t.signal_id JOIN users u ON u.id = t.author_id
        WHERE t.signal_id = $1 AND ${visible}
        ORDER BY t.created_at, t.id`,
      params.values,
    );
    return rows
      .map((row) => redactTimelineEntry(requester.ability, toEntry(row), audienceOf(signal)))
      .filter((entry): entry is RedactedTimelineEntry => entry !== null);
  }

  async add(requester: Requester, signalId: string, input: CreateTimelineEntryDto): Promise<RedactedTimelineEntry> {
    return this.unitOfWork.run(requester, async (tx, journal) => {
      const signal: Signal = await this.signals.findReadable(tx, requester, signalId, 'share');
      this.signals.assertMayComment(requester, signal);
      const marking = input.marking ?? signal.marking;
      this.signals.assertEntryMarking(signal, marking);
      const [row]: TimelineRow[] = await tx.query(
        `INSERT INTO timeline_entries (signal_id, kind, text, marking, author_id, author_agency)
         VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING id, signal_id, kind, text, marking, author_id, $7::text AS author_name, author_agency, data, created_at`,
        [signalId, input.kind ?? 'comment', input.text, marking, requester.user.id, requester.user.agency.code, requester.user.name],
      );
      const entry = toEntry(row!);
      journal.audit({ action: 'timeline.add', entityType: 'signal', entityId: signalId, details: { entryId: entry.id, kind: entry.kind, marking } });
      journal.emit('timeline.added', { entry, signal });
      const redacted = redactTimelineEntry(requester.ability, entry, audienceOf(signal));
      return redacted ?? { id: entry.id };
    });
  }
}
