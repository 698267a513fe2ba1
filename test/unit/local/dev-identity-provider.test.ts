/**
 * The local identity provider's authorization code flow with PKCE, over HTTP through the local gateway, as the
 * console uses it: each way a code can be misused is refused, and the happy path's token is accepted by the
 * gateway, which verifies it with the keys it fetches from the provider's JWKS. The provider's clock is
 * injected, so codes expire without waiting.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import {
  CODE_TTL_MS,
  DEV_AUDIENCE,
  DevIdentityProvider,
  LOCAL_CONSOLE_CLIENT_ID,
} from '../../../infra/local/dev-identity-provider.js';
import { LocalGateway, OIDC_PATH } from '../../../infra/local/gateway.js';
import type { LambdaInvoker } from '../../../infra/local/lambda-invoker.js';

const ISSUER = `http://idp.test${OIDC_PATH}`;
const CONSOLE = 'http://console.test/';
const OTHER_APP = { clientId: 'another-app', redirectUris: [CONSOLE] };

let clock = Date.now();
let gateway: LocalGateway;
let remoteKeys: JWTVerifyGetKey | undefined;
let base = '';

beforeAll(async () => {
  const idp = await DevIdentityProvider.create(ISSUER, undefined, {
    clients: [{ clientId: LOCAL_CONSOLE_CLIENT_ID, redirectUris: [CONSOLE] }, OTHER_APP],
    now: () => clock,
  });
  gateway = new LocalGateway({
    routes: [{ method: 'GET', path: '/v1/whoami', function: 'whoami', roles: ['labor_officer', 'beneficiary'] }],
    invoker: {
      invoke: async (_fn: string, event: { requestContext: { authorizer: { jwt: { claims: unknown } } } }) => ({
        statusCode: 200,
        body: JSON.stringify(event.requestContext.authorizer.jwt.claims),
      }),
    } as unknown as LambdaInvoker,
    identityProvider: idp,
    // The gateway verifies with the keys the provider publishes, fetched over HTTP like API Gateway does.
    tokenPolicy: { issuer: ISSUER, audience: DEV_AUDIENCE, keys: (h, t) => (remoteKeys as JWTVerifyGetKey)(h, t) },
    consoleConfig: { oidc: { issuer: ISSUER, clientId: LOCAL_CONSOLE_CLIENT_ID } },
  });
  await gateway.start(0);
  base = `${gateway.url}${OIDC_PATH}`;
  remoteKeys = createRemoteJWKSet(new URL(`${base}/.well-known/jwks.json`));
});
afterAll(() => gateway?.stop());
beforeEach(() => {
  clock = Date.now();
});

const s256 = (v: string) => createHash('sha256').update(v).digest('base64url');

function authorizeParams(over: Record<string, string | undefined> = {}) {
  const verifier = randomBytes(48).toString('base64url');
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: LOCAL_CONSOLE_CLIENT_ID,
    redirect_uri: CONSOLE,
    scope: 'openid',
    state: randomBytes(16).toString('base64url'),
    code_challenge: s256(verifier),
    code_challenge_method: 'S256',
    ...over,
  };
  const defined = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)) as Record<
    string,
    string
  >;
  return { verifier, params: defined };
}

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
  redirect: 'manual' as const,
});

/** Picks `user` on the provider's page: the redirect's code and state. */
async function pick(params: Record<string, string>, user = 'canbo.hcm') {
  const res = await fetch(`${base}/authorize`, form({ ...params, user }));
  expect(res.status).toBe(303);
  const location = new URL(res.headers.get('location') ?? '');
  expect(`${location.origin}${location.pathname}`).toBe(CONSOLE);
  return { code: location.searchParams.get('code') ?? '', state: location.searchParams.get('state') };
}

async function redeem(fields: Record<string, string>) {
  const res = await fetch(`${base}/token`, form({ grant_type: 'authorization_code', ...fields }));
  return { status: res.status, body: (await res.json()) as Record<string, string>, headers: res.headers };
}

const exchange = (code: string, verifier: string, over: Record<string, string> = {}) =>
  redeem({ code, code_verifier: verifier, client_id: LOCAL_CONSOLE_CLIENT_ID, redirect_uri: CONSOLE, ...over });

describe('discovery and the console configuration', () => {
  it('advertises the code flow with S256 PKCE only', async () => {
    const meta = await (await fetch(`${base}/.well-known/openid-configuration`)).json();
    expect(meta).toMatchObject({
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}/authorize`,
      token_endpoint: `${ISSUER}/token`,
      jwks_uri: `${ISSUER}/.well-known/jwks.json`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none'],
    });
  });

  it('the gateway tells the console which provider and client id to use', async () => {
    const res = await fetch(`${gateway.url}/config.json`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ oidc: { issuer: ISSUER, clientId: LOCAL_CONSOLE_CLIENT_ID } });
  });
});

describe('the authorization page', () => {
  it('lists the demo users as a form carrying the request, Vietnamese first, uncached, without scripts', async () => {
    const { params } = authorizeParams();
    const res = await fetch(`${base}/authorize?${new URLSearchParams(params)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'.*form-action 'self'/);
    const html = await res.text();
    expect(html).toContain('<html lang="vi">');
    expect(html).toMatch(/<h1>Đăng nhập <span class="en" lang="en">\/ Sign in<\/span><\/h1>/);
    for (const user of ['canbo.hcm', 'ketoan.duyet', 'nguoihuong'])
      expect(html).toContain(`<button type="submit" name="user" value="${user}">`);
    expect(html).toContain(`name="state" value="${params.state}"`);
    expect(html).toContain(`name="code_challenge" value="${params.code_challenge}"`);
    expect(html).not.toContain('<script');
  });

  const refused: [string, Record<string, string | undefined>, RegExp][] = [
    ['an unknown client', { client_id: 'who-knows' }, /client_id/],
    ['a redirect URI not registered exactly', { redirect_uri: `${CONSOLE}evil` }, /redirect_uri/],
    ['another origin as redirect URI', { redirect_uri: 'https://evil.example/' }, /redirect_uri/],
    ['the plain PKCE method', { code_challenge_method: 'plain' }, /S256/],
    ['no PKCE method (plain by default)', { code_challenge_method: undefined }, /S256/],
    ['no code challenge', { code_challenge: undefined }, /code_challenge/],
    ['no state', { state: undefined }, /state/],
    ['the implicit flow', { response_type: 'token' }, /response_type=code/],
  ];
  it.each(refused)('refuses %s on a page of its own, never redirecting', async (_name, over, reason) => {
    const { params } = authorizeParams(over);
    const shown = await fetch(`${base}/authorize?${new URLSearchParams(params)}`, { redirect: 'manual' });
    expect(shown.status).toBe(400);
    expect(shown.headers.get('location')).toBeNull();
    const html = await shown.text();
    expect(html).toContain('Không thể đăng nhập');
    expect(html).toMatch(reason);
    // Posting the form anyway is refused the same way, and issues no code.
    const posted = await fetch(`${base}/authorize`, form({ ...params, user: 'canbo.hcm' }));
    expect(posted.status).toBe(400);
    expect(posted.headers.get('location')).toBeNull();
  });

  it('refuses an unknown user', async () => {
    const { params } = authorizeParams();
    const res = await fetch(`${base}/authorize`, form({ ...params, user: 'admin' }));
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });
});

describe('the token endpoint', () => {
  it('exchanges a code and its verifier for a token the gateway accepts, for each user picked', async () => {
    for (const [user, role] of [
      ['canbo.hcm', 'labor_officer'],
      ['nguoihuong', 'beneficiary'],
    ] as const) {
      const { params, verifier } = authorizeParams();
      const { code, state } = await pick(params, user);
      expect(state).toBe(params.state);
      expect(Buffer.from(code, 'base64url').length).toBeGreaterThanOrEqual(16); // at least 128 random bits
      const res = await exchange(code, verifier);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
      const who = await fetch(`${gateway.url}/v1/whoami`, {
        headers: { authorization: `Bearer ${res.body.access_token}` },
      });
      expect(who.status).toBe(200);
      expect(await who.json()).toMatchObject({ sub: `local|${user}`, iss: ISSUER, 'ansinh:roles': `[${role}]` });
    }
  });

  it('issues a different code each time', async () => {
    const { params } = authorizeParams();
    const a = await pick(params);
    const b = await pick(params);
    expect(a.code).not.toBe(b.code);
  });

  it('refuses a wrong verifier, and the code is then spent', async () => {
    const { params, verifier } = authorizeParams();
    const { code } = await pick(params);
    const wrong = await exchange(code, randomBytes(48).toString('base64url'));
    expect(wrong).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(wrong.headers.get('cache-control')).toBe('no-store');
    expect((await exchange(code, verifier)).body.error).toBe('invalid_grant');
  });

  it('refuses the challenge itself as the verifier (plain PKCE)', async () => {
    const { params } = authorizeParams();
    const { code } = await pick(params);
    expect((await exchange(code, params.code_challenge as string)).body.error).toBe('invalid_grant');
  });

  it('refuses a code used twice', async () => {
    const { params, verifier } = authorizeParams();
    const { code } = await pick(params);
    expect((await exchange(code, verifier)).status).toBe(200);
    expect(await exchange(code, verifier)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('refuses an expired code (valid for a minute)', async () => {
    const { params, verifier } = authorizeParams();
    const late = await pick(params);
    const inTime = await pick(params);
    clock += CODE_TTL_MS - 1000;
    expect((await exchange(inTime.code, verifier)).status).toBe(200);
    clock += 1000;
    expect(await exchange(late.code, verifier)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('refuses a redirect URI that differs from the authorization request', async () => {
    const { params, verifier } = authorizeParams();
    const { code } = await pick(params);
    const res = await exchange(code, verifier, { redirect_uri: 'http://console.test/other' });
    expect(res).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('refuses an unknown client, and a code issued to another client', async () => {
    const { params, verifier } = authorizeParams();
    const { code } = await pick(params);
    expect(await exchange(code, verifier, { client_id: 'who-knows' })).toMatchObject({
      status: 401,
      body: { error: 'invalid_client' },
    });
    const stolen = await pick(params);
    expect(await exchange(stolen.code, verifier, { client_id: OTHER_APP.clientId })).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
  });

  it('refuses other grants, unknown codes and JSON bodies', async () => {
    expect((await redeem({ grant_type: 'password', client_id: LOCAL_CONSOLE_CLIENT_ID })).body.error).toBe(
      'unsupported_grant_type',
    );
    expect((await exchange('made-up', randomBytes(48).toString('base64url'))).body.error).toBe('invalid_grant');
    const json = await fetch(`${base}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: string }).error).toBe('invalid_request');
  });

  it('keeps the shortcut for tests, the CLI and curl: GET /token?user=', async () => {
    const res = await fetch(`${base}/token?user=ketoan.lap`);
    expect(res.status).toBe(200);
    const { access_token } = (await res.json()) as { access_token: string };
    const who = await fetch(`${gateway.url}/v1/whoami`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(await who.json()).toMatchObject({ sub: 'local|ketoan.lap' });
    expect((await fetch(`${base}/token?user=nobody`)).status).toBe(404);
  });
});
