/**
 * The disbursement property of `test/integration/disbursement-properties.test.ts`, run against the domain with
 * in-memory stores: the model the emulators stand for. The emulator run drives the real handlers on
 * DynamoDB Local and takes seconds a scenario, so it runs a few; this one runs hundreds of scenarios a second
 * with the same faults (bank 503s and timeouts, crashes between the worker's writes, redelivered and
 * dead-lettered chunks, duplicate, out-of-order and lost callbacks, late contradicting statuses) and checks the
 * same invariants.
 *
 * What is real: the lifecycle (`decideTransition`, `stateForBankStatus`), the cut-off (`atCutoff`,
 * `mayStillSend`) and the closing (`closingOf`). What is modelled, in the order the handlers do it: the ledger's
 * append-only history under a sequence lock (`ledger-store.ts`), the dispatch worker's steps (record PENDING,
 * prepare the chunk's message once, submit, mark SENT, mark the chunk dispatched), the queue's redelivery up to
 * maxReceiveCount, and a bank that refuses a message id it already holds (DU01) as the simulator does.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { atCutoff, closingOf, emptyStateTotals, mayStillSend } from '../../../functions/disbursement-cycles/cutoff.js';
import {
  decideTransition,
  FINAL_STATES,
  type PaymentState,
  stateForBankStatus,
} from '../../../functions/payment-ledger/payment-state.js';

type Channel = 'BANK' | 'POST_OFFICE';
type BankOutcome = 'ACSC' | 'RJCT' | 'ACSP';
interface Instruction {
  id: string;
  amount: number;
  channel: Channel;
  chunk: number;
  /** What the bank will say in the end (ACSP: it never gets further before the cut-off). */
  outcome: BankOutcome;
}
interface Entry {
  seq: number;
  kind: 'STATE' | 'ANOMALY';
  state: PaymentState;
}

/** The ledger as `ledger-store.ts` keeps it: a HEAD projection and an append-only history. */
class Ledger {
  readonly heads = new Map<string, { state: PaymentState; seq: number; amount: number; channel: Channel }>();
  readonly history = new Map<string, Entry[]>();

  recordPending(i: Instruction): void {
    if (this.heads.has(i.id)) return; // the same instruction again: a no-op
    this.heads.set(i.id, { state: 'PENDING', seq: 1, amount: i.amount, channel: i.channel });
    this.history.set(i.id, [{ seq: 1, kind: 'STATE', state: 'PENDING' }]);
  }

  transition(id: string, wanted: PaymentState): void {
    const head = this.heads.get(id);
    if (!head) return; // a status for a payment we never recorded is not ours (the worker logs it)
    const d = decideTransition(head.state, wanted);
    if (d.kind === 'already' || d.kind === 'stale') return;
    head.seq++;
    const state = d.kind === 'apply' ? d.to : head.state;
    (this.history.get(id) as Entry[]).push({
      seq: head.seq,
      kind: d.kind === 'apply' ? 'STATE' : 'ANOMALY',
      state: d.kind === 'apply' ? d.to : wanted,
    });
    head.state = state;
  }
}

class Crash extends Error {}

/** A bank that holds each message id once (DU01 for a repeat) and each EndToEndId once. */
class Bank {
  readonly messages = new Set<string>();
  readonly payments = new Map<string, { status: BankOutcome | 'ACCP'; acceptedTimes: number }>();
  constructor(private readonly outcomes: Map<string, BankOutcome>) {}

  submit(msgId: string, ids: string[], fault: 'ok' | '503' | 'timeout'): void {
    if (fault === '503') throw new Crash('bank 503: not recorded');
    if (!this.messages.has(msgId)) {
      this.messages.add(msgId);
      for (const id of ids) {
        const held = this.payments.get(id);
        if (held) held.acceptedTimes++;
        else this.payments.set(id, { status: 'ACCP', acceptedTimes: 1 });
      }
    }
    if (fault === 'timeout') throw new Crash('bank timeout: recorded, never answered');
  }

  /** The callbacks the bank sends for one message: an ACSP wave, then the final wave. */
  callbacks(ids: string[]): { id: string; status: string }[] {
    const waves = ids.map((id) => ({ id, status: 'ACSP' }));
    for (const id of ids) {
      const outcome = this.outcomes.get(id) as BankOutcome;
      const held = this.payments.get(id);
      if (held) held.status = outcome;
      if (outcome !== 'ACSP') waves.push({ id, status: outcome });
    }
    return waves;
  }
}

const CRASH_POINTS = ['none', 'afterRecord', 'afterSubmit', 'afterSent'] as const;
type CrashPoint = (typeof CRASH_POINTS)[number];

interface Scenario {
  instructions: Instruction[];
  chunks: number;
  /** Per chunk, what each delivery meets (a crash point and the bank's answer); later deliveries go well. */
  deliveries: { crash: CrashPoint; bank: 'ok' | '503' | 'timeout' }[][];
  /** Per chunk, whether its first delivery arrives only after the cut-off margin. */
  late: boolean[];
  callbackOrder: number[];
  duplicated: boolean[];
  dropped: boolean[];
  lateStatuses: { index: number; status: 'ACSC' | 'ACSP' | 'RJCT' }[];
}

const MAX_RECEIVE = 5;
const SEND_TIMEOUT_MS = 1000;
const APPROVED_AT = '2026-01-20T03:00:00.000Z';
const CUTOFF_MINUTES = 60;

const oneIn = (n: number) => fc.nat({ max: n - 1 }).map((k) => k === 0);

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    payees: fc.array(
      fc.record({
        amount: fc.integer({ min: 1, max: 50 }).map((n) => n * 250_000),
        channel: fc.constantFrom<Channel>('BANK', 'BANK', 'POST_OFFICE'),
        outcome: fc.constantFrom<BankOutcome>('ACSC', 'ACSC', 'RJCT', 'ACSP'),
      }),
      { minLength: 1, maxLength: 14 },
    ),
    chunkSize: fc.integer({ min: 1, max: 5 }),
    seed: fc.integer(),
  })
  .chain(({ payees, chunkSize }) => {
    const chunks = Math.ceil(payees.length / chunkSize);
    const delivery = fc.record({
      crash: fc.constantFrom(...CRASH_POINTS),
      bank: fc.constantFrom<'ok' | '503' | 'timeout'>('ok', 'ok', '503', 'timeout'),
    });
    return fc.record({
      instructions: fc.constant(
        payees.map((p, n) => ({ id: `P${String(n).padStart(3, '0')}`, chunk: Math.floor(n / chunkSize), ...p })),
      ),
      chunks: fc.constant(chunks),
      deliveries: fc.array(fc.array(delivery, { maxLength: MAX_RECEIVE + 1 }), {
        minLength: chunks,
        maxLength: chunks,
      }),
      late: fc.array(oneIn(10), { minLength: chunks, maxLength: chunks }),
      callbackOrder: fc.array(fc.nat(), { minLength: 64, maxLength: 64 }),
      duplicated: fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }),
      dropped: fc.array(oneIn(5), { minLength: 64, maxLength: 64 }),
      lateStatuses: fc.array(
        fc.record({ index: fc.nat({ max: payees.length - 1 }), status: fc.constantFrom('ACSC', 'ACSP', 'RJCT') }),
        { maxLength: 3 },
      ),
    });
  }) as fc.Arbitrary<Scenario>;

function run(s: Scenario) {
  const ledger = new Ledger();
  const bank = new Bank(new Map(s.instructions.map((i) => [i.id, i.outcome])));
  const dispatched = new Set<number>();
  const prepared = new Map<number, string>(); // chunk → its message id, built once
  const approvedMs = Date.parse(APPROVED_AT);
  const cutoffMs = approvedMs + CUTOFF_MINUTES * 60_000;
  let callbacks: { id: string; status: string }[] = [];

  // The dispatch worker, step by step as dispatch-worker.ts takes them; a crash leaves what was written.
  const deliver = (chunk: number, d: { crash: CrashPoint; bank: 'ok' | '503' | 'timeout' }, now: number) => {
    if (!mayStillSend(APPROVED_AT, now, SEND_TIMEOUT_MS, CUTOFF_MINUTES) && !dispatched.has(chunk)) return;
    const mine = s.instructions.filter((i) => i.chunk === chunk);
    for (const i of mine) ledger.recordPending(i);
    if (d.crash === 'afterRecord') throw new Crash('crash after recording');
    const bankOnes = mine.filter((i) => i.channel === 'BANK');
    if (bankOnes.length) {
      const msgId = prepared.get(chunk) ?? `M-${chunk}`;
      prepared.set(chunk, msgId);
      const fresh = !bank.messages.has(msgId);
      bank.submit(
        msgId,
        bankOnes.map((i) => i.id),
        d.bank,
      );
      if (fresh) callbacks.push(...bank.callbacks(bankOnes.map((i) => i.id)));
      if (d.crash === 'afterSubmit') throw new Crash('crash after the bank took it');
      for (const i of bankOnes) ledger.transition(i.id, 'SENT');
    }
    for (const i of mine.filter((x) => x.channel === 'POST_OFFICE')) ledger.transition(i.id, 'SENT');
    if (d.crash === 'afterSent') throw new Crash('crash before the chunk marker');
    dispatched.add(chunk);
  };

  // The queue: each chunk's message is delivered until it succeeds or reaches maxReceiveCount (then the DLQ).
  for (let chunk = 0; chunk < s.chunks; chunk++) {
    const now = s.late[chunk] ? cutoffMs - SEND_TIMEOUT_MS / 2 : approvedMs + 60_000;
    const plan = s.deliveries[chunk] ?? [];
    for (let attempt = 0; attempt < MAX_RECEIVE; attempt++) {
      try {
        deliver(chunk, plan[attempt] ?? { crash: 'none', bank: 'ok' }, now);
        break;
      } catch (err) {
        if (!(err instanceof Crash)) throw err;
      }
    }
  }

  // Callbacks: reordered, some delivered twice, some lost; the status worker applies each.
  callbacks = callbacks
    .map((c, n) => ({ c, key: s.callbackOrder[n % 64] as number, n }))
    .sort((a, b) => a.key - b.key || a.n - b.n)
    .flatMap(({ c, n }) => (s.dropped[n % 64] ? [] : s.duplicated[n % 64] ? [c, c] : [c]));
  for (const c of callbacks) ledger.transition(c.id, stateForBankStatus(c.status) as PaymentState);

  // The cut-off: every payment still open is resolved, bank ones by the bank's answer to a status query.
  for (const [id, head] of ledger.heads) {
    if (head.state !== 'PENDING' && head.state !== 'SENT' && head.state !== 'ACCEPTED') continue;
    const held = bank.payments.get(id);
    const answer = !held
      ? ({ kind: 'unknown-to-bank' } as const)
      : ({ kind: 'status', state: stateForBankStatus(held.status), status: held.status } as const);
    ledger.transition(id, atCutoff(head.state, head.channel, head.channel === 'BANK' ? answer : undefined).to);
  }

  // The close: totals by state, and the approved payments that never reached the ledger.
  const totals = emptyStateTotals();
  for (const head of ledger.heads.values()) {
    totals[head.state].count++;
    totals[head.state].amount += head.amount;
  }
  const approved = { count: s.instructions.length, amount: s.instructions.reduce((a, i) => a + i.amount, 0) };
  const never = s.instructions.filter((i) => !ledger.heads.has(i.id));
  const closing = closingOf(approved, totals, {
    count: never.length,
    amount: never.reduce((a, i) => a + i.amount, 0),
  });

  // Late statuses after the close: stale, already known, or an anomaly; never a change of a final state.
  const finalAtClose = new Map([...ledger.heads].map(([id, h]) => [id, h.state]));
  for (const late of s.lateStatuses) {
    const i = s.instructions[late.index] as Instruction;
    if (i.channel === 'BANK') ledger.transition(i.id, stateForBankStatus(late.status) as PaymentState);
  }
  return { ledger, bank, closing, finalAtClose };
}

function checkInvariants(s: Scenario, r: ReturnType<typeof run>) {
  const { ledger, bank, closing, finalAtClose } = r;
  // (a) no EndToEndId accepted twice by the bank.
  for (const [id, p] of bank.payments) expect({ id, acceptedTimes: p.acceptedTimes }).toEqual({ id, acceptedTimes: 1 });
  // (b) every approved payment is in exactly one state, or counted as never dispatched; the closing balances.
  expect(closing.balanced).toEqual({ count: true, amount: true });
  expect(ledger.heads.size + closing.notDispatched.count).toBe(s.instructions.length);
  for (const [id, state] of finalAtClose) {
    // (c) nothing is left open after the cut-off; what never left is not at the bank.
    expect(['PENDING', 'SENT', 'ACCEPTED']).not.toContain(state);
    if (state === 'NOT_SENT') expect({ id, atBank: bank.payments.has(id) }).toEqual({ id, atBank: false });
    const held = bank.payments.get(id);
    if (state === 'SETTLED') expect(held?.status).toBe('ACSC');
    if (state === 'REJECTED') expect(held?.status).toBe('RJCT');
    // (d) a final state is never changed by a late status.
    if (FINAL_STATES.has(state)) expect(ledger.heads.get(id)?.state).toBe(state);
  }
  // (e) the history is append-only and every state entry is a transition the lifecycle allows.
  for (const [id, list] of ledger.history) {
    expect(list.map((e) => e.seq)).toEqual(list.map((_, n) => n + 1));
    expect(list[0]?.state).toBe('PENDING');
    let state: PaymentState = 'PENDING';
    for (const e of list.slice(1)) {
      if (e.kind !== 'STATE') continue;
      expect({ id, from: state, to: e.state, kind: decideTransition(state, e.state).kind }).toEqual({
        id,
        from: state,
        to: e.state,
        kind: 'apply',
      });
      state = e.state;
    }
    expect(ledger.heads.get(id)?.state).toBe(state);
  }
}

describe('the money path with in-memory stores (the model of the emulator property)', () => {
  it('keeps the disbursement invariants under any faults: 1,000 scenarios', () => {
    const seen = new Set<string>();
    let deadLettered = 0;
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const r = run(s);
        checkInvariants(s, r);
        for (const state of r.finalAtClose.values()) seen.add(state);
        if (r.closing.notDispatched.count > 0) deadLettered++;
      }),
      { numRuns: 1000 },
    );
    // The faults really reach every ending, rather than being generated away.
    expect([...seen].sort()).toEqual(['NOT_SENT', 'REJECTED', 'SETTLED', 'UNKNOWN']);
    expect(deadLettered).toBeGreaterThan(10);
  });
});
