/**
 * The local stand-in for the SMS / app notification provider: it records every message it is given (what,
 * to whom, when), once per idempotency key (a second delivery of the same key is counted, not recorded), and
 * shows them on a plain page. Tests read `messages`; people open `GET /` of its URL (printed by `npm start`).
 *
 *   POST /messages  {key, channel, personId, phone?, text} → 200 {providerMessageId}
 *   GET  /messages  → JSON list      GET / → HTML page
 * Phone numbers are shown masked on the page, like every personal number outside its record.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { maskDigits } from '../../../functions/shared/pii.js';

const Message = z.object({
  key: z.string().min(1).max(200),
  channel: z.enum(['SMS', 'APP']),
  personId: z.string().min(1).max(100),
  phone: z.string().max(20).optional(),
  text: z.string().min(1).max(1000),
});
export type SimulatedMessage = z.infer<typeof Message> & { providerMessageId: string; receivedAt: string };

export interface NotificationSimulator {
  url: string;
  /** Each key once, in the order received. */
  messages: SimulatedMessage[];
  /** Deliveries of a key already recorded. */
  stats: { received: number; duplicates: number };
  stop(): Promise<void>;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function page(messages: SimulatedMessage[]): string {
  const rows = messages
    .map(
      (m) =>
        `<tr><td>${escapeHtml(m.receivedAt)}</td><td>${m.channel}</td><td>${escapeHtml(m.personId)}</td><td>${escapeHtml(
          m.phone ? maskDigits(m.phone) : '',
        )}</td><td>${escapeHtml(m.text)}</td></tr>`,
    )
    .join('');
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Tin nhắn đã gửi / Messages sent</title></head>
<body><main><h1>Tin nhắn đã gửi / Messages sent (${messages.length})</h1>
<table><thead><tr><th scope="col">Thời điểm / When</th><th scope="col">Kênh / Channel</th><th scope="col">Người nhận / To</th><th scope="col">Số điện thoại / Phone</th><th scope="col">Nội dung / Text</th></tr></thead>
<tbody>${rows}</tbody></table></main></body></html>`;
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 64 * 1024) throw new Error('too large');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startNotificationSimulator(o: { port?: number } = {}): Promise<NotificationSimulator> {
  const messages: SimulatedMessage[] = [];
  const byKey = new Map<string, SimulatedMessage>();
  const stats = { received: 0, duplicates: 0 };
  const send = (res: ServerResponse, status: number, type: string, text: string) => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
    res.end(text);
  };
  const server = createServer(async (req, res) => {
    try {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (req.method === 'POST' && path === '/messages') {
        const parsed = Message.safeParse(JSON.parse(await body(req)));
        if (!parsed.success) return send(res, 400, 'application/json', JSON.stringify({ error: 'invalid message' }));
        stats.received++;
        const existing = byKey.get(parsed.data.key);
        if (existing) {
          stats.duplicates++;
          return send(res, 200, 'application/json', JSON.stringify({ providerMessageId: existing.providerMessageId }));
        }
        const m = { ...parsed.data, providerMessageId: randomUUID(), receivedAt: new Date().toISOString() };
        byKey.set(m.key, m);
        messages.push(m);
        return send(res, 200, 'application/json', JSON.stringify({ providerMessageId: m.providerMessageId }));
      }
      if (req.method === 'GET' && path === '/messages')
        return send(res, 200, 'application/json', JSON.stringify(messages));
      if (req.method === 'GET' && path === '/') return send(res, 200, 'text/html; charset=utf-8', page(messages));
      return send(res, 404, 'application/json', JSON.stringify({ error: 'not found' }));
    } catch {
      return send(res, 400, 'application/json', JSON.stringify({ error: 'bad request' }));
    }
  });
  await new Promise<void>((resolve) => server.listen(o.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    stats,
    stop: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
