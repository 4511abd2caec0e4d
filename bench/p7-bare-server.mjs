// P7's baseline server (child process): the same Socket.IO plumbing as the product's api without the product —
// namespace /v1, @socket.io/redis-adapter on the key the emitter writes to, each socket in the room of the
// organization its handshake names (no authentication). Prints its port, then serves until killed.
//   BARE_REDIS_URL, BARE_KEY (the Redis channel key)
import http from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';

const pub = new Redis(process.env.BARE_REDIS_URL);
const sub = pub.duplicate();
const server = http.createServer();
const io = new Server(server, { cors: { origin: '*' } });
io.adapter(createAdapter(pub, sub, { key: process.env.BARE_KEY }));
io.of('/v1').on('connection', (socket) => void socket.join(`org:${socket.handshake.auth?.org}`));
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('SIGTERM', () => {
  io.close();
  pub.disconnect();
  sub.disconnect();
  process.exit(0);
});
