/**
 * GET /v1/me/payments — a beneficiary's own payments and account status. Whose they are comes from the
 * token's personal id claim and nothing else: the route has no path parameter and refuses any query
 * parameter (400), and neither headers nor body are read. Someone without an account gets the same shape,
 * empty.
 *
 * Three round trips after the rate limit's (the person's counter; the client's is mostly counted in the
 * instance): the person id of the identity number, then the account and the latest payments at the same time,
 * then, only if some were rejected or returned, their reasons in one BatchGet (docs/payment-lookups.md).
 */
import { z } from 'zod';
import { MyPayments } from '../../schemas/payment-lookups.js';
import { accountForView, personIdOfPersonalId } from '../accounts/account-store.js';
import { httpRoute, requirePersonalId } from '../shared/http.js';
import { paymentsOfPerson } from './lookup-store.js';
import { accountView, byNewest, paymentView } from './payment-view.js';

const NOTHING = { account: null, payments: [] };

export const handler = httpRoute({
  responses: { 200: MyPayments },
  rateLimit: 'me',
  query: z.strictObject({}),
  handle: async ({ principal }) => {
    const personId = await personIdOfPersonalId(requirePersonalId(principal));
    if (!personId) return { status: 200, body: MyPayments.parse(NOTHING) };
    const [account, payments] = await Promise.all([accountForView(personId), paymentsOfPerson(personId)]);
    if (!account) return { status: 200, body: MyPayments.parse(NOTHING) };
    const body = MyPayments.parse({
      account: accountView(account),
      payments: payments.map((p) => paymentView(p.head, p.entries, account.dateOfBirth)).sort(byNewest),
    });
    return { status: 200, body };
  },
});
