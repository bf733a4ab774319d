import { Module } from '@nestjs/common';
import { UnitOfWork } from '../database/unit-of-work';
import { InvitationsService } from './invitations.service';
import { InvitationsController, UsersController } from './users.controller';
import { UsersService } from './users.service';

@Module({
  controllers: [UsersController, InvitationsController],
  providers: [UsersService, InvitationsService, UnitOfWork],
})
export class UsersModule {}
