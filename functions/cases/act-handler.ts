/**
 * POST /v1/cases/{caseId}/actions — a labour officer of the case's province acts on it: records what was done
 * (RECORD_ACTION), proposes a write-off with its reason, or confirms another officer's proposal. Re-issue and
 * closing come from the supplementary cycle and the ledger, never from this route. Auditors never write.
 */
import { z } from 'zod';
import { CaseView } from '../../schemas/cases.js';
import { getAccountOfPerson } from '../accounts/account-store.js';
import { monthsPhrase } from '../notifications/message.js';
import { type ContactAccount, notifyBeneficiary } from '../notifications/notify.js';
import { HttpError, httpRoute, notFound } from '../shared/http.js';
import { mayAct, visibleCase } from './access.js';
import type { CaseRecord } from './case-model.js';
import { actOnCase } from './case-store.js';
import { caseView } from './case-view.js';

const Command = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('RECORD_ACTION'), note: z.string().trim().min(3).max(500) }),
  z.object({ kind: z.literal('PROPOSE_WRITE_OFF'), reason: z.string().trim().min(3).max(500) }),
  z.object({ kind: z.literal('CONFIRM_WRITE_OFF') }),
]);

/**
 * The person who reported "not received" hears back when an officer acts on the case (their page shows the
 * step too). Fixed words: an officer's note is for officers and may name things a message must not.
 */
async function answerGrievance(c: CaseRecord, now: string) {
  const last = c.actions.at(-1);
  if (last?.kind !== 'RECORD_ACTION' || !c.actions.some((a) => a.kind === 'GRIEVANCE')) return;
  const account = (await getAccountOfPerson(c.personId)) as ContactAccount | undefined;
  if (!account) return;
  await notifyBeneficiary({
    account,
    event: 'CASE_OPENED',
    key: `${c.caseId}#ANSWER#${c.version}`,
    text: `Phản ánh của bạn về khoản trợ cấp ${monthsPhrase(c.months)} đã được cán bộ UBND xã, phường xử lý. Xem tiến độ trên trang của bạn.`,
    paymentId: c.paymentId,
    caseId: c.caseId,
    now,
  });
}

export const handler = httpRoute({
  responses: { 200: CaseView },
  params: z.object({ caseId: z.string().regex(/^CSP\d{6}[A-Z2-7]{24}$/) }),
  body: Command,
  handle: async ({ principal, params, body }) => {
    const c = await visibleCase(principal, params.caseId);
    if (!mayAct(principal, c)) throw notFound();
    const now = new Date().toISOString();
    const decision = await actOnCase(c.caseId, body, { subject: principal?.subject ?? '', role: 'labor_officer' }, now);
    if (decision.kind === 'refused') throw new HttpError(409, decision.code, decision.message);
    await answerGrievance(decision.next, now);
    return { status: 200, body: caseView(decision.next, now) };
  },
});
