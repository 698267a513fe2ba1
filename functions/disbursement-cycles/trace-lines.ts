import type { EntitlementLine } from '../entitlements/entitlement.js';
import type { PaymentInstruction } from '../payment-ledger/ledger-store.js';

/** What of each entitlement line a payment keeps for its trace: month, kind, category, VND and the rule used. */
export function traceLines(lines: readonly EntitlementLine[]): NonNullable<PaymentInstruction['lines']> {
  return lines.map((l) => ({
    month: l.month,
    kind: l.kind,
    categoryCode: l.categoryCode,
    amount: l.amount,
    ruleId: l.ruleId,
    rulesVersion: l.rulesVersion,
  }));
}
