import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';
import { SignalsModule } from '../signals/signals.module';

@Module({ imports: [SignalsModule], controllers: [AuditController], providers: [AuditService] })
export class AuditModule {}
