// The baseline of the fan-out benchmark: a bare socket.io server (same version, websocket
// transport) that broadcasts each change it is handed to one room holding every socket.
import http from 'node:http';
import { Server } from 'socket.io';

const server = http.createServer((request, response) => {
  if (request.method !== 'POST' || request.url !== '/emit') {
    response.writeHead(404).end();
    return;
  }
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const envelope = JSON.parse(Buffer.concat(chunks).toString());
    io.to('all').emit(envelope.type, envelope);
    response.writeHead(204).end();
  });
});
const io = new Server(server, { path: '/socket.io', transports: ['websocket'], maxHttpBufferSize: 16 * 1024 });
io.on('connection', (socket) => {
  void socket.join('all');
  socket.emit('ready', { position: 0 });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`READY ${server.address().port}\n`));
process.on('SIGTERM', () => process.exit(0));
