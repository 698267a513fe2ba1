/**
 * A disbursement cycle needs a live run at every open status (the run polls the cycle: nothing wakes it).
 * Each test loses or ends a cycle's run the way AWS can — the create route's StartExecution failing, the
 * process dying between the cycle's write and the start, the run failing on its own failure path, an
 * operator stopping it — and the recovery sweep (recoverCycles) must bring the cycle back without anyone
 * posting again, paying each payment exactly once, and leave live runs alone.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { describeCycleRun } from '../../functions/disbursement-cycles/cycle-run.js';
import {
  auditTrail,
  CycleConflictError,
  changeCycle,
  createCycle,
  cycleIdFor,
  getCycle,
} from '../../functions/disbursement-cycles/cycle-store.js';
import { getJob } from '../../functions/jobs/job-store.js';
import { stepFunctions } from '../../functions/shared/aws-clients.js';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import {
  approve,
  bankDelta,
  bankStats,
  checkInvariants,
  computeNow,
  createSubmitted,
  cycleIn,
  cyclePayments,
  type Harness,
  harness,
} from '../support/disbursement.js';
import { api, eventually, startTestPlatform, uniquePrefix } from '../support/platform.js';

const PROGRAMME = 'TCXH_HANG_THANG';
const prefix = uniquePrefix();
let platform: LocalPlatform;
let h: Harness;

interface SweepResult {
  checked: number;
  running: number;
  started: number;
  restarted: number;
  failed: number;
  closed: number;
}

/** One sweep, as the schedule runs it, looking at every open cycle however recent. */
const sweep = () =>
  platform.invoker.invoke('recoverCycles', { detail: { staleAfterSeconds: 0 } }) as Promise<SweepResult>;

const runActions = async (cycleId: string) =>
  (await auditTrail(cycleId)).map((e) => String(e.action)).filter((a) => a.startsWith('RUN_'));

/** Ends a cycle still waiting for approval (nothing in the system does), then waits for its run to see it. */
async function stopWaiting(cycleId: string, run = cycleId) {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await changeCycle({
        cycleId,
        actor: { subject: 'test:recovery', role: 'finance_preparer' },
        action: 'TEST_STOPPED',
        from: ['COMPUTING', 'DRAFT', 'SUBMITTED'],
        to: 'FAILED',
      });
      break;
    } catch (err) {
      if (!(err instanceof CycleConflictError)) throw err;
    }
  }
  await eventually(async () => ((await describeCycleRun(run))?.status === 'SUCCEEDED' ? true : undefined));
}

/** A cycle written as the create route writes it, by a process that died before StartExecution. */
async function writtenWithoutRun(period: string) {
  const cycleId = cycleIdFor(PROGRAMME, period, '79');
  const { created } = await createCycle(
    { cycleId, programme: PROGRAMME, period, months: [period], jurisdiction: '79' },
    { subject: 'test:crashed-create', role: 'finance_preparer' },
  );
  expect(created).toBe(true);
  return cycleId;
}

beforeAll(async () => {
  process.env.ANSINH_SETTLEMENT_CUTOFF_MINUTES = '1';
  platform = await startTestPlatform({ prefix });
  h = await harness(platform, 4, { accountOffset: 700 });
}, 90_000);

afterEach(() => platform.invoker.clearFaults());

afterAll(async () => {
  await platform?.stop();
  delete process.env.ANSINH_SETTLEMENT_CUTOFF_MINUTES;
});

describe('cycle recovery sweep', () => {
  it('StartExecution failed in the create route: the sweep starts the run, the cycle computes; a second sweep does nothing', async () => {
    // Step Functions refuses the create route's start once, as a throttled or unavailable service would.
    let refused = 0;
    stepFunctions().middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'StartExecutionCommand' && refused === 0) {
          refused++;
          throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $fault: 'client' });
        }
        return next(args);
      },
      { step: 'initialize', name: 'refuseOneStart' },
    );
    let created: Awaited<ReturnType<typeof api>>;
    try {
      created = await api(platform, 'POST', '/v1/disbursement-cycles', {
        token: h.preparer,
        body: { period: '2026-01' },
      });
    } finally {
      stepFunctions().middlewareStack.remove('refuseOneStart');
    }
    expect(refused).toBe(1);
    expect(created.status).toBe(500);
    const cycleId = cycleIdFor(PROGRAMME, '2026-01', '79');
    expect((await getCycle(cycleId))?.status).toBe('COMPUTING');
    expect(await describeCycleRun(cycleId)).toBeUndefined();
    expect((await getJob(cycleId))?.openKind).toBe('disbursement-cycle');

    expect(await sweep()).toEqual({ checked: 1, running: 0, started: 1, restarted: 0, failed: 0, closed: 0 });
    const draft = await cycleIn(h, cycleId, ['DRAFT']);
    expect(draft.totals.payees).toBe(4);
    expect(await runActions(cycleId)).toEqual(['RUN_STARTED']);

    // The run now waits for approval: the next sweep only looks.
    expect(await sweep()).toEqual({ checked: 1, running: 1, started: 0, restarted: 0, failed: 0, closed: 0 });
    expect((await describeCycleRun(cycleId))?.status).toBe('RUNNING');
    expect(await describeCycleRun(`${cycleId}-r1`)).toBeUndefined();
    expect(await runActions(cycleId)).toEqual(['RUN_STARTED']);
    await stopWaiting(cycleId);
  });

  it('a cycle whose run is live is left alone, from its first second; a finished one leaves the open records', async () => {
    const created = await api(platform, 'POST', '/v1/disbursement-cycles', {
      token: h.preparer,
      body: { period: '2026-02' },
    });
    expect(created.status).toBe(202);
    const { cycleId } = created.body;
    // Right after the route: the run it started is live (computing or waiting), nothing is started again;
    // the previous test's cycle, stopped since, leaves the open records.
    expect(await sweep()).toEqual({ checked: 2, running: 1, started: 0, restarted: 0, failed: 0, closed: 1 });
    await cycleIn(h, cycleId, ['DRAFT']);
    expect(await sweep()).toEqual({ checked: 1, running: 1, started: 0, restarted: 0, failed: 0, closed: 0 });
    expect(await runActions(cycleId)).toEqual([]);
    expect(await describeCycleRun(`${cycleId}-r1`)).toBeUndefined();

    await stopWaiting(cycleId);
    expect(await sweep()).toEqual({ checked: 1, running: 0, started: 0, restarted: 0, failed: 0, closed: 1 });
    expect(await sweep()).toEqual({ checked: 0, running: 0, started: 0, restarted: 0, failed: 0, closed: 0 });
    expect((await getJob(cycleId))?.openKind).toBeUndefined();
  });

  it('an APPROVED cycle that never had a run: the sweep starts it and each payment is paid exactly once', async () => {
    const cycleId = await writtenWithoutRun('2026-03');
    // The draft computed and approved while no run existed (a run only polls; approval wakes nothing).
    await computeNow(platform, cycleId);
    const draft = await cycleIn(h, cycleId, ['DRAFT']);
    const submitted = await api(platform, 'POST', `/v1/disbursement-cycles/${cycleId}/submit`, {
      token: h.preparer,
      body: { contentHash: draft.contentHash },
    });
    expect(submitted.status).toBe(200);
    expect((await approve(h, cycleId, draft.contentHash)).status).toBe(200);
    expect(await describeCycleRun(cycleId)).toBeUndefined();

    const bankBefore = bankStats(platform);
    expect(await sweep()).toEqual({ checked: 1, running: 0, started: 1, restarted: 0, failed: 0, closed: 0 });
    const closed = await cycleIn(h, cycleId, ['CLOSED']);
    await checkInvariants(h, { cycleId, closed, bankBefore });
    const payments = await cyclePayments(cycleId);
    expect(payments).toHaveLength(4);
    expect(new Set(payments.map((p) => p.personId)).size).toBe(4);
    // The bank got one file and each EndToEndId once.
    const delta = bankDelta(bankBefore, bankStats(platform));
    expect(delta.messagesReceived).toBe(1);
    expect(delta.settled + delta.rejected).toBe(4);
    expect(await runActions(cycleId)).toEqual(['RUN_STARTED']);

    await platform.stepFunctions.idle();
    expect(await sweep()).toEqual({ checked: 1, running: 0, started: 0, restarted: 0, failed: 0, closed: 1 });
    expect(await getJob(cycleId)).toMatchObject({ status: 'CLOSED' });
  });

  it('the run died while waiting for approval (its failure path failing too): a replacement run pays the approval once', async () => {
    const { cycleId, draft } = await createSubmitted(h, '2026-04');
    // CheckApproval fails in a way no Retry covers, and recording the failure fails through all its retries:
    // the run ends FAILED while the cycle stays SUBMITTED.
    platform.invoker.injectFault('checkApproval', { name: 'InvalidInputError', times: 1 });
    platform.invoker.injectFault('failCycle', { name: 'Lambda.ServiceException', times: 6 });
    const died = await eventually(async () => {
      const run = await describeCycleRun(cycleId);
      return run?.status === 'FAILED' ? run : undefined;
    });
    expect(died.error).toBe('Lambda.ServiceException');
    platform.invoker.clearFaults();
    expect((await getCycle(cycleId))?.status).toBe('SUBMITTED');
    // The approver approves a cycle nobody is running any more.
    expect((await approve(h, cycleId, draft.contentHash)).status).toBe(200);

    const bankBefore = bankStats(platform);
    expect(await sweep()).toEqual({ checked: 1, running: 0, started: 0, restarted: 1, failed: 0, closed: 0 });
    const closed = await cycleIn(h, cycleId, ['CLOSED']);
    await checkInvariants(h, { cycleId, closed, bankBefore });
    const payments = await cyclePayments(cycleId);
    expect(new Set(payments.map((p) => p.personId)).size).toBe(payments.length);
    expect(bankDelta(bankBefore, bankStats(platform)).messagesReceived).toBe(1);

    const restarted = (await auditTrail(cycleId)).filter((e) => e.action === 'RUN_RESTARTED');
    expect(restarted).toEqual([
      expect.objectContaining({
        run: `${cycleId}-r1`,
        previousRun: cycleId,
        status: 'APPROVED',
        runStatus: 'FAILED',
        runError: 'Lambda.ServiceException',
      }),
    ]);
    await eventually(async () =>
      (await describeCycleRun(`${cycleId}-r1`))?.status === 'SUCCEEDED' ? true : undefined,
    );
    expect(await sweep()).toMatchObject({ checked: 1, closed: 1, started: 0, restarted: 0 });
  });

  it('a run an operator stopped (ABORTED): the cycle fails with the reason instead of carrying on', async () => {
    const cycleId = await writtenWithoutRun('2026-05');
    // What StopExecution leaves behind (the local emulator has no StopExecution): the run's record, ABORTED.
    const machineArn = platform.stepFunctions.arnOf('disbursement');
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: platform.dynamodbEndpoint }));
    await doc.send(
      new PutCommand({
        TableName: `${prefix}local-sfn-executions`,
        Item: {
          executionArn: `${machineArn.replace(':stateMachine:', ':execution:')}:${cycleId}`,
          stateMachineArn: machineArn,
          name: cycleId,
          input: JSON.stringify({ cycleId }),
          status: 'ABORTED',
          startDate: Date.now() / 1000 - 60,
          stopDate: Date.now() / 1000 - 30,
        },
      }),
    );
    doc.destroy();

    expect(await sweep()).toEqual({ checked: 1, running: 0, started: 0, restarted: 0, failed: 1, closed: 0 });
    const cycle = (await getCycle(cycleId)) as unknown as { status: string; failure: { error: string } };
    expect(cycle.status).toBe('FAILED');
    expect(cycle.failure.error).toBe('RUN_ABORTED');
    expect(await getJob(cycleId)).toMatchObject({ status: 'FAILED' });
    expect(await describeCycleRun(`${cycleId}-r1`)).toBeUndefined();
    expect(await sweep()).toEqual({ checked: 0, running: 0, started: 0, restarted: 0, failed: 0, closed: 0 });
  });
});
