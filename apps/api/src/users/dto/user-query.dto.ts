import { ApiPropertyOptional } from '@nestjs/swagger';
import { type Role, ROLES, TEXT_LIMITS, type UserState, USER_STATES } from '@verkiezingstafel/domain';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { AGENCY_CODE, TextLength } from '../../common/validators';

export class UserQueryDto {
  @ApiPropertyOptional({ description: 'Part of the name or e-mail address' })
  @IsOptional()
  @IsString()
  @TextLength(TEXT_LIMITS.searchQuery)
  q?: string;

  @ApiPropertyOptional({ example: 'NCTV' })
  @IsOptional()
  @IsString()
  @Matches(AGENCY_CODE, { message: 'agency must be an agency code such as NCTV or GM0363' })
  agency?: string;

  @ApiPropertyOptional({ enum: ROLES }) @IsOptional() @IsIn(ROLES) role?: Role;
  @ApiPropertyOptional({ enum: USER_STATES }) @IsOptional() @IsIn(USER_STATES) state?: UserState;
  @ApiPropertyOptional({ default: 50, maximum: 200 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @TextLength(TEXT_LIMITS.cursor) cursor?: string;
}
