/**
 * What `GET /v1/me/payments` asks DynamoDB, counted on the platform's own client: the two rate-limit counters,
 * the PID item, the account and the byPerson query, and, only when a payment was rejected or returned, one
 * BatchGet of the entries that set those states (plus every entry of a payment whose last entry is an anomaly,
 * so the view still shows the state's own reason and date). The client's counter adds its hits a batch at a
 * time; a person refused by their own limit never counts against the client.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { entries } from '../../functions/payment-ledger/ledger-store.js';
import { dynamo } from '../../functions/shared/aws-clients.js';
import { resources } from '../../functions/shared/resources.js';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import { MyPayments } from '../../schemas/payment-lookups.js';
import { beneficiaryUser, type PaymentSeed, type SeededPerson, seedPerson } from '../support/payment-lookups.js';
import { startTestPlatform } from '../support/platform.js';

let platform: LocalPlatform;
let counting = false;
const calls: string[] = [];
let answered = 0;

beforeAll(async () => {
  process.env.ANSINH_RATE_LIMIT_PER_PERSON = '1000';
  platform = await startTestPlatform();
  dynamo().middlewareStack.add(
    (next, context) => async (args) => {
      if (counting) {
        const input = args.input as {
          TableName?: string;
          IndexName?: string;
          RequestItems?: object;
          Key?: { limitKey?: string };
        };
        const table = (input.TableName ?? Object.keys(input.RequestItems ?? {})[0] ?? '').split('-').at(-1);
        const counter = input.Key?.limitKey?.split('#')[1];
        calls.push(
          `${String(context.commandName).replace(/Command$/, '')} ${table}${input.IndexName ? `.${input.IndexName}` : ''}${counter ? ` ${counter}` : ''}`,
        );
      }
      return next(args);
    },
    { step: 'initialize', name: 'countCalls', priority: 'high' },
  );
}, 90_000);

afterAll(async () => {
  await platform?.stop();
  delete process.env.ANSINH_RATE_LIMIT_PER_PERSON;
});

const months = (n: number) =>
  Array.from({ length: n }, (_, i) => `${2025 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`);

async function me(personalId: string) {
  const token = await platform.identityProvider.tokenFor(beneficiaryUser(`reads.${personalId}`, personalId));
  calls.length = 0;
  counting = true;
  const res = await fetch(`${platform.url}/v1/me/payments`, { headers: { authorization: `Bearer ${token}` } });
  counting = false;
  if (res.status === 200) answered++;
  // The client's counter adds its gathered hits now and then (rate-limit.ts): counted apart.
  const clientAdditions = calls.filter((c) => c === 'UpdateItem rateLimits client').length;
  const others = calls.filter((c) => c !== 'UpdateItem rateLimits client').sort();
  return { status: res.status, body: (await res.json()) as unknown, calls: others, clientAdditions };
}

describe('GET /v1/me/payments reads', () => {
  let settledOnly: SeededPerson;
  let failed: SeededPerson;

  beforeAll(async () => {
    settledOnly = await seedPerson({
      personalId: '079170000001',
      fullName: 'Người Đã Nhận',
      jurisdiction: '79',
      communeCode: '26734',
      bankAccount: '0071000999001',
      payments: months(12).map((period) => ({ period, amount: 500_000, path: ['SENT', 'ACCEPTED', 'SETTLED'] })),
    });
    const [a, b, c, ...rest] = months(14);
    failed = await seedPerson({
      personalId: '079170000002',
      fullName: 'Người Chưa Nhận',
      jurisdiction: '79',
      communeCode: '26734',
      bankAccount: '0071000999002',
      payments: [
        { period: a as string, amount: 500_000, path: ['SENT', ['REJECTED', { reason: 'AC04' }]] },
        { period: b as string, amount: 500_000, path: ['SENT', 'SETTLED', ['RETURNED', { reason: 'MD07' }]] },
        // A settlement after the rejection: an anomaly entry, after the one that set REJECTED.
        { period: c as string, amount: 500_000, path: ['SENT', ['REJECTED', { reason: 'AC01' }], 'SETTLED'] },
        ...rest.map((period): PaymentSeed => ({ period, amount: 500_000, path: ['SENT', 'SETTLED'] })),
      ],
    });
  }, 60_000);

  it('settled payments only: the person’s counter, the PID item, the account and one byPerson query', async () => {
    const got = await me(settledOnly.personalId);
    expect(got.status).toBe(200);
    expect(MyPayments.parse(got.body).payments).toHaveLength(12);
    expect(got.calls).toEqual([
      'GetItem accounts',
      'GetItem accounts',
      'Query payments.byPerson',
      'UpdateItem rateLimits person',
    ]);
  });

  it('failed payments: one BatchGet for their reasons, all entries only for the one with an anomaly after', async () => {
    const got = await me(failed.personalId);
    expect(got.status).toBe(200);
    expect(got.calls).toEqual([
      'BatchGetItem payments',
      'GetItem accounts',
      'GetItem accounts',
      'Query payments',
      'Query payments.byPerson',
      'UpdateItem rateLimits person',
    ]);
    const payments = MyPayments.parse(got.body).payments;
    expect(payments).toHaveLength(14);
    const byPeriod = new Map(payments.map((p) => [p.period, p]));
    const [a, b, c] = months(3);
    expect(byPeriod.get(a as string)).toMatchObject({ status: 'REJECTED', failure: { code: 'AC04' } });
    expect(byPeriod.get(b as string)).toMatchObject({ status: 'RETURNED', failure: { code: 'MD07' } });
    // The state and date are the REJECTED entry's, not the anomaly's that came after it.
    const third = (await entries(failed.paymentIds[2] as string)).sort((x, y) => x.seq - y.seq);
    expect(third.map((e) => e.kind)).toEqual(['STATE', 'STATE', 'STATE', 'ANOMALY']);
    expect(byPeriod.get(c as string)).toMatchObject({
      status: 'REJECTED',
      failure: { code: 'AC01' },
      statusAt: third[2]?.at,
    });
  });

  it('someone without an account: the person’s counter and the PID item only', async () => {
    const got = await me('079170000009');
    expect(got).toMatchObject({ status: 200, body: { account: null, payments: [] } });
    expect(got.calls).toEqual(['GetItem accounts', 'UpdateItem rateLimits person']);
  });

  it('adds the client’s hits a batch at a time, not one write per request', async () => {
    const started = Date.now();
    let additions = 0;
    for (let i = 0; i < 30; i++) {
      const got = await me(`07917100${String(i).padStart(4, '0')}`);
      expect(got.status).toBe(200);
      expect(got.clientAdditions).toBeLessThanOrEqual(1);
      additions += got.clientAdditions;
    }
    // Every 10 hits, and once a second at most besides (and at a window's first hit).
    expect(additions).toBeLessThanOrEqual(3 + Math.ceil((Date.now() - started) / 1000) + 1);
    expect(additions).toBeGreaterThanOrEqual(2);
  });

  it('a person over their own limit is refused, and the client keeps only the answered requests', async () => {
    process.env.ANSINH_RATE_LIMIT_PER_PERSON = '2';
    // Each hit added at once, so the shared count can be compared with the answers.
    process.env.ANSINH_RATE_LIMIT_CLIENT_BATCH = '1';
    try {
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push((await me('079170000008')).status);
      expect(statuses.slice(0, 2)).toEqual([200, 200]);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(2);
    } finally {
      process.env.ANSINH_RATE_LIMIT_PER_PERSON = '1000';
      delete process.env.ANSINH_RATE_LIMIT_CLIENT_BATCH;
    }
    const counters = await dynamo().send(new ScanCommand({ TableName: resources.table('rateLimits') }));
    const clientHits = (counters.Items ?? [])
      .filter((c) => String(c.limitKey).startsWith('me#client#'))
      .reduce((n, c) => n + Number(c.hits), 0);
    expect(clientHits).toBe(answered);
  });
});
