/**
 * The settlement cut-off on the emulators, every bank callback lost: the collect step queues one work item per
 * chunk, once, and each cut-off worker asks the bank about its chunk's whole message (one pain.002 per MsgId),
 * never about one payment at a time. A worker run twice, or dying halfway, changes nothing twice.
 */
import '../support/small-chunks.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { SQSBatchResponse } from 'aws-lambda';
import { caseIdFor } from '../../functions/cases/case-model.js';
import { getCase } from '../../functions/cases/case-store.js';
import { getCycle } from '../../functions/disbursement-cycles/cycle-store.js';
import { DRAFT_CHUNK, readDraftChunk } from '../../functions/disbursement-cycles/draft-objects.js';
import {
  cutoffChunksDone,
  entries,
  getPayment,
  type PaymentHead,
} from '../../functions/payment-ledger/ledger-store.js';
import { envName } from '../../functions/shared/platform-env.js';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import {
  accountNumberFor,
  approve,
  BANK_BIN,
  bankDelta,
  bankStats,
  checkInvariants,
  createSubmitted,
  cycleIn,
  cyclePayments,
  type Harness,
  harness,
  LedgerWatch,
  originalMsgIdOf,
  runCycle,
  sqsEvent,
} from '../support/disbursement.js';
import { api, eventually, startTestPlatform } from '../support/platform.js';

const PEOPLE = 8; // three chunks of at most 3: three pain.001 messages
let platform: LocalPlatform;
let h: Harness;
const watch = new LedgerWatch();

beforeAll(async () => {
  process.env.ANSINH_SETTLEMENT_CUTOFF_MINUTES = '0.2';
  process.env.ANSINH_BANK_TIMEOUT_MS = '1500';
  // Messages are sent at once whatever the hour (quiet hours would hold a settlement's message till 07:00).
  process.env.ANSINH_NOTIFY_QUIET_HOURS = 'none';
  // Deliveries come back after 30 s, not 1 s: a slow worker on a busy machine is not delivered twice, so the
  // bank's request count below is exactly one per message (a redelivery is the second test's business).
  platform = await startTestPlatform({ visibilityTimeoutSeconds: 30 });
  h = await harness(platform, PEOPLE);
}, 90_000);

afterEach(async () => {
  platform.bank.setFaults({ reset: true });
  process.env.ANSINH_SETTLEMENT_CUTOFF_MINUTES = '0.2';
  await platform.bank.idle();
});

afterAll(async () => {
  await platform?.stop();
  delete process.env.ANSINH_SETTLEMENT_CUTOFF_MINUTES;
  delete process.env.ANSINH_BANK_TIMEOUT_MS;
  delete process.env.ANSINH_NOTIFY_QUIET_HOURS;
});

/** Every payment of the cycle recorded and SENT: all its chunks are at the bank, none answered back. */
const allSent = (cycleId: string) =>
  eventually(async () => {
    const heads = await cyclePayments(cycleId);
    return heads.length === PEOPLE && heads.every((p) => p.state === 'SENT') ? true : undefined;
  });

describe('the cut-off asks the bank once per message', () => {
  it('callbacks lost: a three-chunk cycle is resolved by three message queries, none per payment', async () => {
    expect(DRAFT_CHUNK).toBe(3);
    // Person 2 asked to hear of settlements: learned at the cut-off, as from a callback, it is told once.
    const person2 = await platform.identityProvider.tokenFor({
      username: 'nguoihuong.2',
      displayName: 'Người hưởng 2',
      role: 'beneficiary',
      personalId: (h.people[2] as { personalId: string }).personalId,
    });
    const opted = await api(platform, 'PUT', '/v1/me/notification-preferences', {
      token: person2,
      body: { optOut: false, settlementOptIn: true },
    });
    expect(opted.status).toBe(200);
    const messagesBefore = platform.notifications.messages.length;
    platform.bank.setFaults({ dropCallbacks: 1000 });
    platform.bank.accounts.set(BANK_BIN, accountNumberFor(4), { status: 'CLOSED' });
    const bankBefore = bankStats(platform);
    try {
      const run = await runCycle(h, '2026-03');
      const d = bankDelta(bankBefore, bankStats(platform));
      expect((await getCycle(run.cycleId))?.draft?.chunks).toHaveLength(3);
      expect(d.messagesReceived).toBe(3);
      expect(d.callbacksSent).toBe(0);
      // One request per message, whatever the number of payments; a repeated work item would show here.
      expect(d.messageQueries).toBe(3);
      expect(d.paymentQueries).toBe(0);
      expect(await cutoffChunksDone(run.cycleId)).toBe(3);

      const report = await checkInvariants(h, { ...run, bankBefore });
      await watch.take(run.cycleId);
      expect(report.byState.SETTLED?.count).toBe(PEOPLE - 1);
      expect(report.byState.REJECTED?.count).toBe(1);
      expect(run.closed.closing.notFinal).toEqual({ count: 0, amount: 0 });
      for (const id of Object.keys(report.histories)) {
        const last = (await entries(id)).at(-1);
        expect(last).toMatchObject({ source: 'bank-query', detail: { msgId: await originalMsgIdOf(id) } });
      }
      // The rejected payment's case is open, with the bank's reason.
      const rejected = Object.keys(report.histories).find((id) => report.histories[id]?.at(-1) === 'REJECTED');
      const head = await getPayment(rejected as string);
      const c = await getCase(caseIdFor(head?.programme as string, head?.period as string, head?.personId as string));
      expect(c).toMatchObject({ reasonCode: 'AC04' });
      const told = platform.notifications.messages.slice(messagesBefore).filter((m) => m.key.endsWith('#SETTLED'));
      expect(told).toHaveLength(1);
      // March and the months owed before it, the account masked.
      expect(told[0]?.text).toMatch(
        /^Khoản trợ cấp tháng .*03\/2026 \([\d.]+ đồng\) đã được chuyển vào tài khoản \*{6}\d{4}\.$/,
      );
    } finally {
      platform.bank.accounts.set(BANK_BIN, accountNumberFor(4), { status: 'OPEN' });
    }
  }, 120_000);

  it('a worker that dies halfway, then is delivered again and again: each payment moved once, its case opened', async () => {
    // A cut-off far away: the run keeps collecting while the worker is driven by hand, as if the cut-off fell.
    process.env.ANSINH_SETTLEMENT_CUTOFF_MINUTES = '600';
    platform.bank.setFaults({ dropCallbacks: 1000 });
    const bankBefore = bankStats(platform);
    const { cycleId, draft } = await createSubmitted(h, '2026-04');
    const chunk = (await getCycle(cycleId))?.draft?.chunks[0];
    const instructions = await readDraftChunk(chunk?.key as string);
    expect(instructions).toHaveLength(3);
    const ids = instructions.map((i) => i.paymentId);
    // The first chunk's second payment is rejected by its bank.
    const closedAccount = instructions[1]?.creditorAccount as string;
    platform.bank.accounts.set(BANK_BIN, closedAccount, { status: 'CLOSED' });
    try {
      expect((await approve(h, cycleId, draft.contentHash)).status).toBe(200);
      // Every chunk out at the bank and processed there; we only hold SENT (every callback lost).
      await allSent(cycleId);
      await platform.bank.idle();
      const body = JSON.stringify({
        cycleId,
        chunk: chunk?.index,
        key: chunk?.key,
        // Approved long enough ago for its cut-off (600 minutes) to be past.
        approvedAt: new Date(Date.now() - 24 * 3_600_000).toISOString(),
      });
      const rejected = (await getPayment(ids[1] as string)) as PaymentHead;
      const caseId = caseIdFor(rejected.programme, rejected.period, rejected.personId);
      const invoke = async () =>
        (await platform.invoker.invoke('cutoffQueryWorker', sqsEvent([body]))) as SQSBatchResponse;

      // The first run dies after its ledger moves, before the rejected payment's case: the cases table is gone.
      const casesTable = envName.table('cases');
      const saved = process.env[casesTable];
      process.env[casesTable] = 'no-such-table';
      try {
        await expect(invoke()).rejects.toThrow();
      } finally {
        process.env[casesTable] = saved;
      }
      expect((await getPayment(ids[1] as string))?.state).toBe('REJECTED');
      expect(await getCase(caseId)).toBeUndefined();
      expect(await cutoffChunksDone(cycleId)).toBe(0);
      const afterCrash = await Promise.all(ids.map((id) => entries(id)));

      // Delivered again, twice: nothing moves twice, the case the crash lost is opened, the chunk reports done
      // (the bank is asked again for the rejection's reason); a delivery after that asks nothing.
      for (let i = 0; i < 2; i++) {
        expect((await invoke()).batchItemFailures).toEqual([]);
        for (const [n, id] of ids.entries()) {
          const list = await entries(id);
          // PENDING, SENT, then the cut-off's one move: never a second one, never an anomaly.
          expect(list.map((e) => [e.kind, e.source])).toEqual([
            ['STATE', 'cycle-approval'],
            ['STATE', 'bank-receipt'],
            ['STATE', 'bank-query'],
          ]);
          // What the crashed run wrote is kept as it was.
          if (afterCrash[n]?.length === 3) expect(list).toEqual(afterCrash[n]);
        }
        expect(await getCase(caseId)).toMatchObject({ reasonCode: 'AC04' });
        expect(await cutoffChunksDone(cycleId)).toBe(1);
      }
      const states = await Promise.all(ids.map(async (id) => (await getPayment(id))?.state));
      expect(states).toEqual(['SETTLED', 'REJECTED', 'SETTLED']);
      const d = bankDelta(bankBefore, bankStats(platform));
      expect(d.messageQueries).toBe(2);
      expect(d.paymentQueries).toBe(0);

      // The real cut-off then falls: the run queues every chunk, the workers resolve the rest, the cycle closes.
      process.env.ANSINH_SETTLEMENT_CUTOFF_MINUTES = '0.01';
      const closed = await cycleIn(h, cycleId, ['CLOSED'], 60_000);
      await platform.bank.idle();
      const report = await checkInvariants(h, { cycleId, closed, bankBefore });
      expect(report.byState.SETTLED?.count).toBe(PEOPLE - 1);
      expect(report.byState.REJECTED?.count).toBe(1);
      await watch.verify();
    } finally {
      platform.bank.accounts.set(BANK_BIN, closedAccount, { status: 'OPEN' });
    }
  }, 120_000);

  it('a bank that does not answer: the delivery fails and comes back; on the third its payments become UNKNOWN', async () => {
    process.env.ANSINH_SETTLEMENT_CUTOFF_MINUTES = '600';
    platform.bank.setFaults({ dropCallbacks: 1000 });
    const bankBefore = bankStats(platform);
    const { cycleId, draft } = await createSubmitted(h, '2026-05');
    const chunk = (await getCycle(cycleId))?.draft?.chunks[0];
    const ids = (await readDraftChunk(chunk?.key as string)).map((i) => i.paymentId);
    expect((await approve(h, cycleId, draft.contentHash)).status).toBe(200);
    await allSent(cycleId);
    await platform.bank.idle();
    // Every answer of the bank now comes after the client's 1.5 s timeout.
    platform.bank.setFaults({ delayMs: 3000 });
    const body = JSON.stringify({
      cycleId,
      chunk: chunk?.index,
      key: chunk?.key,
      approvedAt: new Date(Date.now() - 24 * 3_600_000).toISOString(),
    });
    const delivery = (receiveCount: number) => {
      const event = sqsEvent([body]);
      for (const r of event.Records) r.attributes.ApproximateReceiveCount = String(receiveCount);
      return platform.invoker.invoke('cutoffQueryWorker', event) as Promise<SQSBatchResponse>;
    };
    await expect(delivery(1)).rejects.toThrow();
    await expect(delivery(2)).rejects.toThrow();
    expect((await Promise.all(ids.map((id) => getPayment(id)))).map((p) => p?.state)).toEqual(['SENT', 'SENT', 'SENT']);
    expect(await cutoffChunksDone(cycleId)).toBe(0);

    expect((await delivery(3)).batchItemFailures).toEqual([]);
    for (const id of ids) {
      expect((await entries(id)).at(-1)).toMatchObject({
        state: 'UNKNOWN',
        source: 'cut-off',
        detail: { cutoffMinutes: 600 },
      });
    }
    expect(await cutoffChunksDone(cycleId)).toBe(1);
    // Three questions, each counted by the bank when its delay ends (after the client gave up).
    await eventually(async () => (bankDelta(bankBefore, bankStats(platform)).messageQueries >= 3 ? true : undefined));
    expect(bankDelta(bankBefore, bankStats(platform)).messageQueries).toBe(3);

    // The bank answers again; the real cut-off closes the cycle. The UNKNOWN payments stay so until a status comes.
    platform.bank.setFaults({ reset: true, dropCallbacks: 1000 });
    process.env.ANSINH_SETTLEMENT_CUTOFF_MINUTES = '0.01';
    const closed = await cycleIn(h, cycleId, ['CLOSED'], 60_000);
    const report = await checkInvariants(h, { cycleId, closed, bankBefore });
    expect(report.byState.UNKNOWN?.count).toBe(ids.length);
    expect(report.byState.SETTLED?.count).toBe(PEOPLE - ids.length);
    expect(closed.closing.notFinal.count).toBe(ids.length);
  }, 120_000);
});
