/**
 * POST /v1/accounts/{accountNumber}/payment-method — a labour officer moves a person to another way of
 * being paid (typically to cash at the post office when bank transfers keep failing). Versioned, audited.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { HttpError, httpRoute, notFound } from '../shared/http.js';
import { maskDigits } from '../shared/pii.js';
import { isValidAccountNumber } from './account-number.js';
import { AccountNotFoundError, changePaymentMethod, type PaymentMethodRecord } from './account-store.js';

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

export const handler = httpRoute({
  params: z.object({ accountNumber: z.string().refine(isValidAccountNumber) }),
  body: PaymentMethodChange,
  handle: async ({ principal, params, body }) => {
    const { reason, ...method } = body;
    try {
      // The province is the token's claim: a commune code's digits say nothing about its province.
      const province = principal?.province;
      if (!province) throw notFound();
      const updated = await changePaymentMethod(
        params.accountNumber,
        method as PaymentMethodRecord,
        principal?.subject ?? '',
        reason,
        // Officers act within their province only (the account's province, as its cycles find it).
        (account) => account.jurisdictionKey === `J#${province}`,
      );
      return {
        status: 200,
        body: {
          accountNumber: updated.accountNumber,
          version: updated.version,
          paymentMethod: {
            ...updated.paymentMethod,
            ...(updated.paymentMethod.bankAccountNumber
              ? { bankAccountNumber: maskDigits(updated.paymentMethod.bankAccountNumber) }
              : {}),
          },
        },
      };
    } catch (err) {
      if (err instanceof AccountNotFoundError) throw notFound();
      if (err instanceof TransactionCanceledException) {
        throw new HttpError(409, 'CONCURRENT_CHANGE', {
          vi: 'Tài khoản vừa được người khác thay đổi; hãy thử lại.',
          en: 'The account was changed by someone else; try again.',
        });
      }
      throw err;
    }
  },
});
