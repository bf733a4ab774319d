import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { type Clearance, CLEARANCES, MAX_PASSWORD_LENGTH, type Role, ROLES } from '@verkiezingstafel/domain';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { AGENCY_CODE, IsOptionalNotNull, MAX_VERSION } from '../../common/validators';

/** Loose on purpose: the address is proved by the invitation reaching it. No spaces, one @, a dot in the domain. */
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const MAX_EMAIL_LENGTH = 254;
export const MAX_NAME_LENGTH = 200;

export class CreateUserDto {
  @ApiProperty({ example: 'j.jansen@nctv.nl', maxLength: MAX_EMAIL_LENGTH })
  @IsString()
  @MaxLength(MAX_EMAIL_LENGTH)
  @Matches(EMAIL, { message: 'email must be an e-mail address' })
  email!: string;

  @ApiProperty({ example: 'Jan Jansen', maxLength: MAX_NAME_LENGTH })
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_NAME_LENGTH)
  name!: string;

  @ApiProperty({ example: 'NCTV', description: 'Agency code (GM0363 for a municipality)' })
  @IsString()
  @Matches(AGENCY_CODE, { message: 'agency must be an agency code such as NCTV or GM0363' })
  agency!: string;

  @ApiProperty({ enum: ROLES, isArray: true, example: ['liaison'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ROLES.length)
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  roles!: Role[];

  @ApiPropertyOptional({ enum: CLEARANCES, default: 'NONE' })
  @IsOptionalNotNull()
  @IsIn(CLEARANCES)
  clearance?: Clearance;
}

export class UpdateUserDto {
  @ApiProperty({ description: 'The version last read; a stale one is a 409 with the current user' })
  @IsInt()
  @Min(1)
  @Max(MAX_VERSION)
  version!: number;

  @ApiPropertyOptional({ maxLength: MAX_NAME_LENGTH })
  @IsOptionalNotNull()
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_NAME_LENGTH)
  name?: string;

  @ApiPropertyOptional({ example: 'NCTV' })
  @IsOptionalNotNull()
  @IsString()
  @Matches(AGENCY_CODE, { message: 'agency must be an agency code such as NCTV or GM0363' })
  agency?: string;

  @ApiPropertyOptional({ enum: ROLES, isArray: true })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ROLES.length)
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  roles?: Role[];

  @ApiPropertyOptional({ enum: CLEARANCES })
  @IsOptionalNotNull()
  @IsIn(CLEARANCES)
  clearance?: Clearance;

  @ApiPropertyOptional({ description: 'false deactivates (sessions end at once), true reactivates' })
  @IsOptionalNotNull()
  @IsBoolean()
  active?: boolean;
}

export class InvitationTokenDto {
  @ApiProperty({ description: 'The token from the invitation link (after the #)' })
  @IsString()
  @MinLength(20)
  @MaxLength(200)
  token!: string;
}

export class AcceptInvitationDto extends InvitationTokenDto {
  @ApiProperty({ minLength: 12, maxLength: MAX_PASSWORD_LENGTH, format: 'password' })
  @IsString()
  @MaxLength(MAX_PASSWORD_LENGTH)
  password!: string;
}
