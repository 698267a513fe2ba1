/**
 * The OpenAPI document (schemas/openapi.json, served at GET /v1/openapi.json) is what tools/openapi.ts
 * generates now from infra/system.ts and the handlers' zod schemas: every route with its method and roles,
 * parameters, bodies and responses. The contract check the integration tests run (test/support/api-contract.ts)
 * refuses what the document refuses; the page lists every route and loads nothing.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from '@jest/globals';
import { type ApiDocument, renderApiPage } from '../../../functions/api-docs/page.js';
import { system } from '../../../infra/system.js';
import checkedIn from '../../../schemas/openapi.json' with { type: 'json' };
import { buildOpenApi, loadContracts } from '../../../tools/openapi.js';
import { checkPlatformResponses, checkResponse, findRoute } from '../../support/api-contract.js';

type Doc = { paths: Record<string, Record<string, Record<string, unknown>>> };
const doc = checkedIn as unknown as Doc;

describe('the OpenAPI document', () => {
  it('is the one the route table and the zod schemas generate (npm run openapi when this fails)', async () => {
    const generated = JSON.parse(JSON.stringify(buildOpenApi(await loadContracts())));
    expect(checkedIn).toEqual(generated);
  });

  it('has every route of the definition, with its method and roles', () => {
    expect(system.routes.length).toBeGreaterThan(40);
    for (const route of system.routes) {
      const op = doc.paths[route.path]?.[route.method.toLowerCase()];
      expect({ route: `${route.method} ${route.path}`, found: op !== undefined }).toEqual({
        route: `${route.method} ${route.path}`,
        found: true,
      });
      expect(op?.['x-roles']).toEqual(route.roles === 'public' ? [] : route.roles);
      expect(op?.security).toEqual(route.roles === 'public' ? [] : [{ bearer: route.roles }]);
      expect(op?.operationId).toBe(route.function);
    }
    const operations = Object.values(doc.paths).flatMap((m) => Object.keys(m));
    expect(operations).toHaveLength(system.routes.length);
  });

  it('names every capability (tag) in Vietnamese first, English alongside', () => {
    const tags = (checkedIn as unknown as { tags: { name: string; description: string }[] }).tags;
    expect(tags.length).toBeGreaterThan(10);
    for (const t of tags) expect(t.description).toMatch(/^[^/]+ \/ [A-Z]/);
  });

  it('declares a success response with a schema or content type, and the common error body, for every route', () => {
    for (const methods of Object.values(doc.paths)) {
      for (const op of Object.values(methods)) {
        const responses = op.responses as Record<string, { content?: Record<string, unknown> }>;
        const success = Object.keys(responses).filter((s) => /^2\d\d$/.test(s));
        expect(success.length).toBeGreaterThan(0);
        for (const s of success) expect(Object.keys(responses[s]?.content ?? {}).length).toBeGreaterThan(0);
        expect(responses['4XX']?.content).toEqual({
          'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } },
        });
      }
    }
  });
});

describe('the contract check of responses', () => {
  const cycle = '/v1/disbursement-cycles/dc-tcxh_hang_thang-2026-01-79';
  const error = JSON.stringify({
    error: { code: 'NOT_FOUND', message: { vi: 'Không tìm thấy.', en: 'Not found.' }, requestId: 'r1' },
  });
  const health = {
    status: 'up',
    service: 'ansinh',
    checkedAt: '2026-01-05T03:00:00.000Z',
    components: [{ component: 'dynamodb:jobs', status: 'up', latencyMs: 3 }],
  };
  const json = 'application/json; charset=utf-8';

  it('passes what the document allows', () => {
    expect(checkResponse('GET', '/v1/health', 200, json, JSON.stringify(health))).toBe('GET /v1/health');
    expect(checkResponse('GET', cycle, 404, json, error)).toBe('GET /v1/disbursement-cycles/{cycleId}');
    expect(checkResponse('GET', cycle, 401, json, '{"message":"Unauthorized"}')).toBeDefined();
    expect(checkResponse('GET', '/v1/beneficiary-lists/template', 200, 'text/csv; charset=utf-8', 'a,b')).toBe(
      'GET /v1/beneficiary-lists/template',
    );
  });

  it('refuses a body, a status or a content type the document does not allow', () => {
    expect(() => checkResponse('GET', '/v1/health', 200, json, JSON.stringify({ ...health, status: 'fine' }))).toThrow(
      /document refuses/,
    );
    // A field that is not in the schema (a leak) is refused too: response objects are closed.
    expect(() =>
      checkResponse('GET', '/v1/health', 200, json, JSON.stringify({ ...health, personalId: '001099012345' })),
    ).toThrow(/document refuses/);
    expect(() => checkResponse('GET', '/v1/health', 201, json, JSON.stringify(health))).toThrow(/does not declare/);
    expect(() => checkResponse('GET', cycle, 409, json, '{"message":"x"}')).toThrow(/document refuses/);
    expect(() => checkResponse('GET', '/v1/health', 200, 'text/html', '<p>')).toThrow(/declared/);
  });

  it('matches literal segments before parameters, and leaves paths that are not routes alone', () => {
    expect(findRoute('GET', '/v1/beneficiary-lists/template')?.path).toBe('/v1/beneficiary-lists/template');
    expect(findRoute('GET', '/v1/beneficiary-lists/bl-abc')?.path).toBe('/v1/beneficiary-lists/{listId}');
    expect(checkResponse('GET', '/v1/nothing-here', 404, json, '{"message":"Not Found"}')).toBeUndefined();
  });
});

describe('a platform whose responses are checked', () => {
  it('makes the fetch of a response the document refuses throw in the test that made it', async () => {
    // A stand-in platform: /v1/health answers a body with a field the document does not have.
    const server = createServer((req, res) => {
      const good = req.url === '/v1/health?good';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          status: 'up',
          service: 'ansinh',
          checkedAt: '2026-01-05T03:00:00.000Z',
          components: [],
          ...(good ? {} : { secret: 'x' }),
        }),
      );
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      checkPlatformResponses(url);
      expect((await fetch(`${url}/v1/health?good`)).status).toBe(200);
      await expect(fetch(`${url}/v1/health`)).rejects.toThrow(
        /GET \/v1\/health answered 200 with a body the document refuses/,
      );
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('the API page', () => {
  const page = renderApiPage(checkedIn as unknown as ApiDocument);

  it('shows every route with its roles, Vietnamese first', () => {
    for (const route of system.routes) {
      expect(page).toContain(`${route.method}</span> <code>${route.path}</code>`);
    }
    expect(page).toContain('Vai trò / Roles');
    expect(page).toContain('<html lang="vi">');
  });

  it('runs no script and loads nothing from elsewhere', () => {
    expect(page).not.toMatch(/<script|<link|<img|src=|@import/i);
    expect(page).not.toMatch(/https?:\/\//);
  });
});
