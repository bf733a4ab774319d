import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Measure, RedactedSignal } from '@verkiezingstafel/domain';
import { Can } from '../authorization/can.decorator';
import { CurrentRequester, type Requester } from '../common/requester';
import { UuidPipe } from '../common/uuid.pipe';
import { SignalQueryDto, StatsQueryDto } from './dto/signal-query.dto';
import { CreateSignalDto, TransitionDto, UpdateSignalDto } from './dto/signal-write.dto';
import { CreateMeasureDto, UpdateMeasureDto } from './dto/measure.dto';
import { MeasureDto, SignalDto, SignalPageDto, SignalStatsDto, TimelineEntryDto } from './dto/signal-response.dto';
import { CreateTimelineEntryDto } from './dto/timeline.dto';
import { MeasuresService } from './measures.service';
import { type SignalPage, SignalsService, type SignalStats } from './signals.service';
import { type RedactedTimelineEntry, TimelineService } from './timeline.service';

@ApiTags('signals')
@Controller()
export class SignalsController {
  constructor(
    private readonly signals: SignalsService,
    private readonly timeline: TimelineService,
    private readonly measures: MeasuresService,
  ) {}

  @Get('signals')
  @Can('read', 'Signal')
  @ApiOkResponse({ type: SignalPageDto })
  list(@CurrentRequester() requester: Requester, @Query() query: SignalQueryDto): Promise<SignalPage> {
    return this.signals.list(requester, query);
  }

  @Get('stats')
  @Can('read', 'Stats')
  @ApiOkResponse({ type: SignalStatsDto })
  stats(@CurrentRequester() requester: Requester, @Query() query: StatsQueryDto): Promise<SignalStats> {
    return this.signals.stats(requester, query);
  }

  @Post('signals')
  @Can('create', 'Signal')
  @ApiCreatedResponse({ type: SignalDto })
  create(@CurrentRequester() requester: Requester, @Body() body: CreateSignalDto): Promise<RedactedSignal> {
    return this.signals.create(requester, body);
  }

  @Get('signals/:id')
  @Can('read', 'Signal')
  @ApiOkResponse({ type: SignalDto })
  get(@CurrentRequester() requester: Requester, @Param('id', new UuidPipe()) id: string): Promise<RedactedSignal> {
    return this.signals.get(requester, id);
  }

  @Patch('signals/:id')
  @Can('update', 'Signal')
  @ApiOkResponse({ type: SignalDto, description: 'The signal as the editor may now see it (only its id when tightened out of sight)' })
  update(
    @CurrentRequester() requester: Requester,
    @Param('id', new UuidPipe()) id: string,
    @Body() body: UpdateSignalDto,
  ): Promise<RedactedSignal> {
    return this.signals.update(requester, id, body);
  }

  @Post('signals/:id/transitions')
  @HttpCode(200)
  @Can('transition_work', 'Signal')
  @ApiOkResponse({ type: SignalDto })
  transition(
    @CurrentRequester() requester: Requester,
    @Param('id', new UuidPipe()) id: string,
    @Body() body: TransitionDto,
  ): Promise<RedactedSignal> {
    return this.signals.transition(requester, id, body);
  }

  @Get('signals/:id/timeline')
  @Can('read', 'Signal')
  @ApiOkResponse({ type: TimelineEntryDto, isArray: true })
  timelineOf(@CurrentRequester() requester: Requester, @Param('id', new UuidPipe()) id: string): Promise<RedactedTimelineEntry[]> {
    return this.timeline.list(requester, id);
  }

  @Post('signals/:id/timeline')
  @Can('comment', 'Signal')
  @ApiCreatedResponse({ type: TimelineEntryDto })
  comment(
    @CurrentRequester() requester: Requester,
    @Param('id', new UuidPipe()) id: string,
    @Body() body: CreateTimelineEntryDto,
  ): Promise<RedactedTimelineEntry> {
    return this.timeline.add(requester, id, body);
  }

  @Get('signals/:id/measures')
  @Can('read', 'Signal')
  @ApiOkResponse({ type: MeasureDto, isArray: true })
  measuresOf(@CurrentRequester() requester: Requester, @Param('id', new UuidPipe()) id: string): Promise<Measure[]> {
    return this.measures.list(requester, id);
  }

  @Post('signals/:id/measures')
  @Can('add_measure', 'Signal')
  @ApiCreatedResponse({ type: MeasureDto })
  addMeasure(
    @CurrentRequester() requester: Requester,
    @Param('id', new UuidPipe()) id: string,
    @Body() body: CreateMeasureDto,
  ): Promise<Measure> {
    return this.measures.create(requester, id, body);
  }

  @Patch('measures/:id')
  @Can('update', 'Measure')
  @ApiOkResponse({ type: MeasureDto })
  updateMeasure(
    @CurrentRequester() requester: Requester,
    @Param('id', new UuidPipe()) id: string,
    @Body() body: UpdateMeasureDto,
  ): Promise<Measure> {
    return this.measures.update(requester, id, body);
  }
}
