/**
 * Per-caller rate limits: fixed windows counted in DynamoDB (the `rateLimits` table). One conditional
 * UpdateItem per limit — `ADD hits 1` only while `hits < limit` — so concurrent Lambdas share one count and
 * nobody reads before writing. Each window is its own item, expired by the table's TTL (`expiresAt`).
 *
 * Two limits per route group: per person (the token's subject) and per client (the token's `client_id`,
 * `azp` or `aud` claim, else the source IP). Keys are hashed: neither a subject nor an IP address is stored.
 * A client's hits are gathered in each instance and added to its shared item a few at a time
 * (`BatchedWindowCounter`): one public app serves every beneficiary, so its item would otherwise take every
 * request of the country, past DynamoDB's 1,000 writes a second on one key, and cost each request a write.
 * On AWS, API Gateway route throttling and WAF rate-based rules are the first line (see README); these limits
 * stop one identity or one client sweeping the look-up routes within what those allow.
 *
 * Environment (read on every request, defaults in brackets):
 *   ANSINH_RATE_LIMIT_PER_PERSON [30]        requests per window and person
 *   ANSINH_RATE_LIMIT_PER_CLIENT [300]       requests per window and client
 *   ANSINH_RATE_LIMIT_WINDOW_SECONDS [60]    window length
 *   ANSINH_RATE_LIMIT_CLIENT_BATCH [10]      a client's hits an instance gathers before adding them (1: each)
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
}

/**
 * A client's count, gathered in this instance: each hit is decided on the shared count this instance last saw
 * plus its own hits not yet added, and they are added (`ADD hits n`, one UpdateItem) once `batch` are pending,
 * or a second after the last addition, or on the window's first hit. Several instances together can let a
 * client pass its limit by what they have not added yet (under `batch` each) and what others added in the
 * last second: fine for a limit on a whole application, not for a person's (FixedWindowCounter).
 */
export class BatchedWindowCounter {
  private readonly windows = new Map<string, { start: number; shared: number; pending: number; addedAt: number }>();

  constructor(
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
    private readonly maxAgeMs = 1000,
  ) {}

  async hit(key: string, limit: number, windowSeconds: number, batch: number): Promise<WindowDecision> {
    const nowMs = this.now();
    const windowStart = Math.floor(nowMs / 1000 / windowSeconds) * windowSeconds;
    const retryAfterSeconds = Math.max(1, Math.ceil(windowStart + windowSeconds - nowMs / 1000));
    let w = this.windows.get(key);
    // The hits gathered at the end of the window before are added to it, not lost.
    if (w && w.start !== windowStart && w.pending > 0) await this.add(key, w, windowSeconds, nowMs);
    if (!w || w.start !== windowStart) {
      // Clients keyed by address can be many: forget the ended windows now and then.
      if (this.windows.size >= 10_000)
        for (const [k, v] of this.windows) if (v.start < windowStart) this.windows.delete(k);
      w = { start: windowStart, shared: 0, pending: 0, addedAt: Number.NEGATIVE_INFINITY };
      this.windows.set(key, w);
    }
    if (w.shared + w.pending >= limit) return { allowed: false, count: limit, retryAfterSeconds, windowStart };
    w.pending++;
    if (w.pending >= batch || nowMs - w.addedAt >= this.maxAgeMs) await this.add(key, w, windowSeconds, nowMs);
    return { allowed: true, count: w.shared + w.pending, retryAfterSeconds, windowStart };
  }

  private async add(
    key: string,
    w: { start: number; shared: number; pending: number; addedAt: number },
    windowSeconds: number,
    nowMs: number,
  ) {
    const n = w.pending;
    w.pending -= n;
    w.addedAt = nowMs;
    try {
      const out = await dynamo().send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { limitKey: `${key}#${w.start}` },
          UpdateExpression: 'ADD hits :n SET expiresAt = if_not_exists(expiresAt, :ttl)',
          ExpressionAttributeValues: { ':n': n, ':ttl': w.start + 2 * windowSeconds },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      // Answers of additions made at once may arrive out of order: the count only grows.
      w.shared = Math.max(w.shared, Number(out.Attributes?.hits ?? n));
    } catch (err) {
      w.pending += n;
      throw err;
    }
  }
}

/** One per table and instance: the gathered counts live as long as the instance. */
const clientCounters = new Map<string, BatchedWindowCounter>();
function clientCounter(tableName: string): BatchedWindowCounter {
  let c = clientCounters.get(tableName);
  if (!c) {
    c = new BatchedWindowCounter(tableName);
    clientCounters.set(tableName, c);
  }
  return c;
}

export interface RateLimits {
  perPerson: number;
  perClient: number;
  windowSeconds: number;
  clientBatch: number;
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
    clientBatch: positiveInt('ANSINH_RATE_LIMIT_CLIENT_BATCH', 10),
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
 * Counts this request against the person's and the client's limits of the scope (the person's first: a person
 * already refused does not use up the client's budget). Returns
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
  const tableName = resources.table('rateLimits');
  const people = new FixedWindowCounter(tableName);
  const clients = clientCounter(tableName);
  const personKey = `${scope}#person#${hashed(principal?.subject ?? 'anonymous')}`;
  const clientKey = `${scope}#client#${hashed(clientOf(event))}`;
  let decision: WindowDecision;
  let limitedBy: 'person' | 'client' = 'person';
  try {
    // The person's first: a person already refused does not use up the client's budget. The client's counter
    // mostly answers from this instance, so this is one round trip, two on the client's additions.
    decision = await people.hit(personKey, limits.perPerson, limits.windowSeconds);
    if (decision.allowed) {
      limitedBy = 'client';
      decision = await clients.hit(clientKey, limits.perClient, limits.windowSeconds, limits.clientBatch);
    }
  } catch (err) {
    logger.warn('Rate limit counter unavailable; request allowed', { scope, error: (err as Error).name });
    metrics.addMetric('RateLimitCounterErrors', 'Count', 1);
    return undefined;
  }
  if (decision.allowed) return undefined;
  const limit = limitedBy === 'person' ? limits.perPerson : limits.perClient;
  logger.warn('Rate limit reached', { scope, limitedBy, limit });
  metrics.addMetric('RateLimited', 'Count', 1);
  return { retryAfterSeconds: decision.retryAfterSeconds, limitedBy };
}
