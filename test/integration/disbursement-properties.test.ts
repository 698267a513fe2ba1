/**
 * Property: whatever sequence of faults hits a cycle (bank 503s and timeouts, duplicate, out-of-order and lost
 * callbacks, the same dispatch message delivered several times, Lambda throttles on the run's tasks, late or
 * contradictory statuses after closing), the real handlers on DynamoDB Local keep the disbursement invariants
 * (test/support/disbursement.ts). Each run is one cycle on its own period.
 */
import { randomUUID } from 'node:crypto';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { writeObject } from '../../functions/shared/objects.js';
import type { BankFaults } from '../../infra/local/bank-simulator/simulator.js';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import {
  approve,
  bankStats,
  checkInvariants,
  createSubmitted,
  cycleIn,
  cyclePayments,
  dispatchBodies,
  type Harness,
  harness,
  LedgerWatch,
  sqsEvent,
  statusReport,
} from '../support/disbursement.js';
import { startTestPlatform } from '../support/platform.js';

const PEOPLE = 6;
const RUNS = 12; // one period each, January to December (the budget data covers one year)
const THROTTLE = 'Lambda.TooManyRequestsException';
let platform: LocalPlatform;
let h: Harness;
const watch = new LedgerWatch();
const summary: string[] = [];

beforeAll(async () => {
  // Lost callbacks end at the cut-off: 12 s after approval, well after any retried dispatch has gone out.
  process.env.ANSINH_SETTLEMENT_CUTOFF_MINUTES = '0.2';
  process.env.ANSINH_BANK_TIMEOUT_MS = '1500';
  platform = await startTestPlatform();
  h = await harness(platform, PEOPLE);
}, 90_000);

afterAll(async () => {
  await platform?.stop();
  delete process.env.ANSINH_SETTLEMENT_CUTOFF_MINUTES;
  delete process.env.ANSINH_BANK_TIMEOUT_MS;
  process.stdout.write(`\ndisbursement property runs:\n${summary.join('\n')}\n`);
});

type Fault =
  | { kind: 'bank'; faults: BankFaults }
  | { kind: 'throttle'; fn: string; times: number }
  | { kind: 'redeliver'; copies: number; via: 'invoke' | 'queue' }
  | { kind: 'lateStatus'; status: 'ACSC' | 'ACSP' | 'RJCT' };

const faultArb: fc.Arbitrary<Fault> = fc.oneof(
  fc.record({
    kind: fc.constant('bank' as const),
    faults: fc.oneof(
      fc.record({ failNextSubmissions: fc.integer({ min: 1, max: 2 }) }),
      fc.record({ timeoutNextSubmissions: fc.constant(1) }),
      fc.record({ duplicateCallbacks: fc.constant(true) }),
      fc.record({ outOfOrderCallbacks: fc.constant(true) }),
      fc.record({ dropCallbacks: fc.integer({ min: 1, max: 2 }) }),
    ),
  }),
  fc.record({
    kind: fc.constant('throttle' as const),
    fn: fc.constantFrom('computeCycle', 'checkApproval', 'dispatchCycle', 'paymentDispatchWorker', 'collectStatuses'),
    times: fc.integer({ min: 1, max: 2 }),
  }),
  fc.record({
    kind: fc.constant('redeliver' as const),
    copies: fc.integer({ min: 1, max: 4 }),
    via: fc.constantFrom('invoke' as const, 'queue' as const),
  }),
  fc.record({
    kind: fc.constant('lateStatus' as const),
    status: fc.constantFrom('ACSC' as const, 'ACSP' as const, 'RJCT' as const),
  }),
);

/** Failed deliveries of the one dispatch message stay under maxReceiveCount (5): it is retried, never dead. */
const withinRetries = (faults: Fault[]) => {
  let failures = 0;
  for (const f of faults) {
    if (f.kind === 'bank') failures += (f.faults.failNextSubmissions ?? 0) + (f.faults.timeoutNextSubmissions ?? 0);
    if (f.kind === 'throttle' && f.fn === 'paymentDispatchWorker') failures += f.times;
  }
  return failures <= 3;
};

let periodIndex = 0;

async function runScenario(faults: Fault[]) {
  periodIndex++;
  if (periodIndex > 12) throw new Error('out of periods with a budget');
  const period = `2026-${String(periodIndex).padStart(2, '0')}`;
  const started = Date.now();
  platform.bank.setFaults({ reset: true });
  platform.invoker.clearFaults();
  const bankFaults: BankFaults = {};
  for (const f of faults) {
    if (f.kind === 'bank') Object.assign(bankFaults, f.faults);
    if (f.kind === 'throttle') platform.invoker.injectFault(f.fn, { name: THROTTLE, times: f.times });
  }
  platform.bank.setFaults(bankFaults);
  const bankBefore = bankStats(platform);
  try {
    const { cycleId, draft } = await createSubmitted(h, period);
    expect((await approve(h, cycleId, draft.contentHash)).status).toBe(200);
    for (const f of faults) {
      if (f.kind !== 'redeliver') continue;
      const [body] = await dispatchBodies(cycleId);
      if (f.via === 'queue') {
        await platform.sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: platform.queueUrls.paymentDispatch?.url,
            Entries: Array.from({ length: f.copies }, (_, i) => ({ Id: String(i), MessageBody: body as string })),
          }),
        );
      } else {
        await Promise.allSettled(
          Array.from({ length: f.copies }, () =>
            platform.invoker.invoke('paymentDispatchWorker', sqsEvent([body as string])),
          ),
        );
      }
    }
    let closed = await cycleIn(h, cycleId, ['CLOSED'], 60_000);
    await platform.bank.idle();
    // Late statuses after closing, straight into the status worker: stale, already known, or an anomaly.
    const late = faults.filter((f): f is Extract<Fault, { kind: 'lateStatus' }> => f.kind === 'lateStatus');
    if (late.length) {
      const ids = (await cyclePayments(cycleId)).map((p) => p.paymentId);
      for (const f of late) {
        const key = `callbacks/test/${randomUUID()}.xml`;
        await writeObject(
          key,
          statusReport(ids, f.status, f.status === 'RJCT' ? { reason: 'AC04' } : {}),
          'application/xml',
        );
        await platform.invoker.invoke('paymentStatusWorker', sqsEvent([JSON.stringify({ key })]));
      }
      closed = await cycleIn(h, cycleId, ['CLOSED']);
    }
    const report = await checkInvariants(h, { cycleId, closed, bankBefore, filesExpected: 1 });
    await watch.verify();
    await watch.take(cycleId);
    const states = Object.entries(report.byState)
      .filter(([, t]) => t.count)
      .map(([s, t]) => `${s}=${t.count}`)
      .join(' ');
    summary.push(
      `${period} ${((Date.now() - started) / 1000).toFixed(1)}s ${JSON.stringify(faults)} → ${states} anomalies=${report.anomalies}`,
    );
  } catch (err) {
    summary.push(`${period} FAILED ${JSON.stringify(faults)}: ${(err as Error).message.split('\n')[0]}`);
    throw err;
  } finally {
    platform.bank.setFaults({ reset: true });
    platform.invoker.clearFaults();
    await platform.bank.idle();
  }
}

describe('disbursement invariants under random faults', () => {
  it(
    'hold for any sequence of faults',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(faultArb, { minLength: 1, maxLength: 5 }).filter(withinRetries), runScenario),
        // Every run is a whole cycle on the emulators (about 2 s, up to a cut-off when callbacks are lost): one per
        // period here, the same property over a thousand
        // scenarios against the domain in test/unit/payments/money-path-model.test.ts. No time limit: all runs run.
        { numRuns: RUNS, endOnFailure: true },
      );
      expect(summary.filter((line) => !line.includes('FAILED'))).toHaveLength(RUNS);
    },
    RUNS * 60_000,
  );
});
