import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { TEXT_LIMITS } from '@verkiezingstafel/domain';
import { IsEmail, IsOptional, IsString, Matches } from 'class-validator';
import { TextLength } from '../../common/validators';

export class LoginDto {
  @ApiProperty({ example: 'voorzitter@bzk.demo' })
  @IsString()
  @TextLength({ min: 0, max: TEXT_LIMITS.email.max })
  @IsEmail({ allow_display_name: false, require_tld: false })
  email!: string;

  @ApiProperty({ example: 'demo' })
  @IsString()
  @TextLength(TEXT_LIMITS.password)
  password!: string;

  @ApiPropertyOptional({ description: 'Six-digit code of the authenticator app, when enrolled', example: '123456' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{6}$/, { message: 'code must be six digits' })
  code?: string;
}

export class TotpCodeDto {
  @ApiProperty({ description: 'Six-digit code of the authenticator app', example: '123456' })
  @IsString()
  @Matches(/^\d{6}$/, { message: 'code must be six digits' })
  code!: string;
}

/** An empty body: present so that unknown fields are still refused. */
export class EmptyDto {}
