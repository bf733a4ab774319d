import { Injectable } from '@nestjs/common';
import { type Measure, measureSubject, signalSubject } from '@verkiezingstafel/domain';
import { DataSource, type EntityManager } from 'typeorm';
import { notFound, ProblemException, validationProblem } from '../common/problem.exception';
import type { Requester } from '../common/requester';
import { UnitOfWork } from '../database/unit-of-work';
import type { CreateMeasureDto, UpdateMeasureDto } from './dto/timeline.dto';
import { SignalsService } from './signals.service';

interface MeasureRow {
  id: string;
  signal_id: string;
  owner_agency: string;
  description: string;
  due_date: string | null;
  due_milestone: string | null;
  due_on: string | null;
  overdue: boolean;
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

@Injectable()
export class MeasuresService {
  constructor(
    private readonly db: DataSource,
    private readonly signals: SignalsService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async list(requester: Requester, signalId: string): Promise<Measure[]> {
    const signal = await this.signals.findContentReadable(this.db.manager, requester, signalId);
    await this.signals.auditReads(requester, [signal], 'measures');
    return this.load(this.db.manager, 'm.signal_id = $1', [signalId]);
  }

  async create(requester: Requester, signalId: string, input: CreateMeasureDto): Promise<Measure> {
    if (input.dueDate !== undefined && input.dueMilestone !== undefined) {
      throw validationProblem([{ field: 'dueMilestone', message: 'give a due date or a milestone, not both' }]);
    }
    return this.unitOfWork.run(requester, async (tx, journal) => {
      const signal = await this.signals.findReadable(tx, requester, signalId, 'share');
      if (!requester.ability.can('add_measure', signalSubject(signal))) {
        throw new ProblemException(403, { code: 'forbidden', detail: 'Measures are set by the chair and the lead agency.' });
      }
      const agencies: unknown[] = await tx.query(`SELECT 1 FROM agencies WHERE code = $1`, [input.ownerAgency]);
      if (agencies.length === 0) throw validationProblem([{ field: 'ownerAgency', message: `no agency ${input.ownerAgency}` }]);
      const [{ id }]: { id: string }[] = await tx.query(
        `INSERT INTO measures (signal_id, owner_agency, description, due_date, due_milestone, created_by)
         VALUES ($1, $2, $3, $4::date, $5, $6) RETURNING id`,
        [signalId, input.ownerAgency, input.description, input.dueDate ?? null, input.dueMilestone ?? null, requester.user.id],
      );
      const [measure] = await this.load(tx, 'm.id = $1', [id]);
      journal.audit({ action: 'measure.create', entityType: 'measure', entityId: id, details: { signalId, ownerAgency: input.ownerAgency } });
      journal.emit('measure.changed', { measure: measure!, signal });
      return measure!;
    });
  }

  async update(requester: Requester, id: string, input: UpdateMeasureDto): Promise<Measure> {
    return this.unitOfWork.run(requester, async (tx, journal) => {
      const [current] = await this.load(tx, 'm.id = $1', [id]);
      if (!current) throw notFound('measure');
      const signal = await this.signals.findReadable(tx, requester, current.signalId, 'share').catch(() => {
        throw notFound('measure');
      });
      if (!requester.ability.can('update', measureSubject({ ...current }))) {
        throw new ProblemException(403, { code: 'forbidden', detail: 'A measure is updated by its owner agency and the chair.' });
      }
      if (current.version !== input.version) {
        throw new ProblemException(409, { code: 'version_conflict', detail: 'The measure changed since you loaded it.', current, errors: [{ field: 'version', message: `stale version ${input.version}; current is ${current.version}` }] });
      }
      const dueDate = input.dueDate === undefined ? current.dueDate : input.dueDate;
      const dueMilestone = input.dueMilestone === undefined ? current.dueMilestone : input.dueMilestone;
      if (dueDate !== null && dueMilestone !== null) {
        throw validationProblem([{ field: 'dueMilestone', message: 'give a due date or a milestone, not both' }]);
      }
      const [, count]: [unknown, number] = await tx.query(
        `UPDATE measures SET status = $3, description = $4, due_date = $5::date, due_milestone = $6,
                version = version + 1, updated_at = now()
          WHERE id = $1 AND version = $2`,
        [id, input.version, input.status ?? current.status, input.description ?? current.description, dueDate, dueMilestone],
      );
      const [measure] = await this.load(tx, 'm.id = $1', [id]);
      if (count !== 1) {
        throw new ProblemException(409, { code: 'version_conflict', detail: 'The measure changed since you loaded it.', current: measure });
      }
      journal.audit({ action: 'measure.update', entityType: 'measure', entityId: id, details: { signalId: signal.id, status: measure!.status } });
      journal.emit('measure.changed', { measure: measure!, signal });
      return measure!;
    });
  }

  private async load(tx: Pick<EntityManager, 'query'>, where: string, params: unknown[]): Promise<Measure[]> {
    const rows: MeasureRow[] = await tx.query(
      `SELECT ${MEASURE_SELECT}, false AS overdue FROM measures m JOIN signals sig ON sig.id = m.signal_id
        WHERE ${where} ORDER BY m.created_at, m.id`,
      params,
    );
    return rows.map(toMeasure);
  }
}
