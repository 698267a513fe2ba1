/**
 * The local S3 endpoint as a browser meets it: fauxqs stores the objects, and this front adds what S3 itself
 * does at its door and fauxqs does not — the bucket's CORS rule (infra/system.ts `browserUploads`, the same
 * rule CDK writes on the bucket) and the expiry of presigned URLs. Everything else is piped through unchanged,
 * streamed both ways. Locally the signature itself is not verified (fauxqs accepts any); on AWS S3 does.
 */
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
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

export async function startStorageFront(o: StorageFrontOptions): Promise<StorageFront> {
  const now = o.now ?? Date.now;
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
    const expiry = presignedExpiry(new URL(req.url ?? '/', 'http://front'));
    if (expiry !== undefined && !(expiry >= now())) {
      req.resume();
      return refuse(res, 403, 'AccessDenied', 'Request has expired');
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
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
