import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  CLASSIFICATIONS,
  type Classification,
  type EvidenceLink,
  type Marking,
  MARKINGS,
  type Measure,
  MEASURE_STATUSES,
  type MeasureStatus,
  MILESTONE_CODES,
  type Platform,
  PLATFORMS,
  type RedactedSignal,
  SEVERITIES,
  type Severity,
  SIGNAL_CATEGORIES,
  SIGNAL_STATUSES,
  type SignalCategory,
  type SignalStatus,
  TIMELINE_KINDS,
  type TimelineEntry,
  type TimelineKind,
} from '@verkiezingstafel/domain';

/*
 * What the signal routes answer, for the OpenAPI description. A signal and a timeline entry are
 * redacted per reader (visibility.md): every field but the id may be absent.
 */

export class EvidenceLinkDto implements EvidenceLink {
  @ApiProperty({ example: 'https://x.com/example/status/1' }) url!: string;
  @ApiPropertyOptional() description?: string;
}

export class SignalDto implements RedactedSignal {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiPropertyOptional({ format: 'uuid' }) electionId?: string;
  @ApiPropertyOptional() title?: string;
  @ApiPropertyOptional() description?: string;
  @ApiPropertyOptional({ enum: SIGNAL_CATEGORIES }) category?: SignalCategory;
  @ApiPropertyOptional({ enum: SEVERITIES }) severity?: Severity;
  @ApiPropertyOptional({ enum: SIGNAL_STATUSES }) status?: SignalStatus;
  @ApiPropertyOptional({ enum: MARKINGS }) marking?: Marking;
  @ApiPropertyOptional({ enum: CLASSIFICATIONS }) classification?: Classification;
  @ApiPropertyOptional({ example: 'AIVD' }) ownerAgency?: string;
  @ApiPropertyOptional({ example: 'NCTV', nullable: true, type: String }) leadAgency?: string | null;
  @ApiPropertyOptional({ type: [String] }) sharedWith?: string[];
  @ApiPropertyOptional({ type: [String], format: 'uuid' }) recipients?: string[];
  @ApiPropertyOptional({ type: [String] }) affectedMunicipalities?: string[];
  @ApiPropertyOptional({ enum: PLATFORMS, isArray: true }) platforms?: Platform[];
  @ApiPropertyOptional({ type: [EvidenceLinkDto] }) evidence?: EvidenceLinkDto[];
  @ApiPropertyOptional({ type: [String] }) disarmTechniques?: string[];
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Only for the owner agency' }) source?: string | null;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String }) firstSeenAt?: string | null;
  @ApiPropertyOptional({ format: 'uuid' }) createdBy?: string;
  @ApiPropertyOptional() version?: number;
  @ApiPropertyOptional({ format: 'date-time' }) createdAt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) updatedAt?: string;
}

export class SignalPageDto {
  @ApiProperty({ type: [SignalDto] }) items!: SignalDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Opaque cursor of the next page; null on the last' }) nextCursor!: string | null;
}

export class SignalStatsDto {
  @ApiProperty() total!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' } }) byStatus!: Record<string, number>;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' } }) byCategory!: Record<string, number>;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' } }) bySeverity!: Record<string, number>;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' } }) byMunicipality!: Record<string, number>;
}

export class TimelineEntryDto implements Partial<TimelineEntry> {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiPropertyOptional({ format: 'uuid' }) signalId?: string;
  @ApiPropertyOptional({ enum: TIMELINE_KINDS }) kind?: TimelineKind;
  @ApiPropertyOptional() text?: string;
  @ApiPropertyOptional({ enum: MARKINGS, description: "Its own marking, or its signal's current one" }) marking?: Marking;
  @ApiPropertyOptional({ description: 'Whether its author marked it stricter than its signal' }) ownMarking?: boolean;
  @ApiPropertyOptional({ format: 'uuid' }) authorId?: string;
  @ApiPropertyOptional() authorName?: string;
  @ApiPropertyOptional() authorAgency?: string;
  @ApiPropertyOptional({ type: 'object', nullable: true, additionalProperties: true }) data?: Record<string, unknown> | null;
  @ApiPropertyOptional({ format: 'date-time' }) createdAt?: string;
}

export class MeasureDto implements Measure {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) signalId!: string;
  @ApiProperty({ example: 'NCTV' }) ownerAgency!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ format: 'date', nullable: true, type: String }) dueDate!: string | null;
  @ApiProperty({ enum: MILESTONE_CODES, nullable: true }) dueMilestone!: string | null;
  @ApiProperty({ format: 'date', nullable: true, type: String, description: 'Its own date or its milestone’s' }) dueOn!: string | null;
  @ApiProperty() overdue!: boolean;
  @ApiProperty({ enum: MEASURE_STATUSES }) status!: MeasureStatus;
  @ApiProperty() version!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}
