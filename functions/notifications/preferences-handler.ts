/**
 * PUT /v1/me/notification-preferences {optOut, settlementOptIn} — the beneficiary chooses to receive no messages
 * at all, or also one when a payment arrives. Recorded on their account (versioned, audited); whose account
 * comes from the token only. A message already queued for the quiet hours is not sent after an opt-out.
 */
import { z } from 'zod';
import { NotificationPreferences } from '../../schemas/notifications.js';
import { AccountChangedError, getAccountByPersonalId, setNotificationChoice } from '../accounts/account-store.js';
import { HttpError, httpRoute, notFound, requirePersonalId } from '../shared/http.js';

export const handler = httpRoute({
  responses: { 200: NotificationPreferences },
  rateLimit: 'me',
  body: z.strictObject({ optOut: z.boolean(), settlementOptIn: z.boolean() }),
  handle: async ({ principal, body }) => {
    const personalId = requirePersonalId(principal);
    const account = await getAccountByPersonalId(personalId);
    if (!account) throw notFound();
    try {
      const version = await setNotificationChoice(account, body, principal?.subject ?? '');
      return { status: 200, body: { notifications: body, version } };
    } catch (err) {
      if (err instanceof AccountChangedError) {
        throw new HttpError(409, 'CONCURRENT_CHANGE', {
          vi: 'Tài khoản vừa được thay đổi; hãy thử lại.',
          en: 'The account was just changed; try again.',
        });
      }
      throw err;
    }
  },
});
