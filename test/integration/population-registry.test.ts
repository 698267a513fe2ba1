/**
 * The population registry client against the real local registry server (port 0, faults injected
 * server-side, requests and in-flight counted server-side).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  CircuitOpenError,
  HttpPopulationRegistry,
  type HttpPopulationRegistryOptions,
  parseRetryAfter,
  RegistryBadRequestError,
  RegistryUnavailableError,
} from '../../functions/population/registry/registry-client.js';
import { DEFAULT_POPULATION, populationLines } from '../../infra/local/population-registry/population-index.js';
import { type RegistryServer, startRegistryServer } from '../../infra/local/population-registry/registry-server.js';
import { ErrorBody } from '../../schemas/messages.js';
import { RegistryPerson } from '../../schemas/population-registry.js';

let server: RegistryServer;
let firstPeople: RegistryPerson[] = [];

/** The first n people of the default population's CSV lines, parsed independently of the index. */
async function readFirstPeople(n: number): Promise<RegistryPerson[]> {
  const out: RegistryPerson[] = [];
  let header = true;
  for (const line of populationLines(DEFAULT_POPULATION.count, DEFAULT_POPULATION.seed)) {
    if (header) {
      header = false;
      continue;
    }
    const [personalId, fullName, dateOfBirth, gender, status, dateOfDeath, residenceProvinceCode] = line.split(',');
    out.push(
      RegistryPerson.parse({
        personalId,
        fullName,
        dateOfBirth,
        gender,
        status,
        ...(dateOfDeath ? { dateOfDeath } : {}),
        residenceProvinceCode,
      }),
    );
    if (out.length === n) break;
  }
  return out;
}

const delays: number[] = [];
let clock = 0;
function client(o: Partial<HttpPopulationRegistryOptions> = {}): HttpPopulationRegistry {
  return new HttpPopulationRegistry({
    baseUrl: server.url,
    now: () => clock,
    sleep: async (ms) => {
      delays.push(ms);
    },
    random: () => 0.5,
    ...o,
  });
}

beforeAll(async () => {
  server = await startRegistryServer({ port: 0 });
  firstPeople = await readFirstPeople(1000);
});
afterAll(async () => {
  await server?.stop();
});
beforeEach(async () => {
  // Requests a client gave up on (timeouts) may still be held by the server: let them finish first.
  while (server.stats.inFlight > 0) await new Promise((r) => setTimeout(r, 10));
  server.setFaults({});
  server.resetStats();
  delays.length = 0;
  clock = 1_000_000;
});

const ids = (n: number) => firstPeople.slice(0, n).map((p) => p.personalId);
const UNKNOWN = '001099000000';

describe('local registry server', () => {
  it('listens on 127.0.0.1 and serves the built-in 100,000-person population', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.index.size).toBe(100_000);
  });

  it('fails clearly when the population file is missing; serves a generated population on request', async () => {
    await expect(startRegistryServer({ populationFile: '/nonexistent/population.csv' })).rejects.toThrow(
      /Population file not found: \/nonexistent\/population\.csv/,
    );
    const generated = await startRegistryServer({ generated: { count: 1000, seed: 5 } });
    try {
      expect(generated.index.size).toBe(1000);
      const res = await fetch(`${generated.url}/v1/people:batchGet`, {
        method: 'POST',
        body: JSON.stringify({ personalIds: [UNKNOWN] }),
      });
      expect(await res.json()).toEqual({ people: [], notFound: [UNKNOWN] });
    } finally {
      await generated.stop();
    }
  });

  it('implements the contract: 400 with an ErrorBody, 404, 405, dedupes within a batch', async () => {
    const post = (body: string, path = '/v1/people:batchGet') =>
      fetch(`${server.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    for (const body of [
      '{',
      '{}',
      JSON.stringify({ personalIds: [] }),
      JSON.stringify({ personalIds: ['12345'] }),
      JSON.stringify({ personalIds: Array.from({ length: 101 }, (_, i) => String(i).padStart(12, '0')) }),
    ]) {
      const res = await post(body);
      expect(res.status).toBe(400);
      const json = await res.json();
      expect(ErrorBody.safeParse(json).success).toBe(true);
      expect(JSON.stringify(json)).not.toMatch(/\d{9,}/);
    }
    expect((await post('{}', '/v1/people')).status).toBe(404);
    expect((await fetch(`${server.url}/v1/people:batchGet`)).status).toBe(405);
    const ok = await post(JSON.stringify({ personalIds: [ids(1)[0], ids(1)[0], UNKNOWN] }));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ people: [firstPeople[0]], notFound: [UNKNOWN] });
  });
});

describe('local registry server: registrations after the fact', () => {
  it('answers a recorded death and a removed record from then on; the shared index and other servers keep theirs', async () => {
    const changed = await startRegistryServer({ index: server.index });
    const post = (url: string, personalIds: string[]) =>
      fetch(`${url}/v1/people:batchGet`, { method: 'POST', body: JSON.stringify({ personalIds }) }).then((r) =>
        r.json(),
      );
    try {
      const [dies, removed] = firstPeople.filter((p) => p.status === 'alive') as [RegistryPerson, RegistryPerson];
      changed.recordDeath(dies.personalId, '2026-01-20');
      changed.removePerson(removed.personalId);
      expect(await post(changed.url, [dies.personalId, removed.personalId])).toEqual({
        people: [{ ...dies, status: 'deceased', dateOfDeath: '2026-01-20' }],
        notFound: [removed.personalId],
      });
      expect(await post(server.url, [dies.personalId, removed.personalId])).toEqual({
        people: [dies, removed],
        notFound: [],
      });
      expect(server.index.get(dies.personalId)).toEqual(dies);
      expect(() => changed.recordDeath(removed.personalId, '2026-01-20')).toThrow(/no such person/);
      expect(() => changed.recordDeath(UNKNOWN, '2026-01-20')).toThrow(/no such person/);
      expect(() => changed.recordDeath(dies.personalId, '20/01/2026')).toThrow(RangeError);
      expect(() => changed.recordDeath(dies.personalId, '1800-01-01')).toThrow(RangeError);
    } finally {
      await changed.stop();
    }
  });
});

describe('HttpPopulationRegistry', () => {
  it('returns the first 1,000 people of population.csv exactly as the file has them', async () => {
    const m = await client().lookup(ids(1000));
    expect(m.size).toBe(1000);
    for (const p of firstPeople) expect(m.get(p.personalId)).toEqual(p);
    expect(server.stats.requests).toBe(10);
  });

  it('splits 250 ids into 3 requests of at most 100', async () => {
    const m = await client().lookup(ids(250));
    expect(m.size).toBe(250);
    expect(server.stats.requests).toBe(3);
    expect(server.stats.idsRequested).toBe(250);
  });

  it('dedupes ids before batching', async () => {
    const asked = [...ids(100), ...ids(100), ...ids(50)];
    const m = await client().lookup(asked);
    expect(m.size).toBe(100);
    expect(server.stats.requests).toBe(1);
    expect(server.stats.idsRequested).toBe(100);
  });

  it('maps unknown ids to null; no ids means no request', async () => {
    const m = await client().lookup([UNKNOWN, ids(1)[0] as string]);
    expect(m.get(UNKNOWN)).toBeNull();
    expect(m.get(ids(1)[0] as string)).toEqual(firstPeople[0]);
    expect((await client().lookup([])).size).toBe(0);
    expect(server.stats.requests).toBe(1);
  });

  it('retries 5xx with exponential backoff and full jitter, then succeeds', async () => {
    server.setFaults({ failNext: 2 });
    const m = await client({ baseDelayMs: 100, maxRetries: 3 }).lookup(ids(3));
    expect(m.size).toBe(3);
    expect(server.stats.requests).toBe(3);
    expect(delays).toEqual([50, 100]); // random 0.5 × 100 × 2^k
  });

  it('gives up after maxRetries with RegistryUnavailable (the name Step Functions retries on)', async () => {
    server.setFaults({ failNext: 10 });
    const err = await client({ maxRetries: 2 })
      .lookup(ids(3))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryUnavailableError);
    expect(err).toMatchObject({ name: 'RegistryUnavailable', reason: 'server_error', status: 503 });
    expect(server.stats.requests).toBe(3);
  });

  it('honours Retry-After on 429, capped', async () => {
    server.setFaults({ throttleNext: 1 });
    await client().lookup(ids(2));
    expect(delays).toEqual([1000]);
    expect(server.stats.requests).toBe(2);

    server.setFaults({ throttleNext: 1, retryAfterSeconds: 60 });
    delays.length = 0;
    await client({ maxRetryAfterMs: 2000 }).lookup(ids(2));
    expect(delays).toEqual([2000]);
    expect(parseRetryAfter(new Date(Date.now() + 3000).toUTCString(), Date.now())).toBeGreaterThan(1000);
  });

  it('throttling alone does not open the circuit', async () => {
    server.setFaults({ throttleNext: 4 });
    const c = client({ breaker: { failureThreshold: 2 }, maxRetries: 4 });
    await c.lookup(ids(2));
    expect(c.breakerState).toBe('closed');
  });

  it('never retries a 400', async () => {
    server.setFaults({ badRequestNext: 1 });
    const c = client({ maxRetries: 5, breaker: { failureThreshold: 1 } });
    const err = await c.lookup(ids(2)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryBadRequestError);
    expect((err as Error).name).toBe('RegistryBadRequest');
    expect(server.stats.requests).toBe(1);
    expect(delays).toEqual([]);
    expect(c.breakerState).toBe('closed');
  });

  it('rejects malformed ids before sending anything, without echoing them', async () => {
    const err = await client()
      .lookup(['079132108434', '79132108434'])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryBadRequestError);
    expect((err as Error).message).not.toContain('79132108434');
    expect(server.stats.requests).toBe(0);
  });

  it('times out a slow registry: RegistryUnavailable with reason timeout', async () => {
    server.setFaults({ delayMs: 400 });
    const err = await client({ timeoutMs: 50, maxRetries: 1 })
      .lookup(ids(2))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryUnavailableError);
    expect(err).toMatchObject({ name: 'RegistryUnavailable', reason: 'timeout' });
    expect(server.stats.requests).toBe(2);
  });

  it('treats a malformed 200 as an error, not data; retries it', async () => {
    server.setFaults({ malformedNext: 1 });
    const err = await client({ maxRetries: 0 })
      .lookup(ids(2))
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'RegistryUnavailable', reason: 'malformed_response' });

    server.setFaults({ malformedNext: 1 });
    expect((await client({ maxRetries: 1 }).lookup(ids(2))).size).toBe(2);
  });

  it('treats a schema-valid answer that omits or adds ids as malformed', async () => {
    const fake = (body: unknown) =>
      client({
        maxRetries: 0,
        fetch: async () => new Response(JSON.stringify(body), { status: 200 }),
      });
    await expect(fake({ people: [], notFound: [] }).lookup(ids(2))).rejects.toMatchObject({
      reason: 'malformed_response',
    });
    await expect(fake({ people: [], notFound: [...ids(2), UNKNOWN] }).lookup(ids(2))).rejects.toMatchObject({
      reason: 'malformed_response',
    });
    await expect(fake({ people: [], notFound: ids(2) }).lookup(ids(2))).resolves.toBeInstanceOf(Map);
  });

  it('network errors are RegistryUnavailable with reason network', async () => {
    const c = new HttpPopulationRegistry({ baseUrl: 'http://127.0.0.1:1', maxRetries: 1, sleep: async () => {} });
    await expect(c.lookup(ids(1))).rejects.toMatchObject({ name: 'RegistryUnavailable', reason: 'network' });
  });

  it('never has more batch requests in flight than the concurrency cap', async () => {
    server.setFaults({ delayMs: 30 });
    await client({ concurrency: 4 }).lookup(ids(1000));
    expect(server.stats.requests).toBe(10);
    expect(server.stats.maxInFlight).toBe(4);

    // The cap is per client, across concurrent calls.
    server.resetStats();
    const c = client({ concurrency: 2 });
    await Promise.all([c.lookup(ids(500)), c.lookup(ids(1000).slice(500)), c.lookup(ids(300))]);
    expect(server.stats.requests).toBe(13);
    expect(server.stats.maxInFlight).toBe(2);
  });
});

describe('circuit breaker', () => {
  it('opens after N consecutive failures and then fails fast without sending requests', async () => {
    server.setFaults({ failNext: 100 });
    const c = client({ maxRetries: 0, breaker: { failureThreshold: 3, coolDownMs: 30_000 } });
    for (let i = 0; i < 3; i++) {
      await expect(c.lookup(ids(1))).rejects.toMatchObject({ name: 'RegistryUnavailable', reason: 'server_error' });
    }
    expect(c.breakerState).toBe('open');
    expect(server.stats.requests).toBe(3);
    const err = await c.lookup(ids(250)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CircuitOpenError);
    expect(err).toBeInstanceOf(RegistryUnavailableError); // callers retrying on unavailability retry this too
    expect(err).toMatchObject({ name: 'RegistryCircuitOpen', reason: 'circuit_open', retryAfterMs: 30_000 });
    expect(server.stats.requests).toBe(3);
  });

  it('batches queued behind the concurrency cap fail fast once the circuit opens', async () => {
    server.setFaults({ failNext: 100 });
    const c = client({ concurrency: 1, maxRetries: 0, breaker: { failureThreshold: 2 } });
    await expect(c.lookup(ids(1000))).rejects.toMatchObject({ name: 'RegistryUnavailable', reason: 'server_error' });
    expect(server.stats.requests).toBe(2);
    expect(c.breakerState).toBe('open');
  });

  it('opens in the middle of retries and stops retrying', async () => {
    server.setFaults({ failNext: 100 });
    const c = client({ maxRetries: 10, breaker: { failureThreshold: 5 } });
    await expect(c.lookup(ids(1))).rejects.toBeInstanceOf(CircuitOpenError);
    expect(server.stats.requests).toBe(5);
  });

  it('half-open after the cool-down: one probe; success closes the circuit', async () => {
    server.setFaults({ failNext: 2 });
    const c = client({ maxRetries: 0, breaker: { failureThreshold: 2, coolDownMs: 30_000 } });
    await expect(c.lookup(ids(1))).rejects.toThrow(RegistryUnavailableError);
    await expect(c.lookup(ids(1))).rejects.toThrow(RegistryUnavailableError);
    expect(c.breakerState).toBe('open');
    clock += 29_999;
    await expect(c.lookup(ids(1))).rejects.toBeInstanceOf(CircuitOpenError);
    clock += 1;
    expect(c.breakerState).toBe('half-open');
    // Three batches arrive together: only the probe goes out, the others fail fast.
    const settled = await Promise.allSettled([c.lookup(ids(1)), c.lookup(ids(2)), c.lookup(ids(3))]);
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
    expect(server.stats.requests).toBe(3);
    expect(c.breakerState).toBe('closed');
    expect((await c.lookup(ids(250))).size).toBe(250);
  });

  it('half-open probe failure opens the circuit again for another cool-down', async () => {
    server.setFaults({ failNext: 3 });
    const c = client({ maxRetries: 0, breaker: { failureThreshold: 2, coolDownMs: 10_000 } });
    await expect(c.lookup(ids(1))).rejects.toThrow(RegistryUnavailableError);
    await expect(c.lookup(ids(1))).rejects.toThrow(RegistryUnavailableError);
    clock += 10_000;
    await expect(c.lookup(ids(1))).rejects.toMatchObject({ name: 'RegistryUnavailable' }); // the probe, failed
    expect(c.breakerState).toBe('open');
    expect(server.stats.requests).toBe(3);
    await expect(c.lookup(ids(1))).rejects.toBeInstanceOf(CircuitOpenError);
    expect(server.stats.requests).toBe(3);
    clock += 10_000;
    expect((await c.lookup(ids(1))).size).toBe(1);
    expect(c.breakerState).toBe('closed');
  });

  it('a 429 probe re-opens the circuit', async () => {
    server.setFaults({ failNext: 1, throttleNext: 1 });
    const c = client({ maxRetries: 0, breaker: { failureThreshold: 1, coolDownMs: 1000 } });
    await expect(c.lookup(ids(1))).rejects.toMatchObject({ reason: 'server_error' });
    clock += 1000;
    await expect(c.lookup(ids(1))).rejects.toMatchObject({ reason: 'throttled' });
    expect(c.breakerState).toBe('open');
  });
});
