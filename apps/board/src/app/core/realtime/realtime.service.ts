import { Injectable, inject, signal } from '@angular/core';
import {
  type ClientEventMap,
  type Listeners,
  RECORD_EVENT_TYPES,
  type RecordEnvelope,
  type RecordEventType,
  type ServerEventMap,
  type SocketHandshakeAuth,
} from '@verkiezingstafel/domain';
import { type Socket, io } from 'socket.io-client';
import { ClientStateService } from '../state/client-state.service';

export type ConnectionState = 'offline' | 'connecting' | 'catching-up' | 'live' | 'reconnecting';

/**
 * A change pushed by the hub, in position order, each at most once: a record event in its
 * envelope (`type` names it, `data` is typed by it), or `resync`: reload everything over REST.
 */
export type BoardEvent = RecordEnvelope | { type: 'resync' };

type Listener = (event: BoardEvent) => void;

type HubSocket = Socket<Listeners<ClientEventMap>, Listeners<ServerEventMap>>;
/** What the board listens to of record events: each arrives in the envelope its type names. */
interface RecordReceiver {
  on(type: RecordEventType, listener: (envelope: RecordEnvelope) => void): unknown;
}
function records(socket: HubSocket): RecordReceiver {
  return socket;
}

/**
 * One socket per signed-in board. The session cookie authenticates it; the hub replays what
 * this user may see after the last position the board saw (`auth.after` on every
 * reconnect), then continues live. The state is shown in the shell.
 */
@Injectable({ providedIn: 'root' })
export class RealtimeService {
  private readonly stateSignal = signal<ConnectionState>('offline');
  readonly state = this.stateSignal.asReadonly();
  private socket: HubSocket | null = null;
  private position: number | null = null;
  private readonly listeners = new Set<Listener>();
  /** Called when the hub refuses the socket because the session is gone. */
  onSessionEnded: (() => void) | null = null;

  constructor() {
    inject(ClientStateService).register(() => this.disconnect());
  }

  get lastPosition(): number | null {
    return this.position;
  }

  /** Subscribes to changes; returns the unsubscribe function. */
  listen(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  connect(): void {
    if (this.socket) return;
    this.stateSignal.set('connecting');
    const socket: HubSocket = io({
      path: '/socket.io',
      transports: ['websocket'],
      withCredentials: true,
      // Asked again on every reconnect: resume after the last position this board saw.
      auth: (send) => send((this.position === null ? {} : { after: this.position }) satisfies SocketHandshakeAuth),
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
    });
    this.socket = socket;
    socket.on('connect', () => this.stateSignal.set(this.position === null ? 'connecting' : 'catching-up'));
    socket.on('ready', ({ position }) => {
      if (this.position === null || position > this.position) this.position = position;
      this.stateSignal.set('live');
    });
    socket.on('resync', ({ position }) => {
      this.position = position;
      this.emit({ type: 'resync' });
    });
    socket.on('disconnect', (reason) => {
      if (this.socket !== socket) return;
      this.stateSignal.set('reconnecting');
      // The server ended the socket (sign-out elsewhere, session expired): socket.io does not
      // reconnect by itself then; try once, the handshake tells whether the session lives.
      if (reason === 'io server disconnect') socket.connect();
    });
    socket.on('connect_error', (error: Error & { data?: { code?: string } }) => {
      if (this.socket !== socket) return;
      const code = error.data?.code;
      if (code === 'unauthenticated' || code === 'totp_enrolment_required') {
        this.disconnect();
        this.onSessionEnded?.();
        return;
      }
      this.stateSignal.set('reconnecting');
    });
    socket.io.on('reconnect_attempt', () => this.stateSignal.set('reconnecting'));

    // Every kind of record the hub tells of (libs/domain), dispatched by its type to the stores and pages.
    const receiver = records(socket);
    for (const type of RECORD_EVENT_TYPES) {
      receiver.on(type, (envelope) => {
        if (this.position !== null && envelope.position <= this.position) return;
        this.position = envelope.position;
        this.emit(envelope);
      });
    }
  }

  disconnect(): void {
    const socket = this.socket;
    this.socket = null;
    this.position = null;
    socket?.removeAllListeners();
    socket?.disconnect();
    this.stateSignal.set('offline');
  }

  private emit(event: BoardEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }
}
