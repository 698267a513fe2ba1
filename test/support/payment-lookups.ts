/**
 * Seeds people with accounts and payments straight through the stores (openAccount, recordPending,
 * transition): the payment look-up tests and the status benchmark need a ledger, not a whole cycle run.
 * Needs a started LocalPlatform in this process (its table variables).
 */
import { openAccount } from '../../functions/accounts/account-store.js';
import { recordPending, transition } from '../../functions/payment-ledger/ledger-store.js';
import type { PaymentState } from '../../functions/payment-ledger/payment-state.js';
import { paymentIdFor } from '../../functions/payments/payment-id.js';
import type { DemoUser } from '../../infra/local/demo-users.js';

export const PROGRAMME = 'TCXH_HANG_THANG';

export interface PaymentSeed {
  period: string;
  months?: string[];
  amount: number;
  /** States after PENDING, in order, e.g. ['SENT', 'REJECTED']; each may carry the entry's detail. */
  path: (PaymentState | [PaymentState, Record<string, unknown>])[];
  /** Default: the person's payment method. */
  channel?: 'BANK' | 'POST_OFFICE';
}

export interface PersonSeed {
  personalId: string;
  fullName: string;
  /** 2-digit province (or 5-digit commune) the account belongs to. */
  jurisdiction: string;
  communeCode: string;
  /** Paid by bank to this account when given, else at the post office. */
  bankAccount?: string;
  payments?: PaymentSeed[];
}

export interface SeededPerson extends PersonSeed {
  personId: string;
  paymentIds: string[];
}

export async function seedPerson(p: PersonSeed): Promise<SeededPerson> {
  const opened = await openAccount({
    candidate: {
      line: 2,
      personalId: p.personalId,
      fullName: p.fullName,
      dateOfBirth: '1940-05-12',
      gender: 'F',
      categoryCode: 'NCT_80',
      decisionDate: '2025-01-10',
      paymentMethod: p.bankAccount ? 'BANK' : 'POST_OFFICE',
      ...(p.bankAccount ? { bankBin: '970436', accountNumber: p.bankAccount } : {}),
      communeCode: p.communeCode,
    },
    programme: PROGRAMME,
    listId: 'l-seeded-for-tests',
    jurisdiction: p.jurisdiction,
    actor: 'test|seed',
  });
  const { personId } = opened;
  const accountNumber = 'accountNumber' in opened ? opened.accountNumber : 'AS00000000000000';
  const paymentIds: string[] = [];
  for (const pay of p.payments ?? []) {
    const paymentId = paymentIdFor(PROGRAMME, pay.period, personId);
    const channel = pay.channel ?? (p.bankAccount ? 'BANK' : 'POST_OFFICE');
    await recordPending(
      {
        paymentId,
        cycleId: `dc-tcxh_hang_thang-${pay.period}-${p.jurisdiction.slice(0, 2)}`,
        programme: PROGRAMME,
        period: pay.period,
        personId,
        socialAccount: accountNumber,
        amount: pay.amount,
        channel,
        ...(channel === 'BANK' ? { bankBin: '970436', creditorAccount: p.bankAccount } : {}),
        creditorName: 'NGUOI HUONG THU',
        communeCode: p.communeCode,
        months: pay.months ?? [pay.period],
      },
      0,
    );
    for (const step of pay.path) {
      const [state, detail] = Array.isArray(step) ? step : [step, {}];
      await transition(paymentId, state, 'test-seed', detail);
    }
    paymentIds.push(paymentId);
  }
  return { ...p, personId, paymentIds };
}

/** A beneficiary of the dev identity provider for any identity number (tokens carry it as their claim). */
export const beneficiaryUser = (username: string, personalId: string): DemoUser => ({
  username,
  displayName: 'Người hưởng thử',
  role: 'beneficiary',
  personalId,
});

export const officerUser = (username: string, role: DemoUser['role'], jurisdiction?: string): DemoUser => ({
  username,
  displayName: 'Cán bộ thử',
  role,
  ...(jurisdiction ? { jurisdiction } : {}),
});
