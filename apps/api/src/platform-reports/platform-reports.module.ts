import { Module } from '@nestjs/common';
import { SignalsModule } from '../signals/signals.module';
import { PlatformReportsController } from './platform-reports.controller';
import { PlatformReportsRepository } from './platform-reports.repository';
import { PlatformReportsService } from './platform-reports.service';

@Module({
  imports: [SignalsModule],
  controllers: [PlatformReportsController],
  providers: [PlatformReportsRepository, PlatformReportsService],
})
export class PlatformReportsModule {}
