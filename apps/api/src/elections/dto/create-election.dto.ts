import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ELECTION_PHASES, ELECTION_TYPES, type ElectionPhase, type ElectionType, MILESTONE_CODES, type MilestoneCode, TEXT_LIMITS } from '@verkiezingstafel/domain';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsObject, IsString, Matches, ValidateNested } from 'class-validator';
import { IsCalendarDate, IsOptionalNotNull, TextLength } from '../../common/validators';

export class MilestoneDto {
  @ApiProperty({ enum: MILESTONE_CODES }) @IsIn(MILESTONE_CODES) code!: MilestoneCode;

  @ApiProperty({ format: 'date', example: '2026-02-02' })
  @IsCalendarDate()
  date!: string;
}

export class CreateElectionDto {
  @ApiProperty({ example: 'GR2026', description: 'Type and year, optionally a suffix (e.g. GR2026-OEFENING)' })
  @IsString()
  @Matches(/^[A-Z]{2}\d{4}[A-Z0-9-]{0,12}$/, { message: 'code must look like GR2026' })
  code!: string;

  @ApiProperty({ example: 'Gemeenteraadsverkiezingen 2026', minLength: TEXT_LIMITS.electionName.min, maxLength: TEXT_LIMITS.electionName.max })
  @IsString()
  @TextLength(TEXT_LIMITS.electionName)
  name!: string;

  @ApiProperty({ enum: ELECTION_TYPES }) @IsIn(ELECTION_TYPES) type!: ElectionType;

  @ApiProperty({ format: 'date', example: '2026-03-18' })
  @IsCalendarDate()
  electionDay!: string;

  @ApiPropertyOptional({ enum: ELECTION_PHASES, default: 'preparation' }) @IsOptionalNotNull() @IsIn(ELECTION_PHASES) phase?: ElectionPhase;
  @ApiPropertyOptional({ default: false, description: 'A drill: marked as such everywhere, never mixed with real figures' })
  @IsOptionalNotNull()
  @IsBoolean()
  exercise?: boolean;

  @ApiPropertyOptional({ type: [MilestoneDto] })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(20)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => MilestoneDto)
  milestones?: MilestoneDto[];

  @ApiPropertyOptional({ type: [String], description: 'Participating municipalities (CBS codes); default: all' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(1000)
  @ArrayUnique()
  @Matches(/^GM\d{4}$/, { each: true, message: 'each value in municipalities must be a CBS code (GM0000)' })
  municipalities?: string[];
}
