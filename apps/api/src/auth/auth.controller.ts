import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiCookieAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { SessionUser } from '@verkiezingstafel/domain';
import { type SerializeOptions, serialize } from 'cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Authenticated } from '../authorization/can.decorator';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import {
  AllowDuringTotpEnrolment,
  type AuthContext,
  CurrentAuth,
  Public,
  sessionCookieName,
} from './auth.context';
import { AuthService } from './auth.service';
import { EmptyDto, LoginDto, TotpCodeDto } from './dto/login.dto';
import { LoginResponseDto, SessionUserDto, TotpEnrolmentDto } from './dto/session-user.dto';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: LoginResponseDto })
  async login(
    @Body() body: LoginDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<LoginResponseDto> {
    const { user, token } = await this.auth.login(body, request.ip, request.headers['user-agent'] ?? null);
    response.header('set-cookie', serialize(this.cookieName(), token, this.cookieOptions(this.config.sessionMaxHours * 3600)));
    return { ...user, token };
  }

  @Post('logout')
  @Authenticated()
  @HttpCode(204)
  @AllowDuringTotpEnrolment()
  @ApiCookieAuth()
  @ApiNoContentResponse()
  async logout(
    @CurrentAuth() auth: AuthContext,
    @Body() _body: EmptyDto,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<void> {
    await this.auth.logout(auth.sessionId);
    response.header('set-cookie', serialize(this.cookieName(), '', { ...this.cookieOptions(0), expires: new Date(0) }));
  }

  @Get('me')
  @Authenticated()
  @AllowDuringTotpEnrolment()
  @ApiOkResponse({ type: SessionUserDto })
  me(@CurrentAuth() auth: AuthContext): SessionUser {
    return auth.user;
  }

  @Post('totp/enrol')
  @Authenticated()
  @HttpCode(200)
  @AllowDuringTotpEnrolment()
  @ApiOkResponse({ type: TotpEnrolmentDto })
  enrol(@CurrentAuth() auth: AuthContext, @Body() _body: EmptyDto): Promise<TotpEnrolmentDto> {
    return this.auth.beginTotpEnrolment(auth.user);
  }

  @Post('totp/confirm')
  @Authenticated()
  @HttpCode(200)
  @AllowDuringTotpEnrolment()
  @ApiOkResponse({ type: SessionUserDto })
  confirm(@CurrentAuth() auth: AuthContext, @Body() body: TotpCodeDto): Promise<SessionUser> {
    return this.auth.confirmTotp(auth.user, body.code);
  }

  @Post('totp/disable')
  @Authenticated()
  @HttpCode(200)
  @ApiOkResponse({ type: SessionUserDto })
  disable(@CurrentAuth() auth: AuthContext, @Body() body: TotpCodeDto): Promise<SessionUser> {
    return this.auth.disableTotp(auth.user, body.code);
  }

  private cookieName(): string {
    return sessionCookieName(this.config.production);
  }

  /** HttpOnly, SameSite=Strict, Path=/; Secure in production (where the name is `__Host-`). */
  private cookieOptions(maxAgeSeconds: number): SerializeOptions {
    return { httpOnly: true, sameSite: 'strict', secure: this.config.production, path: '/', maxAge: maxAgeSeconds };
  }
}
