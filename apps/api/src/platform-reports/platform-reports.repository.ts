import { Injectable } from '@nestjs/common';
import type { PlatformReport } from '@verkiezingstafel/domain';
import { DataSource } from 'typeorm';
import type { Queryable } from '../signals/signals.repository';

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

const REPORT_SELECT = 'id, signal_id, platform, content_url, ground, reported_at, outcome, responded_at, version, created_at, updated_at';

/** The platform_reports table: its SQL and its row mapping. */
@Injectable()
export class PlatformReportsRepository {
  constructor(private readonly db: DataSource) {}

  async find(tx: Queryable, id: string): Promise<PlatformReport | null> {
    const rows: ReportRow[] = await tx.query(`SELECT ${REPORT_SELECT} FROM platform_reports WHERE id = $1`, [id]);
    return rows[0] ? toReport(rows[0]) : null;
  }

  async listOf(signalId: string, tx: Queryable = this.db.manager): Promise<PlatformReport[]> {
    const rows: ReportRow[] = await tx.query(
      `SELECT ${REPORT_SELECT} FROM platform_reports WHERE signal_id = $1 ORDER BY reported_at, id`,
      [signalId],
    );
    return rows.map(toReport);
  }

  async insert(
    tx: Queryable,
    report: { signalId: string; platform: string; contentUrl: string; ground: string; reportedAt: string | null },
    createdBy: string,
  ): Promise<PlatformReport> {
    const [row]: ReportRow[] = await tx.query(
      `INSERT INTO platform_reports (signal_id, platform, content_url, ground, reported_at, created_by)
       VALUES ($1, $2, $3, $4, coalesce($5::timestamptz, now()), $6) RETURNING ${REPORT_SELECT}`,
      [report.signalId, report.platform, report.contentUrl, report.ground, report.reportedAt, createdBy],
    );
    return toReport(row!);
  }

  /** The update, if the report is still at `version`; null when another write took it first. */
  async updateIfVersion(
    tx: Queryable,
    id: string,
    version: number,
    change: { outcome: PlatformReport['outcome']; respondedAt: string | null },
  ): Promise<PlatformReport | null> {
    const [rows, count]: [ReportRow[], number] = await tx.query(
      `UPDATE platform_reports SET outcome = $3, responded_at = $4::timestamptz, version = version + 1, updated_at = now()
        WHERE id = $1 AND version = $2 RETURNING ${REPORT_SELECT}`,
      [id, version, change.outcome, change.respondedAt],
    );
    return count === 1 && rows[0] ? toReport(rows[0]) : null;
  }
}
