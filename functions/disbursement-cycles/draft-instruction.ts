/**
 * What a draft pays one person, pure: the payment instruction a monthly cycle's compute builds from the
 * entitlement, the re-issue a supplementary cycle builds for a failed payment, and the draft's chunks. The
 * compute steps read and write the stores around these; the money-path simulation (test/simulation) runs
 * the very same functions against in-memory stores.
 */
import type { AccountRecord } from '../accounts/account-store.js';
import { mainCategory } from '../entitlements/cycle-totals.js';
import { type EntitlementResult, FUNERAL_MARKER } from '../entitlements/entitlement.js';
import { toBankName } from '../iso20022/text.js';
import type { PaymentHead, PaymentInstruction } from '../payment-ledger/ledger-store.js';
import { paymentIdFor, reissueIdFor } from '../payments/payment-id.js';
import type { CycleRecord } from './cycle-store.js';
import { traceLines } from './trace-lines.js';

export type PayeeAccount = Pick<
  AccountRecord,
  'personId' | 'accountNumber' | 'fullName' | 'communeCode' | 'paymentMethod'
>;
type DraftCycle = Pick<CycleRecord, 'cycleId' | 'programme' | 'period'>;

function instruction(
  cycle: DraftCycle,
  account: PayeeAccount,
  paymentId: string,
  amount: number,
  lines: EntitlementResult['lines'],
  months: string[],
): PaymentInstruction {
  const channel = account.paymentMethod.kind;
  return {
    paymentId,
    cycleId: cycle.cycleId,
    programme: cycle.programme,
    period: cycle.period,
    personId: account.personId,
    socialAccount: account.accountNumber,
    amount,
    channel,
    ...(channel === 'BANK'
      ? { bankBin: account.paymentMethod.bankBin, creditorAccount: account.paymentMethod.bankAccountNumber }
      : {}),
    creditorName: toBankName(account.fullName),
    communeCode: account.communeCode,
    // Derived from the lines the approval hash covers (each line's categoryCode), so it is approved too.
    categoryCode: mainCategory(lines),
    lines: traceLines(lines),
    months,
  };
}

/** A monthly cycle's instruction for one payee; none when the entitlement pays nothing. */
export function monthlyInstruction(
  cycle: DraftCycle,
  account: PayeeAccount,
  result: EntitlementResult,
): PaymentInstruction | undefined {
  if (result.total <= 0) return undefined;
  const months = [...new Set(result.lines.filter((l) => l.kind !== 'FUNERAL').map((l) => l.month))].concat(
    result.lines.some((l) => l.kind === 'FUNERAL') ? [FUNERAL_MARKER] : [],
  );
  return instruction(
    cycle,
    account,
    paymentIdFor(cycle.programme, cycle.period, account.personId),
    result.total,
    result.lines,
    months,
  );
}

/**
 * A supplementary cycle's re-issue of `original`: only the months of the failed payment (anything else owed
 * is next month's to pay), under a new EndToEndId that records which payment it replaces; none when nothing
 * of them is owed any more.
 */
export function reissueInstruction(
  cycle: DraftCycle,
  original: Pick<PaymentHead, 'paymentId' | 'months'>,
  account: PayeeAccount,
  result: EntitlementResult,
): { result: EntitlementResult; instruction: PaymentInstruction } | undefined {
  const lines = result.lines.filter((l) => l.kind !== 'FUNERAL' && original.months.includes(l.month));
  const total = lines.reduce((s, l) => s + l.amount, 0);
  if (total <= 0) return undefined;
  const paymentId = reissueIdFor(original.paymentId, cycle.cycleId);
  return {
    result: { ...result, lines, total },
    instruction: {
      ...instruction(cycle, account, paymentId, total, lines, [...new Set(lines.map((l) => l.month))]),
      replaces: original.paymentId,
    },
  };
}

/** The draft's chunks: instructions in payment-id order, `size` at a time, with each chunk's count and VND. */
export function draftChunks(instructions: PaymentInstruction[], size: number) {
  instructions.sort((a, b) => (a.paymentId < b.paymentId ? -1 : 1));
  const parts: { part: PaymentInstruction[]; count: number; amount: number }[] = [];
  for (let i = 0; i < instructions.length; i += size) {
    const part = instructions.slice(i, i + size);
    parts.push({ part, count: part.length, amount: part.reduce((s, p) => s + p.amount, 0) });
  }
  return parts;
}
