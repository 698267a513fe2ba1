/**
 * Client of the population registry (`schemas/population-registry.ts`): batch look-up by identity number.
 *
 * - Any number of ids in, deduplicated, split into batches of at most REGISTRY_BATCH_LIMIT (100).
 * - Per-request timeout (AbortSignal.timeout), retries with exponential backoff and full jitter on network
 *   errors, timeouts, 429 (Retry-After honoured up to a cap), 5xx and malformed responses; never on 400.
 * - A concurrency cap on in-flight batch requests, shared by every call on one client.
 * - A circuit breaker: closed → open after N consecutive failures → half-open after a cool-down, letting
 *   one probe through → closed on success, open again on failure. While open, calls fail fast.
 * - Every response is validated with the contract's zod schema: a malformed response is an error, not data.
 *
 * Errors carry stable names because Step Functions `Retry`/`Catch` match on the error name:
 * `RegistryUnavailable` (retryable), `RegistryCircuitOpen` (retryable, later) and `RegistryBadRequest`
 * (not retryable: the request itself is wrong).
 *
 * Authentication: on AWS the registry is reached over mTLS (client certificate configured on the HTTP agent /
 * dispatcher, not here) and/or with an API key; pass such a key through `headers` (read it from Secrets Manager
 * or SSM at cold start, never from code). The local registry needs neither.
 *
 * Personal data: identity numbers never appear in errors or log lines, only counts, statuses and masked ids.
 */
import {
  REGISTRY_BATCH_LIMIT,
  RegistryBatchResponse,
  type RegistryPerson,
} from '../../../schemas/population-registry.js';
import { maskDigits } from '../../shared/pii.js';

export interface PopulationRegistry {
  /**
   * Looks the ids up; the map has one entry per distinct id asked for: the person, or null when the
   * registry does not know the id. Throws RegistryUnavailableError (or its subclass CircuitOpenError) when
   * the registry cannot answer, and RegistryBadRequestError when the ids are not 12-digit strings.
   */
  lookup(personalIds: readonly string[]): Promise<Map<string, RegistryPerson | null>>;
}

export type UnavailableReason =
  | 'network'
  | 'timeout'
  | 'throttled'
  | 'server_error'
  | 'malformed_response'
  | 'unexpected_status'
  | 'circuit_open';

/** The registry could not answer now; retrying later may succeed. */
export class RegistryUnavailableError extends Error {
  override name = 'RegistryUnavailable';
  constructor(
    message: string,
    readonly reason: UnavailableReason,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * The circuit breaker is open: no request was sent. A subclass of RegistryUnavailableError (so callers that
 * retry on unavailability also retry on this), with its own name for Step Functions to back off longer.
 */
export class CircuitOpenError extends RegistryUnavailableError {
  override name = 'RegistryCircuitOpen';
  constructor(readonly retryAfterMs: number) {
    super(`Population registry circuit is open; retry in ${Math.ceil(retryAfterMs / 1000)} s`, 'circuit_open');
  }
}

/** The registry (or this client, before sending) rejected the request as malformed. Never retried. */
export class RegistryBadRequestError extends Error {
  override name = 'RegistryBadRequest';
}

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface HttpPopulationRegistryOptions {
  /** e.g. `http://127.0.0.1:3100` (no trailing `/v1`). */
  baseUrl: string;
  /** Per HTTP attempt, including reading the body. Default 5000. */
  timeoutMs?: number;
  /** Retries after the first attempt (so attempts = 1 + maxRetries). Default 3. */
  maxRetries?: number;
  /** Backoff base: attempt k (0-based) waits random() × min(maxDelayMs, baseDelayMs × 2^k). Default 200. */
  baseDelayMs?: number;
  /** Default 5000. */
  maxDelayMs?: number;
  /** Longest Retry-After honoured; a longer one is cut to this. Default 10000. */
  maxRetryAfterMs?: number;
  /** Batch requests in flight at once, across all calls on this client. Default 4. */
  concurrency?: number;
  breaker?: {
    /** Consecutive failed attempts that open the circuit. Default 5. */
    failureThreshold?: number;
    /** How long the circuit stays open before one probe is let through. Default 30000. */
    coolDownMs?: number;
  };
  /** Extra request headers, e.g. an API key (see the module comment). */
  headers?: Readonly<Record<string, string>>;
  /** Test seams. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  fetch?: typeof globalThis.fetch;
  /** Structured log sink; never receives identity numbers. */
  log?: (msg: string, extra?: Record<string, unknown>) => void;
}

const ID = /^\d{12}$/;
const BATCH_PATH = '/v1/people:batchGet';

/** A counting semaphore: at most `limit` holders; waiters are served first come, first served. */
export class Semaphore {
  private active = 0;
  private readonly waiters: Array<() => void> = [];
  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('Semaphore limit must be an integer ≥ 1');
  }
  get inUse(): number {
    return this.active;
  }
  async acquire(): Promise<() => void> {
    if (this.active < this.limit) {
      this.active++;
    } else {
      // The releaser hands its slot over directly, so `active` never exceeds the limit.
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next();
      else this.active--;
    };
  }
}

/** closed → open (after `threshold` consecutive failures) → half-open (after cool-down, one probe) → … */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private mode: 'closed' | 'open' = 'closed';
  private probing = false;
  constructor(
    private readonly threshold: number,
    private readonly coolDownMs: number,
    private readonly now: () => number,
  ) {}

  get state(): BreakerState {
    if (this.mode === 'closed') return 'closed';
    return this.now() - this.openedAt >= this.coolDownMs ? 'half-open' : 'open';
  }

  /** Throws CircuitOpenError when no request may go out now; returns whether this request is the probe. */
  admit(): { probe: boolean } {
    if (this.mode === 'closed') return { probe: false };
    const waited = this.now() - this.openedAt;
    if (waited < this.coolDownMs || this.probing) {
      throw new CircuitOpenError(Math.max(0, this.coolDownMs - waited));
    }
    this.probing = true;
    return { probe: true };
  }

  success(): void {
    this.failures = 0;
    this.mode = 'closed';
    this.probing = false;
  }

  failure(): void {
    this.failures++;
    if (this.probing || (this.mode === 'closed' && this.failures >= this.threshold)) {
      this.mode = 'open';
      this.openedAt = this.now();
      this.probing = false;
    }
  }

  /** An answer that says nothing about health (a 429 while closed): frees the probe slot only. */
  neutral(): void {
    if (this.probing) this.failure();
  }
}

/** Retry-After as delta seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

type Attempt =
  | { ok: true; body: RegistryBatchResponse }
  | { ok: false; error: RegistryUnavailableError; retryAfterMs?: number; breaker: 'failure' | 'neutral' }
  | { ok: false; error: RegistryBadRequestError; fatal: true };

export class HttpPopulationRegistry implements PopulationRegistry {
  private readonly url: string;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly headers: Record<string, string>;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly fetchFn: typeof globalThis.fetch;
  private readonly log: NonNullable<HttpPopulationRegistryOptions['log']>;
  private readonly semaphore: Semaphore;
  private readonly breaker: CircuitBreaker;

  constructor(o: HttpPopulationRegistryOptions) {
    this.url = new URL(BATCH_PATH, o.baseUrl.endsWith('/') ? o.baseUrl : `${o.baseUrl}/`).toString();
    this.timeoutMs = o.timeoutMs ?? 5000;
    this.maxRetries = o.maxRetries ?? 3;
    this.baseDelayMs = o.baseDelayMs ?? 200;
    this.maxDelayMs = o.maxDelayMs ?? 5000;
    this.maxRetryAfterMs = o.maxRetryAfterMs ?? 10_000;
    this.headers = { ...o.headers, 'content-type': 'application/json', accept: 'application/json' };
    this.now = o.now ?? Date.now;
    this.sleep = o.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = o.random ?? Math.random;
    this.fetchFn = o.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.log = o.log ?? (() => undefined);
    this.semaphore = new Semaphore(o.concurrency ?? 4);
    this.breaker = new CircuitBreaker(o.breaker?.failureThreshold ?? 5, o.breaker?.coolDownMs ?? 30_000, this.now);
  }

  get breakerState(): BreakerState {
    return this.breaker.state;
  }

  async lookup(personalIds: readonly string[]): Promise<Map<string, RegistryPerson | null>> {
    const unique = [...new Set(personalIds)];
    const invalid = unique.filter((id) => typeof id !== 'string' || !ID.test(id));
    if (invalid.length > 0) {
      throw new RegistryBadRequestError(
        `${invalid.length} id(s) are not 12-digit identity numbers (first: ${maskDigits(String(invalid[0]))})`,
      );
    }
    const result = new Map<string, RegistryPerson | null>();
    if (unique.length === 0) return result;
    const batches: string[][] = [];
    for (let i = 0; i < unique.length; i += REGISTRY_BATCH_LIMIT) {
      batches.push(unique.slice(i, i + REGISTRY_BATCH_LIMIT));
    }
    // All batches start at once; the semaphore caps how many are on the wire. The first failure wins, but
    // every batch is awaited so nothing keeps running after lookup() has settled.
    const settled = await Promise.allSettled(batches.map((b) => this.batch(b)));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    for (const s of settled) {
      if (s.status === 'fulfilled') for (const [id, p] of s.value) result.set(id, p);
    }
    return result;
  }

  private async batch(ids: string[]): Promise<Map<string, RegistryPerson | null>> {
    for (let attempt = 0; ; attempt++) {
      // The breaker is asked once a slot is free, so batches queued behind the semaphore fail fast when the
      // circuit opened while they waited.
      const release = await this.semaphore.acquire();
      let outcome: Attempt;
      let probe: boolean;
      try {
        probe = this.breaker.admit().probe; // throws CircuitOpenError: no request sent
        outcome = await this.attempt(ids);
      } finally {
        release();
      }
      if (outcome.ok) {
        this.breaker.success();
        return toMap(ids, outcome.body);
      }
      if ('fatal' in outcome) {
        this.breaker.success(); // the registry answered: it is up
        throw outcome.error;
      }
      if (outcome.breaker === 'failure' || probe) this.breaker.failure();
      else this.breaker.neutral();
      if (attempt >= this.maxRetries) throw outcome.error;
      const backoff = this.random() * Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** attempt);
      const delay = outcome.retryAfterMs !== undefined ? Math.min(outcome.retryAfterMs, this.maxRetryAfterMs) : backoff;
      this.log('Population registry attempt failed; retrying', {
        reason: outcome.error.reason,
        status: outcome.error.status,
        attempt: attempt + 1,
        batchSize: ids.length,
        delayMs: Math.round(delay),
      });
      await this.sleep(delay);
    }
  }

  private async attempt(ids: string[]): Promise<Attempt> {
    let res: Response;
    let text: string;
    try {
      res = await this.fetchFn(this.url, {
        method: 'POST',
        headers: this.headers,
        body: JSON.stringify({ personalIds: ids }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      const timeout = (err as Error)?.name === 'TimeoutError' || (err as Error)?.name === 'AbortError';
      return {
        ok: false,
        breaker: 'failure',
        error: new RegistryUnavailableError(
          timeout
            ? `Population registry did not answer within ${this.timeoutMs} ms`
            : 'Population registry could not be reached',
          timeout ? 'timeout' : 'network',
          undefined,
          { cause: err },
        ),
      };
    }
    if (res.status === 200) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      const parsed = RegistryBatchResponse.safeParse(json);
      const problem = parsed.success ? consistencyProblem(ids, parsed.data) : 'does not match the schema';
      if (parsed.success && problem === undefined) return { ok: true, body: parsed.data };
      return {
        ok: false,
        breaker: 'failure',
        error: new RegistryUnavailableError(
          `Population registry sent a malformed response: ${problem}`,
          'malformed_response',
          200,
        ),
      };
    }
    if (res.status === 400) {
      return {
        ok: false,
        fatal: true,
        error: new RegistryBadRequestError(`Population registry rejected the request (400): ${summary(text)}`),
      };
    }
    if (res.status === 429) {
      return {
        ok: false,
        breaker: 'neutral',
        retryAfterMs: parseRetryAfter(res.headers.get('retry-after'), this.now()),
        error: new RegistryUnavailableError('Population registry is throttling requests (429)', 'throttled', 429),
      };
    }
    const server = res.status >= 500;
    return {
      ok: false,
      breaker: 'failure',
      error: new RegistryUnavailableError(
        `Population registry answered ${res.status}`,
        server ? 'server_error' : 'unexpected_status',
        res.status,
      ),
    };
  }
}

/** Every id asked for must come back exactly once, as a person or as not found, and nothing else. */
function consistencyProblem(ids: readonly string[], body: RegistryBatchResponse): string | undefined {
  const asked = new Set(ids);
  const seen = new Set<string>();
  for (const id of [...body.people.map((p) => p.personalId), ...body.notFound]) {
    if (!asked.has(id)) return 'an id that was not asked for';
    if (seen.has(id)) return 'an id answered twice';
    seen.add(id);
  }
  if (seen.size !== asked.size) return `${asked.size - seen.size} id(s) missing from the answer`;
  return undefined;
}

function toMap(ids: readonly string[], body: RegistryBatchResponse): Map<string, RegistryPerson | null> {
  const m = new Map<string, RegistryPerson | null>();
  for (const id of ids) m.set(id, null);
  for (const p of body.people) m.set(p.personalId, p);
  return m;
}

/** A short, PII-free excerpt of an error body (long digit runs masked). */
function summary(text: string): string {
  return text.slice(0, 200).replace(/\d{9,}/g, maskDigits);
}
