import { ApiPropertyOptional } from '@nestjs/swagger';
import { MARKINGS, type Marking, SEVERITIES, type Severity, SIGNAL_CATEGORIES, SIGNAL_STATUSES, type SignalCategory, type SignalStatus, TEXT_LIMITS } from '@verkiezingstafel/domain';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, Min } from 'class-validator';
import { AGENCY_CODE, TextLength } from '../../common/validators';

/** `?status=new,triaged` and `?status=new&status=triaged` both read as a list. */
const toList = ({ value }: { value: unknown }): unknown =>
  value === undefined ? undefined : (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(',')).filter((v) => v !== '');

export class SignalQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all') electionId?: string;

  @ApiPropertyOptional({ enum: SIGNAL_STATUSES, isArray: true })
  @IsOptional() @Transform(toList) @ArrayMaxSize(SIGNAL_STATUSES.length) @IsIn(SIGNAL_STATUSES, { each: true })
  status?: SignalStatus[];

  @ApiPropertyOptional({ enum: SIGNAL_CATEGORIES, isArray: true })
  @IsOptional() @Transform(toList) @ArrayMaxSize(SIGNAL_CATEGORIES.length) @IsIn(SIGNAL_CATEGORIES, { each: true })
  category?: SignalCategory[];

  @ApiPropertyOptional({ enum: SEVERITIES, isArray: true })
  @IsOptional() @Transform(toList) @ArrayMaxSize(SEVERITIES.length) @IsIn(SEVERITIES, { each: true })
  severity?: Severity[];

  @ApiPropertyOptional({ enum: MARKINGS, isArray: true })
  @IsOptional() @Transform(toList) @ArrayMaxSize(MARKINGS.length) @IsIn(MARKINGS, { each: true })
  marking?: Marking[];

  @ApiPropertyOptional({ description: 'Owner or lead agency code' })
  @IsOptional() @IsString() @Matches(AGENCY_CODE, { message: 'agency must be an agency code' })
  agency?: string;

  @ApiPropertyOptional({ description: 'Affected municipality (CBS code)' })
  @IsOptional() @IsString() @Matches(/^GM\d{4}$/, { message: 'municipality must be a CBS code (GM0000)' })
  municipality?: string;

  @ApiPropertyOptional({ description: 'Dutch full-text search in title and description' })
  @IsOptional() @IsString() @TextLength(TEXT_LIMITS.searchQuery)
  q?: string;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page' })
  @IsOptional() @IsString() @TextLength(TEXT_LIMITS.cursor)
  cursor?: string;
}

export class StatsQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all') electionId?: string;
}
