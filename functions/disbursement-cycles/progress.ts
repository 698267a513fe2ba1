/** Where a cycle's payments are: counts and VND per state (the byCycleState index), and what is still open. */

import { amountsInState, countInState, dispatchedChunks, recordedPayments } from '../payment-ledger/ledger-store.js';
import type { PaymentState } from '../payment-ledger/payment-state.js';
import { PAYMENT_STATES } from '../payment-ledger/payment-state.js';
import type { CycleRecord, MoneyCount } from './cycle-store.js';
import { readDraftChunk } from './draft-objects.js';

/** Counts and VND per state, reading only each payment's amount. Used once, to close the cycle. */
export async function stateTotals(cycleId: string): Promise<Record<PaymentState, MoneyCount>> {
  const totals = Object.fromEntries(PAYMENT_STATES.map((s) => [s, { count: 0, amount: 0 }])) as Record<
    PaymentState,
    MoneyCount
  >;
  for (const state of PAYMENT_STATES) {
    for await (const amount of amountsInState(cycleId, state)) {
      totals[state].count++;
      totals[state].amount += amount;
    }
  }
  return totals;
}

/**
 * Approved payments the ledger never recorded: those of chunks without their DISPATCHED marker whose dispatch
 * never got as far as the PENDING record (read from the draft chunk against the ledger). Used once, to close.
 */
export async function notDispatched(cycle: Pick<CycleRecord, 'cycleId' | 'draft'>): Promise<MoneyCount> {
  const done = await dispatchedChunks(cycle.cycleId);
  const out: MoneyCount = { count: 0, amount: 0 };
  for (const chunk of cycle.draft?.chunks ?? []) {
    if (done.has(chunk.index)) continue;
    const instructions = await readDraftChunk(chunk.key);
    const recorded = await recordedPayments(instructions.map((i) => i.paymentId));
    for (const i of instructions) {
      if (recorded.has(i.paymentId)) continue;
      out.count++;
      out.amount += i.amount;
    }
  }
  return out;
}

/**
 * Payments not yet final: those of chunks not dispatched yet, plus those recorded PENDING, SENT or ACCEPTED.
 * Zero exactly when every chunk is out and every payment answered; while chunks are in flight the figure may
 * count a recorded payment of an undispatched chunk twice (an upper bound, never zero too early).
 */
export async function openPayments(cycle: Pick<CycleRecord, 'cycleId' | 'draft'>): Promise<number> {
  const done = await dispatchedChunks(cycle.cycleId);
  const undispatched = (cycle.draft?.chunks ?? []).filter((c) => !done.has(c.index)).reduce((s, c) => s + c.count, 0);
  const inFlight = await Promise.all(
    (['PENDING', 'SENT', 'ACCEPTED'] as const).map((s) => countInState(cycle.cycleId, s)),
  );
  return undispatched + inFlight.reduce((s, n) => s + n, 0);
}

/** Live dispatch progress for the console: chunks handed to their rail and payments per state (counts only). */
export async function dispatchProgress(cycle: Pick<CycleRecord, 'cycleId' | 'draft'>) {
  const done = await dispatchedChunks(cycle.cycleId);
  const counts = await Promise.all(PAYMENT_STATES.map((s) => countInState(cycle.cycleId, s)));
  return {
    chunks: cycle.draft?.chunks.length ?? 0,
    chunksDispatched: done.size,
    byState: Object.fromEntries(PAYMENT_STATES.map((s, i) => [s, counts[i] ?? 0])) as Record<PaymentState, number>,
  };
}
