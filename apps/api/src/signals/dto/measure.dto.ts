import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MEASURE_STATUSES, type MeasureStatus, MILESTONE_CODES, type MilestoneCode, TEXT_LIMITS } from '@verkiezingstafel/domain';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { AGENCY_CODE, IsCalendarDate, IsOptionalNotNull, MAX_VERSION, TextLength } from '../../common/validators';

export class CreateMeasureDto {
  @ApiProperty({ minLength: TEXT_LIMITS.measureDescription.min, maxLength: TEXT_LIMITS.measureDescription.max })
  @IsString()
  @TextLength(TEXT_LIMITS.measureDescription)
  description!: string;

  @ApiProperty({ example: 'NCTV', description: 'The agency that carries out the measure' })
  @IsString()
  @Matches(AGENCY_CODE, { message: 'ownerAgency must be an agency code' })
  ownerAgency!: string;

  @ApiPropertyOptional({ format: 'date', example: '2026-03-10' })
  @IsOptionalNotNull()
  @IsCalendarDate()
  dueDate?: string;

  @ApiPropertyOptional({ enum: MILESTONE_CODES, description: 'Due at this milestone of the election instead of a date' })
  @IsOptionalNotNull()
  @IsIn(MILESTONE_CODES)
  dueMilestone?: MilestoneCode;
}

export class UpdateMeasureDto {
  @ApiProperty() @IsInt() @Min(1) @Max(MAX_VERSION) version!: number;
  @ApiPropertyOptional({ enum: MEASURE_STATUSES }) @IsOptionalNotNull() @IsIn(MEASURE_STATUSES) status?: MeasureStatus;

  @ApiPropertyOptional({ minLength: TEXT_LIMITS.measureDescription.min, maxLength: TEXT_LIMITS.measureDescription.max })
  @IsOptionalNotNull()
  @IsString()
  @TextLength(TEXT_LIMITS.measureDescription)
  description?: string;

  @ApiPropertyOptional({ format: 'date', nullable: true })
  @IsOptional()
  @IsCalendarDate()
  dueDate?: string | null;

  @ApiPropertyOptional({ enum: MILESTONE_CODES, nullable: true })
  @IsOptional()
  @IsIn(MILESTONE_CODES)
  dueMilestone?: MilestoneCode | null;
}
