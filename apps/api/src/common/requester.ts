import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { type Actor, type AppAbility, defineAbilityFor, type SessionUser } from '@verkiezingstafel/domain';
import type { AuthenticatedRequest } from '../auth/auth.context';

/** Who makes a request, with the ability of libs/domain and what the audit trail records. */
export interface Requester {
  user: SessionUser;
  actor: Actor;
  ability: AppAbility;
  ip: string | null;
  requestId: string | null;
}

export function requesterFor(user: SessionUser, ip: string | null = null, requestId: string | null = null): Requester {
  const actor: Actor = { id: user.id, agency: user.agency, roles: user.roles, clearance: user.clearance };
  return { user, actor, ability: defineAbilityFor(actor), ip, requestId };
}

export const CurrentRequester = createParamDecorator((_: unknown, ctx: ExecutionContext): Requester => {
  const request = ctx.switchToHttp().getRequest<AuthenticatedRequest & { id?: unknown }>();
  if (!request.auth) throw new Error('CurrentRequester used on a public route');
  const requestId = typeof request.id === 'string' ? request.id : null;
  return requesterFor(request.auth.user, request.ip ?? null, requestId);
});
