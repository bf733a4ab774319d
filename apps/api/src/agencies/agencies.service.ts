import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Agency } from '@verkiezingstafel/domain';
import { Repository } from 'typeorm';
import { AgencyEntity } from './agency.entity';

export interface DirectoryEntry {
  id: string;
  name: string;
  agencyCode: string;
}

@Injectable()
export class AgenciesService {
  constructor(@InjectRepository(AgencyEntity) private readonly repository: Repository<AgencyEntity>) {}

  /** Core table first, then external observers, then municipalities by name. */
  async list(): Promise<Agency[]> {
    const rows = await this.repository
      .createQueryBuilder('a')
      .orderBy(`CASE a.type WHEN 'core' THEN 0 WHEN 'external' THEN 1 ELSE 2 END`)
      .addOrderBy('a.name')
      .getMany();
    return rows.map(({ code, name, type, province }) => ({ code, name, type, province }));
  }

  /**
   * The people at the table, for naming the recipients of a TLP:RED signal: active users with
   * a content role (administrators receive no content), by agency and name. No e-mail, no roles.
   */
  async directory(): Promise<DirectoryEntry[]> {
    return this.repository.query(
      `SELECT id, name, agency_code AS "agencyCode" FROM users
        WHERE active AND roles && ARRAY['liaison', 'chair', 'municipal', 'observer']
        ORDER BY agency_code, name`,
    );
  }

  /** The codes of `codes` that name no agency (of the given type, when set). */
  async unknownCodes(codes: readonly string[], type?: Agency['type']): Promise<string[]> {
    if (codes.length === 0) return [];
    const rows: { code: string }[] = await this.repository.query(
      `SELECT code FROM agencies WHERE code = ANY($1::text[]) AND ($2::text IS NULL OR type = $2)`,
      [codes, type ?? null],
    );
    const known = new Set(rows.map((row) => row.code));
    return codes.filter((code) => !known.has(code));
  }
}
