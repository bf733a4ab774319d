import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'voorzitter@bzk.demo' })
  @IsString()
  @MaxLength(320)
  @IsEmail({ allow_display_name: false, require_tld: false })
  email!: string;

  @ApiProperty({ example: 'demo' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
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
