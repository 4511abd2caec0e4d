// What the organization's integrations see: a customer webhook endpoint and dashboards on Socket.IO, one connected
// to each api process.
import http from 'node:http';
import { io } from 'socket.io-client';

/** A customer webhook endpoint that answers 200 and remembers the message events it got (by message id). */
export function startWebhookReceiver() {
  const received = { total: 0, byType: {}, statuses: new Map() };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
      try {
        const e = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        received.total++;
        received.byType[e.type] = (received.byType[e.type] ?? 0) + 1;
        const id = e.data?.message?.id;
        if (e.type === 'message.status_updated' && id) {
          const list = received.statuses.get(id) ?? [];
          list.push({ event_id: e.id, previous: e.data.previous_status, status: e.data.message.status });
          received.statuses.set(id, list);
        }
      } catch {
        // Not ours to judge here: the product's delivery log keeps what was sent.
      }
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ url: `http://127.0.0.1:${server.address().port}/hook`, received, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

/** A dashboard on one api process: Socket.IO namespace /v1, authenticated with the API key, recording every event. */
export async function connectDashboard(name, apiUrl, key) {
  const socket = io(`${apiUrl}/v1`, { auth: { token: key }, transports: ['websocket'], reconnection: true, forceNew: true });
  const seen = { name, created: new Set(), statuses: new Map(), total: 0, disconnects: 0 };
  socket.onAny((event, envelope) => {
    seen.total++;
    const m = envelope?.data?.message;
    if (!m?.id) return;
    if (event === 'message.created') seen.created.add(m.id);
    if (event === 'message.status_updated') {
      const set = seen.statuses.get(m.id) ?? new Set();
      set.add(m.status);
      seen.statuses.set(m.id, set);
    }
  });
  socket.on('disconnect', () => seen.disconnects++);
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name}: Socket.IO did not connect to ${apiUrl}`)), 10_000);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      reject(new Error(`${name}: Socket.IO refused: ${err.message} ${JSON.stringify(err.data ?? {})}`));
    });
  });
  return { seen, close: () => socket.disconnect() };
}
