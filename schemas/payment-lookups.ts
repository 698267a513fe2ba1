/**
 * What a person (GET /v1/me/payments) and an officer (POST /v1/people/payments) are shown of
 * payments. Strict objects: a response is parsed with these before it leaves, so a field not listed here
 * (a full account number, a name, an internal id) fails the request instead of reaching the caller.
 */
import { z } from 'zod';
import { Localized } from './messages.js';

export const PAYMENT_STATUSES = [
  'PENDING',
  'SENT',
  'ACCEPTED',
  'UNKNOWN',
  'SETTLED',
  'REJECTED',
  'RETURNED',
  'NOT_SENT',
] as const;
export const PaymentStatus = z.enum(PAYMENT_STATUSES);

export const Channel = z.enum(['BANK', 'POST_OFFICE']);
export const AccountStatus = z.enum(['ACTIVE', 'SUSPENDED', 'CLOSED']);

const YearMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);
/** dd/mm/yyyy, the way dates read in Vietnam. */
const ViDate = z.string().regex(/^\d{2}\/\d{2}\/\d{4}$/);
/** `******6789`: only the last four digits of a bank account ever leave. */
export const MaskedBankAccount = z.string().regex(/^\*{4,6}[0-9A-Za-z]{0,4}$/);
/** `07********35`: at most 4 digits. */
export const MaskedIdentityNumber = z.string().regex(/^\d{2}\*{8}\d{2}$/);

/** The identity number as an officer types it (in the body of the look-up, never in a URL). */
export const IdentityNumber = z.string().regex(/^\d{12}$/, 'a 12-digit personal identification number');

export const PaymentView = z.strictObject({
  programme: z.string(),
  programmeName: Localized,
  /** The cycle's month. */
  period: YearMonth,
  periodLabel: z.string().regex(/^\d{2}\/\d{4}$/),
  /** The months the amount pays for (arrears included), oldest first. */
  months: z.array(YearMonth),
  monthsLabel: z.string(),
  /** The amount includes funeral support (mai táng phí). */
  funeralSupport: z.boolean(),
  /** Integer VND. */
  amountVnd: z.number().int().positive(),
  amountLabel: z.string(),
  channel: Channel,
  channelLabel: Localized,
  status: PaymentStatus,
  statusLabel: Localized,
  /** When the payment reached its current status: dd/mm/yyyy (Vietnam time) and ISO 8601 (UTC). */
  statusDate: ViDate,
  statusAt: z.iso.datetime(),
  /** The account this payment was sent to (bank payments only). */
  bankAccount: MaskedBankAccount.nullable(),
  /** Why the money did not arrive (rejected or returned payments). */
  failure: z.strictObject({ code: z.string().regex(/^[A-Z0-9_]{2,40}$/), reason: Localized }).nullable(),
  /** What the person should do now, when anything. */
  nextStep: Localized.nullable(),
  /** A change by age taking effect in one of the months ("từ tháng 05/2026: hệ số 2,0 vì đủ 80 tuổi"). */
  ageChange: Localized.optional(),
});
export type PaymentView = z.infer<typeof PaymentView>;

export const AccountView = z.strictObject({
  status: AccountStatus,
  statusLabel: Localized,
  channel: Channel,
  channelLabel: Localized,
  bankAccount: MaskedBankAccount.nullable(),
});
export type AccountView = z.infer<typeof AccountView>;

/**
 * A beneficiary's own payments. Someone without an account gets the same shape (`account: null`, no payments):
 * the answer never depends on anyone else's data.
 */
export const MyPayments = z.strictObject({
  account: AccountView.nullable(),
  payments: z.array(PaymentView),
});
export type MyPayments = z.infer<typeof MyPayments>;

export const OfficerPaymentView = z.strictObject({
  ...PaymentView.shape,
  paymentId: z.string().regex(/^P\d{6}[A-Z0-9]{24}$/),
  cycleId: z.string().min(1),
});
export type OfficerPaymentView = z.infer<typeof OfficerPaymentView>;

export const PersonPayments = z.strictObject({
  person: z.strictObject({
    identityNumber: MaskedIdentityNumber,
    /** The social security account number (`AS79…`), not a bank account. */
    accountNumber: z.string().regex(/^AS\d{2}\d{10}\d{2}$/),
    jurisdiction: z.string().regex(/^(\d{2}|\d{5})$/),
    communeCode: z.string().regex(/^\d{5}$/),
    account: AccountView,
  }),
  payments: z.array(OfficerPaymentView),
});
export type PersonPayments = z.infer<typeof PersonPayments>;
