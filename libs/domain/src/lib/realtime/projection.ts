import type { Actor, AppAbility } from '../ability';
import type { EventOf, Parser, Positioned } from '../events';

/**
 * Realtime as a registry of projections (realtime.md, visibility.md "Realtime follows the same
 * rules"). Each kind of record declares, in its own file, how one of its domain events becomes
 * what one audience is told, or nothing; the registry binds every event type to its projection.
 * The gateway, the replay and the board know no kind of record: they ask the registry.
 */

/**
 * Whom a projection judges: an audience (users with the same agency, roles and clearance, and
 * within a scope the same facts) or one user named individually. Never one socket.
 */
export interface Viewer {
  /** The audience's actor (`id` empty: no RED recipient rule matches it), or the named user. */
  readonly actor: Actor;
  readonly ability: AppAbility;
  /**
   * What else is true of this audience within the event's scope, as the events of that scope
   * state it (e.g. `present`: checked in at this meeting). Empty outside a scope.
   */
  readonly facts: ReadonlySet<string>;
}

/** What one viewer is told: a client event and its payload. */
export type MessageOf<C, K extends keyof C = keyof C> = { [T in K]: { readonly type: T; readonly data: C[T] } }[K];

/** A fact of a scope and the users who hold it after the change (e.g. `present`: who is checked in). */
export interface FactStatement {
  readonly fact: string;
  readonly holders: readonly string[];
}

/** Whether a viewer knew of a record before the changes a replay is about. */
export type Before = 'absent' | 'hidden' | 'seen';

/** The events a replay covers, for projections that judge a record by another one (a comment by its signal). */
export interface ReplayWindow {
  /**
   * The data of the last event of the window that carries the state of `record` (its subject
   * or a record it `carries`): an event of any kind, already parsed.
   */
  latest(record: string): unknown;
}

/**
 * How the events of one kind of record become client messages. `M` is the domain event map,
 * `Told` what the projection tells (a union of client messages), `K` the events of this kind.
 */
export interface Projection<M, Told, K extends keyof M> {
  /** The kind of record, e.g. `signal`. */
  readonly kind: string;
  /** The domain events this projection turns into client messages. */
  readonly events: readonly K[];
  /**
   * The record an event is about, unique across kinds (`signal:<id>`): a replay tells each
   * record once, as it is at the end of what it replays.
   */
  subject(event: EventOf<M, K>): string;
  /** Other records whose current state the event carries (a comment carries its signal). */
  carries?(event: EventOf<M, K>): readonly string[];
  /**
   * Which sockets the event concerns: null for every socket, or a scope (`meeting:<id>`) that
   * only sockets following it are in. Audiences are then formed within the scope.
   */
  scope?(event: EventOf<M, K>): string | null;
  /** Facts of the event's scope as they are after the change; they partition its audiences. */
  facts?(event: EventOf<M, K>): readonly FactStatement[];
  /** Users judged on their own besides their audience (RED recipients, before and after). */
  named(event: EventOf<M, K>): readonly string[];
  /** What a viewer is told of the event as it happens (live). */
  live(viewer: Viewer, event: EventOf<M, K>): Told | null;
  /** Whether the viewer knew of the subject before this event (the first of a replayed record). */
  before(viewer: Viewer, event: EventOf<M, K>): Before;
  /**
   * What a viewer that was away is told of the subject of `last` (its last event in the
   * replay): judged by its state now, telling a withdrawal only to a viewer that had `seen` it.
   */
  replay(viewer: Viewer, last: EventOf<M, K>, before: Before, window: ReplayWindow): Told | null;
}

/** One domain event bound to the projection of its kind: all the gateway needs to deliver it. */
export interface Change<C> {
  readonly kind: string;
  readonly subject: string;
  readonly carries: readonly string[];
  readonly scope: string | null;
  readonly facts: readonly FactStatement[];
  readonly named: readonly string[];
  live(viewer: Viewer): MessageOf<C> | null;
}

/** A replayed message: the client event at the position of the last event it sums up. */
export interface Replayed<C> {
  readonly position: number;
  readonly at: string;
  readonly message: MessageOf<C>;
}

export interface ReplayOptions {
  /**
   * Tell only records whose last replayed event is at or before this position (a live socket
   * already got later ones as they happened). Default: all.
   */
  tellThrough?: number;
  /** The viewer within a scope the socket follows, or null when it follows none (then nothing is told). */
  scoped?: (scope: string) => Viewer | null;
}

interface Binding<M, C> {
  readonly kind: string;
  bind(event: EventOf<M>): BoundChange<C> | null;
}

interface BoundChange<C> extends Change<C> {
  before(viewer: Viewer): Before;
  replay(viewer: Viewer, before: Before, window: ReplayWindow): MessageOf<C> | null;
}

/**
 * The registry: every domain event type parsed by one parser, every record event bound to
 * the projection of its kind. Built once (`realtimeProjections`); a new kind of record is
 * one more `register`.
 */
export class ProjectionRegistry<M, C> {
  private readonly bindings = new Map<keyof M, Binding<M, C>>();

  constructor(private readonly parsers: { readonly [K in keyof M]: Parser<M[K]> }) {}

  register<K extends keyof M>(projection: Projection<M, MessageOf<C>, K>): this {
    const handled = new Set<keyof M>(projection.events);
    const mine = (event: EventOf<M>): event is EventOf<M, K> => handled.has(event.type);
    const binding: Binding<M, C> = {
      kind: projection.kind,
      bind: (event) => {
        if (!mine(event)) return null;
        return {
          kind: projection.kind,
          subject: projection.subject(event),
          carries: projection.carries?.(event) ?? [],
          scope: projection.scope?.(event) ?? null,
          facts: projection.facts?.(event) ?? [],
          named: projection.named(event),
          live: (viewer) => projection.live(viewer, event),
          before: (viewer) => projection.before(viewer, event),
          replay: (viewer, before, window) => projection.replay(viewer, event, before, window),
        };
      },
    };
    for (const type of projection.events) {
      if (this.bindings.has(type)) throw new Error(`${String(type)} has a projection already (${this.bindings.get(type)!.kind})`);
      this.bindings.set(type, binding);
    }
    return this;
  }

  /** Parses a stored event; null when its type is unknown or its data is not of its shape. */
  parse(type: string, data: unknown): EventOf<M> | null {
    if (!Object.hasOwn(this.parsers, type)) return null;
    return this.parseKnown(type as keyof M, data);
  }

  /** The event bound to the projection of its kind, or null for an event about no record. */
  change(event: EventOf<M>): Change<C> | null {
    return this.bound(event);
  }

  /**
   * What a viewer that was away is told of the events it missed (in position order): each
   * record once, as it is at the end of the events, at the position of its last event;
   * nothing the viewer may not read now, and a withdrawal only of what it had seen before.
   */
  replay(viewer: Viewer, events: readonly Positioned<EventOf<M>>[], options: ReplayOptions = {}): Replayed<C>[] {
    const tellThrough = options.tellThrough ?? Number.POSITIVE_INFINITY;
    const latest = new Map<string, unknown>();
    type Within = { position: number; at: string } | null;
    const records = new Map<string, { first: BoundChange<C>; last: BoundChange<C>; told: BoundChange<C>[]; within: Within; position: number; at: string }>();
    for (const event of events) {
      const change = this.bound(event);
      if (!change) continue;
      for (const record of [change.subject, ...change.carries]) latest.set(record, event.data);
      const known = records.get(change.subject);
      const told = known?.told ?? [];
      let within = known?.within ?? null;
      if (event.position > tellThrough) told.push(change);
      else within = { position: event.position, at: event.at };
      // A record is told where its last event stands: re-inserting keeps the map in that order.
      records.delete(change.subject);
      records.set(change.subject, { first: known?.first ?? change, last: change, told, within, position: event.position, at: event.at });
    }
    const window: ReplayWindow = { latest: (record) => latest.get(record) };
    const replayed: Replayed<C>[] = [];
    for (const { first, last, told, within, position, at } of records.values()) {
      const judged = last.scope === null ? viewer : (options.scoped?.(last.scope) ?? null);
      if (!judged) continue;
      if (position <= tellThrough) {
        const message = last.replay(judged, first.before(judged), window);
        if (message) replayed.push({ position, at, message });
        continue;
      }
      // A live socket was told the record's later events as they happened, and the last of those
      // messages stands. When none told it anything, the record was out of its sight from the
      // moment it went live and stayed so: it may still hold what it had seen before it went
      // away, and the withdrawal is due at the record's last event before it went live.
      if (within === null || told.some((change) => change.live(judged) !== null)) continue;
      const message = last.replay(judged, first.before(judged), window);
      if (message) replayed.push({ ...within, message });
    }
    return replayed;
  }

  private parseKnown<K extends keyof M>(type: K, data: unknown): EventOf<M> | null {
    const parsed = this.parsers[type](data);
    if (parsed === null) return null;
    const event: EventOf<M, K> = { type, data: parsed } as EventOf<M, K>;
    return event;
  }

  private bound(event: EventOf<M>): BoundChange<C> | null {
    return this.bindings.get(event.type)?.bind(event) ?? null;
  }
}
