import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Election } from '@verkiezingstafel/domain';
import { Can } from '../authorization/can.decorator';
import { CurrentRequester, type Requester } from '../common/requester';
import { UuidPipe } from '../common/uuid.pipe';
import { CreateElectionDto } from './dto/create-election.dto';
import { ElectionDto } from './dto/election.dto';
import { ElectionsService } from './elections.service';

@ApiTags('elections')
@Controller('elections')
export class ElectionsController {
  constructor(private readonly elections: ElectionsService) {}

  @Get()
  @Can('read', 'Election')
  @ApiOkResponse({ type: ElectionDto, isArray: true })
  list(): Promise<Election[]> {
    return this.elections.list();
  }

  @Get(':id')
  @Can('read', 'Election')
  @ApiOkResponse({ type: ElectionDto })
  get(@Param('id', new UuidPipe()) id: string): Promise<Election> {
    return this.elections.get(id);
  }

  @Post()
  @Can('create', 'Election')
  @ApiCreatedResponse({ type: ElectionDto })
  create(@CurrentRequester() requester: Requester, @Body() body: CreateElectionDto): Promise<Election> {
    return this.elections.create(requester, body);
  }
}
