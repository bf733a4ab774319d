import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { TextLength } from '../common/validators';
import { Can } from '../authorization/can.decorator';
import type { AuditPage, AuditVerification } from '@verkiezingstafel/domain';
import { CurrentRequester, type Requester } from '../common/requester';
import { AuditService } from './audit.service';
import { AuditPageDto, AuditVerificationDto } from './dto/audit-response.dto';

export class AuditQueryDto {
  @ApiPropertyOptional({ default: 50, maximum: 200 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @TextLength({ min: 0, max: 20 }) cursor?: string;
  @ApiPropertyOptional({ description: 'Only events about this record' }) @IsOptional() @IsString() @TextLength({ min: 0, max: 100 }) entityId?: string;
}

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Can('read', 'Audit')
  @ApiOkResponse({ type: AuditPageDto })
  list(@CurrentRequester() requester: Requester, @Query() query: AuditQueryDto): Promise<AuditPage> {
    return this.audit.list(requester, query.limit ?? 50, this.audit.parseCursor(query.cursor), query.entityId);
  }

  @Get('verify')
  @Can('verify', 'Audit')
  @ApiOkResponse({ type: AuditVerificationDto })
  verify(): Promise<AuditVerification> {
    return this.audit.verify();
  }
}
