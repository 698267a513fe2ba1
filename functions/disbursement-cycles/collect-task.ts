/**
 * Disbursement loop while statuses come in: are payments still open, and is the settlement cut-off past?
 * At the cut-off, a payment with no final answer becomes UNKNOWN after asking the bank for its status:
 * it is queried, never sent again.
 */
import { z } from 'zod';
import { queryPaymentStatus } from '../payments/bank-client.js';
import { parsePain002 } from '../payments/iso20022/pain002.js';
import { paymentsInState, transition } from '../payments/ledger/ledger-store.js';
import { stateForBankStatus } from '../payments/ledger/payment-state.js';
import { logger } from '../shared/powertools.js';
import { InvalidInputError, invokedTask } from '../shared/task.js';
import { getCycle } from './cycle-store.js';
import { openPayments } from './progress.js';

const CUTOFF_MINUTES = () => Number(process.env.ANSINH_SETTLEMENT_CUTOFF_MINUTES ?? 3 * 24 * 60);

async function resolveAtCutoff(cycleId: string) {
  let unknown = 0;
  for (const state of ['SENT', 'ACCEPTED'] as const) {
    for await (const p of paymentsInState(cycleId, state)) {
      if (p.channel === 'BANK') {
        const xml = await queryPaymentStatus(p.paymentId).catch(() => undefined);
        const tx = xml
          ? (await parsePain002(xml)).transactions.find((t) => t.originalEndToEndId === p.paymentId)
          : undefined;
        const answered = tx && stateForBankStatus(tx.status);
        if (answered && answered !== 'ACCEPTED') {
          await transition(p.paymentId, answered, 'bank-query', { status: tx.status, reason: tx.reasonCode });
          continue;
        }
      }
      await transition(p.paymentId, 'UNKNOWN', 'cut-off', { cutoffMinutes: CUTOFF_MINUTES() });
      unknown++;
    }
  }
  return unknown;
}

export const handler = invokedTask(z.object({ cycleId: z.string() }), async ({ cycleId }) => {
  const cycle = await getCycle(cycleId);
  if (!cycle?.approvedAt || !cycle.draft) throw new InvalidInputError(`cycle ${cycleId} is not approved`);
  const open = await openPayments(cycle);
  const cutoffPassed = Date.now() >= Date.parse(cycle.approvedAt) + CUTOFF_MINUTES() * 60_000;
  if (open > 0 && cutoffPassed) {
    const unknown = await resolveAtCutoff(cycleId);
    logger.warn('Cut-off reached', { cycleId, unknown, open });
    return { cycleId, done: true, open };
  }
  return { cycleId, done: open === 0, open };
});
