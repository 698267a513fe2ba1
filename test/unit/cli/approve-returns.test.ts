/**
 * Issue 14 item 8: `ansinh cycles approve` returns once the payment files are sent and says what remains
 * open, rather than waiting out the settlement cut-off (days, with post-office payments) and timing out.
 * The API is a small local HTTP server answering as the platform does for a cycle whose post-office payments
 * stay open.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EXIT, run } from '../../../cli/main.js';

const CYCLE = 'cy-79-2026-04-aaaaaaaa';
let server: Server;
let url: string;
let gets = 0;
let status = 'APPROVED';

beforeAll(async () => {
  server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.method === 'POST' && req.url === `/v1/disbursement-cycles/${CYCLE}/approve`) {
      status = 'DISPATCHING';
      res.end(JSON.stringify({ cycleId: CYCLE, status }));
      return;
    }
    if (req.method === 'GET' && req.url === `/v1/disbursement-cycles/${CYCLE}`) {
      gets++;
      // First read: the file is not out yet; then it is, and two post-office payments stay open for days.
      const sent = gets > 1;
      if (sent) status = 'COLLECTING';
      res.end(
        JSON.stringify({
          cycleId: CYCLE,
          status,
          approvedHash: `sha256:${'a'.repeat(64)}`,
          progress: {
            chunks: 2,
            chunksDispatched: sent ? 2 : 1,
            byState: { PENDING: 0, SENT: sent ? 2 : 0, ACCEPTED: 0, SETTLED: sent ? 3 : 0, REJECTED: 0 },
          },
        }),
      );
      return;
    }
    res.statusCode = 404;
    res.end(JSON.stringify({ error: { code: 'NOT_FOUND' } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});

describe('cycles approve', () => {
  it('returns once the files are sent, exit 0, naming what is still open', async () => {
    let out = '';
    const started = Date.now();
    const code = await run(
      ['cycles', 'approve', CYCLE, '--hash', `sha256:${'a'.repeat(64)}`, '--lang', 'en', '--timeout', '8'],
      {
        env: { ANSINH_TOKEN: 'a.b.c', ANSINH_URL: url },
        out: (t) => {
          out += t;
        },
        err: () => undefined,
        tty: false,
      },
    );
    expect(code).toBe(EXIT.OK);
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(out).toContain('Payment files sent. Still open: 2 (PENDING 0, SENT 2, ACCEPTED 0)');
    expect(out).toContain(`ansinh cycles wait ${CYCLE}`);
  }, 20_000);
});
