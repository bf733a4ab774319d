import { Module } from '@nestjs/common';
import { MeasuresRepository } from './measures.repository';
import { MeasuresService } from './measures.service';
import { SignalAccessService } from './signal-access.service';
import { SignalsController } from './signals.controller';
import { SignalsRepository } from './signals.repository';
import { SignalsService } from './signals.service';
import { TimelineRepository } from './timeline.repository';
import { TimelineService } from './timeline.service';

/**
 * Signals, their timeline and their measures. Exports the access helpers that features built
 * on signals share (platform reports, audit); the unit of work comes from the database module.
 */
@Module({
  controllers: [SignalsController],
  providers: [SignalsRepository, SignalAccessService, SignalsService, TimelineRepository, TimelineService, MeasuresRepository, MeasuresService],
  exports: [SignalAccessService],
})
export class SignalsModule {}
