import {
  type Actor,
  defineAbilityFor,
  type FactStatement,
  type SessionUser,
  type Viewer,
} from '@verkiezingstafel/domain';

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

const NO_FACTS: ReadonlySet<string> = new Set();

/** The viewer of one user on its own (RED recipients, replays). */
export function userViewer(user: SessionUser, facts: ReadonlySet<string> = NO_FACTS): Viewer {
  const actor = actorOf(user);
  return { actor, ability: defineAbilityFor(actor), facts };
}

/** What an audience keeps of one of its users with sockets here. */
export interface Member {
  viewer: Viewer;
  sockets: number;
}

/** Users judged alike: one viewer, one room; members named by a change are judged on their own. */
export interface Audience {
  readonly room: string;
  readonly viewer: Viewer;
  sockets: number;
  readonly members: Map<string, Member>;
}

/** What the audiences need of a socket: its rooms. */
export interface RoomMember {
  join(room: string): unknown;
  leave(room: string): unknown;
}

/**
 * Audiences of one set of sockets: all live sockets of this instance, or the followers of one
 * scope. Within a scope the facts its events state about each user (checked in, addressed, ...)
 * are part of the audience: users with the same agency, roles, clearance and facts share one.
 * Evaluating a change costs one ability check per audience and per named user, never per socket.
 */
export class AudienceSet {
  private readonly audiences = new Map<string, Audience>();
  /** Which audience each user is in, and the user's sockets in this set. */
  private readonly users = new Map<string, { key: string | null; user: SessionUser; sockets: Set<RoomMember> }>();
  /** Facts of this set (a scope) as last stated: fact → users holding it. */
  private readonly holders = new Map<string, ReadonlySet<string>>();

  /** `prefix` names the rooms: `aud` for every socket, `scope:<scope>` within a scope. */
  constructor(private readonly prefix: string) {}

  /** The room of one user's sockets in this set, for what is told to that user alone. */
  userRoom(userId: string): string {
    return `${this.prefix}:user:${userId}`;
  }

  /** Puts a socket of `user` in its audience's room; `facts` are the user's facts here now. */
  join(socket: RoomMember, user: SessionUser, facts?: readonly string[]): void {
    let known = this.users.get(user.id);
    if (!known) {
      known = { key: null, user, sockets: new Set() };
      this.users.set(user.id, known);
    }
    if (facts) this.restate(user.id, facts);
    if (known.sockets.has(socket)) return;
    known.key ??= this.keyOf(user);
    known.sockets.add(socket);
    this.enter(known.key, user, socket);
  }

  leave(socket: RoomMember, userId: string): void {
    const known = this.users.get(userId);
    if (!known?.sockets.delete(socket) || known.key === null) return;
    this.exit(known.key, userId, socket);
    if (known.sockets.size === 0) {
      this.users.delete(userId);
      for (const [fact, holders] of this.holders) {
        if (holders.has(userId)) this.holders.set(fact, new Set([...holders].filter((id) => id !== userId)));
      }
    }
  }

  /**
   * Facts as a change states them: users whose facts changed move to the audience of their new
   * facts (their sockets change rooms), before the change itself is judged. The work is for the
   * users whose facts changed, not for every socket.
   */
  applyFacts(statements: readonly FactStatement[]): void {
    const moved = new Set<string>();
    for (const { fact, holders } of statements) {
      const before = this.holders.get(fact) ?? new Set<string>();
      const after = new Set(holders.filter((id) => this.users.has(id)));
      for (const id of before) if (!after.has(id)) moved.add(id);
      for (const id of after) if (!before.has(id)) moved.add(id);
      this.holders.set(fact, after);
    }
    for (const id of moved) {
      const known = this.users.get(id);
      if (!known || known.key === null) continue;
      const key = this.keyOf(known.user);
      if (key === known.key) continue;
      for (const socket of known.sockets) {
        this.exit(known.key, id, socket);
        this.enter(key, known.user, socket);
      }
      known.key = key;
    }
  }

  /** The facts of one user here. */
  factsOf(userId: string): ReadonlySet<string> {
    const facts = new Set<string>();
    for (const [fact, holders] of this.holders) if (holders.has(userId)) facts.add(fact);
    return facts;
  }

  entries(): IterableIterator<Audience> {
    return this.audiences.values();
  }

  get size(): number {
    return this.audiences.size;
  }

  get empty(): boolean {
    return this.users.size === 0;
  }

  /** One user's facts here, as a follow states them (read with the position it follows from). */
  private restate(userId: string, facts: readonly string[]): void {
    const statements = [...new Set([...this.holders.keys(), ...facts])].map((fact) => {
      const holders = new Set(this.holders.get(fact) ?? []);
      if (facts.includes(fact)) holders.add(userId);
      else holders.delete(userId);
      return { fact, holders: [...holders] };
    });
    this.applyFacts(statements);
  }

  private keyOf(user: SessionUser): string {
    const facts = [...this.factsOf(user.id)].sort();
    return facts.length === 0 ? audienceKey(user) : `${audienceKey(user)}|${facts.join(',')}`;
  }

  private enter(key: string, user: SessionUser, socket: RoomMember): void {
    let audience = this.audiences.get(key);
    const facts = this.factsOf(user.id);
    if (!audience) {
      const actor = { ...actorOf(user), id: '' };
      audience = {
        room: `${this.prefix}:${key}`,
        // A member's ability without a user id, so that no RED recipient rule matches.
        viewer: { actor, ability: defineAbilityFor(actor), facts },
        sockets: 0,
        members: new Map(),
      };
      this.audiences.set(key, audience);
    }
    audience.sockets++;
    const member = audience.members.get(user.id) ?? { viewer: userViewer(user, facts), sockets: 0 };
    member.sockets++;
    audience.members.set(user.id, member);
    void socket.join(audience.room);
    void socket.join(this.userRoom(user.id));
  }

  private exit(key: string, userId: string, socket: RoomMember): void {
    const audience = this.audiences.get(key);
    if (!audience) return;
    void socket.leave(audience.room);
    void socket.leave(this.userRoom(userId));
    audience.sockets--;
    const member = audience.members.get(userId);
    if (member && --member.sockets <= 0) audience.members.delete(userId);
    if (audience.sockets <= 0) this.audiences.delete(key);
  }
}
