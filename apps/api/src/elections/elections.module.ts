import { Module } from '@nestjs/common';
import { UnitOfWork } from '../database/unit-of-work';
import { ElectionsController } from './elections.controller';
import { ElectionsService } from './elections.service';

@Module({
  controllers: [ElectionsController],
  providers: [ElectionsService, UnitOfWork],
})
export class ElectionsModule {}
