/** Payment-method changes of a social security account, as the officers' API speaks them. */
import { z } from 'zod';
import { Localized } from './messages.js';

/** A proposal as an officer sees it: the bank account masked (at most 4 digits shown). */
export const PaymentMethodChangeView = z.object({
  changeId: z.string(),
  accountNumber: z.string(),
  status: z.enum(['PROPOSED', 'CONFIRMED', 'REFUSED']),
  proposedBy: z.string(),
  proposedAt: z.iso.datetime(),
  paymentMethod: z.object({
    kind: z.enum(['BANK', 'POST_OFFICE']),
    bankBin: z.string().optional(),
    /** Masked: two characters each end at most (functions/shared/pii.ts maskDigits). */
    bankAccountNumber: z
      .string()
      .regex(/^([0-9A-Za-z]{2}\*+[0-9A-Za-z]{2}|\*+)$/)
      .optional(),
    communeCode: z.string(),
  }),
  decidedBy: z.string().optional(),
  decidedAt: z.iso.datetime().optional(),
  verification: z.string().optional(),
});

/** POST …/payment-method: the proposal, and what happens next. */
export const ProposedPaymentMethodChange = PaymentMethodChangeView.extend({ message: Localized });

/** POST …/confirm: the confirmed change and the account's new version. */
export const ConfirmedPaymentMethodChange = PaymentMethodChangeView.extend({ version: z.number().int() });

/** GET …/payment-method: the account's proposals, newest first. */
export const PaymentMethodChanges = z.object({
  accountNumber: z.string(),
  changes: z.array(PaymentMethodChangeView),
});
