/**
 * The one way an HTTP handler is written: parse the request with zod, check the caller's role against the
 * route in the system definition, call the domain, map the result. Errors become bilingual bodies.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { type ZodType, z } from 'zod';
import type { ErrorBody, Localized } from '../../schemas/messages.js';
import type { Principal } from '../../schemas/roles.js';
import { principalFromClaims } from './auth.js';
import { ROUTE_ROLES_VARIABLE, type RouteRoles } from './platform-env.js';
import { logger, metrics, tracer } from './powertools.js';
import { checkRateLimits, type RateLimitScope } from './rate-limit.js';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly text: Localized,
    readonly details?: unknown,
    /** Response headers the refusal needs (`retry-after` on 429). */
    readonly headers?: Record<string, string>,
  ) {
    super(text.en);
    this.name = 'HttpError';
  }
}

/** The officer's jurisdiction, or 403: acting for no jurisdiction is never allowed. */
export function requireJurisdiction(principal: Principal | null): string {
  if (!principal?.jurisdiction) {
    throw new HttpError(403, 'NO_JURISDICTION', {
      vi: 'Tài khoản chưa được gán địa bàn quản lý.',
      en: 'Your account has no jurisdiction assigned.',
    });
  }
  return principal.jurisdiction;
}

/** A beneficiary's own identity number, from the token only (never from the request), or 403. */
export function requirePersonalId(principal: Principal | null): string {
  if (!principal?.personalId) {
    throw new HttpError(403, 'NO_PERSONAL_ID', {
      vi: 'Tài khoản đăng nhập chưa gắn với số định danh cá nhân.',
      en: 'Your sign-in is not linked to a personal identification number.',
    });
  }
  return principal.personalId;
}

export const notFound = () => new HttpError(404, 'NOT_FOUND', { vi: 'Không tìm thấy.', en: 'Not found.' });

export const tooManyRequests = (retryAfterSeconds: number) =>
  new HttpError(
    429,
    'RATE_LIMITED',
    {
      vi: `Bạn đã gửi quá nhiều yêu cầu. Vui lòng thử lại sau ${retryAfterSeconds} giây.`,
      en: `Too many requests. Please try again in ${retryAfterSeconds} seconds.`,
    },
    undefined,
    { 'retry-after': String(retryAfterSeconds) },
  );

export interface HttpRequest<B, P, Q> {
  principal: Principal | null;
  body: B;
  /** The body's bytes, for routes that take files rather than JSON. */
  rawBody: Buffer | undefined;
  params: P;
  query: Q;
  headers: Record<string, string | undefined>;
  requestId: string;
}

export interface HttpResult {
  status: number;
  /** JSON body, or bytes (files) sent base64-encoded as API Gateway expects. */
  body: unknown;
  headers?: Record<string, string>;
}

/** A file response (templates, small result files). */
export function fileResult(bytes: Uint8Array | string, contentType: string, fileName: string): HttpResult {
  return {
    status: 200,
    body: typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes),
    headers: {
      'content-type': contentType,
      'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`,
    },
  };
}

/**
 * The file name a client sends with a file in the body: `x-file-name`, percent-encoded UTF-8 (headers are
 * ASCII). A header that does not decode (`100%`) or carries control characters is refused with 400, and the
 * handler reads it before storing anything, so a refused request leaves nothing behind.
 */
export function fileNameHeader(headers: Record<string, string | undefined>, fallback: string): string {
  const raw = headers['x-file-name'];
  if (raw === undefined || raw.trim() === '') return fallback;
  const invalid = new HttpError(400, 'INVALID_FILE_NAME', {
    vi: 'Tiêu đề x-file-name không phải tên tệp hợp lệ: cần mã hoá phần trăm UTF-8 (encodeURIComponent), không có ký tự điều khiển.',
    en: 'The x-file-name header is not a valid file name: it must be percent-encoded UTF-8 (encodeURIComponent), without control characters.',
  });
  let name: string;
  try {
    name = decodeURIComponent(raw);
  } catch {
    throw invalid; // URIError: a lone `%`, `%zz`, or bytes that are not UTF-8
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a file name with control characters is refused
  if (/[\u0000-\u001f\u007f]/.test(name)) throw invalid;
  return name.trim() || fallback;
}

/**
 * A success response of a route: the zod schema of its JSON body, or the content types of the file it sends.
 * Refusals are not listed: they are all the common ErrorBody (schemas/messages.ts).
 */
export type ResponseSpec = ZodType | { file: readonly string[] };

interface RouteSpec<B, P, Q> {
  /** Fixed-window limits per caller and per client (functions/shared/rate-limit.ts), before anything is parsed. */
  rateLimit?: RateLimitScope;
  body?: ZodType<B>;
  /** Content types of a file the route takes as its body (read from `rawBody`), besides or instead of `body`. */
  bodyFile?: readonly string[];
  /** The JSON body a file route reads itself when the file was uploaded beforehand (`{ uploadId, fileName }`). */
  bodyFromUpload?: ZodType;
  params?: ZodType<P>;
  query?: ZodType<Q>;
  /**
   * What the route answers, by status. Not checked at run time: the OpenAPI document (`npm run openapi`) is
   * generated from it, and the integration tests validate every response they receive against that document.
   */
  responses: Record<number, ResponseSpec>;
  handle: (req: HttpRequest<B, P, Q>) => Promise<HttpResult>;
}

/** What the OpenAPI generator reads of a route (tools/openapi.ts): its request and response schemas. */
export type RouteContract = Omit<RouteSpec<unknown, unknown, unknown>, 'handle'>;

let parsedRoles: { raw: string; roles: RouteRoles } | undefined;
/** Who may call each route, as the deployment wrote it from the system definition (parsed once per value). */
function rolesOf(key: string): RouteRoles[string] | undefined {
  const raw = process.env[ROUTE_ROLES_VARIABLE];
  if (!raw) throw new Error(`Missing environment variable ${ROUTE_ROLES_VARIABLE}`);
  if (parsedRoles?.raw !== raw) parsedRoles = { raw, roles: JSON.parse(raw) as RouteRoles };
  return Object.hasOwn(parsedRoles.roles, key) ? parsedRoles.roles[key] : undefined;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  if (Buffer.isBuffer(body)) {
    return {
      statusCode: status,
      headers: { 'cache-control': 'no-store', ...headers },
      body: body.toString('base64'),
      isBase64Encoded: true,
    };
  }
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

/** One count per response class: 4xx spikes (probing, expired tokens) and 5xx are alarms on AWS. */
function countResponse(status: number) {
  metrics.addMetric(`Http${Math.floor(status / 100)}xx`, 'Count', 1);
}

function errorResponse(err: HttpError, requestId: string) {
  countResponse(err.status);
  const body: ErrorBody = {
    error: { code: err.code, message: err.text, requestId, ...(err.details ? { details: err.details } : {}) },
  };
  return json(err.status, body, err.headers);
}

function parseWith<T>(schema: ZodType<T> | undefined, value: unknown, where: Localized): T {
  if (!schema) return undefined as T;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((i) => ({ path: i.path.join('.'), problem: i.message }));
  throw new HttpError(
    400,
    'INVALID_REQUEST',
    {
      vi: `Yêu cầu không hợp lệ (${where.vi}).`,
      en: `Invalid request (${where.en}).`,
    },
    details,
  );
}

function rawBodyOf(event: APIGatewayProxyEventV2WithJWTAuthorizer): Buffer | undefined {
  if (!event.body) return undefined;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

function parseJson(raw: Buffer | undefined): unknown {
  if (!raw) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpError(400, 'INVALID_JSON', { vi: 'Nội dung không phải JSON hợp lệ.', en: 'Body is not valid JSON.' });
  }
}

function authorize(event: APIGatewayProxyEventV2WithJWTAuthorizer): Principal | null {
  const allowed = rolesOf(event.routeKey);
  if (!allowed) throw new Error(`Route ${event.routeKey} is not in the system definition`);
  if (allowed === 'public') return null;
  const claims = event.requestContext.authorizer?.jwt?.claims;
  const principal = claims ? principalFromClaims(claims) : null;
  // The gateway lets no unauthenticated request through; a token without a usable role is still 401.
  if (!principal) {
    throw new HttpError(401, 'UNAUTHENTICATED', {
      vi: 'Cần đăng nhập bằng tài khoản hợp lệ.',
      en: 'A valid sign-in is required.',
    });
  }
  if (!principal.roles.some((r) => allowed.includes(r))) {
    throw new HttpError(403, 'FORBIDDEN', {
      vi: 'Vai trò của bạn không được phép thực hiện thao tác này.',
      en: 'Your role is not allowed to do this.',
    });
  }
  return principal;
}

export function httpRoute<B = undefined, P = undefined, Q = undefined>(spec: RouteSpec<B, P, Q>) {
  const run = async (
    event: APIGatewayProxyEventV2WithJWTAuthorizer,
    _context: Context,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    const requestId = event.requestContext.requestId;
    try {
      const principal = authorize(event);
      const limited = spec.rateLimit && (await checkRateLimits(spec.rateLimit, principal, event));
      if (limited) throw tooManyRequests(limited.retryAfterSeconds);
      const rawBody = rawBodyOf(event);
      const isJson = /json/i.test(event.headers?.['content-type'] ?? 'application/json');
      const result = await spec.handle({
        principal,
        rawBody,
        body: parseWith(spec.body, spec.body && isJson ? parseJson(rawBody) : undefined, {
          vi: 'nội dung',
          en: 'body',
        }),
        params: parseWith(spec.params, event.pathParameters ?? {}, { vi: 'đường dẫn', en: 'path' }),
        query: parseWith(spec.query, event.queryStringParameters ?? {}, { vi: 'tham số', en: 'query' }),
        headers: event.headers ?? {},
        requestId,
      });
      countResponse(result.status);
      return json(result.status, result.body, result.headers);
    } catch (err) {
      if (err instanceof HttpError) {
        logger.info('Request refused', { status: err.status, code: err.code, route: event.routeKey });
        return errorResponse(err, requestId);
      }
      logger.error('Request failed', err as Error);
      return errorResponse(
        new HttpError(500, 'INTERNAL', {
          vi: 'Hệ thống gặp lỗi, vui lòng thử lại sau.',
          en: 'Something went wrong; please try again later.',
        }),
        requestId,
      );
    }
  };
  const { handle: _handle, ...contract } = spec;
  const handler = middy(run)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(captureLambdaHandler(tracer))
    .use(logMetrics(metrics));
  return Object.assign(handler, { contract: contract as RouteContract });
}

/** Path parameter schemas used by several routes. */
export const idParam = (name: string) => z.object({ [name]: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });
