/**
 * The web console as the local gateway serves it: built by web/build.ts (esbuild, in memory, once), its page
 * on `/` and `/app/...`, assets with their types and the security headers CloudFront also sets; `/v1` stays
 * the API's (an unknown API path is API Gateway's 404, never the page).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DevIdentityProvider } from '../../../infra/local/dev-identity-provider.js';
import { LocalGateway } from '../../../infra/local/gateway.js';
import type { LambdaInvoker } from '../../../infra/local/lambda-invoker.js';
import { buildSite } from '../../../web/build.js';

let gateway: LocalGateway;
let builds = 0;

beforeAll(async () => {
  gateway = new LocalGateway({
    routes: [{ method: 'GET', path: '/v1/health', function: 'health', roles: 'public' }],
    invoker: { invoke: async () => ({ statusCode: 200, body: '{"ok":true}' }) } as unknown as LambdaInvoker,
    identityProvider: { handle: async () => null } as unknown as DevIdentityProvider,
    tokenPolicy: { issuer: 'https://x', audience: 'a', keys: async () => ({}) as never },
    site: () => {
      builds++;
      return buildSite();
    },
  });
  await gateway.start(0);
});
afterAll(() => gateway?.stop());

describe('the console on the local gateway', () => {
  it('serves the page on / and /app/..., with CSP and nosniff', async () => {
    for (const path of ['/', '/app', '/app/cycles/x']) {
      const res = await fetch(`${gateway.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const html = await res.text();
      expect(html).toContain('<html lang="vi">');
      expect(html).toContain('src="app.js"');
    }
  });

  it('serves the bundle and the styles with their types, built once', async () => {
    const js = await fetch(`${gateway.url}/app.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const code = await js.text();
    expect(code.length).toBeGreaterThan(10_000);
    expect(code).not.toMatch(/\bimport\s*["'{]/); // one self-contained module
    const css = await fetch(`${gateway.url}/app.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    await css.text();
    const head = await fetch(`${gateway.url}/app.js`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(builds).toBe(1);
  });

  it('leaves /v1 to the API and answers unknown files like API Gateway', async () => {
    expect(await (await fetch(`${gateway.url}/v1/health`)).json()).toEqual({ ok: true });
    const api404 = await fetch(`${gateway.url}/v1/nothing`);
    expect(api404.status).toBe(404);
    expect(await api404.json()).toEqual({ message: 'Not Found' });
    const missing = await fetch(`${gateway.url}/secret.txt`);
    expect(missing.status).toBe(404);
    await missing.arrayBuffer();
    expect((await fetch(`${gateway.url}/app.js`, { method: 'POST' })).status).toBe(404);
  });
});
