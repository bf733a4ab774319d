// Socket clients of the fan-out benchmark, in their own process: `count` websocket
// connections spread over the given session tokens. Records, per change, how long after its
// commit each socket received it. Talks to its parent over IPC.
import { io } from 'socket.io-client';

const { url, tokens, count } = JSON.parse(process.argv[2]);
const received = new Map(); // mark -> receive times (ms since epoch)
let ready = 0;
let failed = 0;
const sockets = [];

function connectOne(i) {
  return new Promise((resolve) => {
    const socket = io(url, {
      path: '/socket.io',
      transports: ['websocket'],
      auth: { token: tokens[i % tokens.length] },
      reconnection: false,
      timeout: 60_000,
    });
    socket.on('ready', () => {
      ready++;
      resolve();
    });
    socket.on('connect_error', () => {
      failed++;
      resolve();
    });
    socket.on('signal.created', (envelope) => {
      // Commit to socket: `at` is when the change was committed (the outbox event's time; for
      // the raw baseline, when it was handed to the server). Same machine, same clock.
      const latency = Date.now() - Date.parse(envelope?.at);
      const mark = envelope?.data?.title;
      if (typeof mark !== 'string' || Number.isNaN(latency)) return;
      let list = received.get(mark);
      if (!list) received.set(mark, (list = []));
      list.push(latency);
    });
    sockets.push(socket);
  });
}

process.on('message', async (message) => {
  if (message.type === 'connect') {
    // In batches, so that the server accepts them at a steady pace.
    for (let i = 0; i < count; i += 200) {
      await Promise.all(Array.from({ length: Math.min(200, count - i) }, (_, k) => connectOne(i + k)));
    }
    process.send({ type: 'connected', ready, failed });
  } else if (message.type === 'report') {
    const latencies = [];
    let deliveries = 0;
    for (const mark of Object.keys(message.sent)) {
      for (const latency of received.get(mark) ?? []) {
        latencies.push(latency);
        deliveries++;
      }
    }
    process.send({ type: 'report', latencies, deliveries });
    received.clear();
  } else if (message.type === 'close') {
    for (const socket of sockets) socket.close();
    process.exit(0);
  }
});
process.send({ type: 'started' });
