import { Module } from '@nestjs/common';
import { SignalsModule } from '../signals/signals.module';
import { PlatformReportsController } from './platform-reports.controller';
import { PlatformReportsService } from './platform-reports.service';

@Module({
  imports: [SignalsModule],
  controllers: [PlatformReportsController],
  providers: [PlatformReportsService],
})
export class PlatformReportsModule {}
