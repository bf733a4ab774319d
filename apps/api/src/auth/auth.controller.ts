import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiCookieAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { SessionUser } from '@verkiezingstafel/domain';
import type { CookieOptions, Request, Response } from 'express';
import { Authenticated } from '../authorization/can.decorator';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import {
  AllowDuringTotpEnrolment,
  type AuthContext,
  CurrentAuth,
  Public,
  SESSION_COOKIE_DEV,
  SESSION_COOKIE_PROD,
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
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<LoginResponseDto> {
    const { user, token } = await this.auth.login(body, request.ip ?? 'unknown', request.get('user-agent') ?? null);
    response.cookie(this.cookieName(), token, this.cookieOptions());
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
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    await this.auth.logout(auth.sessionId);
    response.clearCookie(this.cookieName(), { ...this.cookieOptions(), maxAge: undefined });
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
    return this.config.production ? SESSION_COOKIE_PROD : SESSION_COOKIE_DEV;
  }

  private cookieOptions(): CookieOptions {
    return {
      httpOnly: true,
      sameSite: 'strict',
      secure: this.config.production,
      path: '/',
      maxAge: this.config.sessionMaxHours * 3600 * 1000,
    };
  }
}
