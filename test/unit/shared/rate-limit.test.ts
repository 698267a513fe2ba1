/**
 * The rate limiter's pure parts: which client a request counts against, and the limits read from the
 * environment. The DynamoDB counter itself is exercised against the local platform
 * (test/integration/payment-lookups.test.ts).
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { clientOf, rateLimitsFromEnv } from '../../../functions/shared/rate-limit.js';

const event = (claims: Record<string, string>, sourceIp = '203.0.113.7') =>
  ({
    requestContext: { authorizer: { jwt: { claims, scopes: [] } }, http: { sourceIp } },
  }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;

describe('clientOf', () => {
  it('takes client_id, then azp, then aud, then the source address', () => {
    expect(clientOf(event({ client_id: 'c1', azp: 'web', aud: 'api' }))).toBe('client_id=c1');
    expect(clientOf(event({ azp: 'web', aud: 'api' }))).toBe('azp=web');
    expect(clientOf(event({ aud: 'api' }))).toBe('aud=api');
    expect(clientOf(event({}))).toBe('ip=203.0.113.7');
    expect(clientOf(event({ azp: '' }, '198.51.100.1'))).toBe('ip=198.51.100.1');
  });
});

describe('rateLimitsFromEnv', () => {
  const names = [
    'ANSINH_RATE_LIMIT_PER_PERSON',
    'ANSINH_RATE_LIMIT_PER_CLIENT',
    'ANSINH_RATE_LIMIT_WINDOW_SECONDS',
    'ANSINH_RATE_LIMIT_CLIENT_BATCH',
  ];
  const saved = Object.fromEntries(names.map((n) => [n, process.env[n]]));
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('defaults to 30 per person and 300 per client a minute, client hits added 10 at a time', () => {
    for (const n of names) delete process.env[n];
    expect(rateLimitsFromEnv()).toEqual({ perPerson: 30, perClient: 300, windowSeconds: 60, clientBatch: 10 });
  });

  it('reads each limit on every call, and refuses a value that is not a positive integer', () => {
    process.env.ANSINH_RATE_LIMIT_PER_PERSON = '5';
    process.env.ANSINH_RATE_LIMIT_WINDOW_SECONDS = '10';
    expect(rateLimitsFromEnv()).toMatchObject({ perPerson: 5, windowSeconds: 10 });
    for (const bad of ['0', '-3', '2.5', 'many']) {
      process.env.ANSINH_RATE_LIMIT_PER_CLIENT = bad;
      expect(() => rateLimitsFromEnv()).toThrow(/ANSINH_RATE_LIMIT_PER_CLIENT/);
    }
  });
});
