/**
 * The local HTTP API: turns each request into the API Gateway HTTP API (payload 2.0) event the Lambda
 * would receive, runs API Gateway's JWT authorizer checks with the same verification code
 * (functions/shared/auth.ts), and maps the handler's result back to HTTP. Limits and error bodies follow
 * API Gateway's, so clients meet the same behaviour here and on AWS.
 */

import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type TokenPolicy, verifyAccessToken } from '../../functions/shared/auth.js';
import { type RouteDef, routeKey } from '../system-model.js';
import { siteSecurityHeaders } from '../web-security-headers.js';
import type { DevIdentityProvider } from './dev-identity-provider.js';
import type { LambdaInvoker } from './lambda-invoker.js';

/** API Gateway's payload limit. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** The local identity provider takes small forms only. */
const MAX_PROVIDER_BODY_BYTES = 64 * 1024;
const TEXT_TYPES = /^(text\/|application\/(json|xml|x-www-form-urlencoded|[\w.+-]+\+(json|xml)))/i;
export const OIDC_PATH = '/local/oidc';

interface CompiledRoute {
  def: RouteDef;
  pattern: RegExp;
  params: string[];
}

function compile(def: RouteDef): CompiledRoute {
  const params: string[] = [];
  const source = def.path.replace(/\{(\w+)(\+?)\}/g, (_, name: string, greedy: string) => {
    params.push(name);
    return greedy ? '(.+)' : '([^/]+)';
  });
  return { def, pattern: new RegExp(`^${source}$`), params };
}

/** HTTP API hands JWT claims to Lambda as strings; arrays look like `[a b]`. */
function stringifyClaims(payload: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(payload).map(([k, v]) => [
      k,
      Array.isArray(v) ? `[${v.join(' ')}]` : typeof v === 'object' ? JSON.stringify(v) : String(v),
    ]),
  );
}

export interface GatewayOptions {
  routes: RouteDef[];
  invoker: LambdaInvoker;
  tokenPolicy: TokenPolicy;
  identityProvider: DevIdentityProvider;
  /** The web console's files (built on first use), served outside `/v1` and `/local`. */
  site?: () => Promise<Map<string, { body: Buffer; contentType: string }>>;
  /** Origins besides its own the console may call (storage, for presigned uploads). */
  connectOrigins?: string[];
  /** The console's `/config.json` (its identity provider), as the CDK deployment writes it next to the page. */
  consoleConfig?: { oidc: { issuer: string; clientId: string; scope?: string } };
  log?: (msg: string, extra?: Record<string, unknown>) => void;
}

export class LocalGateway {
  private server?: Server;
  private readonly routes: CompiledRoute[];
  private site?: Promise<Map<string, { body: Buffer; contentType: string }>>;
  url = '';

  constructor(private readonly o: GatewayOptions) {
    // Like API Gateway, a static segment wins over a path parameter (`/lists/template` before `/lists/{id}`).
    this.routes = o.routes.map(compile).sort((a, b) => a.params.length - b.params.length);
  }

  async start(port: number, host = '127.0.0.1'): Promise<void> {
    this.server = createServer((req, res) => {
      this.serve(req, res).catch((err) => {
        this.o.log?.('Gateway failure', { error: String(err) });
        if (!res.headersSent) send(res, 500, { message: 'Internal Server Error' });
      });
    });
    this.server.requestTimeout = 30_000; // API Gateway's integration timeout
    await new Promise<void>((ok, fail) => {
      this.server?.once('error', fail);
      this.server?.listen(port, host, ok);
    });
    this.url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeIdleConnections();
    await new Promise<void>((ok) => this.server?.close(() => ok()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    if (url.pathname.startsWith(`${OIDC_PATH}/`)) {
      const body = await readBody(req, MAX_PROVIDER_BODY_BYTES);
      if (body === undefined) return send(res, 413, { message: 'Request Entity Too Large' });
      const answer = await this.o.identityProvider.handle({
        method,
        path: url.pathname.slice(OIDC_PATH.length),
        query: url.searchParams,
        contentType: req.headers['content-type'],
        body: body.toString('utf8'),
      });
      if (!answer) return send(res, 404, { message: 'Not Found' });
      res.writeHead(answer.status, answer.headers);
      return void res.end(answer.body);
    }
    if (this.o.consoleConfig && method === 'GET' && url.pathname === '/config.json') {
      return send(res, 200, this.o.consoleConfig, { 'cache-control': 'no-store' });
    }
    if (this.o.site && (method === 'GET' || method === 'HEAD') && !url.pathname.startsWith('/v1/')) {
      const file = await this.siteFile(url.pathname);
      if (file) return sendSiteFile(res, method, file, this.o.connectOrigins);
    }
    let params: Record<string, string> = {};
    const route = this.routes.find((r) => {
      if (r.def.method !== method) return false;
      const m = r.pattern.exec(url.pathname);
      if (!m) return false;
      params = Object.fromEntries(r.params.map((p, i) => [p, safeDecode(m[i + 1] ?? '')]));
      return true;
    });
    if (!route) return send(res, 404, { message: 'Not Found' });
    if (Object.values(params).includes('\uFFFD')) return send(res, 400, { message: 'Bad Request' });

    const payload = await readBody(req, MAX_BODY_BYTES);
    if (payload === undefined) return send(res, 413, { message: 'Request Entity Too Large' });

    let claims: Record<string, string> | undefined;
    if (route.def.roles !== 'public') {
      const header = req.headers.authorization ?? '';
      const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
      try {
        if (!token) throw new Error('no bearer token');
        claims = stringifyClaims(await verifyAccessToken(token, this.o.tokenPolicy));
      } catch {
        return send(res, 401, { message: 'Unauthorized' }, { 'www-authenticate': 'Bearer' });
      }
    }

    const event = this.toEvent(req, url, route, params, payload, claims);
    const result = (await this.o.invoker.invoke(route.def.function, event)) as
      | APIGatewayProxyStructuredResultV2
      | string;
    if (typeof result === 'string' || result?.statusCode === undefined) {
      return send(res, 200, result ?? null);
    }
    const body = result.body ?? '';
    res.writeHead(result.statusCode, {
      ...(result.headers as Record<string, string>),
      'apigw-requestid': event.requestContext.requestId,
    });
    res.end(result.isBase64Encoded ? Buffer.from(body, 'base64') : body);
  }

  /** `/`, `/app` and `/app/...` are the console's page (hash routes); other paths are its assets. */
  private async siteFile(path: string) {
    if (!this.site) {
      this.site = this.o.site?.();
      this.site?.catch(() => {
        this.site = undefined; // a failed build is retried on the next request
      });
    }
    const files = await this.site;
    const name = path === '/' || path === '/app' || path.startsWith('/app/') ? 'index.html' : path.slice(1);
    return files?.get(name);
  }

  private toEvent(
    req: IncomingMessage,
    url: URL,
    route: CompiledRoute,
    pathParameters: Record<string, string>,
    body: Buffer,
    claims: Record<string, string> | undefined,
  ): APIGatewayProxyEventV2WithJWTAuthorizer {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
    // A text body that is not UTF-8 (a UTF-16 "Unicode text" list, Windows-1258 bytes) cannot travel as a
    // JSON string without being mangled: pass it base64-encoded, as binary, so the handler sees the bytes.
    const isText = TEXT_TYPES.test(headers['content-type'] ?? 'application/json') && isUtf8(body);
    const now = new Date();
    return {
      version: '2.0',
      routeKey: routeKey(route.def),
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers,
      ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
      ...(route.params.length ? { pathParameters } : {}),
      ...(body.length ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
      isBase64Encoded: body.length > 0 && !isText,
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: claims ?? {}, scopes: [] } },
        domainName: headers.host ?? 'localhost',
        domainPrefix: 'localhost',
        http: {
          method: route.def.method,
          path: url.pathname,
          protocol: `HTTP/${req.httpVersion}`,
          sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
          userAgent: headers['user-agent'] ?? '',
        },
        requestId: randomUUID(),
        routeKey: routeKey(route.def),
        stage: '$default',
        time: now.toUTCString(),
        timeEpoch: now.getTime(),
      },
    } as APIGatewayProxyEventV2WithJWTAuthorizer;
  }
}

/** The request body, or undefined (and the request dropped) once it passes `limit` bytes. */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      req.destroy();
      return undefined;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** A malformed escape (`%E0%A4%A`) must not crash the request: it becomes a marker answered with 400. */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return '\uFFFD';
  }
}

function sendSiteFile(
  res: ServerResponse,
  method: string,
  file: { body: Buffer; contentType: string },
  connectOrigins: string[] = [],
) {
  res.writeHead(200, {
    'content-type': file.contentType,
    'content-length': String(file.body.length),
    'cache-control': 'no-cache',
    ...siteSecurityHeaders(connectOrigins),
  });
  res.end(method === 'HEAD' ? undefined : file.body);
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}
