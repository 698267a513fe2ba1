/** Starts the local platform for an integration test, on the shared DynamoDB Local with a unique prefix. */
import { randomBytes } from 'node:crypto';
import type { DemoUser } from '../../infra/local/demo-users.js';
import { DEMO_USERS } from '../../infra/local/demo-users.js';
import { LocalPlatform, type LocalPlatformOptions } from '../../infra/local/runtime.js';
import { checkPlatformResponses } from './api-contract.js';

export function uniquePrefix(): string {
  return `t${randomBytes(4).toString('hex')}-`;
}

/** Starts a platform whose every API response the test receives is checked against the OpenAPI document. */
export async function startTestPlatform(opts: LocalPlatformOptions = {}): Promise<LocalPlatform> {
  const endpoint = process.env.ANSINH_TEST_DYNAMODB_ENDPOINT;
  const platform = await new LocalPlatform({
    prefix: uniquePrefix(),
    visibilityTimeoutSeconds: 1,
    compressTime: { waitMs: 100 },
    ...(endpoint && !opts.dataDir ? { dynamodbEndpoint: endpoint } : {}),
    ...opts,
  }).start();
  checkPlatformResponses(platform.url);
  return platform;
}

export function demoUser(role: DemoUser['role'], jurisdiction?: string): DemoUser {
  const user = DEMO_USERS.find((u) => u.role === role && (!jurisdiction || u.jurisdiction === jurisdiction));
  if (!user) throw new Error(`no demo user for ${role}`);
  return user;
}

export async function api(
  platform: LocalPlatform,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${platform.url}${path}`, {
    method,
    headers: {
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Polls until `check` returns a value or the time runs out (integration tests wait for async work). */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
