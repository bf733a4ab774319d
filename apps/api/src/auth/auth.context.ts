import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { SessionUser } from '@verkiezingstafel/domain';
import { parse as parseCookies } from 'cookie';
import type { FastifyRequest } from 'fastify';
import type { IdempotencyClaim } from '../common/idempotency.interceptor';

/** Who is asking: the session and its user, resolved once per request by the session guard. */
export interface AuthContext {
  sessionId: string;
  user: SessionUser;
  /** The raw token of this request, so sign-out can revoke exactly this session. */
  token: string;
}

export interface AuthenticatedRequest extends FastifyRequest {
  auth?: AuthContext;
  /** The Idempotency-Key this request holds, if it sent one (POST). */
  idempotency?: IdempotencyClaim;
}

export const IS_PUBLIC = 'vt:public';
/** The route needs no session (sign-in, health). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

export const ALLOW_DURING_TOTP_ENROLMENT = 'vt:allow-during-totp-enrolment';
/** The route stays usable while the user still has to enrol a second factor. */
export const AllowDuringTotpEnrolment = () => SetMetadata(ALLOW_DURING_TOTP_ENROLMENT, true);

export const CurrentAuth = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthContext => {
  const request = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!request.auth) throw new Error('CurrentAuth used on a public route');
  return request.auth;
});

export const SESSION_COOKIE_DEV = 'vt_session';
/** `__Host-` binds the cookie to this origin, Secure and Path=/ (production). */
export const SESSION_COOKIE_PROD = '__Host-vt_session';

/** The name of the session cookie: `__Host-` in production (HTTPS), plain in development. */
export function sessionCookieName(production: boolean): string {
  return production ? SESSION_COOKIE_PROD : SESSION_COOKIE_DEV;
}

/**
 * The session token of a `Cookie` header, under this deployment's cookie name only: in
 * production a plain `vt_session` (which a sibling subdomain could plant) is never read.
 */
export function sessionCookie(header: string | undefined, production: boolean): string | null {
  if (typeof header !== 'string' || header === '') return null;
  const token = parseCookies(header)[sessionCookieName(production)];
  return typeof token === 'string' && token.length > 0 ? token : null;
}
