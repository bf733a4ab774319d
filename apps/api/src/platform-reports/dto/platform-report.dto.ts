import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PLATFORM_OUTCOMES, type PlatformOutcome, type PlatformReport, PLATFORMS, TEXT_LIMITS } from '@verkiezingstafel/domain';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Max, Min } from 'class-validator';
import { IsOptionalNotNull, IsTimestamp, MAX_VERSION, TextLength } from '../../common/validators';

export class CreatePlatformReportDto {
  @ApiProperty({ enum: PLATFORMS }) @IsIn(PLATFORMS) platform!: string;

  @ApiProperty({ example: 'https://x.com/example/status/1', maxLength: TEXT_LIMITS.platformReportUrl.max })
  @IsString()
  @TextLength(TEXT_LIMITS.platformReportUrl)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true }, { message: 'contentUrl must be an http(s) URL' })
  contentUrl!: string;

  @ApiProperty({
    description: 'The integrity ground of the report (never a political opinion)',
    minLength: TEXT_LIMITS.platformReportGround.min,
    maxLength: TEXT_LIMITS.platformReportGround.max,
  })
  @IsString()
  @TextLength(TEXT_LIMITS.platformReportGround)
  ground!: string;

  @ApiPropertyOptional({ format: 'date-time' }) @IsOptionalNotNull() @IsTimestamp() reportedAt?: string;
}

export class UpdatePlatformReportDto {
  @ApiProperty() @IsInt() @Min(1) @Max(MAX_VERSION) version!: number;
  @ApiPropertyOptional({ enum: PLATFORM_OUTCOMES }) @IsOptionalNotNull() @IsIn(PLATFORM_OUTCOMES) outcome?: PlatformOutcome;
  @ApiPropertyOptional({ format: 'date-time', nullable: true }) @IsOptional() @IsTimestamp() respondedAt?: string | null;
}

/** A platform report as the routes answer it. */
export class PlatformReportDto implements PlatformReport {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) signalId!: string;
  @ApiProperty({ enum: PLATFORMS }) platform!: string;
  @ApiProperty() contentUrl!: string;
  @ApiProperty() ground!: string;
  @ApiProperty({ format: 'date-time' }) reportedAt!: string;
  @ApiProperty({ enum: PLATFORM_OUTCOMES }) outcome!: PlatformOutcome;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) respondedAt!: string | null;
  @ApiProperty() version!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}
