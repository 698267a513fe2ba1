/**
 * GET /v1/me/cases — the beneficiary's own cases with their progress, and what they were told. Whose comes
 * from the token's personal id only; no query parameter is accepted.
 */
import { z } from 'zod';
import { MyCases } from '../../schemas/cases.js';
import { getAccountByPersonalId } from '../accounts/account-store.js';
import { messagesOf } from '../notifications/outbox-store.js';
import { personPayments } from '../payment-ledger/ledger-store.js';
import { httpRoute, requirePersonalId } from '../shared/http.js';
import { caseIdFor } from './case-model.js';
import { getCase } from './case-store.js';
import { myCaseView } from './my-case-view.js';

export const handler = httpRoute({
  responses: { 200: MyCases },
  rateLimit: 'me',
  query: z.strictObject({}),
  handle: async ({ principal }) => {
    const personalId = requirePersonalId(principal);
    const account = await getAccountByPersonalId(personalId);
    if (!account) return { status: 200, body: { cases: [], messages: [] } };
    // The person's periods from the ledger (at most a few dozen), each period's case by its id.
    const ids = [
      ...new Set(
        (await personPayments(account.personId)).map((p) =>
          caseIdFor(String(p.programme), String(p.period), account.personId),
        ),
      ),
    ];
    const cases = (await Promise.all(ids.map((id) => getCase(id)))).filter((c) => c !== undefined);
    const messages = (await messagesOf(account.personId))
      .filter((m) => m.status !== 'SUPPRESSED')
      .map((m) => ({ text: m.text, channel: m.channel, status: m.status, at: m.sentAt ?? m.createdAt }));
    return {
      status: 200,
      body: {
        cases: cases.sort((a, b) => (a.openedAt < b.openedAt ? 1 : -1)).map(myCaseView),
        messages,
      },
    };
  },
});
