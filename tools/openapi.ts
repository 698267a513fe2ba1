/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the one system definition (infra/system.ts: every
 * route, its method, path and roles) and the zod schemas each handler declares in its `httpRoute` spec
 * (request body, path and query parameters, responses by status). Nothing about a route is written twice.
 *
 * `npm run openapi` writes schemas/openapi.json, which the API serves at GET /v1/openapi.json (and as a page
 * at /v1/openapi.html); test/unit/api-docs/openapi.test.ts fails when the checked-in file is stale.
 *
 * Roles: each operation carries `x-roles` (any one of them is enough; `[]` = public) and, for the same
 * roles, an OpenAPI `security` requirement on the bearer (JWT) scheme. Refusals are all the common
 * ErrorBody (code + Vietnamese + English message); the API Gateway's own refusals (no token, body too large)
 * are `{ message }` (GatewayError).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ZodType, z } from 'zod';
import type { ResponseSpec, RouteContract } from '../functions/shared/http.js';
import { system } from '../infra/system.js';
import { type RouteDef, routeKey } from '../infra/system-model.js';
import { ErrorBody } from '../schemas/messages.js';
import { ROLE_IDS } from '../schemas/roles.js';

export const OPENAPI_FILE = fileURLToPath(new URL('../schemas/openapi.json', import.meta.url));

type Json = Record<string, unknown>;

/** Each handler module's `httpRoute` contract, by route key, in the definition's order. */
export async function loadContracts(): Promise<Map<string, RouteContract>> {
  const contracts = new Map<string, RouteContract>();
  for (const route of system.routes) {
    const entry = system.functions[route.function]?.entry;
    if (!entry) throw new Error(`${routeKey(route)}: function ${route.function} is not defined`);
    const mod = (await import(`../${entry.replace(/\.ts$/, '.js')}`)) as { handler?: { contract?: RouteContract } };
    const contract = mod.handler?.contract;
    if (!contract) throw new Error(`${routeKey(route)}: ${entry} exports no httpRoute handler`);
    contracts.set(routeKey(route), contract);
  }
  return contracts;
}

/** zod → JSON Schema 2020-12 (the document's dialect), without the per-schema `$schema` line. */
function jsonSchema(schema: ZodType, io: 'input' | 'output'): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  return rest;
}

const ERROR = { $ref: '#/components/schemas/ErrorBody' };
const ERROR_OR_GATEWAY = { anyOf: [ERROR, { $ref: '#/components/schemas/GatewayError' }] };
const errorResponse = (description: string, schema: Json = ERROR) => ({
  description,
  content: { 'application/json': { schema } },
});

/** Each capability (the tag of its routes) as people call it, Vietnamese first. */
const TAGS: Record<string, string> = {
  health: 'Tình trạng hệ thống / Health',
  'api-docs': 'Tài liệu API / API description',
  'identity-checks': 'Kiểm tra số định danh / Identity checks',
  'beneficiary-lists': 'Danh sách người hưởng / Beneficiary lists',
  'disbursement-cycles': 'Kỳ chi trả / Disbursement cycles',
  'post-office': 'Chi trả qua bưu điện / Post-office payments',
  accounts: 'Tài khoản an sinh xã hội / Social security accounts',
  reconciliation: 'Đối chiếu sao kê / Statement reconciliation',
  'payment-lookups': 'Tra cứu chi trả / Payment look-ups',
  'payment-trace': 'Truy vết khoản chi / Payment trace',
  cases: 'Khoản chi chưa đến / Payments that did not arrive',
  notifications: 'Thông báo cho người hưởng / Beneficiary notifications',
  payments: 'Ngân hàng gọi lại / Bank callbacks',
};

/** Response descriptions, Vietnamese first like everything a person reads. */
const SUCCESS: Record<number, string> = {
  200: 'Thành công / OK',
  201: 'Đã tạo / Created',
  202: 'Đã nhận, đang xử lý / Accepted',
  503: 'Có thành phần không trả lời / A component is down',
};

function successResponse(status: number, spec: ResponseSpec) {
  const description = SUCCESS[status] ?? 'Trả lời / Answer';
  if ('file' in spec && !(spec instanceof z.ZodType)) {
    return { description: `${description} (tệp / file)`, content: Object.fromEntries(spec.file.map((t) => [t, {}])) };
  }
  return { description, content: { 'application/json': { schema: jsonSchema(spec as ZodType, 'output') } } };
}

function parameters(route: RouteDef, where: 'path' | 'query', schema: ZodType | undefined): Json[] {
  if (!schema) return [];
  const json = jsonSchema(schema, 'input') as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => {
    if (where === 'path' && !route.path.includes(`{${name}}`)) {
      throw new Error(`${routeKey(route)}: path parameter ${name} is not in the path`);
    }
    return { name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: s };
  });
}

/** A route's capability: the folder of its handler (`functions/<capability>/…`). */
const tagOf = (route: RouteDef) => system.functions[route.function]?.entry.split('/')[1] ?? 'other';

function operation(route: RouteDef, contract: RouteContract): Json {
  const fn = system.functions[route.function];
  const isPublic = route.roles === 'public';
  const roles = isPublic ? [] : [...route.roles];
  const params = [...parameters(route, 'path', contract.params), ...parameters(route, 'query', contract.query)];
  for (const name of route.path.match(/\{(\w+)\}/g) ?? []) {
    if (!params.some((p) => p.in === 'path' && `{${p.name}}` === name)) {
      throw new Error(`${routeKey(route)}: no schema for path parameter ${name}`);
    }
  }
  const bodyContent: Json = {
    ...(contract.body || contract.bodyFromUpload
      ? { 'application/json': { schema: jsonSchema((contract.body ?? contract.bodyFromUpload) as ZodType, 'input') } }
      : {}),
    ...Object.fromEntries((contract.bodyFile ?? []).map((t) => [t, {}])),
  };
  const takesInput = params.length > 0 || Object.keys(bodyContent).length > 0;
  const responses: Json = {};
  for (const [status, spec] of Object.entries(contract.responses)) {
    responses[status] = successResponse(Number(status), spec);
  }
  if (takesInput) responses['400'] ??= errorResponse('Yêu cầu không hợp lệ / Invalid request', ERROR_OR_GATEWAY);
  if (!isPublic) {
    responses['401'] ??= errorResponse('Cần đăng nhập / Sign-in required', ERROR_OR_GATEWAY);
    responses['403'] ??= errorResponse('Vai trò hoặc địa bàn không được phép / Role or jurisdiction not allowed');
  }
  if (Object.keys(bodyContent).length > 0) {
    responses['413'] ??= errorResponse('Nội dung quá lớn / Body too large', ERROR_OR_GATEWAY);
  }
  if (contract.rateLimit) responses['429'] ??= errorResponse('Quá nhiều yêu cầu / Too many requests');
  responses['4XX'] = errorResponse('Bị từ chối (không tìm thấy, xung đột…) / Refused (not found, conflict…)');
  responses['5XX'] = errorResponse('Lỗi hệ thống / Server or dependency error', ERROR_OR_GATEWAY);
  return {
    operationId: route.function,
    summary: fn?.description ?? route.function,
    tags: [tagOf(route)],
    'x-roles': roles,
    ...(contract.rateLimit ? { 'x-rate-limit': contract.rateLimit } : {}),
    security: isPublic ? [] : [{ bearer: roles }],
    ...(params.length ? { parameters: params } : {}),
    ...(Object.keys(bodyContent).length ? { requestBody: { required: true, content: bodyContent } } : {}),
    responses,
  };
}

export function buildOpenApi(contracts: Map<string, RouteContract>): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of system.routes) {
    const contract = contracts.get(routeKey(route));
    if (!contract) throw new Error(`${routeKey(route)}: no contract`);
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, Json>)[route.method.toLowerCase()] = operation(route, contract);
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: `${system.name} API`,
      version: '1',
      description:
        'Nền tảng chi trả an sinh xã hội không dùng tiền mặt / Cashless social security payments. ' +
        'Tạo tự động từ infra/system.ts và các lược đồ zod (npm run openapi) / Generated from infra/system.ts and ' +
        'the zod schemas (npm run openapi). x-roles: chỉ cần một trong các vai trò, [] = công khai / any one of ' +
        `the roles is enough, [] = public. Roles: ${ROLE_IDS.join(', ')}.`,
    },
    servers: [{ url: '/' }],
    tags: [...new Set(system.routes.map(tagOf))].map((name) => ({ name, description: TAGS[name] ?? name })),
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'Access token of the identity provider; the scopes listed on an operation are the roles (any one suffices).',
        },
      },
      schemas: {
        ErrorBody: {
          ...jsonSchema(ErrorBody, 'output'),
          description: 'Every refusal: a stable code and its message, Vietnamese first.',
        },
        GatewayError: {
          type: 'object',
          properties: { message: { type: 'string' } },
          required: ['message'],
          additionalProperties: false,
          description: "The API gateway's own refusals (no or bad token, body too large), before any function runs.",
        },
      },
    },
    paths,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const doc = buildOpenApi(await loadContracts());
  writeFileSync(OPENAPI_FILE, `${JSON.stringify(doc, null, 2)}\n`);
  console.log(`wrote ${OPENAPI_FILE}: ${system.routes.length} routes`);
}
