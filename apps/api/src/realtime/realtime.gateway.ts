import { Inject, Logger, type OnModuleDestroy, UsePipes, ValidationPipe } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WsException,
} from '@nestjs/websockets';
import {
  type Change,
  type ClientEnvelope,
  type ClientEventMap,
  type Listeners,
  type MessageOf,
  parseHandshakeAuth,
  type RecordEventMap,
  type RecordEventType,
  type ResyncReason,
  type ServerEventMap,
  type SessionUser,
  type Viewer,
} from '@verkiezingstafel/domain';
import { IsInt, Max, Min } from 'class-validator';
import type { BroadcastOperator, Server, Socket } from 'socket.io';
import { type AuthContext, sessionCookie } from '../auth/auth.context';
import { AuthService } from '../auth/auth.service';
import { Authenticated } from '../authorization/can.decorator';
import { flattenValidationErrors } from '../common/validation';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { AudienceSet, userViewer } from './audiences';
import { type OutboxEvent, OutboxTailService } from './outbox-tail.service';
import { RealtimeMetrics } from './realtime.metrics';
import { REALTIME_PROJECTIONS, type RealtimeProjections } from './realtime.tokens';

export class ResumeDto implements Readonly<ServerEventMap['resume']> {
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  after!: number;
}

/** What the server keeps of a socket. */
interface SocketState {
  sessionId: string;
  user: SessionUser;
  /**
   * Set while the socket is live (in its rooms): it has been told everything it may see of the
   * events after this position, as far as this instance has delivered them.
   */
  coveredFrom: number | null;
  /** Scopes the socket follows (a meeting), with the user's facts there as the follow stated them. */
  scopes: Set<string>;
  messages: number[];
  /** Re-scopes under way after `user.changed`: until the last one ends, the socket is in no room. */
  rescopes: number;
}

type NoEvents = Record<never, never>;
type HubServer = Server<Listeners<ServerEventMap>, Listeners<ClientEventMap>, NoEvents, SocketState>;
type HubSocket = Socket<Listeners<ServerEventMap>, Listeners<ClientEventMap>, NoEvents, SocketState>;

/** A record event in its envelope; type and data come from one projected message. */
type RecordEnvelopeOut = ClientEnvelope<RecordEventType, RecordEventMap[RecordEventType]>;
/** Where a record event goes: a room emit, or one socket. */
interface RecordEmitter {
  emit(type: RecordEventType, envelope: RecordEnvelopeOut): boolean;
}
function emitter(target: BroadcastOperator<Listeners<ClientEventMap>, SocketState> | HubSocket): RecordEmitter {
  return target;
}

/** A socket may not resume further back than this many events; it reloads over REST instead. */
const MAX_REPLAY = 20_000;
const MESSAGES_PER_10S = 20;

function socketError(code: string, message: string): Error & { data: { code: string } } {
  return Object.assign(new Error(message), { data: { code } });
}

function envelope(position: number, at: string, message: MessageOf<RecordEventMap>): RecordEnvelopeOut {
  return { position, type: message.type, at, data: message.data };
}

/**
 * The socket channel of the situation boards (realtime.md). Authenticates in socket.io
 * middleware with the REST session; computes each socket's audience and rooms itself;
 * delivers every outbox event, in position order and at most once, redacted per audience
 * exactly as REST would; replays after a reconnect. It knows no kind of record: each event is
 * told through the registry of projections (`libs/domain` `realtimeProjections`).
 */
@WebSocketGateway({
  path: '/socket.io',
  transports: ['websocket'],
  maxHttpBufferSize: 16 * 1024,
  serveClient: false,
  // socket.io's default: a dead connection is noticed within 45 s, a ping per socket every 25 s.
  pingInterval: 25_000,
  pingTimeout: 20_000,
})
@UsePipes(
  new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => new WsException({ code: 'validation_failed', errors: flattenValidationErrors(errors) }),
  }),
)
export class RealtimeGateway implements OnGatewayInit<HubServer>, OnGatewayConnection<HubSocket>, OnGatewayDisconnect<HubSocket>, OnModuleDestroy {
  private readonly logger = new Logger('Realtime');
  /** Every live socket here, by audience. */
  private readonly audiences = new AudienceSet('aud');
  /** Followers of each scope here, by audience within the scope. */
  private readonly scopes = new Map<string, AudienceSet>();
  /** Work waiting for this instance's tail to reach a position: sockets holding it already (seen elsewhere), follows. */
  private readonly pending: { position: number; socket: HubSocket; kind: 'live' | 'follow'; task: () => void }[] = [];
  private server!: HubServer;
  private sweep: NodeJS.Timeout | null = null;

  constructor(
    private readonly auth: AuthService,
    private readonly tail: OutboxTailService,
    private readonly metrics: RealtimeMetrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REALTIME_PROJECTIONS) private readonly projections: RealtimeProjections,
  ) {}

  afterInit(server: HubServer): void {
    this.server = server;
    server.use((socket, next) => {
      this.authenticate(socket).then(
        () => next(),
        (error: Error) => next(error),
      );
    });
    this.tail.subscribe(
      (event) => this.deliver(event),
      () => this.releaseWaiting(this.tail.position),
    );
    this.sweep = setInterval(() => void this.sweepSessions(), this.config.realtimeSessionSweepSeconds * 1000);
    this.sweep.unref();
  }

  onModuleDestroy(): void {
    if (this.sweep) clearInterval(this.sweep);
  }

  handleConnection(socket: HubSocket): void {
    // Incoming messages are rate-limited per socket; a flood ends the connection.
    socket.use((_packet, next) => {
      const now = Date.now();
      socket.data.messages = socket.data.messages.filter((t) => now - t < 10_000);
      socket.data.messages.push(now);
      if (socket.data.messages.length > MESSAGES_PER_10S) {
        // socket.io keeps a refused packet's error on the server: the client is told here.
        socket.emit('exception', { code: 'rate_limited', message: 'Too many messages' });
        next(socketError('rate_limited', 'Too many messages'));
        if (socket.data.messages.length > MESSAGES_PER_10S * 2) socket.disconnect(true);
        return;
      }
      next();
    });
    this.metrics.connections.inc();
    void this.goLive(socket, parseHandshakeAuth(socket.handshake.auth).after);
  }

  handleDisconnect(socket: HubSocket): void {
    this.metrics.connections.dec();
    this.cancelPending(socket);
    this.leaveRooms(socket);
  }

  /**
   * `resume { after }`, also on a live socket: replays what this user may see of the events
   * after `after` that this socket has not been told, in order, then carries on live; exactly
   * as the handshake's `auth.after`.
   */
  @SubscribeMessage('resume')
  @Authenticated() // the socket was authenticated at its handshake; the replay uses the user's own ability
  async resume(@ConnectedSocket() socket: HubSocket, @MessageBody() body: ResumeDto): Promise<void> {
    await this.goLive(socket, body.after);
  }

  /**
   * Puts a socket among the followers of a scope (a meeting), with the facts of its user there
   * (`present`), as read at position `asOf`: it takes part from the first event after it.
   * The feature that owns the scope decides who may follow and reads the facts.
   */
  follow(socketId: string, scope: string, facts: readonly string[], asOf: number): Promise<boolean> {
    return this.tail.exclusive(() => {
      const socket = this.server.sockets.sockets.get(socketId);
      if (!socket || socket.data.coveredFrom === null) return false;
      const join = () => {
        if (!socket.connected || socket.data.coveredFrom === null) return;
        socket.data.scopes.add(scope);
        this.scopeSet(scope).join(socket, socket.data.user, facts);
      };
      if (asOf <= this.tail.position) join();
      else this.whenDelivered(asOf, socket, 'follow', join);
      return true;
    });
  }

  unfollow(socketId: string, scope: string): Promise<void> {
    return this.tail.exclusive(() => {
      const socket = this.server.sockets.sockets.get(socketId);
      if (socket) this.leaveScope(socket, scope);
    });
  }

  private async authenticate(socket: HubSocket): Promise<void> {
    const origin = socket.handshake.headers.origin;
    if (origin !== undefined && origin !== this.config.publicOrigin) {
      throw socketError('origin_not_allowed', `Origin ${origin} is not allowed`);
    }
    const { token: given } = parseHandshakeAuth(socket.handshake.auth);
    const token = given ?? sessionCookie(socket.handshake.headers.cookie, this.config.production);
    const context = token === null ? null : await this.auth.authenticate(token);
    if (!context) throw socketError('unauthenticated', 'Sign in first');
    if (context.user.totpEnrolmentRequired) throw socketError('totp_enrolment_required', 'Enrol two-factor sign-in first');
    socket.data = { sessionId: context.sessionId, user: context.user, coveredFrom: null, scopes: new Set(), messages: [], rescopes: 0 };
  }

  /**
   * Between two deliveries: tells the socket what it may see of the events after `after` that
   * it has not been told yet, judged as the records are now, and makes it live. `after` null:
   * live from now. A position ahead of this instance (seen on another one) waits for the tail;
   * one that this hub never issued, or one older than the retention window, gets `resync`.
   */
  private goLive(socket: HubSocket, after: number | null): Promise<void> {
    return this.tail
      .exclusive(async () => {
        // A socket being re-scoped goes live (and is told to reload) when its re-scope ends.
        if (!socket.connected || socket.data.rescopes > 0) return;
        this.cancelPending(socket, 'live');
        const through = this.tail.position;
        const covered = socket.data.coveredFrom;
        if (after === null) {
          if (covered === null) this.live(socket, through, through);
          else socket.emit('ready', { position: through });
          return;
        }
        if (after > through) {
          if (after > (await this.tail.newestIssued())) return this.resync(socket, 'unknown_position');
          // The client saw events this instance has not delivered yet (it was on another one):
          // out of the rooms until the tail is there, then live from exactly that position.
          // (A live socket doing so leaves the scopes it followed: rare, and the client follows again.)
          this.leaveRooms(socket);
          this.whenDelivered(after, socket, 'live', () => this.live(socket, after, after));
          return;
        }
        // A live socket has been told everything after `covered` already.
        if (covered !== null && after >= covered) {
          socket.emit('ready', { position: through });
          return;
        }
        if (through - after > MAX_REPLAY || after < (await this.tail.resumableFrom())) return this.resync(socket, 'retention');
        const missed = await this.tail.read(after, through);
        // The user's permissions changed while away: what the board holds was judged by the
        // old ones, and a replay cannot take back what they no longer admit. Reload instead.
        if (missed.some((event) => event.type === 'user.changed' && event.data.userId === socket.data.user.id)) {
          return this.resync(socket, 'permissions_changed');
        }
        // Between two deliveries nothing else reaches the socket: a live one stays in its rooms.
        const replayed = this.projections.replay(userViewer(socket.data.user), missed, {
          // A live socket was told the records whose last change came after it went live.
          tellThrough: covered ?? through,
          scoped: (scope) => this.scopedViewer(socket, scope),
        });
        const target = emitter(socket);
        for (const { position, at, message } of replayed) target.emit(message.type, envelope(position, at, message));
        this.metrics.replays.inc();
        if (covered === null) this.live(socket, after, through);
        else {
          socket.data.coveredFrom = after;
          socket.emit('ready', { position: through });
        }
      })
      .catch((error: unknown) => {
        this.logger.warn(`Resume failed: ${String(error)}`);
        this.resync(socket, 'retention');
      });
  }

  /** Live from here: in its rooms, told everything after `covered`, ready at `position`. */
  private live(socket: HubSocket, covered: number, position: number): void {
    if (!socket.connected || socket.data.rescopes > 0) return;
    this.joinRooms(socket);
    socket.data.coveredFrom = covered;
    socket.emit('ready', { position });
  }

  /** The client reloads over REST and resumes from the position this instance is at; live meanwhile. */
  private resync(socket: HubSocket, reason: ResyncReason): void {
    if (!socket.connected) return;
    const position = this.tail.position;
    if (socket.data.coveredFrom === null && socket.data.rescopes === 0) this.joinRooms(socket);
    socket.data.coveredFrom = position;
    socket.emit('resync', { reason, position });
  }

  /** Runs `task` as soon as every event through `position` has been delivered here. */
  private whenDelivered(position: number, socket: HubSocket, kind: 'live' | 'follow', task: () => void): void {
    this.pending.push({ position, socket, kind, task });
  }

  private cancelPending(socket: HubSocket, kind?: 'live' | 'follow'): void {
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const entry = this.pending[i]!;
      if (entry.socket === socket && (kind === undefined || entry.kind === kind)) this.pending.splice(i, 1);
    }
  }

  /** Before each delivery and after each read: runs, in position order, what waited for the tail to get there. */
  private releaseWaiting(position: number): void {
    if (this.pending.length === 0 || !this.pending.some((p) => p.position <= position)) return;
    const due = this.pending.filter((p) => p.position <= position).sort((a, b) => a.position - b.position);
    const rest = this.pending.filter((p) => p.position > position);
    this.pending.splice(0, this.pending.length, ...rest);
    for (const { task } of due) task();
  }

  private joinRooms(socket: HubSocket): void {
    this.audiences.join(socket, socket.data.user);
    void socket.join(`session:${socket.data.sessionId}`);
  }

  /** Out of every room (its audience, its session, the scopes it follows): told nothing until back. */
  private leaveRooms(socket: HubSocket): void {
    if (socket.data.coveredFrom === null) return;
    this.audiences.leave(socket, socket.data.user.id);
    void socket.leave(`session:${socket.data.sessionId}`);
    for (const scope of [...socket.data.scopes]) this.leaveScope(socket, scope);
    socket.data.coveredFrom = null;
  }

  private leaveScope(socket: HubSocket, scope: string): void {
    if (!socket.data.scopes.delete(scope)) return;
    const set = this.scopes.get(scope);
    set?.leave(socket, socket.data.user.id);
    if (set?.empty) this.scopes.delete(scope);
  }

  private scopeSet(scope: string): AudienceSet {
    let set = this.scopes.get(scope);
    if (!set) {
      set = new AudienceSet(`scope:${scope}`);
      this.scopes.set(scope, set);
    }
    return set;
  }

  private scopedViewer(socket: HubSocket, scope: string): Viewer | null {
    if (!socket.data.scopes.has(scope)) return null;
    return userViewer(socket.data.user, this.scopes.get(scope)?.factsOf(socket.data.user.id));
  }

  /** One committed event to every live socket here that may see it; called in position order. */
  private deliver(event: OutboxEvent): void {
    const started = process.hrtime.bigint();
    // Sockets that hold everything before this event (seen elsewhere) go live first.
    this.releaseWaiting(event.position - 1);
    if (event.type === 'session.ended') {
      // Every socket of the session here, also one that is not (or not yet again) in its rooms.
      for (const socket of this.localSockets()) if (socket.data.sessionId === event.data.sessionId) socket.disconnect(true);
    } else if (event.type === 'user.changed') {
      // The events after this one are for the user's new scope: until re-scoped, the user's
      // sockets here (live or still going live) are in no room and receive nothing.
      const sockets = this.localSockets().filter((socket) => socket.data.user.id === event.data.userId);
      for (const socket of sockets) {
        this.leaveRooms(socket);
        this.cancelPending(socket);
        socket.data.rescopes++;
      }
      void this.rescope(sockets);
    } else {
      const change = this.projections.change(event);
      if (change) this.fanOut(event, change);
    }
    this.metrics.observeDelivery(event, started);
  }

  /**
   * Evaluates the change once per audience (of every socket here, or of the followers of the
   * change's scope, by their facts there) and emits to that audience's room. Users the change
   * names are judged on their own; where their view differs from their audience's, they are
   * left out of the room emit and sent their own.
   */
  private fanOut(event: OutboxEvent, change: Change<RecordEventMap>): void {
    const set = change.scope === null ? this.audiences : this.scopes.get(change.scope);
    if (!set) return;
    if (change.facts.length > 0) set.applyFacts(change.facts);
    const named = new Set(change.named);
    // Audiences told the same thing share one emit (one encoding, one frame for all their sockets).
    const groups = new Map<string, { message: MessageOf<RecordEventMap>; rooms: string[]; except: string[] }>();
    for (const audience of set.entries()) {
      const message = change.live(audience.viewer);
      const said = message ? JSON.stringify(message) : null;
      const except: string[] = [];
      for (const [userId, member] of audience.members) {
        if (!named.has(userId)) continue;
        const own = change.live(member.viewer);
        if ((own ? JSON.stringify(own) : null) === said) continue;
        const room = set.userRoom(userId);
        except.push(room);
        if (own) emitter(this.server.to(room)).emit(own.type, envelope(event.position, event.at, own));
      }
      if (message === null || said === null) continue;
      const group = groups.get(said);
      if (group) {
        group.rooms.push(audience.room);
        group.except.push(...except);
      } else {
        groups.set(said, { message, rooms: [audience.room], except });
      }
    }
    for (const { message, rooms, except } of groups.values()) {
      const target = except.length > 0 ? this.server.to(rooms).except(except) : this.server.to(rooms);
      emitter(target).emit(message.type, envelope(event.position, event.at, message));
    }
  }

  /** The sockets authenticated on this instance (connected, past the handshake). */
  private localSockets(): HubSocket[] {
    return [...this.server.sockets.sockets.values()];
  }

  /**
   * Roles, clearance, agency or active flag changed: disconnect, or re-scope and ask for a
   * reload. The sockets were taken out of their rooms when the change was delivered; the last
   * re-scope of a socket puts it back, with the user as read after that change.
   */
  private async rescope(sockets: HubSocket[]): Promise<void> {
    for (const socket of sockets) {
      let context: AuthContext | null;
      try {
        context = await this.auth.authenticateSession(socket.data.sessionId);
      } catch (error) {
        // The new scope cannot be read: the socket reconnects and authenticates again.
        this.logger.warn(`Re-scope failed: ${String(error)}`);
        socket.disconnect(true);
        continue;
      }
      if (!context || context.user.totpEnrolmentRequired) {
        socket.disconnect(true);
        continue;
      }
      const user = context.user;
      await this.tail.exclusive(() => {
        if (--socket.data.rescopes > 0 || !socket.connected) return;
        this.leaveRooms(socket);
        socket.data.user = user;
        this.resync(socket, 'permissions_changed');
      });
    }
  }

  /** Sessions that expired by time end their sockets too. */
  private async sweepSessions(): Promise<void> {
    // This instance's own sockets (every instance sweeps its own), without copying each one.
    const sockets = this.localSockets();
    if (sockets.length === 0) return;
    try {
      const valid = await this.auth.validSessions([...new Set(sockets.map((s) => s.data.sessionId))]);
      for (const socket of sockets) if (!valid.has(socket.data.sessionId)) socket.disconnect(true);
    } catch (error) {
      this.logger.warn(`Session sweep failed: ${String(error)}`);
    }
  }

  /** For tests and metrics: number of audiences with live sockets here. */
  get audienceCount(): number {
    return this.audiences.size;
  }
}
