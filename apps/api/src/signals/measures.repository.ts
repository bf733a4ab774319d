import { Injectable } from '@nestjs/common';
import type { Measure } from '@verkiezingstafel/domain';
import { DataSource } from 'typeorm';
import type { Queryable } from './signals.repository';

interface MeasureRow {
  id: string;
  signal_id: string;
  owner_agency: string;
  description: string;
  due_date: string | null;
  due_milestone: string | null;
  due_on: string | null;
  status: Measure['status'];
  version: number;
  created_at: Date;
  updated_at: Date;
}

/** A measure's due date is its own, or its election milestone's; open and past it is overdue. */
const MEASURE_SELECT = `
  m.id, m.signal_id, m.owner_agency, m.description, to_char(m.due_date, 'YYYY-MM-DD') AS due_date, m.due_milestone,
  to_char(coalesce(m.due_date, (SELECT (ms->>'date')::date FROM elections e, jsonb_array_elements(e.milestones) ms
     WHERE e.id = sig.election_id AND ms->>'code' = m.due_milestone LIMIT 1)), 'YYYY-MM-DD') AS due_on,
  m.status, m.version, m.created_at, m.updated_at`;

function toMeasure(row: MeasureRow): Measure {
  return {
    id: row.id,
    signalId: row.signal_id,
    ownerAgency: row.owner_agency,
    description: row.description,
    dueDate: row.due_date,
    dueMilestone: row.due_milestone,
    dueOn: row.due_on,
    overdue: row.status === 'open' && row.due_on !== null && row.due_on < new Date().toISOString().slice(0, 10),
    status: row.status,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export interface MeasureChange {
  status: Measure['status'];
  description: string;
  dueDate: string | null;
  dueMilestone: string | null;
}

/** The measures table: its SQL and its row mapping. */
@Injectable()
export class MeasuresRepository {
  constructor(private readonly db: DataSource) {}

  async find(tx: Queryable, id: string): Promise<Measure | null> {
    const [measure] = await this.load(tx, 'm.id = $1', [id]);
    return measure ?? null;
  }

  listOf(signalId: string, tx: Queryable = this.db.manager): Promise<Measure[]> {
    return this.load(tx, 'm.signal_id = $1', [signalId]);
  }

  async agencyExists(tx: Queryable, code: string): Promise<boolean> {
    const rows: unknown[] = await tx.query(`SELECT 1 FROM agencies WHERE code = $1`, [code]);
    return rows.length > 0;
  }

  async insert(
    tx: Queryable,
    measure: { signalId: string; ownerAgency: string; description: string; dueDate: string | null; dueMilestone: string | null },
    createdBy: string,
  ): Promise<Measure> {
    const [{ id }]: { id: string }[] = await tx.query(
      `INSERT INTO measures (signal_id, owner_agency, description, due_date, due_milestone, created_by)
       VALUES ($1, $2, $3, $4::date, $5, $6) RETURNING id`,
      [measure.signalId, measure.ownerAgency, measure.description, measure.dueDate, measure.dueMilestone, createdBy],
    );
    return (await this.find(tx, id))!;
  }

  /** The update, if the measure is still at `version`; null when another write took it first. */
  async updateIfVersion(tx: Queryable, id: string, version: number, change: MeasureChange): Promise<Measure | null> {
    const [, count]: [unknown, number] = await tx.query(
      `UPDATE measures SET status = $3, description = $4, due_date = $5::date, due_milestone = $6,
              version = version + 1, updated_at = now()
        WHERE id = $1 AND version = $2`,
      [id, version, change.status, change.description, change.dueDate, change.dueMilestone],
    );
    return count === 1 ? this.find(tx, id) : null;
  }

  private async load(tx: Queryable, where: string, params: unknown[]): Promise<Measure[]> {
    const rows: MeasureRow[] = await tx.query(
      `SELECT ${MEASURE_SELECT} FROM measures m JOIN signals sig ON sig.id = m.signal_id
        WHERE ${where} ORDER BY m.created_at, m.id`,
      params,
    );
    return rows.map(toMeasure);
  }
}
