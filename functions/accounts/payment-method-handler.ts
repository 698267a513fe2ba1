/**
 * POST /v1/accounts/{accountNumber}/payment-method — a labour officer *proposes* another way of paying a
 * person (typically cash at the post office when bank transfers keep failing, or a new bank account). Nothing
 * changes yet: another officer of the province confirms it (payment-method-confirm-handler.ts), and a bank
 * account is first verified with the bank. Audited.
 */
import { z } from 'zod';
import { ProposedPaymentMethodChange } from '../../schemas/accounts.js';
import { httpRoute } from '../shared/http.js';
import { maskDigits } from '../shared/pii.js';
import { accountInProvince } from './access.js';
import { isValidAccountNumber } from './account-number.js';
import { type MethodChangeRecord, type PaymentMethodRecord, proposePaymentMethod } from './account-store.js';

/** The change a labour officer asks for. */
export const PaymentMethodChange = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('POST_OFFICE'),
    communeCode: z.string().regex(/^\d{5}$/),
    reason: z.string().min(3).max(300),
  }),
  z.object({
    kind: z.literal('BANK'),
    bankBin: z.string().regex(/^\d{6}$/),
    bankAccountNumber: z.string().regex(/^[0-9A-Za-z]{4,19}$/),
    communeCode: z.string().regex(/^\d{5}$/),
    reason: z.string().min(3).max(300),
  }),
]);

/** What an officer sees of a proposal: the bank account masked (at most 4 digits). */
export function changeView(change: MethodChangeRecord) {
  const m = change.method;
  return {
    changeId: change.changeId,
    accountNumber: change.accountNumber,
    status: change.status,
    proposedBy: change.proposedBy,
    proposedAt: change.proposedAt,
    paymentMethod: { ...m, ...(m.bankAccountNumber ? { bankAccountNumber: maskDigits(m.bankAccountNumber) } : {}) },
    ...(change.decidedBy ? { decidedBy: change.decidedBy, decidedAt: change.decidedAt } : {}),
    ...(change.verification ? { verification: change.verification } : {}),
  };
}

export const handler = httpRoute({
  responses: { 202: ProposedPaymentMethodChange },
  params: z.object({ accountNumber: z.string().refine(isValidAccountNumber) }),
  body: PaymentMethodChange,
  handle: async ({ principal, params, body }) => {
    const account = await accountInProvince(principal, params.accountNumber);
    const { reason, ...method } = body;
    const change = await proposePaymentMethod(account, method as PaymentMethodRecord, principal?.subject ?? '', reason);
    return {
      status: 202,
      body: {
        ...changeView(change),
        message: {
          vi: 'Đã ghi đề xuất; cần một cán bộ khác xác nhận trước khi áp dụng.',
          en: 'Proposal recorded; another officer must confirm it before it applies.',
        },
      },
      headers: { location: `/v1/accounts/${account.accountNumber}/payment-method/${change.changeId}` },
    };
  },
});
