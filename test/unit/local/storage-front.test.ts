/**
 * The local storage front: S3's own door rules that fauxqs lacks — the bucket's CORS rule from
 * infra/system.ts (the rule CDK writes) and the expiry of presigned URLs — with everything else piped through.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { presignedExpiry, type StorageFront, startStorageFront } from '../../../infra/local/storage-front.js';
import { system } from '../../../infra/system.js';

const rule = system.buckets.uploads?.browserUploads;
const CONSOLE = 'http://127.0.0.1:3000';
let upstream: Server;
let front: StorageFront;
let clock = Date.UTC(2026, 10, 23, 16, 0, 0);
const received: { method: string; url: string; host: string; body: string }[] = [];

beforeAll(async () => {
  upstream = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        host: req.headers.host ?? '',
        body: Buffer.concat(chunks).toString(),
      });
      res.writeHead(200, { etag: '"abc"' });
      res.end();
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  if (!rule) throw new Error('the uploads bucket declares no browserUploads rule');
  front = await startStorageFront({
    upstreamPort: (upstream.address() as AddressInfo).port,
    rule,
    origins: [CONSOLE],
    now: () => clock,
  });
});
afterAll(async () => {
  await front?.close();
  await new Promise((r) => upstream?.close(r));
});

const url = (path: string) => `http://127.0.0.1:${front.port}${path}`;
const presigned = (date: string, expires: number) =>
  `/incoming/x.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=${date}&X-Amz-Expires=${expires}&X-Amz-Signature=ab`;

describe('CORS at the storage door', () => {
  it('answers the preflight of the console origin with the bucket rule', async () => {
    const res = await fetch(url('/incoming/x.csv'), {
      method: 'OPTIONS',
      headers: {
        origin: CONSOLE,
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(CONSOLE);
    expect(res.headers.get('access-control-allow-methods')).toBe('PUT');
    expect(res.headers.get('access-control-allow-headers')).toBe('content-type');
    expect(res.headers.get('access-control-max-age')).toBe(String(rule?.maxAgeSeconds));
  });

  it.each([
    ['another origin', { origin: 'https://evil.example', 'access-control-request-method': 'PUT' }],
    ['a method the rule does not allow', { origin: CONSOLE, 'access-control-request-method': 'DELETE' }],
    [
      'a header the rule does not allow',
      { origin: CONSOLE, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'authorization' },
    ],
  ])('refuses the preflight of %s, as S3 does (403, no allow-origin)', async (_what, headers) => {
    const res = await fetch(url('/incoming/x.csv'), { method: 'OPTIONS', headers });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(await res.text()).toContain('CORSResponse');
  });

  it('pipes the PUT through and lets only the console origin read the answer', async () => {
    const ok = await fetch(url(presigned('20261123T155900Z', 900)), {
      method: 'PUT',
      headers: { origin: CONSOLE, 'content-type': 'text/csv' },
      body: 'a,b\n1,2\n',
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(CONSOLE);
    expect(ok.headers.get('access-control-expose-headers')).toBe('ETag');
    expect(ok.headers.get('etag')).toBe('"abc"');
    expect(received.at(-1)).toMatchObject({ method: 'PUT', body: 'a,b\n1,2\n' });
    expect(received.at(-1)?.url).toContain('/incoming/x.csv?');

    const foreign = await fetch(url(presigned('20261123T155900Z', 900)), {
      method: 'PUT',
      headers: { origin: 'https://evil.example' },
      body: 'x',
    });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('presigned URL expiry', () => {
  it('refuses an expired link before it reaches storage', async () => {
    const before = received.length;
    clock = Date.UTC(2026, 10, 23, 16, 15, 1); // signed 15:59:00 + 900 s = 16:14:00
    const res = await fetch(url(presigned('20261123T155900Z', 900)), { method: 'PUT', body: 'late' });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('Request has expired');
    expect(received.length).toBe(before);
  });

  it('reads the expiry from the query, and a malformed date never passes', () => {
    expect(presignedExpiry(new URL(`http://x${presigned('20261123T155900Z', 900)}`))).toBe(
      Date.UTC(2026, 10, 23, 16, 14, 0),
    );
    expect(presignedExpiry(new URL('http://x/plain/get'))).toBeUndefined();
    expect(presignedExpiry(new URL('http://x/k?X-Amz-Date=yesterday&X-Amz-Expires=60'))).toBeNaN();
  });
});
