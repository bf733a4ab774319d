import { ApiProperty } from '@nestjs/swagger';
import { AGENCY_TYPES, type AgencyType, CLEARANCES, type Clearance, type Role, ROLES, type SessionUser } from '@verkiezingstafel/domain';

export class AgencyRefDto {
  @ApiProperty({ example: 'BZK' }) code!: string;
  @ApiProperty({ example: 'Ministerie van Binnenlandse Zaken en Koninkrijksrelaties' }) name!: string;
  @ApiProperty({ enum: AGENCY_TYPES }) type!: AgencyType;
}

export class SessionUserDto implements SessionUser {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ type: AgencyRefDto }) agency!: AgencyRefDto;
  @ApiProperty({ enum: ROLES, isArray: true }) roles!: Role[];
  @ApiProperty({ enum: CLEARANCES }) clearance!: Clearance;
  @ApiProperty() totpEnabled!: boolean;
  @ApiProperty() totpEnrolmentRequired!: boolean;
}

export class LoginResponseDto extends SessionUserDto {
  @ApiProperty({ description: 'Session token for non-browser clients (Authorization: Bearer)' })
  token!: string;
}

export class TotpEnrolmentDto {
  @ApiProperty({ description: 'Base32 secret for manual entry' }) secret!: string;
  @ApiProperty({ description: 'otpauth:// URI' }) otpauthUrl!: string;
  @ApiProperty({ description: 'QR code of the URI as a PNG data URL' }) qrCodeDataUrl!: string;
}
