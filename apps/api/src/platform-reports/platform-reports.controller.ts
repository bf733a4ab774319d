import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { PlatformReport } from '@verkiezingstafel/domain';
import { Can } from '../authorization/can.decorator';
import { CurrentRequester, type Requester } from '../common/requester';
import { UuidPipe } from '../common/uuid.pipe';
import { CreatePlatformReportDto, PlatformReportDto, UpdatePlatformReportDto } from './dto/platform-report.dto';
import { PlatformReportsService } from './platform-reports.service';

@ApiTags('platform reports')
@Controller()
export class PlatformReportsController {
  constructor(private readonly reports: PlatformReportsService) {}

  @Get('signals/:id/platform-reports')
  @Can('read', 'Signal')
  @ApiOkResponse({ type: PlatformReportDto, isArray: true })
  list(@CurrentRequester() requester: Requester, @Param('id', new UuidPipe()) id: string): Promise<PlatformReport[]> {
    return this.reports.list(requester, id);
  }

  @Post('signals/:id/platform-reports')
  @Can('create', 'PlatformReport')
  @ApiCreatedResponse({ type: PlatformReportDto })
  create(
    @CurrentRequester() requester: Requester,
    @Param('id', new UuidPipe()) id: string,
    @Body() body: CreatePlatformReportDto,
  ): Promise<PlatformReport> {
    return this.reports.create(requester, id, body);
  }

  @Patch('platform-reports/:id')
  @Can('update', 'PlatformReport')
  @ApiOkResponse({ type: PlatformReportDto })
  update(
    @CurrentRequester() requester: Requester,
    @Param('id', new UuidPipe()) id: string,
    @Body() body: UpdatePlatformReportDto,
  ): Promise<PlatformReport> {
    return this.reports.update(requester, id, body);
  }
}
