import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  MARKINGS,
  type Marking,
  MEASURE_STATUSES,
  type MeasureStatus,
  MILESTONE_CODES,
  type MilestoneCode,
  PLATFORM_OUTCOMES,
  type PlatformOutcome,
  PLATFORMS,
} from '@verkiezingstafel/domain';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUrl, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { AGENCY_CODE, IsOptionalNotNull, IsTimestamp, MAX_VERSION } from '../../common/validators';

export class CreateTimelineEntryDto {
  @ApiProperty({ minLength: 1, maxLength: 20000 })
  @IsString()
  @Length(1, 20000)
  text!: string;

  @ApiPropertyOptional({ enum: ['comment', 'assessment'], default: 'comment' })
  @IsOptionalNotNull()
  @IsIn(['comment', 'assessment'])
  kind?: 'comment' | 'assessment';

  @ApiPropertyOptional({ enum: MARKINGS, description: 'Defaults to the signal\'s marking; never looser' })
  @IsOptionalNotNull()
  @IsIn(MARKINGS)
  marking?: Marking;
}

export class CreateMeasureDto {
  @ApiProperty({ minLength: 1, maxLength: 2000 })
  @IsString()
  @Length(1, 2000)
  description!: string;

  @ApiProperty({ example: 'NCTV', description: 'The agency that carries out the measure' })
  @IsString()
  @Matches(AGENCY_CODE, { message: 'ownerAgency must be an agency code' })
  ownerAgency!: string;

  @ApiPropertyOptional({ format: 'date', example: '2026-03-10' })
  @IsOptionalNotNull()
  @IsISO8601({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'dueDate must be a date (YYYY-MM-DD)' })
  dueDate?: string;

  @ApiPropertyOptional({ enum: MILESTONE_CODES, description: 'Due at this milestone of the election instead of a date' })
  @IsOptionalNotNull()
  @IsIn(MILESTONE_CODES)
  dueMilestone?: MilestoneCode;
}

export class UpdateMeasureDto {
  @ApiProperty() @IsInt() @Min(1) @Max(MAX_VERSION) version!: number;
  @ApiPropertyOptional({ enum: MEASURE_STATUSES }) @IsOptionalNotNull() @IsIn(MEASURE_STATUSES) status?: MeasureStatus;
  @ApiPropertyOptional() @IsOptionalNotNull() @IsString() @Length(1, 2000) description?: string;

  @ApiPropertyOptional({ format: 'date', nullable: true })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'dueDate must be a date (YYYY-MM-DD)' })
  dueDate?: string | null;

  @ApiPropertyOptional({ enum: MILESTONE_CODES, nullable: true })
  @IsOptional()
  @IsIn(MILESTONE_CODES)
  dueMilestone?: MilestoneCode | null;
}

export class CreatePlatformReportDto {
  @ApiProperty({ enum: PLATFORMS }) @IsIn(PLATFORMS) platform!: string;

  @ApiProperty({ example: 'https://x.com/example/status/1' })
  @IsString()
  @MaxLength(2048)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true }, { message: 'contentUrl must be an http(s) URL' })
  contentUrl!: string;

  @ApiProperty({ description: 'The integrity ground of the report (never a political opinion)' })
  @IsString()
  @Length(1, 2000)
  ground!: string;

  @ApiPropertyOptional({ format: 'date-time' }) @IsOptionalNotNull() @IsTimestamp() reportedAt?: string;
}

export class UpdatePlatformReportDto {
  @ApiProperty() @IsInt() @Min(1) @Max(MAX_VERSION) version!: number;
  @ApiPropertyOptional({ enum: PLATFORM_OUTCOMES }) @IsOptionalNotNull() @IsIn(PLATFORM_OUTCOMES) outcome?: PlatformOutcome;
  @ApiPropertyOptional({ format: 'date-time', nullable: true }) @IsOptional() @IsTimestamp() respondedAt?: string | null;
}
