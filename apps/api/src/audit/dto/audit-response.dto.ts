import { ApiProperty } from '@nestjs/swagger';
import {
  AUDIT_BREAK_REASONS,
  AUDIT_KINDS,
  type AuditBreakReason,
  type AuditEvent,
  type AuditKind,
  type AuditPage,
  type AuditRecord,
  type AuditVerification,
  type Marking,
  MARKINGS,
} from '@verkiezingstafel/domain';

export class AuditRecordDto implements AuditRecord {
  @ApiProperty({ example: 'signal' }) type!: string;
  @ApiProperty() id!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Its title, where the reader may read it' }) title!: string | null;
  @ApiProperty({ nullable: true, enum: MARKINGS }) marking!: Marking | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) signalId!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Where the board shows it, for this reader' }) path!: string | null;
}

export class AuditEventDto implements AuditEvent {
  @ApiProperty() seq!: number;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) actorId!: string | null;
  @ApiProperty({ nullable: true, type: String }) actorName!: string | null;
  @ApiProperty({ nullable: true, type: String }) actorAgency!: string | null;
  @ApiProperty({ example: 'signal.update' }) action!: string;
  @ApiProperty({ example: 'signal' }) entityType!: string;
  @ApiProperty({ nullable: true, type: String }) entityId!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) details!: Record<string, unknown>;
  @ApiProperty({ enum: AUDIT_KINDS }) kind!: AuditKind;
  @ApiProperty({ type: AuditRecordDto, nullable: true }) record!: AuditRecordDto | null;
  @ApiProperty({ nullable: true, type: String }) ip!: string | null;
  @ApiProperty({ nullable: true, type: String }) requestId!: string | null;
  @ApiProperty({ description: 'SHA-256 over the previous hash and this event, hex' }) hash!: string;
}

export class AuditPageDto implements AuditPage {
  @ApiProperty({ type: [AuditEventDto] }) items!: AuditEventDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class AuditBreakDto {
  @ApiProperty() seq!: number;
  @ApiProperty({ enum: AUDIT_BREAK_REASONS }) reason!: AuditBreakReason;
}

export class AuditVerificationDto implements AuditVerification {
  @ApiProperty() ok!: boolean;
  @ApiProperty() checked!: number;
  @ApiProperty({ type: AuditBreakDto, nullable: true }) firstBroken!: AuditBreakDto | null;
}
