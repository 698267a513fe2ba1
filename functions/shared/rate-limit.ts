/**
 * Per-caller rate limits: fixed windows counted in DynamoDB (the `rateLimits` table). One conditional
 * UpdateItem per limit — `ADD hits 1` only while `hits < limit` — so concurrent Lambdas share one count and
 * nobody reads before writing. Each window is its own item, expired by the table's TTL (`expiresAt`).
 *
 * Two limits per route group: per person (the token's subject) and per client (the token's `client_id`,
 * `azp` or `aud` claim, else the source IP). Keys are hashed: neither a subject nor an IP address is stored.
 * On AWS, API Gateway route throttling and WAF rate-based rules are the first line (see README); these limits
 * stop one identity or one client sweeping the look-up routes within what those allow.
 *
 * Environment (read on every request, defaults in brackets):
 *   ANSINH_RATE_LIMIT_PER_PERSON [30]        requests per window and person
 *   ANSINH_RATE_LIMIT_PER_CLIENT [300]       requests per window and client
 *   ANSINH_RATE_LIMIT_WINDOW_SECONDS [60]    window length
 */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import type { Principal } from '../../schemas/roles.js';
import { dynamo } from './aws-clients.js';
import { logger, metrics } from './powertools.js';
import { resources } from './resources.js';

/** Route groups with their own budgets: a beneficiary app's traffic never uses up the officers'. */
export type RateLimitScope = 'me' | 'lookup';

export interface WindowDecision {
  allowed: boolean;
  /** Hits counted in this window, this one included when allowed. */
  count: number;
  /** Seconds until the window ends (at least 1). */
  retryAfterSeconds: number;
  /** The window counted in (epoch seconds). */
  windowStart: number;
}

/** The adapter: one counter per key and window, in one table. */
export class FixedWindowCounter {
  constructor(
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {}

  async hit(key: string, limit: number, windowSeconds: number): Promise<WindowDecision> {
    const nowSeconds = this.now() / 1000;
    const windowStart = Math.floor(nowSeconds / windowSeconds) * windowSeconds;
    const windowEnd = windowStart + windowSeconds;
    const retryAfterSeconds = Math.max(1, Math.ceil(windowEnd - nowSeconds));
    try {
      const out = await dynamo().send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { limitKey: `${key}#${windowStart}` },
          UpdateExpression: 'ADD hits :one SET expiresAt = if_not_exists(expiresAt, :ttl)',
          ConditionExpression: 'attribute_not_exists(hits) OR hits < :limit',
          ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':ttl': windowEnd + windowSeconds },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return { allowed: true, count: Number(out.Attributes?.hits ?? 1), retryAfterSeconds, windowStart };
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException)
        return { allowed: false, count: limit, retryAfterSeconds, windowStart };
      throw err;
    }
  }

  /** Takes back one hit counted in a window (a request refused by another limit after all). */
  async giveBack(key: string, windowStart: number): Promise<void> {
    await dynamo().send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { limitKey: `${key}#${windowStart}` },
        UpdateExpression: 'ADD hits :minus',
        ConditionExpression: 'hits > :zero',
        ExpressionAttributeValues: { ':minus': -1, ':zero': 0 },
      }),
    );
  }
}

export interface RateLimits {
  perPerson: number;
  perClient: number;
  windowSeconds: number;
}

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
}

export function rateLimitsFromEnv(): RateLimits {
  return {
    perPerson: positiveInt('ANSINH_RATE_LIMIT_PER_PERSON', 30),
    perClient: positiveInt('ANSINH_RATE_LIMIT_PER_CLIENT', 300),
    windowSeconds: positiveInt('ANSINH_RATE_LIMIT_WINDOW_SECONDS', 60),
  };
}

/** The calling application: the token's client claim, else (no such claim) the source address. */
export function clientOf(event: APIGatewayProxyEventV2WithJWTAuthorizer): string {
  const claims = event.requestContext.authorizer?.jwt?.claims ?? {};
  for (const name of ['client_id', 'azp', 'aud']) {
    const value = claims[name];
    if (value !== undefined && value !== '') return `${name}=${String(value)}`;
  }
  return `ip=${event.requestContext.http?.sourceIp ?? 'unknown'}`;
}

const hashed = (value: string) => createHash('sha256').update(value).digest('base64url').slice(0, 22);

/**
 * Counts this request against the person's and the client's limits of the scope, both at once (one wait, not
 * two in a row); a person already refused does not use up the client's budget (its hit is given back). Returns
 * the refusal, or undefined when allowed. A failing counter lets the request through (logged): the gateway's
 * throttling still stands in front.
 */
export async function checkRateLimits(
  scope: RateLimitScope,
  principal: Principal | null,
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
): Promise<{ retryAfterSeconds: number; limitedBy: 'person' | 'client' } | undefined> {
  const limits = rateLimitsFromEnv();
  // Outside the fail-open path: a function deployed without the table is a configuration error, not an outage.
  const counter = new FixedWindowCounter(resources.table('rateLimits'));
  const checks = [
    {
      by: 'person' as const,
      key: `${scope}#person#${hashed(principal?.subject ?? 'anonymous')}`,
      limit: limits.perPerson,
    },
    { by: 'client' as const, key: `${scope}#client#${hashed(clientOf(event))}`, limit: limits.perClient },
  ];
  let decisions: WindowDecision[];
  try {
    decisions = await Promise.all(checks.map((c) => counter.hit(c.key, c.limit, limits.windowSeconds)));
  } catch (err) {
    logger.warn('Rate limit counter unavailable; request allowed', { scope, error: (err as Error).name });
    metrics.addMetric('RateLimitCounterErrors', 'Count', 1);
    return undefined;
  }
  const refused = checks.findIndex((_, i) => !decisions[i]?.allowed);
  if (refused < 0) return undefined;
  const check = checks[refused] as (typeof checks)[number];
  const decision = decisions[refused] as WindowDecision;
  if (check.by === 'person' && decisions[1]?.allowed) {
    const client = checks[1] as (typeof checks)[number];
    await counter.giveBack(client.key, decisions[1].windowStart).catch((err: Error) => {
      logger.warn('Rate limit counter not given back', { scope, error: err.name });
    });
  }
  logger.warn('Rate limit reached', { scope, limitedBy: check.by, limit: check.limit });
  metrics.addMetric('RateLimited', 'Count', 1);
  return { retryAfterSeconds: decision.retryAfterSeconds, limitedBy: check.by };
}
