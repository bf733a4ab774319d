import { io, type Socket } from 'socket.io-client';

export interface Delivered {
  event: string;
  position: number;
  id: string | null;
}

/**
 * Follows the event stream like a board does: resumes from the last position it saw after
 * every disconnect, moving on to the next instance when one is gone.
 */
export class BoardClient {
  readonly delivered: Delivered[] = [];
  readonly resyncs: unknown[] = [];
  last: number | null = null;
  connects = 0;
  private socket: Socket | null = null;
  private closed = false;
  private attempt = 0;

  constructor(
    private readonly urls: string[],
    private readonly token: string,
  ) {}

  start(): Promise<void> {
    return new Promise((ready) => this.connect(ready));
  }

  close(): void {
    this.closed = true;
    this.socket?.disconnect();
  }

  /** Waits until this client has seen `position` (or throws after `ms`). */
  async waitFor(position: number, ms = 30_000): Promise<void> {
    const until = Date.now() + ms;
    while ((this.last ?? 0) < position) {
      if (Date.now() > until) throw new Error(`client at ${this.last}, expected ${position}`);
      await new Promise((done) => setTimeout(done, 50));
    }
  }

  private connect(ready?: () => void): void {
    if (this.closed) return;
    const url = this.urls[this.attempt % this.urls.length]!;
    const auth: Record<string, unknown> = { token: this.token };
    if (this.last !== null) auth['after'] = this.last;
    const socket = io(url, { path: '/socket.io', transports: ['websocket'], auth, reconnection: false, forceNew: true });
    this.socket = socket;
    socket.onAny((event: string, payload: { position?: number; data?: { id?: string } }) => {
      if (event === 'ready') {
        this.connects++;
        this.last = Math.max(this.last ?? 0, (payload as { position: number }).position);
        ready?.();
        return;
      }
      if (event === 'resync') {
        this.resyncs.push(payload);
        return;
      }
      if (typeof payload?.position === 'number') {
        this.delivered.push({ event, position: payload.position, id: payload.data?.id ?? null });
        this.last = payload.position;
      }
    });
    const retry = () => {
      socket.removeAllListeners();
      socket.disconnect();
      if (this.closed) return;
      this.attempt++;
      setTimeout(() => this.connect(ready), 100);
    };
    socket.on('disconnect', retry);
    socket.on('connect_error', retry);
  }
}

/** Positions strictly increasing: every event at most once and in order. */
export function assertInOrderOnce(delivered: Delivered[]): void {
  for (let i = 1; i < delivered.length; i++) {
    if (delivered[i]!.position <= delivered[i - 1]!.position) {
      throw new Error(`event ${delivered[i]!.position} after ${delivered[i - 1]!.position}`);
    }
  }
}
