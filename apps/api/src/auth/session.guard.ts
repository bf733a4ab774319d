import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { CAN, type CanRequirement } from '../authorization/can.decorator';
import { ApiError, apiProblem } from '../common/api.errors';
import { requesterFor } from '../common/requester';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ALLOW_DURING_TOTP_ENROLMENT, type AuthenticatedRequest, IS_PUBLIC, sessionCookie } from './auth.context';
import { AuthError, authProblem } from './auth.errors';
import { AuthService } from './auth.service';

/** Reads the session token from the cookie or an `Authorization: Bearer` header. */
export function tokenFromRequest(request: Pick<AuthenticatedRequest, 'headers'>, production: boolean): string | null {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (match?.[1]) return match[1];
  }
  return sessionCookie(request.headers.cookie, production);
}

/**
 * The one guard of every route: no session, no access (401), except for routes marked
 * `@Public()`. A user who must still enrol a second factor reaches only the enrolment routes.
 */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = tokenFromRequest(request, this.config.production);
    const auth = token === null ? null : await this.auth.authenticate(token);
    if (!auth) {
      throw authProblem(AuthError.Unauthenticated, {
        detail: token === null ? 'Sign in first.' : 'Your session has ended; sign in again.',
      });
    }
    request.auth = auth;
    const requirement = this.reflector.getAllAndOverride<CanRequirement | undefined>(CAN, targets);
    if (requirement && !requesterFor(auth.user).ability.can(requirement.action, requirement.subject)) {
      throw apiProblem(ApiError.Forbidden, {
        detail: `Your role may not ${requirement.action.replace(/_/g, ' ')} ${requirement.subject.toLowerCase()} records.`,
      });
    }
    if (auth.user.totpEnrolmentRequired && !this.reflector.getAllAndOverride<boolean>(ALLOW_DURING_TOTP_ENROLMENT, targets)) {
      throw authProblem(AuthError.TotpEnrolmentRequired, {
        detail: 'Your role requires two-factor sign-in: enrol an authenticator app first.',
      });
    }
    return true;
  }
}
