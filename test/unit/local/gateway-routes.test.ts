/**
 * The local HTTP API's routing and event building: path templates (`{name}` and greedy `{name+}`),
 * methods, query strings, bodies and the JWT authorizer, against a stub invoker that echoes what it got.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { generateKeyPair, SignJWT } from 'jose';
import type { DevIdentityProvider } from '../../../infra/local/dev-identity-provider.js';
import { LocalGateway } from '../../../infra/local/gateway.js';
import type { LambdaInvoker } from '../../../infra/local/lambda-invoker.js';
import type { RouteDef } from '../../../infra/system-model.js';

const ISSUER = 'https://id.ansinh.example/realms/test';
const AUDIENCE = 'ansinh-api';

const ROUTES: RouteDef[] = [
  { method: 'GET', path: '/v1/health', function: 'health', roles: 'public' },
  { method: 'POST', path: '/v1/identity-checks', function: 'submit', roles: ['labor_officer'] },
  { method: 'GET', path: '/v1/identity-checks/{checkId}', function: 'get', roles: ['labor_officer', 'auditor'] },
  { method: 'GET', path: '/v1/lists/{listId}/rows/{row}', function: 'row', roles: 'public' },
  { method: 'GET', path: '/v1/files/{key+}', function: 'file', roles: 'public' },
];

interface Echo {
  fn: string;
  event: APIGatewayProxyEventV2WithJWTAuthorizer;
}

let gateway: LocalGateway;
let token: string;
const calls: Echo[] = [];

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  token = await new SignJWT({ 'ansinh:roles': ['labor_officer', 'auditor'], 'ansinh:jurisdiction': '79' })
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject('local|canbo.hcm')
    .setExpirationTime('5m')
    .sign(privateKey);
  const invoker = {
    invoke: async (fn: string, event: unknown) => {
      const echo = { fn, event } as Echo;
      calls.push(echo);
      return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(echo) };
    },
  };
  gateway = new LocalGateway({
    routes: ROUTES,
    invoker: invoker as unknown as LambdaInvoker,
    identityProvider: { handle: async () => null } as unknown as DevIdentityProvider,
    tokenPolicy: { issuer: ISSUER, audience: AUDIENCE, keys: async () => publicKey },
  });
  await gateway.start(0);
});
afterAll(async () => {
  await gateway?.stop();
});

async function call(
  method: string,
  path: string,
  opts: { auth?: boolean; body?: string | Buffer; contentType?: string } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${gateway.url}${path}`, {
    method,
    headers: {
      ...(opts.auth ? { authorization: `Bearer ${token}` } : {}),
      ...(opts.contentType ? { 'content-type': opts.contentType } : {}),
    },
    body: opts.body,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

describe('path templates', () => {
  it('matches a literal path to its function, without path parameters', async () => {
    const res = await call('GET', '/v1/health');
    expect(res.status).toBe(200);
    expect(res.body.fn).toBe('health');
    expect(res.body.event).toMatchObject({ version: '2.0', routeKey: 'GET /v1/health', rawPath: '/v1/health' });
    expect(res.body.event.pathParameters).toBeUndefined();
    expect(res.body.event.requestContext.authorizer.jwt.claims).toEqual({});
  });

  it('fills one path parameter', async () => {
    const res = await call('GET', '/v1/identity-checks/ic-abc', { auth: true });
    expect(res.body.fn).toBe('get');
    expect(res.body.event.routeKey).toBe('GET /v1/identity-checks/{checkId}');
    expect(res.body.event.requestContext.routeKey).toBe('GET /v1/identity-checks/{checkId}');
    expect(res.body.event.pathParameters).toEqual({ checkId: 'ic-abc' });
  });

  it('fills several path parameters', async () => {
    const res = await call('GET', '/v1/lists/bl-1/rows/42');
    expect(res.body.fn).toBe('row');
    expect(res.body.event.pathParameters).toEqual({ listId: 'bl-1', row: '42' });
  });

  it('decodes percent-encoded parameters', async () => {
    const res = await call('GET', '/v1/lists/Th%E1%BB%A7%20%C4%90%E1%BB%A9c/rows/a%2Fb');
    expect(res.body.event.pathParameters).toEqual({ listId: 'Thủ Đức', row: 'a/b' });
  });

  it('answers 400, not 500, to a malformed percent escape', async () => {
    const res = await call('GET', '/v1/lists/%E0%A4%A/rows/1');
    expect(res.status).toBe(400);
  });

  it('lets a greedy parameter span segments', async () => {
    const res = await call('GET', '/v1/files/2026/03/danh-sach.xlsx');
    expect(res.body.fn).toBe('file');
    expect(res.body.event.pathParameters).toEqual({ key: '2026/03/danh-sach.xlsx' });
  });

  it.each([
    ['an extra segment', 'GET', '/v1/identity-checks/ic-abc/extra'],
    ['an empty parameter', 'GET', '/v1/identity-checks/'],
    ['a missing segment', 'GET', '/v1/lists/bl-1/rows'],
    ['a prefix of a route', 'GET', '/v1'],
    ['a longer literal', 'GET', '/v1/healthz'],
    ['another method', 'POST', '/v1/health'],
    ['a method no route has', 'DELETE', '/v1/identity-checks/ic-abc'],
    ['an empty greedy parameter', 'GET', '/v1/files/'],
  ])('answers 404 like API Gateway for %s', async (_, method, path) => {
    const before = calls.length;
    const res = await call(method, path, { auth: true });
    expect(res).toMatchObject({ status: 404, body: { message: 'Not Found' } });
    expect(calls.length).toBe(before);
  });
});

describe('events', () => {
  it('passes query strings, repeated keys joined with commas', async () => {
    const res = await call('GET', '/v1/health?lang=vi&tinh=79&tinh=01');
    expect(res.body.event.rawQueryString).toBe('lang=vi&tinh=79&tinh=01');
    expect(res.body.event.queryStringParameters).toEqual({ lang: 'vi', tinh: '79,01' });
  });

  it('passes a JSON body as text and a binary body as base64', async () => {
    const json = await call('POST', '/v1/identity-checks', {
      auth: true,
      body: '{"people":[]}',
      contentType: 'application/json',
    });
    expect(json.body.event).toMatchObject({ body: '{"people":[]}', isBase64Encoded: false });

    const bytes = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0xff, 0x00]);
    const binary = await call('POST', '/v1/identity-checks', {
      auth: true,
      body: bytes,
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    });
    expect(binary.body.event).toMatchObject({ body: bytes.toString('base64'), isBase64Encoded: true });
  });

  it("hands the verified claims over as strings, arrays as API Gateway's `[a b]`", async () => {
    const res = await call('GET', '/v1/identity-checks/ic-abc', { auth: true });
    const claims = res.body.event.requestContext.authorizer.jwt.claims;
    expect(claims).toMatchObject({
      sub: 'local|canbo.hcm',
      iss: ISSUER,
      aud: AUDIENCE,
      'ansinh:roles': '[labor_officer auditor]',
      'ansinh:jurisdiction': '79',
    });
    for (const value of Object.values(claims)) expect(typeof value).toBe('string');
    expect(res.headers.get('apigw-requestid')).toBe(res.body.event.requestContext.requestId);
  });

  it('refuses a protected route without a valid token, before invoking anything', async () => {
    const before = calls.length;
    const res = await call('GET', '/v1/identity-checks/ic-abc');
    expect(res).toMatchObject({ status: 401, body: { message: 'Unauthorized' } });
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(calls.length).toBe(before);
  });
});
