/**
 * The disbursement cycle under the faults a real bank, queue and Lambda produce: each test injects one on
 * its own period (one platform, one onboarding) and checks the same invariants afterwards (see
 * test/support/disbursement.ts): one accepted instruction per EndToEndId, every approved payment accounted
 * for, an append-only ledger that only moves forward, and balanced totals.
 */
import { randomUUID } from 'node:crypto';
import { ExecutionAlreadyExists, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { SQSBatchResponse } from 'aws-lambda';
import { NOT_FINAL_METRIC } from '../../functions/disbursement-cycles/close-task.js';
import { auditTrail, getBudget, getCycle } from '../../functions/disbursement-cycles/cycle-store.js';
import { readDraftChunk } from '../../functions/disbursement-cycles/draft-objects.js';
import {
  entries,
  getPayment,
  type PaymentHead,
  recordPending,
  transition,
} from '../../functions/payment-ledger/ledger-store.js';
import { paymentView } from '../../functions/payment-lookups/payment-view.js';
import { paymentIdFor } from '../../functions/payments/payment-id.js';
import { stepFunctions } from '../../functions/shared/aws-clients.js';
import { writeObject } from '../../functions/shared/objects.js';
import { metrics } from '../../functions/shared/powertools.js';
import { resources } from '../../functions/shared/resources.js';
import type { InvocationRecord } from '../../infra/local/lambda-invoker.js';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import {
  accountNumberFor,
  approve,
  BANK_BIN,
  bankDelta,
  bankPayment,
  bankStats,
  checkInvariants,
  createSubmitted,
  cycleIn,
  cyclePayments,
  dispatchBodies,
  type Harness,
  harness,
  LedgerWatch,
  postCallback,
  runCycle,
  sqsEvent,
  statusReport,
} from '../support/disbursement.js';
import { api, eventually, startTestPlatform } from '../support/platform.js';

const PEOPLE = 8;
const PROGRAMME = 'TCXH_HANG_THANG';
let platform: LocalPlatform;
let h: Harness;
const watch = new LedgerWatch();
const invocations: InvocationRecord[] = [];
/** Cycles closed so far, for the replay test. */
const closedCycles: string[] = [];

beforeAll(async () => {
  process.env.ANSINH_SETTLEMENT_CUTOFF_MINUTES = '1';
  // A held submission fails the worker quickly; the message comes back and the resubmission gets DU01.
  process.env.ANSINH_BANK_TIMEOUT_MS = '1500';
  platform = await startTestPlatform();
  platform.invoker.observe((r) => invocations.push(r));
  h = await harness(platform, PEOPLE);
}, 90_000);

afterEach(async () => {
  platform.bank.setFaults({ reset: true });
  platform.invoker.clearFaults();
  process.env.ANSINH_SETTLEMENT_CUTOFF_MINUTES = '1';
  await platform.bank.idle();
});

afterAll(async () => {
  await platform?.stop();
  delete process.env.ANSINH_SETTLEMENT_CUTOFF_MINUTES;
  delete process.env.ANSINH_BANK_TIMEOUT_MS;
});

/** Invariants, then the append-only check over every payment seen so far, then a new snapshot. */
async function settle(run: { cycleId: string; closed: any; bankBefore: ReturnType<typeof bankStats> }, files = 1) {
  const report = await checkInvariants(h, { ...run, filesExpected: files });
  await watch.verify();
  await watch.take(run.cycleId);
  closedCycles.push(run.cycleId);
  return report;
}

const dispatchRuns = (cycleId: string) =>
  invocations.filter(
    (r) =>
      r.functionId === 'paymentDispatchWorker' && JSON.stringify(r.event).includes(`\\"cycleId\\":\\"${cycleId}\\"`),
  );

describe('disbursement under faults', () => {
  it('bank accepted the file but we never recorded it (timeout): resubmission gets DU01, paid once', async () => {
    platform.bank.setFaults({ timeoutNextSubmissions: 1 });
    const bankBefore = bankStats(platform);
    const run = await runCycle(h, '2026-01');
    // The cycle may close on the bank's callbacks alone; the redelivered message still goes out, gets DU01.
    await eventually(async () => (bankDelta(bankBefore, bankStats(platform)).duplicatesRejected ? true : undefined));
    await eventually(async () => {
      const runs = dispatchRuns(run.cycleId);
      return runs.some((r) => (r.result as SQSBatchResponse | undefined)?.batchItemFailures?.length === 0)
        ? true
        : undefined;
    });
    const d = bankDelta(bankBefore, bankStats(platform));
    expect(d.submissionsHeld).toBe(1);
    expect(d.messagesReceived).toBe(1);
    expect(d.settled).toBe(PEOPLE);
    const report = await settle({ ...run, bankBefore });
    expect(report.byState.SETTLED?.count).toBe(PEOPLE);
    // SENT at most once per payment; the bank's answer may have come before our own SENT record.
    for (const states of Object.values(report.histories)) {
      expect(states.filter((s) => s === 'SENT').length).toBeLessThanOrEqual(1);
      expect(states.filter((s) => s === 'SETTLED')).toHaveLength(1);
    }
    // Whether the bank's callbacks or the retry's SENT record come first is a race this test does not control
    // (under load the retry often wins): both orders are asserted above. Applying the bank's word from PENDING
    // is proven deterministically by payment-state.test.ts and the money-path simulation.
    // The held delivery gives up (bank timeout) after the retry already went through: it only fails.
    await eventually(async () => {
      const runs = dispatchRuns(run.cycleId);
      // All records of the batch failed: Powertools throws FullBatchFailureError (the poller keeps the message).
      return runs.some(
        (r) => r.outcome === 'error' || (r.result as SQSBatchResponse | undefined)?.batchItemFailures?.length,
      )
        ? true
        : undefined;
    });
    await watch.verify();
  });

  it('intent recorded but the send failed (bank 503 twice): retried, sent once', async () => {
    platform.bank.setFaults({ failNextSubmissions: 2 });
    const bankBefore = bankStats(platform);
    const run = await runCycle(h, '2026-02');
    const d = bankDelta(bankBefore, bankStats(platform));
    expect(d.submissionsFailed).toBe(2);
    expect(d.messagesReceived).toBe(1);
    expect(d.settled).toBe(PEOPLE);
    const report = await settle({ ...run, bankBefore });
    expect(report.byState.SETTLED?.count).toBe(PEOPLE);
    // Two failed deliveries, then the one that went through (it may finish after the cycle closed).
    await eventually(async () => (dispatchRuns(run.cycleId).length >= 3 ? true : undefined));
    await watch.verify();
  });

  it('the same dispatch message delivered 5 times concurrently: one file, each payment once', async () => {
    const bankBefore = bankStats(platform);
    let results: PromiseSettledResult<unknown>[] = [];
    const run = await runCycle(h, '2026-03', {
      onApproved: async (cycleId) => {
        const [body] = await dispatchBodies(cycleId);
        // Four direct invocations plus two queued copies, on top of the state machine's own message.
        await platform.sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: platform.queueUrls.paymentDispatch?.url,
            Entries: [0, 1].map((i) => ({ Id: String(i), MessageBody: body as string })),
          }),
        );
        results = await Promise.allSettled(
          [0, 1, 2, 3].map(() => platform.invoker.invoke('paymentDispatchWorker', sqsEvent([body as string]))),
        );
      },
    });
    expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(1);
    const d = bankDelta(bankBefore, bankStats(platform));
    expect(d.messagesReceived).toBe(1);
    expect(d.settled).toBe(PEOPLE);
    const report = await settle({ ...run, bankBefore });
    expect(report.byState.SETTLED?.count).toBe(PEOPLE);
  });

  it('a poison message in a status batch lands in the DLQ; the others are applied', async () => {
    // Both callbacks of the file are lost: the statuses come only from the batch below.
    platform.bank.setFaults({ dropCallbacks: 2 });
    const bankBefore = bankStats(platform);
    const { cycleId, draft } = await createSubmitted(h, '2026-04');
    expect((await approve(h, cycleId, draft.contentHash)).status).toBe(200);
    await eventually(async () =>
      bankDelta(bankBefore, bankStats(platform)).callbacksDropped === 2 ? true : undefined,
    );
    const ids = (
      await eventually(async () => {
        const ps = await cyclePayments(cycleId);
        return ps.length === PEOPLE && ps.every((p) => p.state === 'SENT') ? ps : undefined;
      })
    ).map((p) => p.paymentId);

    const keys: string[] = [];
    for (let i = 0; i < ids.length; i += 2) {
      const key = `callbacks/test/${randomUUID()}.xml`;
      await writeObject(key, statusReport(ids.slice(i, i + 2), 'ACSC'), 'application/xml');
      keys.push(key);
    }
    // A status for money we never sent: must never be booked, must not block the others.
    const poisonKey = `callbacks/test/poison-${randomUUID()}.xml`;
    await writeObject(poisonKey, statusReport(['P209901NEVERSENTBYUS000000000'], 'ACSC'), 'application/xml');
    await platform.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: platform.queueUrls.paymentStatuses?.url,
        Entries: [...keys.slice(0, 2), poisonKey, ...keys.slice(2)].map((key, i) => ({
          Id: String(i),
          MessageBody: JSON.stringify({ key }),
        })),
      }),
    );
    const closed = await cycleIn(h, cycleId, ['CLOSED']);
    const dead = await eventually(async () => {
      const out = await platform.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: platform.queueUrls.paymentStatuses?.dlqUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          MessageSystemAttributeNames: ['All'],
        }),
      );
      return out.Messages?.find((m) => m.Body?.includes(poisonKey));
    }, 30_000);
    expect(Number(dead.Attributes?.ApproximateReceiveCount)).toBeGreaterThanOrEqual(5);
    expect(await getPayment('P209901NEVERSENTBYUS000000000')).toBeUndefined();
    const report = await settle({ cycleId, closed, bankBefore });
    expect(report.byState.SETTLED?.count).toBe(PEOPLE);
  });

  it('a processed dispatch message replayed long after: nothing sent again, ledger untouched', async () => {
    expect(closedCycles.length).toBeGreaterThanOrEqual(3);
    const bankBefore = bankStats(platform);
    const before = new Map<string, number>();
    for (const cycleId of closedCycles)
      for (const p of await cyclePayments(cycleId)) before.set(p.paymentId, (await entries(p.paymentId)).length);
    for (const cycleId of closedCycles) {
      const [body] = await dispatchBodies(cycleId);
      // Twice in a row, straight into the handler (no idempotency cache: the ledger and batch records guard).
      for (let i = 0; i < 2; i++) {
        const out = (await platform.invoker.invoke(
          'paymentDispatchWorker',
          sqsEvent([body as string]),
        )) as SQSBatchResponse;
        expect(out.batchItemFailures).toEqual([]);
      }
    }
    await platform.bank.idle();
    const d = bankDelta(bankBefore, bankStats(platform));
    expect(d.messagesReceived).toBe(0);
    expect(d.duplicatesRejected).toBe(closedCycles.length * 2);
    expect(d.settled + d.rejected).toBe(0);
    for (const [paymentId, n] of before) expect((await entries(paymentId)).length).toBe(n);
    await watch.verify();
  });

  it('every callback delivered twice: applied once', async () => {
    platform.bank.setFaults({ duplicateCallbacks: true });
    const bankBefore = bankStats(platform);
    const run = await runCycle(h, '2026-05');
    const d = bankDelta(bankBefore, bankStats(platform));
    expect(d.callbacksSent).toBe(4);
    const report = await settle({ ...run, bankBefore });
    expect(report.anomalies).toBe(0);
    for (const states of Object.values(report.histories)) expect(new Set(states).size).toBe(states.length);
  });

  it('a bank status before our own SENT record: applied from PENDING, the late SENT is stale', async () => {
    const instruction = {
      paymentId: paymentIdFor(PROGRAMME, '2099-01', 'early-callback'),
      cycleId: 'dc-test-2099-01-79',
      programme: PROGRAMME,
      period: '2099-01',
      personId: 'early-callback',
      socialAccount: 'TEST',
      amount: 500_000,
      channel: 'BANK' as const,
      bankBin: BANK_BIN,
      creditorAccount: accountNumberFor(0),
      creditorName: 'NGUYEN VAN TEST',
      communeCode: '26734',
      months: ['2099-01'],
    };
    expect(await recordPending(instruction, 0)).toBe('CREATED');
    const keys: string[] = [];
    for (const status of ['ACSP', 'ACSC'] as const) {
      const key = `callbacks/test/${randomUUID()}.xml`;
      await writeObject(key, statusReport([instruction.paymentId], status), 'application/xml');
      keys.push(key);
    }
    for (const key of keys) {
      const out = (await platform.invoker.invoke(
        'paymentStatusWorker',
        sqsEvent([JSON.stringify({ key })]),
      )) as SQSBatchResponse;
      expect(out.batchItemFailures).toEqual([]);
    }
    // The dispatcher's SENT arrives after the bank's word: ignored, nothing appended.
    expect(await transition(instruction.paymentId, 'SENT', 'bank-receipt')).toEqual({
      kind: 'stale',
      state: 'SETTLED',
    });
    const list = await entries(instruction.paymentId);
    expect(list.map((e) => [e.seq, e.kind, e.state, e.source])).toEqual([
      [1, 'STATE', 'PENDING', 'cycle-approval'],
      [2, 'STATE', 'ACCEPTED', 'bank-status'],
      [3, 'STATE', 'SETTLED', 'bank-status'],
    ]);
    expect((await getPayment(instruction.paymentId))?.state).toBe('SETTLED');
  });

  it('statuses out of order (ACSC before ACSP), then a contradictory RJCT: stale ignored, anomaly recorded', async () => {
    platform.bank.setFaults({ outOfOrderCallbacks: true });
    const bankBefore = bankStats(platform);
    const run = await runCycle(h, '2026-06');
    const report = await settle({ ...run, bankBefore });
    expect(report.byState.SETTLED?.count).toBe(PEOPLE);
    expect(report.anomalies).toBe(0);

    // RJCT after ACSC, signed by the bank: recorded for a person to explain, never applied.
    const ids = Object.keys(report.histories);
    const xml = statusReport(ids, 'RJCT', { reason: 'AC04' });
    expect(await postCallback(platform, xml, 'not-the-secret')).toBe(401);
    expect(await postCallback(platform, xml)).toBe(202);
    await eventually(async () => {
      const last = await Promise.all(ids.map(async (id) => (await entries(id)).at(-1)));
      return last.every((e) => e?.kind === 'ANOMALY') ? true : undefined;
    });
    for (const id of ids) {
      const head = await getPayment(id);
      expect(head?.state).toBe('SETTLED');
      const anomaly = (await entries(id)).at(-1);
      expect(anomaly).toMatchObject({ kind: 'ANOMALY', state: 'REJECTED', source: 'bank-status' });
      expect(anomaly?.detail).toMatchObject({ status: 'RJCT', reason: 'REJECTED contradicts SETTLED' });
    }
    // Only appended: everything recorded before is unchanged, and the invariants still hold.
    await watch.verify();
    await checkInvariants(h, { cycleId: run.cycleId, closed: run.closed });
    await watch.take(run.cycleId);
  });

  it('no answer by the cut-off: the collect step asks the bank; UNKNOWN only where it cannot confirm', async () => {
    process.env.ANSINH_SETTLEMENT_CUTOFF_MINUTES = '0.1';
    platform.bank.setFaults({ dropCallbacks: 1000 });
    platform.bank.accounts.set(BANK_BIN, accountNumberFor(1), { status: 'CLOSED' });
    const bankBefore = bankStats(platform);
    try {
      const run = await runCycle(h, '2026-07');
      const d = bankDelta(bankBefore, bankStats(platform));
      expect(d.callbacksSent).toBe(0);
      expect(d.callbacksDropped).toBe(2);
      const report = await settle({ ...run, bankBefore });
      // The bank confirms every payment when asked: nothing is UNKNOWN.
      let unconfirmable = 0;
      for (const id of Object.keys(report.histories)) {
        const atBank = await bankPayment(platform, id);
        if (!atBank || !['ACSC', 'RJCT'].includes(atBank.status)) unconfirmable++;
        const last = (await entries(id)).at(-1);
        expect(last?.source).toBe('bank-query');
      }
      expect(report.byState.UNKNOWN?.count).toBe(unconfirmable);
      expect(report.byState.REJECTED?.count).toBe(1);
      expect(report.byState.SETTLED?.count).toBe(PEOPLE - 1);
    } finally {
      platform.bank.accounts.set(BANK_BIN, accountNumberFor(1), { status: 'OPEN' });
    }
  });

  it('two approvers at once: exactly one 200, the other 409, the budget drawn once', async () => {
    const bankBefore = bankStats(platform);
    const { cycleId, draft } = await createSubmitted(h, '2026-08');
    const budgetBefore = await getBudget(PROGRAMME, '79', '2026');
    const [a, b] = await Promise.all([approve(h, cycleId, draft.contentHash), approve(h, cycleId, draft.contentHash)]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const budgetAfter = await getBudget(PROGRAMME, '79', '2026');
    expect((budgetBefore?.remaining ?? 0) - (budgetAfter?.remaining ?? 0)).toBe(draft.totals.amount);
    const closed = await cycleIn(h, cycleId, ['CLOSED']);
    await settle({ cycleId, closed, bankBefore });
    const approvals = (await auditTrail(cycleId)).filter((e) => e.action === 'APPROVED');
    expect(approvals).toHaveLength(1);
  });

  it('the state machine started twice: the same cycle and run, one run of effects', async () => {
    const bankBefore = bankStats(platform);
    const { cycleId, draft } = await createSubmitted(h, '2026-09');
    const again = await api(platform, 'POST', '/v1/disbursement-cycles', {
      token: h.preparer,
      body: { period: '2026-09' },
    });
    expect(again.status).toBe(200);
    expect(again.body.cycleId).toBe(cycleId);
    const start = () =>
      stepFunctions().send(
        new StartExecutionCommand({
          stateMachineArn: resources.stateMachineArn('disbursement'),
          name: cycleId,
          input: JSON.stringify({ cycleId }),
        }),
      );
    // While the run waits for approval: the same name and input is the same execution.
    const first = await start();
    expect(first.executionArn?.endsWith(`:${cycleId}`)).toBe(true);
    expect((await approve(h, cycleId, draft.contentHash)).status).toBe(200);
    const closed = await cycleIn(h, cycleId, ['CLOSED']);
    await platform.stepFunctions.idle();
    // After it ended, the name is taken.
    await expect(start()).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    await settle({ cycleId, closed, bankBefore });
    const actions = (await auditTrail(cycleId)).map((e) => e.action as string);
    for (const action of ['CREATED', 'COMPUTED', 'SUBMITTED', 'APPROVED', 'DISPATCH_STARTED', 'DISPATCHED', 'CLOSED'])
      expect({ action, n: actions.filter((a) => a === action).length }).toEqual({ action, n: 1 });
  });

  it('a return after settlement: camt.054 (AC04, RvslInd) appends RETURNED to the settled payment', async () => {
    const bankBefore = bankStats(platform);
    const since = new Date().toISOString();
    const { cycleId, draft } = await createSubmitted(h, '2026-10');
    const cycle = await getCycle(cycleId);
    const [first] = await readDraftChunk(cycle?.draft?.chunks[0]?.key as string);
    const returned = first?.paymentId as string;
    platform.bank.setFaults({ returnAfterSettlement: [returned] });
    expect((await approve(h, cycleId, draft.contentHash)).status).toBe(200);
    const closed = await cycleIn(h, cycleId, ['CLOSED']);
    await platform.bank.idle();
    await settle({ cycleId, closed, bankBefore });
    platform.bank.advanceClock(86_400_000);
    const atBank = await bankPayment(platform, returned);
    expect(atBank).toMatchObject({ status: 'ACSC', returned: true });
    expect(bankDelta(bankBefore, bankStats(platform)).returned).toBe(1);
    const camt = await fetch(`${platform.bank.url}/iso20022/camt.054?since=${encodeURIComponent(since)}`);
    const xml = await camt.text();
    expect(xml).toContain(returned);
    expect(xml).toContain('<RvslInd>true</RvslInd>');
    // The returns poller reads camt.054 and appends RETURNED to the settled payment, linked by EndToEndId.
    const scheduled = { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} };
    expect(await platform.invoker.invoke('pollBankReturns', scheduled)).toMatchObject({ returned: 1, unknown: 0 });
    expect((await getPayment(returned))?.state).toBe('RETURNED');
    const history = await entries(returned);
    expect(history.map((e) => e.state).slice(-2)).toEqual(['SETTLED', 'RETURNED']);
    expect(history.at(-1)).toMatchObject({ source: 'bank-return', detail: { reason: 'AC04' } });
    // Reading the same notifications again changes nothing.
    expect(await platform.invoker.invoke('pollBankReturns', scheduled)).toMatchObject({ returned: 0 });
    expect(await entries(returned)).toHaveLength(history.length);
    await watch.verify();
  });

  describe('chunks that never get out, at the cut-off', () => {
    /** What the close step publishes for the not-final alarm, per closed cycle. */
    let published: number[] = [];
    let spy: { mockRestore(): void } | undefined;
    beforeAll(() => {
      const addMetric = metrics.addMetric.bind(metrics);
      spy = jest.spyOn(metrics, 'addMetric').mockImplementation((name, unit, value) => {
        if (name === NOT_FINAL_METRIC) published.push(value);
        return addMetric(name, unit, value);
      });
    });
    afterAll(() => spy?.mockRestore());
    beforeEach(() => {
      published = [];
      // Long enough for every delivery of the chunk to fail first (5 receives, 1 s visibility timeout).
      process.env.ANSINH_SETTLEMENT_CUTOFF_MINUTES = '0.3';
    });

    /** The dispatch message replayed after the close, faults cleared: refused, nothing sent, ledger unchanged. */
    async function replayAfterClose(cycleId: string) {
      const bankBefore = bankStats(platform);
      const before = new Map<string, number>();
      for (const p of await cyclePayments(cycleId)) before.set(p.paymentId, (await entries(p.paymentId)).length);
      const [body] = await dispatchBodies(cycleId);
      const out = (await platform.invoker.invoke(
        'paymentDispatchWorker',
        sqsEvent([body as string]),
      )) as SQSBatchResponse;
      expect(out.batchItemFailures).toEqual([]);
      await platform.bank.idle();
      const d = bankDelta(bankBefore, bankStats(platform));
      expect(d.messagesReceived + d.duplicatesRejected + d.submissionsFailed).toBe(0);
      expect(await cyclePayments(cycleId)).toHaveLength(before.size);
      for (const [paymentId, n] of before) expect((await entries(paymentId)).length).toBe(n);
    }

    it('the bank refuses every send (503): after the cut-off every payment is NOT_SENT, balanced, alarmed', async () => {
      platform.bank.setFaults({ failNextSubmissions: 1000 });
      const bankBefore = bankStats(platform);
      const run = await runCycle(h, '2026-11');
      const d = bankDelta(bankBefore, bankStats(platform));
      expect(d.messagesReceived).toBe(0);
      expect(d.submissionsFailed).toBeGreaterThanOrEqual(1);
      // Every delivery failed: the chunk is in the dead-letter queue, and nothing else told anyone until now.
      const dead = await eventually(async () => {
        const got = await platform.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: platform.queueUrls.paymentDispatch?.dlqUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
          }),
        );
        return got.Messages?.find((m) => m.Body?.includes(run.cycleId));
      }, 30_000);
      expect(dead).toBeDefined();
      const report = await settle({ ...run, bankBefore }, 0);
      expect(report.byState.NOT_SENT).toEqual({ count: PEOPLE, amount: run.draft.totals.amount });
      expect(report.notSent).toBe(PEOPLE);
      expect(run.closed.closing.notFinal).toEqual({ count: PEOPLE, amount: run.draft.totals.amount });
      for (const states of Object.values(report.histories)) expect(states).toEqual(['PENDING', 'NOT_SENT']);
      for (const id of Object.keys(report.histories)) {
        expect((await entries(id)).at(-1)).toMatchObject({ source: 'bank-query', detail: { bank: 'not known' } });
      }
      expect(published).toEqual([PEOPLE]);
      // What the payee reads: not paid, owed again next cycle.
      const [first] = Object.keys(report.histories);
      const head = await getPayment(first as string);
      expect(paymentView(head as PaymentHead, await entries(first as string))).toMatchObject({
        status: 'NOT_SENT',
        failure: { code: 'NOT_SENT' },
      });
      platform.bank.setFaults({ reset: true });
      await replayAfterClose(run.cycleId);
    });

    it('the worker fails before recording anything: the close counts the chunk as never dispatched', async () => {
      platform.invoker.injectFault('paymentDispatchWorker', { name: 'Runtime.ExitError', times: Infinity });
      const bankBefore = bankStats(platform);
      const run = await runCycle(h, '2026-12');
      expect(await cyclePayments(run.cycleId)).toHaveLength(0);
      const report = await settle({ ...run, bankBefore }, 0);
      const all = { count: PEOPLE, amount: run.draft.totals.amount };
      expect(report.notDispatched).toEqual(all);
      expect(run.closed.closing).toMatchObject({ notDispatched: all, notFinal: all, approved: all });
      expect(run.closed.closing.balanced).toEqual({ count: true, amount: true });
      expect(published).toEqual([PEOPLE]);
      platform.invoker.clearFaults();
      await replayAfterClose(run.cycleId);
    });

    it('the bank took the file but every delivery crashed before SENT: the cut-off query settles it, never resent', async () => {
      // Each submission is recorded by the bank and never answered (the worker times out and fails); the
      // resubmissions meet the same fate; the bank's callbacks are lost. Only the cut-off query can tell.
      // Its own province: every month of 2025–2026 is already paid (or owed again) in province 79.
      const hanoi = await harness(platform, 4, { province: '01', accountOffset: 500 });
      const people = hanoi.people.length;
      platform.bank.setFaults({ timeoutNextSubmissions: 1000, dropCallbacks: 1000 });
      const bankBefore = bankStats(platform);
      const run = await runCycle(hanoi, '2026-03');
      const d = bankDelta(bankBefore, bankStats(platform));
      expect(d.messagesReceived).toBe(1);
      expect(d.submissionsHeld).toBeGreaterThanOrEqual(2);
      expect(d.settled).toBe(people);
      expect(d.callbacksSent).toBe(0);
      const report = await checkInvariants(hanoi, { ...run, bankBefore, filesExpected: 1 });
      expect(report.payments).toBe(people);
      expect(report.byState.SETTLED).toEqual({ count: people, amount: run.draft.totals.amount });
      expect(report.byState.UNKNOWN?.count).toBe(0);
      for (const [id, states] of Object.entries(report.histories)) {
        expect(states).toEqual(['PENDING', 'SETTLED']);
        expect((await entries(id)).at(-1)).toMatchObject({ source: 'bank-query', detail: { status: 'ACSC' } });
      }
      expect(run.closed.closing.notFinal).toEqual({ count: 0, amount: 0 });
      expect(published).toEqual([0]);
      platform.bank.setFaults({ reset: true });
      await replayAfterClose(run.cycleId);
      // Paid once: one file, each payment settled once at the bank.
      expect(bankDelta(bankBefore, bankStats(platform))).toMatchObject({ messagesReceived: 1, settled: people });
    }, 120_000);
  });
});
