import { Injectable } from '@nestjs/common';
import { type Measure, measureSubject, signalSubject } from '@verkiezingstafel/domain';
import { ApiError, apiProblem, isNotFound, notFound, validationProblem, versionConflict } from '../common/api.errors';
import type { Requester } from '../common/requester';
import { UnitOfWork } from '../database/unit-of-work';
import type { CreateMeasureDto, UpdateMeasureDto } from './dto/measure.dto';
import { MeasuresRepository } from './measures.repository';
import { SignalAccessService } from './signal-access.service';

const dueOnceOnly = () => validationProblem([{ field: 'dueMilestone', code: 'conflict', message: 'give a due date or a milestone, not both' }]);

@Injectable()
export class MeasuresService {
  constructor(
    private readonly measures: MeasuresRepository,
    private readonly access: SignalAccessService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async list(requester: Requester, signalId: string): Promise<Measure[]> {
    const signal = await this.access.findContentReadable(requester, signalId);
    await this.access.auditReads(requester, [signal], 'measures');
    return this.measures.listOf(signalId);
  }

  async create(requester: Requester, signalId: string, input: CreateMeasureDto): Promise<Measure> {
    if (input.dueDate !== undefined && input.dueMilestone !== undefined) throw dueOnceOnly();
    return this.unitOfWork.run(requester, async (tx, journal) => {
      const signal = await this.access.findReadable(requester, signalId, { tx, lock: 'share' });
      if (!requester.ability.can('add_measure', signalSubject(signal))) {
        throw apiProblem(ApiError.Forbidden, { detail: 'Measures are set by the chair and the lead agency.' });
      }
      if (!(await this.measures.agencyExists(tx, input.ownerAgency))) {
        throw validationProblem([{ field: 'ownerAgency', code: 'unknown_agency', message: `no agency ${input.ownerAgency}` }]);
      }
      const measure = await this.measures.insert(
        tx,
        { signalId, ownerAgency: input.ownerAgency, description: input.description, dueDate: input.dueDate ?? null, dueMilestone: input.dueMilestone ?? null },
        requester.user.id,
      );
      journal.audit({ action: 'measure.create', entityType: 'measure', entityId: measure.id, details: { signalId, ownerAgency: input.ownerAgency } });
      journal.emit('measure.changed', { measure, signal });
      return measure;
    });
  }

  async update(requester: Requester, id: string, input: UpdateMeasureDto): Promise<Measure> {
    return this.unitOfWork.run(requester, async (tx, journal) => {
      const current = await this.measures.find(tx, id);
      if (!current) throw notFound('measure');
      // A measure of a signal the reader may not read does not exist for it; any other failure
      // (the database going away) is answered as what it is.
      const signal = await this.access.findReadable(requester, current.signalId, { tx, lock: 'share' }).catch((error: unknown) => {
        throw isNotFound(error) ? notFound('measure') : error;
      });
      if (!requester.ability.can('update', measureSubject({ ...current }))) {
        throw apiProblem(ApiError.Forbidden, { detail: 'A measure is updated by its owner agency and the chair.' });
      }
      if (current.version !== input.version) throw versionConflict('measure', input.version, current.version, current);
      const dueDate = input.dueDate === undefined ? current.dueDate : input.dueDate;
      const dueMilestone = input.dueMilestone === undefined ? current.dueMilestone : input.dueMilestone;
      if (dueDate !== null && dueMilestone !== null) throw dueOnceOnly();
      const measure = await this.measures.updateIfVersion(tx, id, input.version, {
        status: input.status ?? current.status,
        description: input.description ?? current.description,
        dueDate,
        dueMilestone,
      });
      if (!measure) {
        const winner = (await this.measures.find(tx, id))!;
        throw versionConflict('measure', input.version, winner.version, winner);
      }
      journal.audit({ action: 'measure.update', entityType: 'measure', entityId: id, details: { signalId: signal.id, status: measure.status } });
      journal.emit('measure.changed', { measure, signal });
      return measure;
    });
  }
}
