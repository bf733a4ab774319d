import { Injectable } from '@nestjs/common';
import type { PlatformReport } from '@verkiezingstafel/domain';
import { ApiError, apiProblem, isNotFound, notFound, versionConflict } from '../common/api.errors';
import type { Requester } from '../common/requester';
import { UnitOfWork } from '../database/unit-of-work';
import { SignalAccessService } from '../signals/signal-access.service';
import type { CreatePlatformReportDto, UpdatePlatformReportDto } from './dto/platform-report.dto';
import { PlatformReportsRepository } from './platform-reports.repository';

const forbidden = () => apiProblem(ApiError.Forbidden, { detail: 'Platform reports are made by BZK, the flagger.' });

/** BZK's priority reports of content to platforms; readable with their signal. */
@Injectable()
export class PlatformReportsService {
  constructor(
    private readonly reports: PlatformReportsRepository,
    private readonly access: SignalAccessService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async list(requester: Requester, signalId: string): Promise<PlatformReport[]> {
    const signal = await this.access.findContentReadable(requester, signalId);
    await this.access.auditReads(requester, [signal], 'platform_reports');
    return this.reports.listOf(signalId);
  }

  async create(requester: Requester, signalId: string, input: CreatePlatformReportDto): Promise<PlatformReport> {
    return this.unitOfWork.run(requester, async (tx, journal) => {
      const signal = await this.access.findReadable(requester, signalId, { tx, lock: 'share' });
      if (!requester.ability.can('create', 'PlatformReport')) throw forbidden();
      const report = await this.reports.insert(
        tx,
        { signalId, platform: input.platform, contentUrl: input.contentUrl, ground: input.ground, reportedAt: input.reportedAt ?? null },
        requester.user.id,
      );
      journal.audit({ action: 'platform_report.create', entityType: 'platform_report', entityId: report.id, details: { signalId, platform: input.platform } });
      journal.emit('platform_report.changed', { report, signal });
      return report;
    });
  }

  async update(requester: Requester, id: string, input: UpdatePlatformReportDto): Promise<PlatformReport> {
    return this.unitOfWork.run(requester, async (tx, journal) => {
      const current = await this.reports.find(tx, id);
      if (!current) throw notFound('platform report');
      // A report on a signal the reader may not read does not exist for it; any other failure
      // (the database going away) is answered as what it is.
      const signal = await this.access.findReadable(requester, current.signalId, { tx, lock: 'share' }).catch((error: unknown) => {
        throw isNotFound(error) ? notFound('platform report') : error;
      });
      if (!requester.ability.can('update', 'PlatformReport')) throw forbidden();
      if (current.version !== input.version) throw versionConflict('platform report', input.version, current.version, current);
      const outcome = input.outcome ?? current.outcome;
      const respondedAt =
        input.respondedAt === undefined ? (input.outcome && input.outcome !== 'pending' ? new Date().toISOString() : current.respondedAt) : input.respondedAt;
      const report = await this.reports.updateIfVersion(tx, id, input.version, { outcome, respondedAt });
      if (!report) {
        const winner = (await this.reports.find(tx, id))!;
        throw versionConflict('platform report', input.version, winner.version, winner);
      }
      // The signal it is about: the audit trail judges the event by that signal (rule 6).
      journal.audit({ action: 'platform_report.update', entityType: 'platform_report', entityId: id, details: { signalId: signal.id, outcome: report.outcome } });
      journal.emit('platform_report.changed', { report, signal });
      return report;
    });
  }
}
