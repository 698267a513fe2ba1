/**
 * GET /v1/accounts/{accountNumber}/payment-method — the account's payment-method proposals, newest first, for
 * the labour officers of its province: how a second officer finds the proposal to confirm (from the case the
 * console shows). Bank accounts masked, as in every officer's view of a proposal.
 */
import { z } from 'zod';
import { PaymentMethodChanges } from '../../schemas/accounts.js';
import { httpRoute } from '../shared/http.js';
import { accountInProvince } from './access.js';
import { isValidAccountNumber } from './account-number.js';
import { methodChangesOf } from './account-store.js';
import { changeView } from './payment-method-handler.js';

export const handler = httpRoute({
  responses: { 200: PaymentMethodChanges },
  params: z.object({ accountNumber: z.string().refine(isValidAccountNumber) }),
  handle: async ({ principal, params }) => {
    const account = await accountInProvince(principal, params.accountNumber);
    return {
      status: 200,
      body: { accountNumber: account.accountNumber, changes: (await methodChangesOf(account)).map(changeView) },
    };
  },
});
