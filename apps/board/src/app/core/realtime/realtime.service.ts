import { Injectable, inject, signal } from '@angular/core';
import type { ClientEventMap, RedactedSignal } from '@verkiezingstafel/domain';
import { type Socket, io } from 'socket.io-client';
import { ClientStateService } from '../state/client-state.service';

export type ConnectionState = 'offline' | 'connecting' | 'catching-up' | 'live' | 'reconnecting';

/** A change pushed by the hub, in position order, each at most once. */
export type BoardEvent =
  | { kind: 'signal'; type: 'signal.created' | 'signal.updated'; position: number; signal: RedactedSignal }
  | { kind: 'revoked'; position: number; id: string }
  | { kind: 'timeline'; position: number; signalId: string; entry: ClientEventMap['timeline.added']['data']['entry'] }
  | { kind: 'measure'; position: number; signalId: string; measure: ClientEventMap['measure.changed']['data']['measure'] }
  | {
      kind: 'platform-report';
      position: number;
      signalId: string;
      report: ClientEventMap['platform_report.changed']['data']['report'];
    }
  /** Too far behind, or the user's rights changed: reload everything over REST. */
  | { kind: 'resync' };

type Listener = (event: BoardEvent) => void;

/**
 * One socket per signed-in board. The session cookie authenticates it; the hub replays what
 * this user may see after the last position the board saw (`auth.after` on every
 * reconnect), then continues live. The state is shown in the shell.
 */
@Injectable({ providedIn: 'root' })
export class RealtimeService {
  private readonly stateSignal = signal<ConnectionState>('offline');
  readonly state = this.stateSignal.asReadonly();
  private socket: Socket | null = null;
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
    const socket = io({
      path: '/socket.io',
      transports: ['websocket'],
      withCredentials: true,
      // Asked again on every reconnect: resume after the last position this board saw.
      auth: (send) => send(this.position === null ? {} : { after: this.position }),
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
    });
    this.socket = socket;
    socket.on('connect', () => this.stateSignal.set(this.position === null ? 'connecting' : 'catching-up'));
    socket.on('ready', ({ position }: ClientEventMap['ready']) => {
      if (this.position === null || position > this.position) this.position = position;
      this.stateSignal.set('live');
    });
    socket.on('resync', ({ position }: ClientEventMap['resync']) => {
      this.position = position;
      this.emit({ kind: 'resync' });
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

    const positioned = <T extends { position: number }>(handler: (payload: T) => BoardEvent) => (payload: T) => {
      if (this.position !== null && payload.position <= this.position) return;
      this.position = payload.position;
      this.emit(handler(payload));
    };
    socket.on(
      'signal.created',
      positioned((e: ClientEventMap['signal.created']) => ({ kind: 'signal', type: 'signal.created', position: e.position, signal: e.data })),
    );
    socket.on(
      'signal.updated',
      positioned((e: ClientEventMap['signal.updated']) => ({ kind: 'signal', type: 'signal.updated', position: e.position, signal: e.data })),
    );
    socket.on(
      'signal.revoked',
      positioned((e: ClientEventMap['signal.revoked']) => ({ kind: 'revoked', position: e.position, id: e.data.id })),
    );
    socket.on(
      'timeline.added',
      positioned((e: ClientEventMap['timeline.added']) => ({
        kind: 'timeline',
        position: e.position,
        signalId: e.data.signalId,
        entry: e.data.entry,
      })),
    );
    socket.on(
      'measure.changed',
      positioned((e: ClientEventMap['measure.changed']) => ({
        kind: 'measure',
        position: e.position,
        signalId: e.data.signalId,
        measure: e.data.measure,
      })),
    );
    socket.on(
      'platform_report.changed',
      positioned((e: ClientEventMap['platform_report.changed']) => ({
        kind: 'platform-report',
        position: e.position,
        signalId: e.data.signalId,
        report: e.data.report,
      })),
    );
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
