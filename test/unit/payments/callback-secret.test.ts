/**
 * The callback secret's run-time source on AWS: the Parameters and Secrets extension's HTTP API, cached, a
 * rotation picked up after a failed signature (at most every 30 s) or when the cache expires.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { extensionSecret } from '../../../functions/payments/callback-secret.js';

let server: Server;
let current = 'first';
const calls: { url: string; token: string | undefined }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    calls.push({ url: req.url ?? '', token: req.headers['x-aws-parameters-secrets-token'] as string | undefined });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ Name: 'ansinh/bank-callback-secret', SecretString: current }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT = String((server.address() as AddressInfo).port);
  process.env.AWS_SESSION_TOKEN = 'session-token';
});
afterAll(async () => {
  delete process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT;
  delete process.env.AWS_SESSION_TOKEN;
  await new Promise((r) => server.close(r));
});

describe('extensionSecret', () => {
  it('reads through the extension with the session token, caches, and picks up a rotation', async () => {
    let now = 1_000_000;
    const source = extensionSecret('ansinh/bank-callback-secret', () => now);
    expect(await source.get()).toBe('first');
    expect(calls).toEqual([
      { url: '/secretsmanager/get?secretId=ansinh%2Fbank-callback-secret', token: 'session-token' },
    ]);
    current = 'rotated';
    // Cached: no second read, even when asked for a fresh one within 30 s (forged requests cannot hammer it).
    expect(await source.get()).toBe('first');
    expect(await source.get({ fresh: true })).toBe('first');
    expect(calls).toHaveLength(1);
    // After 30 s a failed signature reads it again: the rotated secret without a deploy.
    now += 31_000;
    expect(await source.get({ fresh: true })).toBe('rotated');
    expect(calls).toHaveLength(2);
    expect(calls[1]?.url).toContain('refresh=true');
    // And without any failure, after the 5-minute cache.
    current = 'rotated-again';
    now += 5 * 60_000 + 1;
    expect(await source.get()).toBe('rotated-again');
  });
});
