/**
 * GET /v1/me/payments — a beneficiary's own payments and account status. Whose they are comes from the
 * token's personal id claim and nothing else: the route has no path parameter and refuses any query
 * parameter (400), and neither headers nor body are read. Someone without an account gets the same shape,
 * empty.
 */
import { z } from 'zod';
import { MyPayments } from '../../schemas/payment-lookups.js';
import { getAccountByPersonalId } from '../accounts/account-store.js';
import { httpRoute, requirePersonalId } from '../shared/http.js';
import { paymentsOfPerson } from './lookup-store.js';
import { accountView, byNewest, paymentView } from './payment-view.js';

export const handler = httpRoute({
  responses: { 200: MyPayments },
  rateLimit: 'me',
  query: z.strictObject({}),
  handle: async ({ principal }) => {
    const personalId = requirePersonalId(principal);
    const account = await getAccountByPersonalId(personalId);
    const payments = account ? await paymentsOfPerson(account.personId) : [];
    const body = MyPayments.parse({
      account: account ? accountView(account) : null,
      payments: payments.map((p) => paymentView(p.head, p.entries, account?.dateOfBirth)).sort(byNewest),
    });
    return { status: 200, body };
  },
});
