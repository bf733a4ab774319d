import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { type Agency, AGENCY_TYPES, type AgencyType } from '@verkiezingstafel/domain';
import { Can } from '../authorization/can.decorator';
import { AgenciesService } from './agencies.service';

class AgencyDto implements Agency {
  @ApiProperty({ example: 'GM0363' }) code!: string;
  @ApiProperty({ example: 'Amsterdam' }) name!: string;
  @ApiProperty({ enum: AGENCY_TYPES }) type!: AgencyType;
  @ApiPropertyOptional({ example: 'Noord-Holland', nullable: true, type: String }) province!: string | null;
}

@ApiTags('agencies')
@Controller('agencies')
export class AgenciesController {
  constructor(private readonly agencies: AgenciesService) {}

  @Get()
  @Can('read', 'Agency')
  @ApiOkResponse({ type: AgencyDto, isArray: true })
  list(): Promise<Agency[]> {
    return this.agencies.list();
  }
}
