import { io, type Socket } from 'socket.io-client';

export interface Received {
  event: string;
  payload: { position?: number; type?: string; data?: unknown } & Record<string, unknown>;
}

export interface TestSocket {
  socket: Socket;
  received: Received[];
  /** Resolves when an event matching `predicate` has arrived (or rejects after `ms`). */
  waitFor(predicate: (r: Received) => boolean, ms?: number): Promise<Received>;
  close(): void;
}

/** A real socket.io client with a Bearer token, recording every event it receives. */
export async function connectSocket(url: string, token: string, options: { after?: number; origin?: string } = {}): Promise<TestSocket> {
  const socket = io(url, {
    path: '/socket.io',
    transports: ['websocket'],
    auth: options.after === undefined ? { token } : { token, after: options.after },
    reconnection: false,
    forceNew: true,
    extraHeaders: options.origin ? { Origin: options.origin } : undefined,
  });
  const received: Received[] = [];
  const waiters: { predicate: (r: Received) => boolean; resolve: (r: Received) => void }[] = [];
  socket.onAny((event: string, payload: Received['payload']) => {
    const record = { event, payload };
    received.push(record);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(record)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(record);
      }
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
  return {
    socket,
    received,
    waitFor(predicate, ms = 10_000) {
      const found = received.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = { predicate, resolve: (r: Received) => (clearTimeout(timer), resolve(r)) };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`timed out waiting; received: ${received.map((r) => r.event).join(', ')}`));
        }, ms);
        waiters.push(waiter);
      });
    },
    close() {
      socket.disconnect();
    },
  };
}
