import { type Actor, type AppAbility, defineAbilityFor, type SessionUser } from '@verkiezingstafel/domain';

/**
 * Users with the same agency, roles and clearance see the same records, except RED records
 * that name them: one audience, one evaluation per change, one room.
 */
export function audienceKey(user: Pick<SessionUser, 'agency' | 'roles' | 'clearance'>): string {
  return [user.agency.code, user.agency.type, [...user.roles].sort().join(','), user.clearance].join('|');
}

export function actorOf(user: SessionUser): Actor {
  return { id: user.id, agency: user.agency, roles: user.roles, clearance: user.clearance };
}

interface Audience {
  /** The audience's ability: a member's, without a user id, so no RED recipient rule matches. */
  ability: AppAbility;
  sockets: number;
  /** Users of this audience with live sockets here, and their own abilities (for RED). */
  users: Map<string, { ability: AppAbility; sockets: number }>;
}

/** The audiences that have live sockets on this instance. */
export class AudienceRegistry {
  private readonly audiences = new Map<string, Audience>();

  join(user: SessionUser): string {
    const key = audienceKey(user);
    let audience = this.audiences.get(key);
    if (!audience) {
      audience = { ability: defineAbilityFor({ ...actorOf(user), id: '' }), sockets: 0, users: new Map() };
      this.audiences.set(key, audience);
    }
    audience.sockets++;
    const member = audience.users.get(user.id) ?? { ability: defineAbilityFor(actorOf(user)), sockets: 0 };
    member.sockets++;
    audience.users.set(user.id, member);
    return key;
  }

  leave(key: string, userId: string): void {
    const audience = this.audiences.get(key);
    if (!audience) return;
    audience.sockets--;
    const member = audience.users.get(userId);
    if (member && --member.sockets <= 0) audience.users.delete(userId);
    if (audience.sockets <= 0) this.audiences.delete(key);
  }

  entries(): IterableIterator<[string, Audience]> {
    return this.audiences.entries();
  }

  get size(): number {
    return this.audiences.size;
  }
}
