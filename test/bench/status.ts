/**
 * `npm run bench -- status [--people 500] [--payments 6] [--clients 50] [--requests 5000] [--rate 100]`: beneficiaries
 * checking their payments. Seeds N people with a few months of payments each straight through the stores
 * (accounts and ledger, states mixed: settled, rejected AC04, returned), mints one token per person, then
 * `--clients` concurrent clients fire GET /v1/me/payments through the local HTTP API (JWT verification, rate
 * limit counters, account and ledger reads, strict response schema) and it prints p50/p90/p99/max latency and
 * requests/s. With `--rate R` the requests arrive R per second whatever the answers' speed (an open loop, as
 * people's phones do; latency counts from the planned start, so a stalled server's queue shows in p99), at
 * most `--clients` in flight; without it each client asks again as soon as it is answered (the most it serves).
 * The rate limits are raised for the run: every request still counts (the person's counter one write each, the
 * client's added 10 at a time), and it prints the DynamoDB calls per request, counted. A wrong answer (not
 * 200, or the wrong number of payments) makes the run exit non-zero; slowness never does.
 */

import { freePort } from '../../infra/local/free-port.js';
import { LocalPlatform } from '../../infra/local/runtime.js';
import type { PaymentSeed } from '../support/payment-lookups.js';
import { beneficiaryUser, seedPerson } from '../support/payment-lookups.js';
import { CallCounter } from './status-calls.js';
import { BrokenInvariant, fmt, jvmMemory, MemorySampler, mb, numberOption, printTable } from './support.js';

export const description =
  'GET /v1/me/payments by N seeded beneficiaries (default 500 × 6 payments), 50 concurrent clients: latency percentiles, requests/s';

const log = (msg: string) => console.log(`${new Date().toISOString().slice(11, 19)} ${msg}`);

function months(count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const d = new Date(Date.UTC(2025, 6 + i, 1));
    return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  });
}

/** Mostly settled; every fifth person had a rejection (AC04), every seventh a return after settlement. */
function paymentsFor(i: number, count: number): PaymentSeed[] {
  return months(count).map((period, m) => {
    const last = m === count - 1;
    if (last && i % 5 === 0) return { period, amount: 500_000, path: ['SENT', ['REJECTED', { reason: 'AC04' }]] };
    if (last && i % 7 === 0)
      return { period, amount: 500_000, path: ['SENT', 'SETTLED', ['RETURNED', { reason: 'AC04' }]] };
    return { period, amount: 500_000, path: ['SENT', 'ACCEPTED', 'SETTLED'] };
  });
}

async function inParallel<T>(items: T[], concurrency: number, work: (item: T, index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i] as T, i);
      }
    }),
  );
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;

export async function run(args: string[]): Promise<void> {
  const people = numberOption(args, 'people', 500);
  const perPerson = numberOption(args, 'payments', 6);
  const clients = numberOption(args, 'clients', 50);
  const requests = numberOption(args, 'requests', 5000);
  const rate = numberOption(args, 'rate', 0);
  process.env.ANSINH_RATE_LIMIT_PER_PERSON = String(1e9);
  process.env.ANSINH_RATE_LIMIT_PER_CLIENT = String(1e9);

  const dynamodbPort = await freePort();
  const platform = await new LocalPlatform({ prefix: 'benchstatus-', ports: { dynamodb: dynamodbPort } }).start();
  try {
    log(`seeding ${fmt(people)} beneficiaries × ${perPerson} payments through the stores…`);
    let t = performance.now();
    const ids = Array.from({ length: people }, (_, i) => `0791${String(50_000_000 + i).padStart(8, '0')}`);
    await inParallel(ids, 16, async (personalId, i) => {
      await seedPerson({
        personalId,
        fullName: `Nguyễn Thị Bench ${i}`,
        jurisdiction: '79',
        communeCode: '26734',
        bankAccount: String(2_000_000_000 + i),
        payments: paymentsFor(i, perPerson),
      });
    });
    const seedS = (performance.now() - t) / 1000;
    log(`seeded in ${seedS.toFixed(1)} s; minting ${fmt(people)} tokens…`);
    const tokens = await Promise.all(
      ids.map((id, i) => platform.identityProvider.tokenFor(beneficiaryUser(`bench.${i}`, id))),
    );

    const get = async (i: number, started = performance.now()) => {
      const res = await fetch(`${platform.url}/v1/me/payments`, {
        headers: { authorization: `Bearer ${tokens[i % people]}` },
      });
      const body = (await res.json()) as { payments?: unknown[] };
      return { ms: performance.now() - started, status: res.status, payments: body.payments?.length ?? -1 };
    };
    // Warm-up: handler modules load, connections open.
    for (let i = 0; i < Math.min(people, clients); i++) {
      const first = await get(i);
      if (first.status !== 200 || first.payments !== perPerson)
        throw new Error(`warm-up: status ${first.status}, ${first.payments} payments (expected ${perPerson})`);
    }

    log(`${fmt(requests)} requests from ${clients} concurrent clients${rate ? `, arriving ${rate}/s` : ''}…`);
    const latencies: number[] = [];
    const statuses = new Map<number, number>();
    let wrongCount = 0;
    const memory = new MemorySampler();
    const calls = new CallCounter('benchstatus-').install();
    calls.start();
    let sent = 0;
    t = performance.now();
    const record = (r: Awaited<ReturnType<typeof get>>) => {
      latencies.push(r.ms);
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      if (r.status !== 200 || r.payments !== perPerson) wrongCount++;
    };
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (sent < requests) {
          const i = sent++;
          // Open loop: request i is due at t + i/rate; a client free early waits for it, one late starts at once.
          const due = rate ? t + (i * 1000) / rate : performance.now();
          const wait = due - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          record(await get(i, due));
        }
      }),
    );
    const seconds = (performance.now() - t) / 1000;
    calls.stop();
    memory.stop();
    const perRequest = (n: number) => n / requests;
    const callsBy = [...calls.calls].sort((a, b) => b[1] - a[1]);
    const jvm = jvmMemory(dynamodbPort);
    const sorted = [...latencies].sort((a, b) => a - b);
    const ms = (v: number) => `${v.toFixed(1)} ms`;
    printTable('Beneficiary payment status (GET /v1/me/payments, local runtime)', [
      ['beneficiaries × payments', `${fmt(people)} × ${perPerson}`],
      ['seeding (stores)', `${seedS.toFixed(1)} s`],
      ['requests / concurrent clients', `${fmt(requests)} / ${clients}`],
      ['arrival', rate ? `${rate} requests/s planned (open loop)` : 'closed loop (as fast as answered)'],
      ['statuses', [...statuses].map(([s, n]) => `${s}: ${fmt(n)}`).join(', ')],
      ['answers not 200 or with the wrong number of payments', fmt(wrongCount)],
      [
        'p50 / p90 / p99 / max',
        `${[50, 90, 99].map((p) => ms(percentile(sorted, p))).join(' / ')} / ${ms(sorted.at(-1) ?? 0)}`,
      ],
      ['requests/s', fmt(requests / seconds, 1)],
      ['DynamoDB calls per request (counted)', fmt(perRequest(calls.total()), 2)],
      ...callsBy.map(([what, n]): [string, string] => [`  ${what}`, fmt(perRequest(n), 2)]),
      ['peak RSS / heap (this process)', `${mb(memory.peakRss)} MB / ${mb(memory.peakHeap)} MB`],
      ['DynamoDB Local JVM RSS', jvm ? `${mb(jvm.peakRss)} MB` : 'n/a'],
    ]);
    console.log(
      JSON.stringify({
        bench: 'status',
        people,
        paymentsPerPerson: perPerson,
        clients,
        requests,
        rate: rate || null,
        seconds,
        requestsPerSecond: requests / seconds,
        p50Ms: percentile(sorted, 50),
        p90Ms: percentile(sorted, 90),
        p99Ms: percentile(sorted, 99),
        maxMs: sorted.at(-1),
        statuses: Object.fromEntries(statuses),
        wrongCount,
        dynamoCallsPerRequest: perRequest(calls.total()),
        dynamoCalls: Object.fromEntries(callsBy),
      }),
    );
    if (wrongCount > 0) throw new BrokenInvariant(`${wrongCount} wrong answers`);
  } finally {
    await platform.stop();
  }
}
