/**
 * Months the ledger holds for a person and programme: paid, or possibly paid (never paid twice). Rejected,
 * returned or never-sent money never reached the person, so those months are owed again (as arrears) — unless
 * the payment's case has a re-issue under way or settled (functions/cases): then the re-issue owns them, from
 * the moment the supplementary cycle took the case, before its payment even reaches the ledger.
 */
import { type CaseRecord, caseIdFor, reissueOwnsMonths } from '../cases/case-model.js';
import { getCase } from '../cases/case-store.js';
import { type PaymentHead, personPayments } from '../payment-ledger/ledger-store.js';
import { UNPAID_STATES } from '../payment-ledger/payment-state.js';

export interface PaidMonthsOptions {
  /** The supplementary cycle computing its own re-issues: its claims do not count as paid for it. */
  ignoreClaimsOf?: string;
}

export async function alreadyPaid(
  personId: string,
  programme: string,
  opts: PaidMonthsOptions = {},
): Promise<string[]> {
  const payments = (await personPayments(personId)) as HeldPayment[];
  const cases = new Map<string, CaseRecord | undefined>();
  for (const p of payments) {
    if (p.programme !== programme || !UNPAID_STATES.has(p.state)) continue;
    const caseId = caseIdFor(programme, p.period, personId);
    if (!cases.has(caseId)) cases.set(caseId, await getCase(caseId));
  }
  return paidMonthsOf(payments, (caseId) => cases.get(caseId), programme, opts);
}

/** What the decision needs of a ledger payment of the person (the byPerson index's projection). */
export type HeldPayment = Pick<
  PaymentHead,
  'paymentId' | 'programme' | 'period' | 'personId' | 'state' | 'cycleId' | 'months'
>;

/**
 * The decision, pure: the months `payments` (one person's) hold for `programme`, given each unpaid payment's
 * case by its id. Kept apart from the query so the money-path simulation (test/simulation) runs this very rule.
 */
export function paidMonthsOf(
  payments: readonly HeldPayment[],
  caseOf: (caseId: string) => Pick<CaseRecord, 'state' | 'reissue'> | undefined,
  programme: string,
  opts: PaidMonthsOptions = {},
): string[] {
  const months = new Set<string>();
  for (const p of payments) {
    if (p.programme !== programme) continue;
    if (UNPAID_STATES.has(p.state)) {
      const c = caseOf(caseIdFor(programme, p.period, p.personId));
      const owned = reissueOwnsMonths(c) && c?.reissue?.paymentId !== p.paymentId;
      if (!owned || c?.reissue?.cycleId === opts.ignoreClaimsOf) continue;
    } else if (opts.ignoreClaimsOf && p.cycleId === opts.ignoreClaimsOf) {
      // The supplementary cycle's own re-issue (recorded already, on a recompute after a crash) is what it pays.
      continue;
    }
    for (const m of p.months) months.add(m);
  }
  return [...months];
}
