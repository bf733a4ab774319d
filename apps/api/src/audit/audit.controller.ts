import { Controller, Get, Header, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import {
  AUDIT_ACTION_NAMES,
  AUDIT_ENTITY_TYPES,
  AUDIT_KINDS,
  type AuditAction,
  type AuditEntityType,
  type AuditKind,
  type AuditPage,
  type AuditVerification,
  TEXT_LIMITS,
} from '@verkiezingstafel/domain';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { Can } from '../authorization/can.decorator';
import { CSV_CONTENT_TYPE, csvDisposition } from '../common/csv';
import { CurrentRequester, type Requester } from '../common/requester';
import { AGENCY_CODE, IsTimestamp, TextLength } from '../common/validators';
import { type AuditFilter, AuditService } from './audit.service';
import { AuditPageDto, AuditVerificationDto } from './dto/audit-response.dto';

/** What the audit trail may be narrowed to; the list and its CSV export take the same filters. */
export class AuditFilterDto {
  @ApiPropertyOptional({ enum: AUDIT_KINDS, description: 'change: what was done; read: audited reads of sensitive records' })
  @IsOptional()
  @IsIn(AUDIT_KINDS)
  kind?: AuditKind;

  @ApiPropertyOptional({ enum: AUDIT_ACTION_NAMES }) @IsOptional() @IsIn(AUDIT_ACTION_NAMES) action?: AuditAction;

  @ApiPropertyOptional({ description: "Part of the actor's name" })
  @IsOptional()
  @IsString()
  @TextLength(TEXT_LIMITS.auditFilter)
  actor?: string;

  @ApiPropertyOptional({ example: 'NCTV', description: 'The agency the actor acted for' })
  @IsOptional()
  @IsString()
  @Matches(AGENCY_CODE, { message: 'agency must be an agency code such as NCTV or GM0363' })
  agency?: string;

  @ApiPropertyOptional({ enum: AUDIT_ENTITY_TYPES }) @IsOptional() @IsIn(AUDIT_ENTITY_TYPES) entityType?: AuditEntityType;

  @ApiPropertyOptional({ description: 'Only events about this record (for a signal: also its measures, reports and entries)' })
  @IsOptional()
  @IsString()
  @TextLength({ min: 0, max: 100 })
  entityId?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'From this instant on' }) @IsOptional() @IsTimestamp() from?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Before this instant' }) @IsOptional() @IsTimestamp() to?: string;
}

export class AuditQueryDto extends AuditFilterDto {
  @ApiPropertyOptional({ default: 50, maximum: 200 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @TextLength({ min: 0, max: 20 }) cursor?: string;
}

export class AuditExportQueryDto extends AuditFilterDto {
  @ApiPropertyOptional({ enum: ['nl', 'en'], default: 'nl', description: 'The language of the header and the actions' })
  @IsOptional()
  @IsIn(['nl', 'en'])
  lang?: 'nl' | 'en';
}

function filterOf(query: AuditFilterDto): AuditFilter {
  const { kind, action, actor, agency, entityType, entityId, from, to } = query;
  return { kind, action, actor: actor?.trim() || undefined, agency, entityType, entityId, from, to };
}

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Can('read', 'Audit')
  @ApiOkResponse({ type: AuditPageDto })
  list(@CurrentRequester() requester: Requester, @Query() query: AuditQueryDto): Promise<AuditPage> {
    return this.audit.list(requester, query.limit ?? 50, this.audit.parseCursor(query.cursor), filterOf(query));
  }

  /** What the list shows under the same filters, as CSV (`;`, UTF-8 with BOM); the export is audited. */
  @Get('export')
  @Can('read', 'Audit')
  @ApiProduces('text/csv')
  @ApiOkResponse({ content: { 'text/csv': { schema: { type: 'string' } } } })
  @Header('Cache-Control', 'no-store')
  async export(
    @CurrentRequester() requester: Requester,
    @Query() query: AuditExportQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const csv = await this.audit.exportCsv(requester, filterOf(query), query.lang ?? 'nl');
    void reply.header('Content-Type', CSV_CONTENT_TYPE).header('Content-Disposition', csvDisposition(`audittrail-${new Date().toISOString().slice(0, 10)}`));
    return csv;
  }

  @Get('verify')
  @Can('verify', 'Audit')
  @ApiOkResponse({ type: AuditVerificationDto })
  verify(): Promise<AuditVerification> {
    return this.audit.verify();
  }
}
