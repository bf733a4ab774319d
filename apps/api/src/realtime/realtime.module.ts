import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { HealthModule } from '../health/health.module';
import { OutboxPrunerService } from './outbox-pruner.service';
import { OutboxTailService } from './outbox-tail.service';
import { RealtimeGateway } from './realtime.gateway';
import { RealtimeMetrics } from './realtime.metrics';

@Module({
  imports: [AuthModule, HealthModule],
  providers: [OutboxTailService, OutboxPrunerService, RealtimeGateway, RealtimeMetrics],
  // The gateway is exported for the features whose scopes sockets follow (a meeting).
  exports: [OutboxTailService, OutboxPrunerService, RealtimeGateway],
})
export class RealtimeModule {}
