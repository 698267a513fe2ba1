/**
 * Disbursement loop while statuses come in: are payments still open, and is the settlement cut-off past?
 * At the cut-off every payment still PENDING, SENT or ACCEPTED is resolved (see cutoff.ts): bank payments are
 * queried by EndToEndId — queried, never sent again — and take the bank's final answer; a PENDING one the
 * bank does not know becomes NOT_SENT; the rest UNKNOWN.
 */
import { z } from 'zod';
import { closeCaseOnSettlement, openCaseOnFailure } from '../cases/open-on-failure.js';
import { parsePain002 } from '../iso20022/pain002.js';
import { paymentsInState, transition } from '../payment-ledger/ledger-store.js';
import { type PaymentState, UNPAID_STATES } from '../payment-ledger/payment-state.js';
import { statusOf } from '../payment-ledger/status-report.js';
import { queryPaymentStatus } from '../payments/bank-client.js';
import { logger } from '../shared/powertools.js';
import { InvalidInputError, invokedTask } from '../shared/task.js';
import { atCutoff, type BankAnswer, cutoffAt, cutoffMinutes, OPEN_AT_CUTOFF, queriedAtCutoff } from './cutoff.js';
import { getCycle } from './cycle-store.js';
import { openPayments } from './progress.js';

async function askBank(paymentId: string): Promise<BankAnswer> {
  let xml: string | undefined;
  try {
    xml = await queryPaymentStatus(paymentId);
  } catch {
    return { kind: 'no-answer' };
  }
  if (xml === undefined) return { kind: 'unknown-to-bank' };
  // The answer to a query about one payment: a block or file rejected as a whole rejects it too.
  const tx = statusOf(await parsePain002(xml), paymentId);
  if (!tx) return { kind: 'no-answer' };
  return {
    kind: 'status',
    state: tx.wanted,
    status: tx.status,
    ...(tx.reason ? { reason: tx.reason } : {}),
  };
}

async function resolveAtCutoff(cycleId: string) {
  const resolved: Partial<Record<PaymentState, number>> = {};
  for (const state of OPEN_AT_CUTOFF) {
    // Page by page: a transition moves the payment out of this index, the next page starts after its key.
    for await (const p of paymentsInState(cycleId, state)) {
      const answer = queriedAtCutoff(p.channel) ? await askBank(p.paymentId) : undefined;
      const { to, source } = atCutoff(state, p.channel, answer);
      const detail =
        answer?.kind === 'status'
          ? { status: answer.status, ...(answer.reason ? { reason: answer.reason } : {}) }
          : answer?.kind === 'unknown-to-bank'
            ? { bank: 'not known' }
            : { cutoffMinutes: cutoffMinutes() };
      const decision = await transition(p.paymentId, to, source, detail);
      if (decision.kind === 'apply' && decision.to === 'SETTLED') await closeCaseOnSettlement(p.paymentId);
      // Never sent, or rejected when asked: the person's case opens (and they are told) now, not next month.
      if (decision.kind === 'apply' && UNPAID_STATES.has(decision.to)) {
        await openCaseOnFailure(p.paymentId, decision.to, answer?.kind === 'status' ? answer.reason : undefined);
      }
      const now = decision.kind === 'apply' ? decision.to : decision.state;
      resolved[now] = (resolved[now] ?? 0) + 1;
    }
  }
  return resolved;
}

export const handler = invokedTask(z.object({ cycleId: z.string() }), async ({ cycleId }) => {
  const cycle = await getCycle(cycleId);
  if (!cycle?.approvedAt || !cycle.draft) throw new InvalidInputError(`cycle ${cycleId} is not approved`);
  const open = await openPayments(cycle);
  const cutoffPassed = Date.now() >= cutoffAt(cycle.approvedAt);
  if (open > 0 && cutoffPassed) {
    const resolved = await resolveAtCutoff(cycleId);
    logger.warn('Cut-off reached', { cycleId, open, resolved });
    return { cycleId, done: true, open };
  }
  return { cycleId, done: open === 0, open };
});
