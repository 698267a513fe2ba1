/**
 * The local S3 endpoint as a browser meets it: fauxqs stores the objects, and this front adds what S3 itself
 * does at its door and fauxqs does not — the bucket's CORS rule (infra/system.ts `browserUploads`, the same
 * rule CDK writes on the bucket) and the expiry of presigned URLs. A plain PutObject (what a presigned upload
 * link is) is stored as S3 stores it — any size up to S3's own single-PUT limit, any Content-Type kept as
 * metadata — by streaming it into fauxqs as a multipart upload (fauxqs refuses bodies over 11 MiB and parses
 * form-encoded ones). Everything else is piped through unchanged. Locally the signature itself is not
 * verified (fauxqs accepts any); on AWS S3 does.
 */
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { BrowserUploadRule } from '../system-model.js';

export interface StorageFrontOptions {
  /** fauxqs's port on loopback. */
  upstreamPort: number;
  /** The bucket rule and the origins allowed to use it (the console's). */
  rule: BrowserUploadRule;
  origins: string[];
  port?: number;
  now?: () => number;
}

export interface StorageFront {
  port: number;
  close(): Promise<void>;
}

const matches = (patterns: string[], value: string) =>
  patterns.some((p) =>
    p.endsWith('*') ? value.toLowerCase().startsWith(p.slice(0, -1).toLowerCase()) : p.toLowerCase() === value,
  );

/** S3's answer to a request it refuses: an XML error body. */
function refuse(res: ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

/** `X-Amz-Date` (20261123T160000Z) + `X-Amz-Expires` seconds, when the URL is presigned. */
export function presignedExpiry(url: URL): number | undefined {
  const date = url.searchParams.get('X-Amz-Date');
  const expires = url.searchParams.get('X-Amz-Expires');
  if (!date || !expires) return undefined;
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(date);
  if (!m) return Number.NaN;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return Date.UTC(y as number, (mo as number) - 1, d, h, mi, s) + Number(expires) * 1000;
}

const PART_BYTES = 8 * 1024 * 1024;

/** Bucket and key of a virtual-hosted request (`<bucket>.s3.localhost:<port>/<key>`), if it is one. */
function objectOf(req: IncomingMessage, url: URL): { bucket: string; key: string } | undefined {
  const bucket = /^([^.]+)\.s3\.localhost(:\d+)?$/i.exec(req.headers.host ?? '')?.[1];
  const key = decodeURIComponent(url.pathname.slice(1));
  return bucket && key ? { bucket, key } : undefined;
}

/**
 * PutObject, streamed as a multipart upload, one part in memory at a time. Always multipart: the Content-Type
 * then travels as object metadata, never as the header of a body fauxqs would parse.
 */
async function putObject(s3: S3Client, req: IncomingMessage, Bucket: string, Key: string): Promise<string | undefined> {
  // fauxqs takes any form-encoded request for SQS's query protocol, so such a body (curl's default) is kept
  // as bytes with a neutral type; S3 would keep the type. Every other type is kept as sent.
  const sent = req.headers['content-type'];
  const ContentType = !sent || /x-www-form-urlencoded/i.test(sent) ? 'binary/octet-stream' : sent;
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key, ContentType }));
  const parts: { ETag?: string; PartNumber: number }[] = [];
  let pending: Buffer[] = [];
  let size = 0;
  const flush = async () => {
    const PartNumber = parts.length + 1;
    const out = await s3.send(
      new UploadPartCommand({ Bucket, Key, UploadId, PartNumber, Body: Buffer.concat(pending) }),
    );
    parts.push({ ETag: out.ETag, PartNumber });
    pending = [];
    size = 0;
  };
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      pending.push(chunk);
      size += chunk.length;
      if (size >= PART_BYTES) await flush();
    }
    if (size || !parts.length) await flush();
    const done = await s3.send(
      new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } }),
    );
    return done.ETag;
  } catch (err) {
    await s3.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId })).catch(() => undefined);
    throw err;
  }
}

export async function startStorageFront(o: StorageFrontOptions): Promise<StorageFront> {
  const now = o.now ?? Date.now;
  const s3 = new S3Client({
    endpoint: `http://s3.localhost:${o.upstreamPort}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const corsHeaders = (origin: string | undefined): Record<string, string> =>
    origin && o.origins.includes(origin)
      ? {
          'access-control-allow-origin': origin,
          'access-control-expose-headers': o.rule.exposedHeaders.join(', '),
          vary: 'Origin',
        }
      : {};

  const preflight = (req: IncomingMessage, res: ServerResponse) => {
    const origin = req.headers.origin;
    const method = String(req.headers['access-control-request-method'] ?? '');
    const asked = String(req.headers['access-control-request-headers'] ?? '')
      .split(',')
      .map((h) => h.trim())
      .filter(Boolean);
    const allowed =
      !!origin &&
      o.origins.includes(origin) &&
      (o.rule.methods as string[]).includes(method) &&
      asked.every((h) => matches(o.rule.allowedHeaders, h.toLowerCase()));
    if (!allowed) return refuse(res, 403, 'AccessForbidden', 'CORSResponse: This CORS request is not allowed.');
    res.writeHead(200, {
      'access-control-allow-origin': origin,
      'access-control-allow-methods': o.rule.methods.join(', '),
      ...(asked.length ? { 'access-control-allow-headers': asked.join(', ') } : {}),
      'access-control-max-age': String(o.rule.maxAgeSeconds),
      vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
    });
    res.end();
  };

  const server: Server = createServer((req, res) => {
    if (req.method === 'OPTIONS' && req.headers.origin) return preflight(req, res);
    const url = new URL(req.url ?? '/', 'http://front');
    const expiry = presignedExpiry(url);
    if (expiry !== undefined && !(expiry >= now())) {
      req.resume();
      return refuse(res, 403, 'AccessDenied', 'Request has expired');
    }
    const target = objectOf(req, url);
    const plainPut =
      req.method === 'PUT' && target && !url.searchParams.has('uploadId') && !req.headers['x-amz-copy-source'];
    if (plainPut) {
      putObject(s3, req, target.bucket, target.key).then(
        (etag) => {
          res.writeHead(200, { ...(etag ? { etag } : {}), 'content-length': '0', ...corsHeaders(req.headers.origin) });
          res.end();
        },
        (err: Error) => refuse(res, 500, 'InternalError', err.message.replace(/[<&]/g, ' ')),
      );
      return;
    }
    const upstream = request(
      { host: '127.0.0.1', port: o.upstreamPort, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, { ...up.headers, ...corsHeaders(req.headers.origin) });
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) refuse(res, 502, 'ServiceUnavailable', 'Storage emulator unavailable');
      else res.destroy();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(o.port ?? 0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        s3.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
