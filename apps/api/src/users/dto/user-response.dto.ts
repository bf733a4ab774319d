import { ApiProperty } from '@nestjs/swagger';
import {
  type Clearance,
  CLEARANCES,
  type InvitationState,
  type InvitationSummary,
  MAIL_STATES,
  type MailDelivery,
  type MailState,
  type ManagedUser,
  type ManagedUserPage,
  type Role,
  ROLES,
  type UserState,
  USER_STATES,
} from '@verkiezingstafel/domain';
import { AgencyRefDto } from '../../auth/dto/session-user.dto';

export class MailDeliveryDto implements MailDelivery {
  @ApiProperty() to!: string;
  @ApiProperty({ enum: MAIL_STATES }) status!: MailState;
  @ApiProperty() attempts!: number;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) sentAt!: string | null;
}

export class InvitationStateDto implements InvitationState {
  @ApiProperty({ enum: ['invite', 'reset'] }) purpose!: 'invite' | 'reset';
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty() expired!: boolean;
  @ApiProperty({ type: MailDeliveryDto, nullable: true }) mail!: MailDeliveryDto | null;
}

export class ManagedUserDto implements ManagedUser {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ type: AgencyRefDto }) agency!: AgencyRefDto;
  @ApiProperty({ enum: ROLES, isArray: true }) roles!: Role[];
  @ApiProperty({ enum: CLEARANCES }) clearance!: Clearance;
  @ApiProperty({ enum: USER_STATES, description: 'invited: no password set yet' }) state!: UserState;
  @ApiProperty() active!: boolean;
  @ApiProperty() totpEnabled!: boolean;
  @ApiProperty({ type: InvitationStateDto, nullable: true }) invitation!: InvitationStateDto | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) lastSignInAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty() version!: number;
}

export class ManagedUserPageDto implements ManagedUserPage {
  @ApiProperty({ type: [ManagedUserDto] }) items!: ManagedUserDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class InvitationSummaryDto implements InvitationSummary {
  @ApiProperty() name!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ type: AgencyRefDto }) agency!: AgencyRefDto;
  @ApiProperty({ enum: ['invite', 'reset'] }) purpose!: 'invite' | 'reset';
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
}

export class InvitationAcceptedDto {
  @ApiProperty({ description: 'The e-mail address to sign in with' }) email!: string;
}
