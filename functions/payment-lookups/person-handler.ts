/**
 * POST /v1/people/payments `{ "identityNumber": "…" }` — an officer looks up a person's payments: labour and finance
 * officers within their jurisdiction (the account's), auditors everywhere, read-only. A person outside the
 * caller's jurisdiction is answered exactly like an identity number without an account (404). Every look-up
 * is audited before it is answered (accounts/account-store.ts recordLookup); the identity number is only ever stored or logged masked.
 */
import { z } from 'zod';
import { IdentityNumber, PersonPayments } from '../../schemas/payment-lookups.js';
import type { Principal } from '../../schemas/roles.js';
import { type AccountRecord, findAccountEvenly, type LookupOutcome, recordLookup } from '../accounts/account-store.js';
import { httpRoute, notFound, requireJurisdiction } from '../shared/http.js';
import { maskDigits } from '../shared/pii.js';
import { paymentsOfPerson } from './lookup-store.js';
import { accountView, byNewest, paymentView } from './payment-view.js';

// The number travels in the body, never in the URL: URLs end up in CDN and API access logs, and browser history.
const ROUTE = 'POST /v1/people/payments';

/** A province officer (2 digits) sees the province's accounts; a commune officer (5 digits) the commune's. */
export function withinJurisdiction(account: AccountRecord, jurisdiction: string): boolean {
  if (jurisdiction.length === 2) return account.jurisdiction.slice(0, 2) === jurisdiction;
  return account.jurisdiction === jurisdiction || account.communeCode === jurisdiction;
}

export const handler = httpRoute({
  responses: { 200: PersonPayments },
  rateLimit: 'lookup',
  body: z.strictObject({ identityNumber: IdentityNumber }),
  query: z.strictObject({}),
  handle: async ({ principal, body: params, requestId }) => {
    const caller = principal as Principal;
    const everywhere = caller.roles.includes('auditor');
    const jurisdiction = everywhere ? caller.jurisdiction : requireJurisdiction(caller);
    const account = await findAccountEvenly(params.identityNumber);
    const visible = account !== undefined && (everywhere || withinJurisdiction(account, jurisdiction as string));
    const outcome: LookupOutcome = visible ? 'FOUND' : account ? 'OUT_OF_JURISDICTION' : 'NOT_FOUND';
    await recordLookup({
      actor: caller.subject,
      roles: caller.roles,
      ...(jurisdiction ? { jurisdiction } : {}),
      identityNumber: params.identityNumber,
      outcome,
      ...(account ? { personId: account.personId } : {}),
      requestId,
      route: ROUTE,
    });
    if (!account || !visible) throw notFound();
    const payments = await paymentsOfPerson(account.personId);
    const answer = PersonPayments.parse({
      person: {
        identityNumber: maskDigits(params.identityNumber),
        accountNumber: account.accountNumber,
        jurisdiction: account.jurisdiction,
        communeCode: account.communeCode,
        account: accountView(account),
      },
      payments: payments
        .map((p) => ({ view: paymentView(p.head, p.entries, account.dateOfBirth), head: p.head }))
        .sort((a, b) => byNewest(a.view, b.view))
        .map(({ view, head }) => ({ ...view, paymentId: head.paymentId, cycleId: head.cycleId })),
    });
    return { status: 200, body: answer };
  },
});
