import { Injectable } from '@nestjs/common';
import type { PlatformReport } from '@verkiezingstafel/domain';
import { DataSource, type EntityManager } from 'typeorm';
import { notFound, ProblemException } from '../common/problem.exception';
import type { Requester } from '../common/requester';
import { UnitOfWork } from '../database/unit-of-work';
import type { CreatePlatformReportDto, UpdatePlatformReportDto } from '../signals/dto/timeline.dto';
import { SignalsService } from '../signals/signals.service';

interface ReportRow {
  id: string;
  signal_id: string;
  platform: string;
  content_url: string;
  ground: string;
  reported_at: Date;
  outcome: PlatformReport['outcome'];
  responded_at: Date | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

function toReport(row: ReportRow): PlatformReport {
  return {
    id: row.id,
    signalId: row.signal_id,
    platform: row.platform,
    contentUrl: row.content_url,
    ground: row.ground,
    reportedAt: row.reported_at.toISOString(),
    outcome: row.outcome,
    respondedAt: row.responded_at?.toISOString() ?? null,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

const forbidden = () =>
  new ProblemException(403, { code: 'forbidden', detail: 'Platform reports are made by BZK, the flagger.' });

/** BZK's priority reports of content to platforms; readable with their signal. */
@Injectable()
export class PlatformReportsService {
  constructor(
    private readonly db: DataSource,
    private readonly signals: SignalsService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async list(requester: Requester, signalId: string): Promise<PlatformReport[]> {
    const signal = await this.signals.findContentReadable(this.db.manager, requester, signalId);
    await this.signals.auditReads(requester, [signal], 'platform_reports');
    return this.load(this.db.manager, 'signal_id = $1', [signalId]);
  }

  async create(requester: Requester, signalId: string, input: CreatePlatformReportDto): Promise<PlatformReport> {
    return this.unitOfWork.run(requester, async (tx, journal) => {
      const signal = await this.signals.findReadable(tx, requester, signalId, 'share');
      if (!requester.ability.can('create', 'PlatformReport')) throw forbidden();
      const [{ id }]: { id: string }[] = await tx.query(
        `INSERT INTO platform_reports (signal_id, platform, content_url, ground, reported_at, created_by)
         VALUES ($1, $2, $3, $4, coalesce($5::timestamptz, now()), $6) RETURNING id`,
        [signalId, input.platform, input.contentUrl, input.ground, input.reportedAt ?? null, requester.user.id],
      );
      const [report] = await this.load(tx, 'id = $1', [id]);
      journal.audit({ action: 'platform_report.create', entityType: 'platform_report', entityId: id, details: { signalId, platform: input.platform } });
      journal.emit('platform_report.changed', { report: report!, signal });
      return report!;
    });
  }

  async update(requester: Requester, id: string, input: UpdatePlatformReportDto): Promise<PlatformReport> {
    return this.unitOfWork.run(requester, async (tx, journal) => {
      const [current] = await this.load(tx, 'id = $1', [id]);
      if (!current) throw notFound('platform report');
      const signal = await this.signals.findReadable(tx, requester, current.signalId, 'share').catch(() => {
        throw notFound('platform report');
      });
      if (!requester.ability.can('update', 'PlatformReport')) throw forbidden();
      const [, count]: [unknown, number] = await tx.query(
        `UPDATE platform_reports SET outcome = $3, responded_at = $4::timestamptz, version = version + 1, updated_at = now()
          WHERE id = $1 AND version = $2`,
        [
          id,
          input.version,
          input.outcome ?? current.outcome,
          input.respondedAt === undefined ? (input.outcome && input.outcome !== 'pending' ? new Date().toISOString() : current.respondedAt) : input.respondedAt,
        ],
      );
      const [report] = await this.load(tx, 'id = $1', [id]);
      if (count !== 1) {
        throw new ProblemException(409, {
          code: 'version_conflict',
          detail: 'The platform report changed since you loaded it.',
          current: report,
          errors: [{ field: 'version', message: `stale version ${input.version}; current is ${report!.version}` }],
        });
      }
      journal.audit({ action: 'platform_report.update', entityType: 'platform_report', entityId: id, details: { outcome: report!.outcome } });
      journal.emit('platform_report.changed', { report: report!, signal });
      return report!;
    });
  }

  private async load(tx: Pick<EntityManager, 'query'>, where: string, params: unknown[]): Promise<PlatformReport[]> {
    const rows: ReportRow[] = await tx.query(
      `SELECT id, signal_id, platform, content_url, ground, reported_at, outcome, responded_at, version, created_at, updated_at
         FROM platform_reports WHERE ${where} ORDER BY reported_at, id`,
      params,
    );
    return rows.map(toReport);
  }
}
