/**
 * A presigned upload through the local storage front lands in fauxqs as S3 would store it: a body larger
 * than fauxqs accepts in one request (11 MiB) and a form-encoded Content-Type (which fauxqs would parse)
 * come back byte for byte, with their Content-Type, from a plain GetObject.
 */
import { createHash } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { type FauxqsServer, interceptLocalhostDns, startFauxqs } from 'fauxqs';
import { type StorageFront, startStorageFront } from '../../infra/local/storage-front.js';
import { system } from '../../infra/system.js';

const BUCKET = 'front-test';
let fauxqs: FauxqsServer;
let front: StorageFront;
let restoreDns: () => void;
let s3: S3Client;

beforeAll(async () => {
  restoreDns = interceptLocalhostDns();
  fauxqs = await startFauxqs({ port: 0, logger: false });
  fauxqs.createBucket(BUCKET);
  const rule = system.buckets.uploads?.browserUploads;
  if (!rule) throw new Error('no browserUploads rule');
  front = await startStorageFront({ upstreamPort: fauxqs.port, rule, origins: ['http://127.0.0.1:1'] });
  s3 = new S3Client({
    endpoint: `http://s3.localhost:${front.port}`,
    region: 'ap-southeast-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  s3?.destroy();
  await front?.close();
  await fauxqs?.stop();
  restoreDns?.();
});

async function put(key: string, body: Buffer, contentType: string): Promise<Response> {
  const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: BUCKET, Key: key }), { expiresIn: 60 });
  // fetch has no DNS hook: the bucket's *.localhost name is loopback (RFC 6761), so ask 127.0.0.1 with its Host.
  const u = new URL(url);
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: u.port,
        path: `${u.pathname}${u.search}`,
        method: 'PUT',
        headers: { host: u.host, 'content-type': contentType, 'content-length': String(body.length) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve(
            new Response(Buffer.concat(chunks), {
              status: res.statusCode ?? 500,
              headers: res.headers as Record<string, string>,
            }),
          ),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function get(key: string): Promise<{ sha: string; size: number; type?: string }> {
  const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of out.Body as AsyncIterable<Uint8Array>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha: hash.digest('hex'), size, ...(out.ContentType ? { type: out.ContentType } : {}) };
}

it('stores a 20 MiB PUT whole (streamed as parts), byte for byte, with its ETag', async () => {
  const body = Buffer.alloc(20 * 1024 * 1024 + 7);
  for (let i = 0; i < body.length; i++) body[i] = (i * 31 + (i >> 12)) & 0xff;
  const res = await put('incoming/big.csv', body, 'text/csv');
  expect(res.status).toBe(200);
  expect(res.headers.get('etag')).toBeTruthy();
  expect(await get('incoming/big.csv')).toEqual({
    sha: createHash('sha256').update(body).digest('hex'),
    size: body.length,
    type: 'text/csv',
  });
});

it("keeps a form-encoded body (curl's default type) as bytes: S3 never parses a body", async () => {
  const body = Buffer.from('a=1&b=2\nSTT,Họ và tên\n');
  expect((await put('incoming/form.csv', body, 'application/x-www-form-urlencoded')).status).toBe(200);
  expect(await get('incoming/form.csv')).toEqual({
    sha: createHash('sha256').update(body).digest('hex'),
    size: body.length,
    type: 'binary/octet-stream', // fauxqs would route that type to SQS (see storage-front.ts)
  });
});

it('stores an empty file as an empty object', async () => {
  expect((await put('incoming/empty.csv', Buffer.alloc(0), 'text/csv')).status).toBe(200);
  expect((await get('incoming/empty.csv')).size).toBe(0);
});
