/**
 * Where a cycle's payments are: counts and VND per state from the ledger's maintained totals (moved in the same
 * transaction as each payment), and what is still open. Nothing here reads the cycle's payments one by one.
 */

import { dispatchedChunks, maintainedTotals, recordedPayments } from '../payment-ledger/ledger-store.js';
import type { PaymentState } from '../payment-ledger/payment-state.js';
import { PAYMENT_STATES } from '../payment-ledger/payment-state.js';
import { type CycleRecord, legacyTotalsCommunes, type MoneyCount } from './cycle-store.js';
import { readDraftChunk } from './draft-objects.js';

/** Counts and VND per state (every state present), summed over the cycle's communes and categories. */
export async function stateTotals(
  cycle: Pick<CycleRecord, 'cycleId' | 'draft'>,
): Promise<Record<PaymentState, MoneyCount>> {
  const totals = Object.fromEntries(PAYMENT_STATES.map((s) => [s, { count: 0, amount: 0 }])) as Record<
    PaymentState,
    MoneyCount
  >;
  for (const cell of await maintainedTotals(cycle.cycleId, legacyTotalsCommunes(cycle))) {
    totals[cell.state].count += cell.count;
    totals[cell.state].amount += cell.amount;
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
  const totals = await stateTotals(cycle);
  return undispatched + totals.PENDING.count + totals.SENT.count + totals.ACCEPTED.count;
}

/** Live dispatch progress for the console: chunks handed to their rail and payments per state. */
export async function dispatchProgress(cycle: Pick<CycleRecord, 'cycleId' | 'draft'>) {
  const done = await dispatchedChunks(cycle.cycleId);
  const totals = await stateTotals(cycle);
  return {
    chunks: cycle.draft?.chunks.length ?? 0,
    chunksDispatched: done.size,
    byState: Object.fromEntries(PAYMENT_STATES.map((s) => [s, totals[s].count])) as Record<PaymentState, number>,
  };
}
