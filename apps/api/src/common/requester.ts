import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { type Actor, type AppAbility, defineAbilityFor, type SessionUser } from '@verkiezingstafel/domain';
import type { AuthenticatedRequest } from '../auth/auth.context';
import type { IdempotencyClaim } from './idempotency.interceptor';

/** Who makes a request, with the ability of libs/domain and what the audit trail records. */
export interface Requester {
  user: SessionUser;
  actor: Actor;
  ability: AppAbility;
  ip: string | null;
  requestId: string | null;
  /** The request's Idempotency-Key: its answer is stored in the transaction of the change. */
  idempotency: IdempotencyClaim | null;
}

/** Enough for every signed-in user of a busy table; the oldest is dropped first. */
const ABILITY_CACHE_SIZE = 5000;
const abilities = new Map<string, AppAbility>();

/**
 * The ability of an actor. An ability depends only on the actor's id, agency, roles and
 * clearance and never changes once built, so one is kept per distinct actor: a changed role
 * or clearance is another key, and the next request builds its new ability.
 */
export function abilityOf(actor: Actor): AppAbility {
  const key = `${actor.id}|${actor.agency.code}|${actor.agency.type}|${[...actor.roles].sort().join(',')}|${actor.clearance}`;
  const cached = abilities.get(key);
  if (cached) return cached;
  const ability = defineAbilityFor(actor);
  if (abilities.size >= ABILITY_CACHE_SIZE) abilities.delete(abilities.keys().next().value as string);
  abilities.set(key, ability);
  return ability;
}

export function requesterFor(
  user: SessionUser,
  ip: string | null = null,
  requestId: string | null = null,
  idempotency: IdempotencyClaim | null = null,
): Requester {
  const actor: Actor = { id: user.id, agency: user.agency, roles: user.roles, clearance: user.clearance };
  return { user, actor, ability: abilityOf(actor), ip, requestId, idempotency };
}

export const CurrentRequester = createParamDecorator((_: unknown, ctx: ExecutionContext): Requester => {
  const request = ctx.switchToHttp().getRequest<AuthenticatedRequest & { id?: unknown }>();
  if (!request.auth) throw new Error('CurrentRequester used on a public route');
  const requestId = typeof request.id === 'string' ? request.id : null;
  return requesterFor(request.auth.user, request.ip ?? null, requestId, request.idempotency ?? null);
});
