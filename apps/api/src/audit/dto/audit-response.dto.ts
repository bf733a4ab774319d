import { ApiProperty } from '@nestjs/swagger';
import { AUDIT_BREAK_REASONS, type AuditBreakReason, type AuditEvent, type AuditPage, type AuditVerification } from '@verkiezingstafel/domain';

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
