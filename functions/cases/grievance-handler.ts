/**
 * POST /v1/me/grievances {period, note?} — a beneficiary says "Tôi chưa nhận được / I have not received it"
 * for their payment of a month (their page shows months, not payment ids). Whose payment comes from the
 * token's personal id only; a month they were not paid answers 404. It joins the payment's case (or opens it, if the payment
 * opened none), is recorded on it (audited), and the person is told it was received, once per report.
 */

import { z } from 'zod';
import { MyCaseView } from '../../schemas/cases.js';
import { Period } from '../../schemas/disbursement-cycles.js';
import { getAccountByPersonalId } from '../accounts/account-store.js';
import { monthsPhrase } from '../notifications/message.js';
import { type ContactAccount, notifyBeneficiary } from '../notifications/notify.js';
import { getPayment, type PaymentHead, personPayments } from '../payment-ledger/ledger-store.js';
import { HttpError, httpRoute, notFound, requirePersonalId } from '../shared/http.js';
import { caseIdFor, newGrievanceCase } from './case-model.js';
import { actOnCase, openCase } from './case-store.js';
import { myCaseView } from './my-case-view.js';

/** The person's latest payment of that month (a re-issue after the original), from the ledger's byPerson index. */
async function latestPayment(personId: string, programme: string, period: string): Promise<PaymentHead | undefined> {
  const latest = (await personPayments(personId, period))
    .filter((p) => p.programme === programme)
    .sort((a, b) => (String(a.createdAt) < String(b.createdAt) ? 1 : -1))[0];
  return latest ? getPayment(String(latest.paymentId)) : undefined;
}

export const handler = httpRoute({
  responses: { 200: MyCaseView },
  rateLimit: 'me',
  body: z.object({
    period: Period,
    programme: z
      .string()
      .regex(/^[A-Z0-9_]{1,64}$/)
      .default('TCXH_HANG_THANG'),
    note: z.string().trim().min(1).max(500).default('Tôi chưa nhận được / I have not received it'),
  }),
  handle: async ({ principal, body }) => {
    const personalId = requirePersonalId(principal);
    const account = (await getAccountByPersonalId(personalId)) as ContactAccount | undefined;
    const payment = account && (await latestPayment(account.personId, body.programme, body.period));
    if (!account || !payment) throw notFound();
    const now = new Date().toISOString();
    // Opens nothing new when the payment's case exists (the failure opened it): the report joins it.
    await openCase(newGrievanceCase({ ...payment, province: account.jurisdiction.slice(0, 2) }, payment.state, now));
    const caseId = caseIdFor(payment.programme, payment.period, payment.personId);
    const decision = await actOnCase(
      caseId,
      { kind: 'GRIEVANCE', note: body.note },
      { subject: principal?.subject ?? '', role: 'beneficiary' },
      now,
    );
    if (decision.kind === 'refused') throw new HttpError(409, decision.code, decision.message);
    await notifyBeneficiary({
      account,
      event: 'CASE_OPENED',
      key: `${caseId}#GRIEVANCE#${decision.next.version}`,
      text: `Chúng tôi đã nhận phản ánh của bạn về khoản trợ cấp ${monthsPhrase(payment.months)}. Cán bộ UBND xã, phường sẽ kiểm tra và trả lời bạn.`,
      paymentId: payment.paymentId,
      caseId,
      now,
    });
    return { status: 200, body: myCaseView(decision.next) };
  },
});
