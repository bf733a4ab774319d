import { Injectable } from '@nestjs/common';
import type { Election } from '@verkiezingstafel/domain';
import { DataSource, type EntityManager } from 'typeorm';
import { notFound, validationProblem } from '../common/api.errors';
import type { Requester } from '../common/requester';
import { UnitOfWork } from '../database/unit-of-work';
import type { CreateElectionDto } from './dto/create-election.dto';
import { ElectionError, electionProblem } from './elections.errors';

interface ElectionRow {
  id: string;
  code: string;
  name: string;
  type: Election['type'];
  election_day: string;
  phase: Election['phase'];
  exercise: boolean;
  milestones: Election['milestones'];
  municipalities: string[];
  version: number;
  created_at: Date;
  updated_at: Date;
}

const ELECTION_SELECT = `
  e.id, e.code, e.name, e.type, to_char(e.election_day, 'YYYY-MM-DD') AS election_day, e.phase, e.exercise,
  e.milestones, ARRAY(SELECT agency_code FROM election_municipalities em WHERE em.election_id = e.id ORDER BY 1) AS municipalities,
  e.version, e.created_at, e.updated_at`;

function toElection(row: ElectionRow): Election {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    type: row.type,
    electionDay: row.election_day,
    phase: row.phase,
    exercise: row.exercise,
    milestones: row.milestones,
    municipalities: row.municipalities,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

@Injectable()
export class ElectionsService {
  constructor(
    private readonly db: DataSource,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async list(): Promise<Election[]> {
    const rows: ElectionRow[] = await this.db.query(`SELECT ${ELECTION_SELECT} FROM elections e ORDER BY e.election_day DESC, e.code`);
    return rows.map(toElection);
  }

  async get(id: string, tx: Pick<EntityManager, 'query'> = this.db.manager): Promise<Election> {
    const rows: ElectionRow[] = await tx.query(`SELECT ${ELECTION_SELECT} FROM elections e WHERE e.id = $1`, [id]);
    if (!rows[0]) throw notFound('election');
    return toElection(rows[0]);
  }

  async create(requester: Requester, input: CreateElectionDto): Promise<Election> {
    const codes = (input.milestones ?? []).map((m) => m.code);
    const repeated = codes.findIndex((code, i) => codes.indexOf(code) !== i);
    if (repeated >= 0) throw validationProblem([{ field: `milestones[${repeated}].code`, code: 'duplicate', message: 'each milestone once' }]);
    return this.unitOfWork.run(requester, async (tx, journal) => {
      const exists: unknown[] = await tx.query(`SELECT 1 FROM elections WHERE code = $1`, [input.code]);
      if (exists.length > 0) {
        throw electionProblem(ElectionError.DuplicateCode, {
          detail: `An election ${input.code} exists.`,
          errors: [{ field: 'code', code: 'already_exists', message: 'already exists' }],
        });
      }
      if (input.municipalities) {
        const known: { code: string }[] = await tx.query(
          `SELECT code FROM agencies WHERE type = 'municipality' AND code = ANY($1::text[])`,
          [input.municipalities],
        );
        const set = new Set(known.map((k) => k.code));
        const errors = input.municipalities
          .map((code, i) => ({ code, i }))
          .filter(({ code }) => !set.has(code))
          .map(({ code, i }) => ({ field: `municipalities[${i}]`, code: 'unknown_municipality' as const, message: `no municipality ${code}` }));
        if (errors.length > 0) throw validationProblem(errors);
      }
      const [{ id }]: { id: string }[] = await tx.query(
        `INSERT INTO elections (code, name, type, election_day, phase, exercise, milestones)
         VALUES ($1, $2, $3, $4::date, $5, $6, $7::jsonb) RETURNING id`,
        [input.code, input.name, input.type, input.electionDay, input.phase ?? 'preparation', input.exercise ?? false, JSON.stringify(input.milestones ?? [])],
      );
      await tx.query(
        `INSERT INTO election_municipalities (election_id, agency_code)
         SELECT $1, code FROM agencies WHERE type = 'municipality' AND ($2::text[] IS NULL OR code = ANY($2::text[]))`,
        [id, input.municipalities ?? null],
      );
      journal.audit({ action: 'election.create', entityType: 'election', entityId: id, details: { code: input.code, exercise: input.exercise ?? false } });
      return this.get(id, tx);
    });
  }
}
