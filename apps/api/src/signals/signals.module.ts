import { Module } from '@nestjs/common';
import { UnitOfWork } from '../database/unit-of-work';
import { MeasuresService } from './measures.service';
import { SignalsController } from './signals.controller';
import { SignalsService } from './signals.service';
import { TimelineService } from './timeline.service';

@Module({
  controllers: [SignalsController],
  providers: [SignalsService, TimelineService, MeasuresService, UnitOfWork],
  exports: [SignalsService, UnitOfWork],
})
export class SignalsModule {}
