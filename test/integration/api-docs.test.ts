/**
 * `curl /v1/openapi.json` on the running platform lists every route of the definition with its method, and
 * /v1/openapi.html is a self-contained page (no script, nothing loaded from elsewhere). Both are public.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import { system } from '../../infra/system.js';
import { startTestPlatform } from '../support/platform.js';

let platform: LocalPlatform;
beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => {
  await platform?.stop();
});

describe('the API describes itself', () => {
  it('GET /v1/openapi.json lists every route of the definition, without a token', async () => {
    const res = await fetch(`${platform.url}/v1/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    const listed = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(listed.sort()).toEqual(system.routes.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('GET /v1/openapi.html is the page to read, with a policy that forbids scripts and outside loads', async () => {
    const res = await fetch(`${platform.url}/v1/openapi.html`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain('Tài liệu API / API reference');
    for (const r of system.routes) expect(html).toContain(`<code>${r.path}</code>`);
  });
});
