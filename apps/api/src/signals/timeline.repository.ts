import { Injectable } from '@nestjs/common';
import type { TimelineEntry } from '@verkiezingstafel/domain';
import { DataSource } from 'typeorm';
import type { SqlParams } from '../authorization/ability-sql';
import type { Queryable } from './signals.repository';

interface TimelineRow {
  id: string;
  signal_id: string;
  kind: TimelineEntry['kind'];
  text: string;
  marking: TimelineEntry['marking'];
  own_marking: boolean;
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
    ownMarking: row.own_marking,
    authorId: row.author_id,
    authorName: row.author_name,
    authorAgency: row.author_agency,
    data: row.data,
    createdAt: row.created_at.toISOString(),
  };
}

export interface NewTimelineEntry {
  signalId: string;
  kind: 'comment' | 'assessment';
  text: string;
  marking: TimelineEntry['marking'];
  ownMarking: boolean;
  author: { id: string; name: string; agency: string };
}

/** The timeline_entries table (append-only): its SQL and its row mapping. */
@Injectable()
export class TimelineRepository {
  constructor(private readonly db: DataSource) {}

  /** The entries of a signal that pass `visible` (over `t` and its signal `s`; parameters in `params`, the signal id first), oldest first. */
  async listOf(visible: string, params: SqlParams): Promise<TimelineEntry[]> {
    const rows: TimelineRow[] = await this.db.query(
      `SELECT t.id, t.signal_id, t.kind, t.text, t.marking, t.own_marking, t.author_id, u.name AS author_name,
              t.author_agency, t.data, t.created_at
         FROM timeline_entries t JOIN signals s ON s.id = t.signal_id JOIN users u ON u.id = t.author_id
        WHERE t.signal_id = $1 AND ${visible}
        ORDER BY t.created_at, t.id`,
      params.values,
    );
    return rows.map(toEntry);
  }

  async insert(tx: Queryable, entry: NewTimelineEntry): Promise<TimelineEntry> {
    const [row]: TimelineRow[] = await tx.query(
      `INSERT INTO timeline_entries (signal_id, kind, text, marking, own_marking, author_id, author_agency)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       RETURNING id, signal_id, kind, text, marking, own_marking, author_id, $8::text AS author_name, author_agency, data, created_at`,
      [entry.signalId, entry.kind, entry.text, entry.marking, entry.ownMarking, entry.author.id, entry.author.agency, entry.author.name],
    );
    return toEntry(row!);
  }
}
