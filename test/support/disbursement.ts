/**
 * Shared setup and invariants for the disbursement fault tests: onboarding bank-paid people, running a cycle
 * through the API, and the checks every fault must leave true (one instruction per EndToEndId at the bank,
 * every approved payment accounted for, an append-only ledger moving forward only, balanced totals).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { expect } from '@jest/globals';
import type { SQSEvent } from 'aws-lambda';
import { type CycleRecord, getCycle } from '../../functions/disbursement-cycles/cycle-store.js';
import { buildPain002, type PaymentStatus } from '../../functions/iso20022/pain002.js';
import {
  entries,
  getPayment,
  type LedgerEntry,
  type PaymentHead,
  paymentsInState,
} from '../../functions/payment-ledger/ledger-store.js';
import { decideTransition, PAYMENT_STATES, type PaymentState } from '../../functions/payment-ledger/payment-state.js';
import { contentId } from '../../functions/shared/ids.js';
import type { BankSimulatorStats } from '../../infra/local/bank-simulator/simulator.js';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import { agedAtLeast } from './categories.js';
import { api, demoUser, eventually } from './platform.js';
import { type Citizen, LIST_HEADER, listRow, loadPopulation, toExcelCsv } from './population.js';

export const BANK_BIN = '970436';
export const accountNumberFor = (i: number) => `00${1000000000 + i}`;

export interface Harness {
  platform: LocalPlatform;
  officer: string;
  preparer: string;
  approver: string;
  people: Citizen[];
}

export interface HarnessOptions {
  /** The province whose residents are onboarded and paid, with its officers (default 79, the demo users). */
  province?: string;
  /** Each person's allowance category (default NCT_80 for everyone). */
  categoryOf?: (i: number) => string;
  /** Added to the index of each person's bank account, so two harnesses never share an account. */
  accountOffset?: number;
}

export async function harness(platform: LocalPlatform, count: number, opts: HarnessOptions = {}): Promise<Harness> {
  const idp = platform.identityProvider;
  const province = opts.province ?? '79';
  const officer = (role: 'labor_officer' | 'finance_preparer' | 'finance_approver') =>
    province === '79'
      ? idp.tokenFor(demoUser(role, role === 'labor_officer' ? '79' : undefined))
      : idp.tokenFor({
          username: `${role}.${province}`,
          displayName: `${role} ${province}`,
          role,
          jurisdiction: province,
        });
  const h: Harness = {
    platform,
    officer: await officer('labor_officer'),
    preparer: await officer('finance_preparer'),
    approver: await officer('finance_approver'),
    // Aged 80+ on the decision date, so that the default NCT_80 (and any category without an age) fits.
    people: loadPopulation(4000)
      .filter((p) => p.status === 'alive' && p.residenceProvinceCode === province && agedAtLeast(80)(p))
      .slice(0, count),
  };
  // Everyone by bank: post-office payments wait for the commune's paid/unpaid confirmation.
  const csv = toExcelCsv([
    LIST_HEADER,
    ...h.people.map((p, i) =>
      listRow(p, i, {
        method: 'Ngân hàng',
        bin: BANK_BIN,
        account: accountNumberFor(i + (opts.accountOffset ?? 0)),
        ...(opts.categoryOf ? { category: opts.categoryOf(i) } : {}),
        ...(province === '79' ? {} : { commune: '00004' }),
      }),
    ),
  ]);
  const res = await fetch(`${platform.url}/v1/beneficiary-lists`, {
    method: 'POST',
    headers: { authorization: `Bearer ${h.officer}`, 'content-type': 'text/csv' },
    body: csv,
  });
  const { listId } = (await res.json()) as { listId: string };
  const list = await eventually(async () => {
    const got = await api(platform, 'GET', `/v1/beneficiary-lists/${listId}`, { token: h.officer });
    return got.body.status === 'COMPLETED' ? got.body : undefined;
  }, 60_000);
  expect(list.totals.accountsOpened).toBe(count);
  return h;
}

export async function cycleIn(h: Harness, cycleId: string, statuses: string[], timeoutMs = 60_000) {
  return eventually(async () => {
    const got = await api(h.platform, 'GET', `/v1/disbursement-cycles/${cycleId}`, { token: h.preparer });
    return statuses.includes(got.body.status) ? got.body : undefined;
  }, timeoutMs);
}

/** Creates the cycle of a period and brings it to SUBMITTED; returns its id and draft view. */
export async function createSubmitted(h: Harness, period: string) {
  const created = await api(h.platform, 'POST', '/v1/disbursement-cycles', { token: h.preparer, body: { period } });
  expect(created.status).toBe(202);
  const cycleId = created.body.cycleId as string;
  const draft = await cycleIn(h, cycleId, ['DRAFT']);
  const submit = await api(h.platform, 'POST', `/v1/disbursement-cycles/${cycleId}/submit`, {
    token: h.preparer,
    body: { contentHash: draft.contentHash },
  });
  expect(submit.status).toBe(200);
  return { cycleId, draft };
}

export function approve(h: Harness, cycleId: string, contentHash: string) {
  return api(h.platform, 'POST', `/v1/disbursement-cycles/${cycleId}/approve`, {
    token: h.approver,
    body: { contentHash },
  });
}

/** A whole cycle: create, submit, approve (`onApproved` runs right after), wait until CLOSED. */
export async function runCycle(
  h: Harness,
  period: string,
  hooks: { onApproved?: (cycleId: string) => Promise<unknown>; closeTimeoutMs?: number } = {},
) {
  const { cycleId, draft } = await createSubmitted(h, period);
  const approved = await approve(h, cycleId, draft.contentHash);
  expect(approved.status).toBe(200);
  await hooks.onApproved?.(cycleId);
  const closed = await cycleIn(h, cycleId, ['CLOSED'], hooks.closeTimeoutMs ?? 60_000);
  await h.platform.bank.idle();
  return { cycleId, draft, closed };
}

// ------------------------------------------------------------------------------------------------ bank

export const bankStats = (p: LocalPlatform): BankSimulatorStats => ({ ...p.bank.stats });

export function bankDelta(before: BankSimulatorStats, after: BankSimulatorStats): BankSimulatorStats {
  return Object.fromEntries(
    Object.entries(after).map(([k, v]) => [k, v - before[k as keyof BankSimulatorStats]]),
  ) as unknown as BankSimulatorStats;
}

/** The bank's view of one EndToEndId (its payment status endpoint), or undefined when it never had it. */
export async function bankPayment(p: LocalPlatform, e2e: string) {
  const res = await fetch(`${p.bank.url}/iso20022/payments/${encodeURIComponent(e2e)}`);
  const xml = await res.text();
  if (res.status === 404) return undefined;
  expect(res.status).toBe(200);
  return {
    status: res.headers.get('x-payment-status') as PaymentStatus,
    returned: res.headers.get('x-payment-returned') === 'true',
    duplicateE2e: xml.includes('<Cd>DU04</Cd>'),
  };
}

/** The MsgId of the pain.001 that carried a payment (the dispatch worker's, deterministic per cycle chunk). */
export async function originalMsgIdOf(paymentId: string): Promise<string> {
  const head = await getPayment(paymentId);
  if (!head) throw new Error(`no payment ${paymentId}`);
  return `M${contentId('m', [head.cycleId, head.chunk]).slice(2, 26).toUpperCase()}`;
}

/** A pain.002 with one transaction status per EndToEndId, as the bank would build it. */
export function statusReport(
  ids: string[],
  status: PaymentStatus,
  opts: { reason?: string; originalMsgId?: string } = {},
) {
  return buildPain002({
    msgId: `T${randomBytes(8).toString('hex').toUpperCase()}`,
    createdAt: new Date().toISOString(),
    initiatingPartyName: 'TEST BANK',
    originalMsgId: opts.originalMsgId ?? 'NOTPROVIDED',
    paymentInfos: [
      {
        originalPaymentInfoId: 'PI1',
        transactions: ids.map((id) => ({
          originalEndToEndId: id,
          status,
          ...(opts.reason ? { reasons: [{ code: opts.reason }] } : {}),
        })),
      },
    ],
  });
}

/** The bank's signature of a callback: HMAC-SHA256 of `<timestamp>.<body>`. */
export const signCallback = (secret: string, timestamp: string, body: string) =>
  `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;

/** POSTs a status report to our public callback route, signed like the bank signs (or not), now or at `timestamp`. */
export async function postCallback(
  p: LocalPlatform,
  xml: string,
  secret = process.env.ANSINH_BANK_CALLBACK_SECRET,
  timestamp = String(Math.floor(Date.now() / 1000)),
) {
  const res = await fetch(`${p.url}/v1/bank/callbacks`, {
    method: 'POST',
    headers: {
      'content-type': 'application/xml; charset=utf-8',
      'x-bank-timestamp': timestamp,
      'x-bank-signature': signCallback(secret ?? '', timestamp, xml),
    },
    body: xml,
  });
  await res.arrayBuffer();
  return res.status;
}

// ------------------------------------------------------------------------------------------------ queues

export function sqsEvent(bodies: string[], queueArn = 'arn:aws:sqs:ap-southeast-1:000000000000:test'): SQSEvent {
  return {
    Records: bodies.map((body) => ({
      messageId: randomBytes(8).toString('hex'),
      receiptHandle: randomBytes(8).toString('hex'),
      body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(Date.now()),
        SenderId: 'test',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: 'ap-southeast-1',
    })),
  };
}

/** The dispatch messages of a cycle, exactly as the Dispatch step enqueues them. */
export async function dispatchBodies(cycleId: string): Promise<string[]> {
  const cycle = (await getCycle(cycleId)) as CycleRecord;
  const { approvedAt, jurisdiction } = cycle;
  return (cycle.draft?.chunks ?? []).map((c) =>
    JSON.stringify({ cycleId, chunk: c.index, key: c.key, approvedAt, jurisdiction }),
  );
}

// ------------------------------------------------------------------------------------------------ ledger

export async function cyclePayments(cycleId: string): Promise<PaymentHead[]> {
  const all: PaymentHead[] = [];
  for (const state of PAYMENT_STATES) for await (const p of paymentsInState(cycleId, state)) all.push(p);
  return all;
}

const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1)))
      : x,
  );

/** Every entry of every payment seen so far; later checks prove none was changed or removed. */
export class LedgerWatch {
  private readonly snapshots = new Map<string, string[]>();

  async take(cycleId: string): Promise<number> {
    for (const p of await cyclePayments(cycleId)) {
      this.snapshots.set(p.paymentId, (await entries(p.paymentId)).map(canonical));
    }
    return this.snapshots.size;
  }

  /** Every snapshotted entry is still there, byte for byte; only new entries may follow. */
  async verify(): Promise<number> {
    for (const [paymentId, before] of this.snapshots) {
      const now = (await entries(paymentId)).map(canonical);
      expect(now.length).toBeGreaterThanOrEqual(before.length);
      expect(now.slice(0, before.length)).toEqual(before);
    }
    return this.snapshots.size;
  }
}

/** Seq contiguous from 1, sk matching, first entry PENDING, STATE entries only moving forward, HEAD = last. */
export function checkHistory(head: PaymentHead, list: LedgerEntry[]) {
  const where = `payment ${head.paymentId}`;
  expect({ where, seqs: list.map((e) => e.seq) }).toEqual({ where, seqs: list.map((_, i) => i + 1) });
  for (const e of list) expect(e.sk).toBe(`E#${String(e.seq).padStart(6, '0')}`);
  expect(list[0]?.kind).toBe('STATE');
  expect(list[0]?.state).toBe('PENDING');
  const states = list.filter((e) => e.kind === 'STATE').map((e) => e.state);
  for (let i = 1; i < states.length; i++) {
    const step = `${states[i - 1]} → ${states[i]}`;
    expect({
      where,
      step,
      kind: decideTransition(states[i - 1] as PaymentState, states[i] as PaymentState).kind,
    }).toEqual({ where, step, kind: 'apply' });
  }
  expect(head.seq).toBe(list.length);
  expect(head.state).toBe(states.at(-1));
}

export interface InvariantReport {
  byState: Record<string, { count: number; amount: number }>;
  payments: number;
  pendingNeverSent: number;
  /** NOT_SENT at the cut-off: the bank never had them. */
  notSent: number;
  /** Approved but never recorded in the ledger (their chunk never dispatched), from the closing. */
  notDispatched: { count: number; amount: number };
  anomalies: number;
  histories: Record<string, PaymentState[]>;
}

const ANSWERED: readonly PaymentState[] = ['SETTLED', 'REJECTED', 'RETURNED', 'UNKNOWN'];

/**
 * (a) at most one accepted instruction per EndToEndId at the bank; (b) every approved payment answered,
 * UNKNOWN, or PENDING / NOT_SENT only if never sent, and the closing balanced; (c) histories append-only and
 * forward; (d) approved = Σ states + never dispatched (no ledger record), in count and VND.
 */
export async function checkInvariants(
  h: Harness,
  run: { cycleId: string; closed: any; bankBefore?: BankSimulatorStats; filesExpected?: number },
): Promise<InvariantReport> {
  const { cycleId, closed } = run;
  await h.platform.bank.idle();
  const cycle = (await getCycle(cycleId)) as CycleRecord;
  const heads = await cyclePayments(cycleId);
  const expected = (cycle.draft?.chunks ?? []).reduce(
    (s, c) => ({ count: s.count + c.count, amount: s.amount + c.amount }),
    { count: 0, amount: 0 },
  );
  // Every approved instruction is in the ledger, once, or counted by the closing as never dispatched.
  const notDispatched = closed.closing.notDispatched as { count: number; amount: number };
  expect(new Set(heads.map((p) => p.paymentId)).size).toBe(heads.length);
  expect(heads.length + notDispatched.count).toBe(expected.count);

  const byState = Object.fromEntries(PAYMENT_STATES.map((s) => [s, { count: 0, amount: 0 }]));
  // The closing is a snapshot: late answers (UNKNOWN → SETTLED) may move the ledger on after it.
  const atClose = Object.fromEntries(PAYMENT_STATES.map((s) => [s, { count: 0, amount: 0 }]));
  const closedAt = String(closed.updatedAt);
  let pendingNeverSent = 0;
  let notSent = 0;
  let anomalies = 0;
  const histories: Record<string, PaymentState[]> = {};
  for (const head of heads) {
    const list = await entries(head.paymentId);
    checkHistory(head, list);
    anomalies += list.filter((e) => e.kind === 'ANOMALY').length;
    histories[head.paymentId] = list.filter((e) => e.kind === 'STATE').map((e) => e.state);
    const stateAtClose = list.filter((e) => e.kind === 'STATE' && e.at <= closedAt).at(-1)?.state ?? 'PENDING';
    const c = atClose[stateAtClose] as { count: number; amount: number };
    c.count++;
    c.amount += head.amount;
    const t = byState[head.state] as { count: number; amount: number };
    t.count++;
    t.amount += head.amount;

    // (b) answered, UNKNOWN, or PENDING / NOT_SENT only if it never left.
    const unsent = head.state === 'PENDING' || head.state === 'NOT_SENT';
    expect({ id: head.paymentId, ok: ANSWERED.includes(head.state) || unsent }).toEqual({
      id: head.paymentId,
      ok: true,
    });
    // (a) the bank holds at most this one instruction under the id, and agrees with the ledger.
    const atBank = head.channel === 'BANK' ? await bankPayment(h.platform, head.paymentId) : undefined;
    if (unsent) {
      expect({ id: head.paymentId, atBank }).toEqual({ id: head.paymentId, atBank: undefined });
      if (head.state === 'PENDING') pendingNeverSent++;
      else notSent++;
    }
    if (atBank) {
      expect(atBank.duplicateE2e).toBe(false);
      if (head.state === 'SETTLED') expect(atBank.status).toBe('ACSC');
      if (head.state === 'REJECTED') expect(atBank.status).toBe('RJCT');
    }
  }
  // (d) approved = Σ states + never dispatched (count and VND), and the closing agrees.
  const sum = Object.values(byState).reduce(
    (s, t) => ({ count: s.count + t.count, amount: s.amount + t.amount }),
    notDispatched,
  );
  expect(sum).toEqual(expected);
  expect(byState.SENT?.count).toBe(0);
  expect(byState.ACCEPTED?.count).toBe(0);
  expect(atClose.SENT?.count).toBe(0);
  expect(atClose.ACCEPTED?.count).toBe(0);
  expect(closed.closing.balanced).toEqual({ count: true, amount: true });
  expect(closed.closing.approved).toEqual({ count: expected.count, amount: expected.amount });
  for (const s of PAYMENT_STATES) expect({ s, t: closed.closing[s] }).toEqual({ s, t: atClose[s] });
  // What the not-final alarm counts: everything but the bank's (or post office's) last word at the close.
  const notFinal = (['PENDING', 'SENT', 'ACCEPTED', 'UNKNOWN', 'NOT_SENT'] as const).reduce(
    (s, st) => ({ count: s.count + (atClose[st]?.count ?? 0), amount: s.amount + (atClose[st]?.amount ?? 0) }),
    notDispatched,
  );
  expect(closed.closing.notFinal).toEqual(notFinal);
  // (a) at the bank: one file per chunk, each EndToEndId processed once (no DU04), settled/rejected as booked.
  if (run.bankBefore) {
    const d = bankDelta(run.bankBefore, bankStats(h.platform));
    expect(d.messagesReceived).toBe(run.filesExpected ?? cycle.draft?.chunks.length ?? 0);
    const settled = heads.filter((p) => ['SETTLED', 'RETURNED'].includes(p.state)).length;
    const rejected = heads.filter((p) => p.state === 'REJECTED').length;
    // UNKNOWN payments may still have settled or been rejected at the bank: it is never more than once each.
    const unknown = heads.filter((p) => p.state === 'UNKNOWN').length;
    expect(d.settled + d.rejected).toBeLessThanOrEqual(heads.length);
    expect(d.settled).toBeGreaterThanOrEqual(settled);
    expect(d.settled).toBeLessThanOrEqual(settled + unknown);
    expect(d.rejected).toBeGreaterThanOrEqual(rejected);
    expect(d.rejected).toBeLessThanOrEqual(rejected + unknown);
  }
  return { byState, payments: heads.length, pendingNeverSent, notSent, notDispatched, anomalies, histories };
}

interface PlannedCompute {
  cycleId: string;
  computeId: string;
  shardCount: number;
  shards: { shard: number; from?: string; to?: string }[];
}

/**
 * The compute as the state machine runs it (Compute → ComputeShards → FinishCompute), the shards in `order`
 * (default: as planned), for tests that compute a cycle without its run.
 */
export async function computeNow(p: LocalPlatform, cycleId: string, order?: (shards: number[]) => number[]) {
  const plan = (await p.invoker.invoke('computeCycle', { cycleId })) as PlannedCompute;
  const ranges = new Map(plan.shards.map((r) => [r.shard, r]));
  for (const shard of order ? order([...ranges.keys()]) : [...ranges.keys()]) {
    await p.invoker.invoke('computeShard', { cycleId, computeId: plan.computeId, range: ranges.get(shard) });
  }
  await p.invoker.invoke('finishCompute', { cycleId, computeId: plan.computeId, shardCount: plan.shardCount });
  return plan;
}
