import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { InvitationSummary, ManagedUser, ManagedUserPage } from '@verkiezingstafel/domain';
import type { FastifyRequest } from 'fastify';
import { Public } from '../auth/auth.context';
import { EmptyDto } from '../auth/dto/login.dto';
import { Can } from '../authorization/can.decorator';
import { CurrentRequester, type Requester } from '../common/requester';
import { UuidPipe } from '../common/uuid.pipe';
import { UserQueryDto } from './dto/user-query.dto';
import { AcceptInvitationDto, CreateUserDto, InvitationTokenDto, UpdateUserDto } from './dto/user-write.dto';
import { InvitationAcceptedDto, InvitationSummaryDto, ManagedUserDto, ManagedUserPageDto } from './dto/user-response.dto';
import { InvitationsService } from './invitations.service';
import { UsersService } from './users.service';

/** User administration (contract.md): administrators only, accounts only, never content. */
@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @Can('read', 'User')
  @ApiOkResponse({ type: ManagedUserPageDto })
  list(@Query() query: UserQueryDto): Promise<ManagedUserPage> {
    return this.users.list(query);
  }

  @Get(':id')
  @Can('read', 'User')
  @ApiOkResponse({ type: ManagedUserDto })
  get(@Param('id', new UuidPipe()) id: string): Promise<ManagedUser> {
    return this.users.get(id);
  }

  /** Creates the account and mails its invitation (a one-time link to set a password). */
  @Post()
  @Can('create', 'User')
  @ApiCreatedResponse({ type: ManagedUserDto })
  create(@CurrentRequester() requester: Requester, @Body() body: CreateUserDto): Promise<ManagedUser> {
    return this.users.create(requester, body);
  }

  @Patch(':id')
  @Can('update', 'User')
  @ApiOkResponse({ type: ManagedUserDto })
  update(@CurrentRequester() requester: Requester, @Param('id', new UuidPipe()) id: string, @Body() body: UpdateUserDto): Promise<ManagedUser> {
    return this.users.update(requester, id, body);
  }

  /** Clears the password, ends the user's sessions and mails a new invitation. */
  @Post(':id/reset-password')
  @HttpCode(200)
  @Can('update', 'User')
  @ApiOkResponse({ type: ManagedUserDto })
  resetPassword(@CurrentRequester() requester: Requester, @Param('id', new UuidPipe()) id: string, @Body() _body: EmptyDto): Promise<ManagedUser> {
    return this.users.resetPassword(requester, id);
  }

  /** Clears the second factor and ends the user's sessions; the user enrols again. */
  @Post(':id/reset-totp')
  @HttpCode(200)
  @Can('update', 'User')
  @ApiOkResponse({ type: ManagedUserDto })
  resetTotp(@CurrentRequester() requester: Requester, @Param('id', new UuidPipe()) id: string, @Body() _body: EmptyDto): Promise<ManagedUser> {
    return this.users.resetTotp(requester, id);
  }
}

/** The invitation link's page, before anyone is signed in: the token is the credential. */
@ApiTags('auth')
@Controller('auth/invitation')
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  /** Who the link is for and until when it works (a POST, so the token stays out of URLs and logs). */
  @Post()
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ type: InvitationSummaryDto })
  lookup(@Body() body: InvitationTokenDto): Promise<InvitationSummary> {
    return this.invitations.lookup(body.token);
  }

  /** Sets the password and spends the link; the user then signs in. */
  @Post('accept')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ type: InvitationAcceptedDto })
  accept(@Body() body: AcceptInvitationDto, @Req() request: FastifyRequest): Promise<{ email: string }> {
    return this.invitations.accept(body.token, body.password, request.ip ?? null, typeof request.id === 'string' ? request.id : null);
  }
}
