import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { type Clearance, CLEARANCES, type Role, ROLES, TEXT_LIMITS } from '@verkiezingstafel/domain';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { AGENCY_CODE, IsOptionalNotNull, MAX_VERSION, TextLength } from '../../common/validators';

/** Loose on purpose: the address is proved by the invitation reaching it. No spaces, one @, a dot in the domain. */
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export class CreateUserDto {
  @ApiProperty({ example: 'j.jansen@nctv.nl', maxLength: TEXT_LIMITS.email.max })
  @IsString()
  @TextLength(TEXT_LIMITS.email)
  @Matches(EMAIL, { message: 'email must be an e-mail address' })
  email!: string;

  @ApiProperty({ example: 'Jan Jansen', maxLength: TEXT_LIMITS.userName.max })
  @IsString()
  @TextLength(TEXT_LIMITS.userName)
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

  @ApiPropertyOptional({ maxLength: TEXT_LIMITS.userName.max })
  @IsOptionalNotNull()
  @IsString()
  @TextLength(TEXT_LIMITS.userName)
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
  @TextLength(TEXT_LIMITS.invitationToken)
  token!: string;
}

export class AcceptInvitationDto extends InvitationTokenDto {
  @ApiProperty({ minLength: TEXT_LIMITS.newPassword.min, maxLength: TEXT_LIMITS.newPassword.max, format: 'password' })
  @IsString()
  @TextLength(TEXT_LIMITS.newPassword)
  password!: string;
}
