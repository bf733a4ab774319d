import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { type Agency, AGENCY_TYPES, type AgencyType } from '@verkiezingstafel/domain';
import { Authenticated, Can } from '../authorization/can.decorator';
import { AgenciesService, type DirectoryEntry } from './agencies.service';

class AgencyDto implements Agency {
  @ApiProperty({ example: 'GM0363' }) code!: string;
  @ApiProperty({ example: 'Amsterdam' }) name!: string;
  @ApiProperty({ enum: AGENCY_TYPES }) type!: AgencyType;
  @ApiPropertyOptional({ example: 'Noord-Holland', nullable: true, type: String }) province!: string | null;
}

class DirectoryEntryDto implements DirectoryEntry {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Voorzitter Verkiezingstafel' }) name!: string;
  @ApiProperty({ example: 'BZK' }) agencyCode!: string;
}

@ApiTags('agencies')
@Controller()
export class AgenciesController {
  constructor(private readonly agencies: AgenciesService) {}

  @Get('agencies')
  @Can('read', 'Agency')
  @ApiOkResponse({ type: AgencyDto, isArray: true })
  list(): Promise<Agency[]> {
    return this.agencies.list();
  }

  /** Who can be named as a recipient of a TLP:RED signal (any signed-in user; `GET /api/users` is administration). */
  @Get('users/directory')
  @Authenticated()
  @ApiOkResponse({ type: DirectoryEntryDto, isArray: true })
  directory(): Promise<DirectoryEntry[]> {
    return this.agencies.directory();
  }
}
