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
  clientMessageFor,
  type ClientMessage,
  type ContentEvent,
  defineAbilityFor,
  isContentEvent,
  namedReaders,
  type SessionUser,
  type SocketHandshakeAuth,
} from '@verkiezingstafel/domain';
import { IsInt, Max, Min } from 'class-validator';
import type { Server, Socket } from 'socket.io';
import { type AuthContext, sessionCookie } from '../auth/auth.context';
import { AuthService } from '../auth/auth.service';
import { flattenValidationErrors } from '../common/validation';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { actorOf, AudienceRegistry } from './audiences';
import { type OutboxEvent, OutboxTailService } from './outbox-tail.service';
import { RealtimeMetrics } from './realtime.metrics';
import { Authenticated } from '../authorization/can.decorator';

export class ResumeDto {
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  after!: number;
}

/** What the server keeps of a socket. */
interface SocketState {
  sessionId: string;
  user: SessionUser;
  /** Set once the socket is live (in its rooms). */
  audience: string | null;
  messages: number[];
  /** Re-scopes under way after `user.changed`: until the last one ends, the socket is in no room. */
  rescopes: number;
}

type VtSocket = Socket<Record<string, never>, Record<string, (...args: unknown[]) => void>, Record<string, never>, SocketState>;

/** A socket may not resume further back than this many events; it reloads over REST instead. */
const MAX_REPLAY = 20_000;
const MESSAGES_PER_10S = 20;

function socketError(code: string, message: string): Error & { data: { code: string } } {
  return Object.assign(new Error(message), { data: { code } });
}

/**
 * The socket channel of the situation boards (realtime.md). Authenticates in socket.io
 * middleware with the REST session; computes each socket's audience and rooms itself;
 * delivers every outbox event, in position order and at most once, redacted per audience
 * exactly as REST would; replays after a reconnect.
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
export class RealtimeGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy {
  private readonly logger = new Logger('Realtime');
  private readonly audiences = new AudienceRegistry();
  private server!: Server;
  private sweep: NodeJS.Timeout | null = null;

  constructor(
    private readonly auth: AuthService,
    private readonly tail: OutboxTailService,
    private readonly metrics: RealtimeMetrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  afterInit(server: Server): void {
    this.server = server;
    server.use((socket, next) => {
      this.authenticate(socket as VtSocket).then(
        () => next(),
        (error: Error) => next(error),
      );
    });
    this.tail.subscribe(
      (event) => this.deliver(event),
      () => undefined,
    );
    this.sweep = setInterval(() => void this.sweepSessions(), this.config.realtimeSessionSweepSeconds * 1000);
    this.sweep.unref();
  }

  onModuleDestroy(): void {
    if (this.sweep) clearInterval(this.sweep);
  }

  handleConnection(client: Socket): void {
    const socket = client as VtSocket;
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
    const auth = socket.handshake.auth as SocketHandshakeAuth;
    const after = typeof auth.after === 'number' && Number.isSafeInteger(auth.after) && auth.after >= 0 ? auth.after : null;
    void this.goLive(socket, after);
  }

  handleDisconnect(client: Socket): void {
    const socket = client as VtSocket;
    this.metrics.connections.dec();
    if (socket.data.audience) {
      this.audiences.leave(socket.data.audience, socket.data.user.id);
      socket.data.audience = null;
    }
  }

  /** `resume { after }`: replay what this user may see since `after`, in order, then live. */
  @SubscribeMessage('resume')
  @Authenticated() // the socket was authenticated at its handshake; the replay uses the user's own ability
  async resume(@ConnectedSocket() client: Socket, @MessageBody() body: ResumeDto): Promise<void> {
    const socket = client as VtSocket;
    await this.goLive(socket, body.after);
  }

  private async authenticate(socket: VtSocket): Promise<void> {
    const origin = socket.handshake.headers.origin;
    if (origin !== undefined && origin !== this.config.publicOrigin) {
      throw socketError('origin_not_allowed', `Origin ${origin} is not allowed`);
    }
    const auth = socket.handshake.auth as SocketHandshakeAuth;
    const token = typeof auth.token === 'string' ? auth.token : sessionCookie(socket.handshake.headers.cookie, this.config.production);
    const context = token === null ? null : await this.auth.authenticate(token);
    if (!context) throw socketError('unauthenticated', 'Sign in first');
    if (context.user.totpEnrolmentRequired) throw socketError('totp_enrolment_required', 'Enrol two-factor sign-in first');
    socket.data = { sessionId: context.sessionId, user: context.user, audience: null, messages: [], rescopes: 0 };
  }

  /**
   * Takes the socket out of its rooms, replays (after, position] with the user's own ability,
   * and puts it back into its rooms, all between two deliveries, so that it receives every
   * event once and in order. `after` null: live from now.
   */
  private goLive(socket: VtSocket, after: number | null, waited = 0): Promise<void> {
    return this.tail
      .exclusive(async () => {
        // A socket being re-scoped goes live (and is told to reload) when its re-scope ends.
        if (!socket.connected || socket.data.rescopes > 0) return;
        // A socket that is live here already got every event through the current position:
        // a `resume` on it must not replay those a second time (each event at most once).
        const wasLive = socket.data.audience !== null;
        this.leaveRooms(socket);
        const through = this.tail.position;
        if (wasLive && after !== null && after < through && after < (await this.tail.resumableFrom())) {
          // The client's own state is older than the retention window: it must reload.
          this.joinRooms(socket);
          socket.emit('resync', { reason: 'retention', position: through });
          return;
        }
        if (wasLive) after = after === null ? through : Math.max(after, through);
        if (after !== null && after > through && waited < 100) {
          // The client saw events this instance has not read yet (it was on another one):
          // wait until this instance catches up, so that nothing is sent twice.
          setTimeout(() => void this.goLive(socket, after, waited + 1), 50);
          return;
        }
        if (after !== null && after < through) {
          const oldest = await this.tail.resumableFrom();
          if (after < oldest || through - after > MAX_REPLAY) {
            this.joinRooms(socket);
            socket.emit('resync', { reason: 'retention', position: through });
            return;
          }
          const missed = await this.tail.read(after, through);
          // The user's permissions changed while away: what the board holds was judged by the
          // old ones, and a replay cannot take back what they no longer admit. Reload instead.
          if (missed.some((event) => event.type === 'user.changed' && (event.data as { userId?: unknown }).userId === socket.data.user.id)) {
            this.joinRooms(socket);
            socket.emit('resync', { reason: 'permissions_changed', position: through });
            return;
          }
          const ability = defineAbilityFor(actorOf(socket.data.user));
          for (const event of missed) {
            if (!isContentEvent(event.type)) continue;
            const message = clientMessageFor(ability, { type: event.type, data: event.data } as ContentEvent);
            if (message) socket.emit(message.type, this.envelope(event, message));
          }
          this.metrics.replays.inc();
        }
        if (!socket.connected) return;
        this.joinRooms(socket);
        socket.emit('ready', { position: Math.max(through, after ?? 0) });
      })
      .catch((error: unknown) => {
        this.logger.warn(`Resume failed: ${String(error)}`);
        socket.emit('resync', { reason: 'retention', position: this.tail.position });
      });
  }

  private joinRooms(socket: VtSocket): void {
    const key = this.audiences.join(socket.data.user);
    socket.data.audience = key;
    void socket.join([`aud:${key}`, `user:${socket.data.user.id}`, `session:${socket.data.sessionId}`]);
  }

  private leaveRooms(socket: VtSocket): void {
    if (!socket.data.audience) return;
    this.audiences.leave(socket.data.audience, socket.data.user.id);
    for (const room of [`aud:${socket.data.audience}`, `user:${socket.data.user.id}`, `session:${socket.data.sessionId}`]) {
      void socket.leave(room);
    }
    socket.data.audience = null;
  }

  private envelope(event: OutboxEvent, message: ClientMessage): { position: number; type: string; at: string; data: unknown } {
    return { position: event.position, type: message.type, at: event.at, data: message.data };
  }

  /** One committed event to every live socket here that may see it; called in position order. */
  private deliver(event: OutboxEvent): void {
    const started = process.hrtime.bigint();
    if (isContentEvent(event.type)) {
      this.fanOut(event, { type: event.type, data: event.data } as ContentEvent);
    } else if (event.type === 'session.ended') {
      // Every socket of the session here, also one that is not (or not yet again) in its rooms.
      const { sessionId } = event.data as { sessionId: string };
      for (const socket of this.localSockets()) if (socket.data.sessionId === sessionId) socket.disconnect(true);
    } else if (event.type === 'user.changed') {
      // The events after this one are for the user's new scope: until re-scoped, the user's
      // sockets here (live or still going live) are in no room and receive nothing.
      const { userId } = event.data as { userId: string };
      const sockets = this.localSockets().filter((socket) => socket.data.user.id === userId);
      for (const socket of sockets) {
        this.leaveRooms(socket);
        socket.data.rescopes++;
      }
      void this.rescope(sockets);
    }
    this.metrics.observeDelivery(event, started);
  }

  /**
   * Evaluates the change once per audience and emits to that audience's room. Users named in
   * RED recipients are judged on their own; where their view differs from their audience's,
   * they are left out of the room emit and sent their own.
   */
  private fanOut(event: OutboxEvent, content: ContentEvent): void {
    const named = new Set(namedReaders(content));
    // Audiences told the same thing share one emit (one encoding, one frame for all their sockets).
    const groups = new Map<string, { message: ClientMessage; rooms: string[]; except: string[] }>();
    for (const [key, audience] of this.audiences.entries()) {
      const message = clientMessageFor(audience.ability, content);
      const said = message ? JSON.stringify(message) : null;
      const except: string[] = [];
      for (const [userId, member] of audience.users) {
        if (!named.has(userId)) continue;
        const own = clientMessageFor(member.ability, content);
        if ((own ? JSON.stringify(own) : null) === said) continue;
        except.push(`user:${userId}`);
        if (own) this.server.to(`user:${userId}`).emit(own.type, this.envelope(event, own));
      }
      if (message === null || said === null) continue;
      const group = groups.get(said);
      if (group) {
        group.rooms.push(`aud:${key}`);
        group.except.push(...except);
      } else {
        groups.set(said, { message, rooms: [`aud:${key}`], except });
      }
    }
    for (const { message, rooms, except } of groups.values()) {
      const target = except.length > 0 ? this.server.to(rooms).except(except) : this.server.to(rooms);
      target.emit(message.type, this.envelope(event, message));
    }
  }

  /** The sockets authenticated on this instance (connected, past the handshake). */
  private localSockets(): VtSocket[] {
    return [...this.server.sockets.sockets.values()] as unknown as VtSocket[];
  }

  /**
   * Roles, clearance, agency or active flag changed: disconnect, or re-scope and ask for a
   * reload. The sockets were taken out of their rooms when the change was delivered; the last
   * re-scope of a socket puts it back, with the user as read after that change.
   */
  private async rescope(sockets: VtSocket[]): Promise<void> {
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
        this.joinRooms(socket);
        socket.emit('resync', { reason: 'permissions_changed', position: this.tail.position });
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
