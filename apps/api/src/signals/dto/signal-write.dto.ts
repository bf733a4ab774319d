import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  CLASSIFICATIONS,
  type Classification,
  DISARM_TECHNIQUE,
  type Marking,
  MARKINGS,
  type Platform,
  PLATFORMS,
  SEVERITIES,
  type Severity,
  SIGNAL_CATEGORIES,
  SIGNAL_STATUSES,
  type SignalCategory,
  TEXT_LIMITS,
  type SignalStatus,
} from '@verkiezingstafel/domain';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { AGENCY_CODE, IsNotStateSecret, IsOptionalNotNull, IsTimestamp, MAX_VERSION, TextLength } from '../../common/validators';

export class EvidenceDto {
  @ApiProperty({ example: 'https://x.com/example/status/1' })
  @IsString()
  @TextLength(TEXT_LIMITS.evidenceUrl)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: true }, { message: 'url must be an http(s) URL' })
  url!: string;

  @ApiPropertyOptional({ maxLength: TEXT_LIMITS.evidenceDescription.max })
  @IsOptionalNotNull()
  @IsString()
  @TextLength(TEXT_LIMITS.evidenceDescription)
  description?: string;
}

/** The fields a signal's author writes; shared by create and edit. */
export class SignalFieldsDto {
  @ApiProperty({ minLength: TEXT_LIMITS.signalTitle.min, maxLength: TEXT_LIMITS.signalTitle.max, description: 'Lengths in Unicode code points' })
  @IsString()
  @TextLength(TEXT_LIMITS.signalTitle)
  title!: string;

  @ApiProperty({ maxLength: TEXT_LIMITS.signalDescription.max })
  @IsString()
  @TextLength(TEXT_LIMITS.signalDescription)
  description!: string;

  @ApiProperty({ enum: SIGNAL_CATEGORIES })
  @IsIn(SIGNAL_CATEGORIES)
  category!: SignalCategory;

  @ApiProperty({ enum: SEVERITIES })
  @IsIn(SEVERITIES)
  severity!: Severity;

  @ApiProperty({ enum: MARKINGS, description: 'TLP marking, chosen explicitly by the originator' })
  @IsIn(MARKINGS)
  marking!: Marking;

  @ApiPropertyOptional({ enum: CLASSIFICATIONS, default: 'NONE', description: 'State-secret levels are refused' })
  @IsOptionalNotNull()
  @IsNotStateSecret()
  @IsIn(CLASSIFICATIONS)
  classification?: Classification;

  @ApiPropertyOptional({ type: [String], description: 'Agency codes (AMBER, AMBER_STRICT audience)' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @Matches(AGENCY_CODE, { each: true, message: 'each value in sharedWith must be an agency code' })
  sharedWith?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'User ids (RED audience)' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(200)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  recipients?: string[];

  @ApiPropertyOptional({ type: [String], example: ['GM0363'], description: 'CBS municipality codes' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(500)
  @ArrayUnique()
  @Matches(/^GM\d{4}$/, { each: true, message: 'each value in affectedMunicipalities must be a CBS code (GM0000)' })
  affectedMunicipalities?: string[];

  @ApiPropertyOptional({ enum: PLATFORMS, isArray: true })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(PLATFORMS.length)
  @ArrayUnique()
  @IsIn(PLATFORMS, { each: true })
  platforms?: Platform[];

  @ApiPropertyOptional({ type: [EvidenceDto] })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(50)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => EvidenceDto)
  evidence?: EvidenceDto[];

  @ApiPropertyOptional({ type: [String], example: ['T0086'], description: 'DISARM technique ids' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @Matches(DISARM_TECHNIQUE, { each: true, message: 'each value in disarmTechniques must be a DISARM id like T0086' })
  disarmTechniques?: string[];

  @ApiPropertyOptional({
    maxLength: TEXT_LIMITS.signalSource.max,
    nullable: true,
    description: 'How the originator knows; read, set, changed and cleared by the owner agency only',
  })
  @IsOptional()
  @IsString()
  @TextLength(TEXT_LIMITS.signalSource)
  source?: string | null;

  @ApiPropertyOptional({ example: 'NCTV', nullable: true })
  @IsOptional()
  @IsString()
  @Matches(AGENCY_CODE, { message: 'leadAgency must be an agency code' })
  leadAgency?: string | null;

  @ApiPropertyOptional({ format: 'date-time', nullable: true, description: 'Between 1900 and 2200' })
  @IsOptional()
  @IsTimestamp()
  firstSeenAt?: string | null;
}

export class CreateSignalDto extends SignalFieldsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  electionId!: string;
}

/**
 * An edit: any subset of the fields, and the version the editor last saw. `null` clears
 * `source`, `leadAgency` and `firstSeenAt` only; the service refuses it elsewhere.
 */
export class UpdateSignalDto extends PartialType(SignalFieldsDto) {
  @ApiProperty({ description: 'The version the client last saw; a stale one is a 409' })
  @IsInt()
  @Min(1)
  @Max(MAX_VERSION)
  version!: number;
}

/** Fields that may be set to null by an edit. */
export const NULLABLE_SIGNAL_FIELDS = ['source', 'leadAgency', 'firstSeenAt'] as const;

export class TransitionDto {
  @ApiProperty({ enum: SIGNAL_STATUSES })
  @IsIn(SIGNAL_STATUSES)
  to!: SignalStatus;

  @ApiProperty()
  @IsInt()
  @Min(1)
  @Max(MAX_VERSION)
  version!: number;

  @ApiPropertyOptional({ maxLength: TEXT_LIMITS.transitionNote.max })
  @IsOptionalNotNull()
  @IsString()
  @TextLength(TEXT_LIMITS.transitionNote)
  note?: string;
}
