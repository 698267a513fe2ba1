/**
 * POST /v1/statements/{importId}/confirm — a second finance officer confirms the ledger changes an uploaded
 * statement or status report proposes (`{ proposalHash }`, exactly the set shown), like an approver confirms
 * a cycle's content hash: not the officer who uploaded it (409 SAME_PERSON), not another set (409
 * PROPOSAL_CHANGED). Only then do the changes apply, each through the ledger's own transition (decided again
 * against the payment's state now), with who uploaded and who confirmed in its entry.
 *
 * Crash-safe: the proposal moves AWAITING_CONFIRMATION → APPLYING (conditional: one confirmer wins), every
 * change is idempotent (a return mark is written once, a transition already made is `already`), then
 * → CONFIRMED. The same confirmer calling again while APPLYING finishes the work.
 */
import { z } from 'zod';
import { StatementImportView } from '../../schemas/statements.js';
import { followUpOutcomes, type PaymentOutcome } from '../cases/open-on-failure.js';
import { getJob } from '../jobs/job-store.js';
import { transition } from '../payment-ledger/ledger-store.js';
import { HttpError, httpRoute } from '../shared/http.js';
import { logger } from '../shared/powertools.js';
import { importToChange } from './access.js';
import { moveProposal, type StatementImportJob } from './import-job.js';
import { toImportView } from './import-view.js';
import type { Effect } from './match.js';
import type { Proposal, ProposedChange } from './proposal.js';
import { proposedChanges, recordEffects } from './reconciliation-store.js';

const conflict = (code: string, vi: string, en: string) => new HttpError(409, code, { vi, en });

/** Applies one change; returns whether it moved the payment, and the outcome to follow up, if any. */
async function applyChange(
  job: StatementImportJob,
  c: ProposedChange,
  confirmedBy: string,
): Promise<{ moved: boolean; outcome?: PaymentOutcome }> {
  if (c.booking) {
    // A return: the first line to record it wins; a later one (another import's) changes nothing.
    const effect: Effect = { kind: 'RETURN', paymentId: c.paymentId, booking: c.booking, reasonCode: c.reason };
    if ((await recordEffects(job.jobId, [effect])).size) return { moved: false };
  }
  const d = await transition(c.paymentId, c.to, c.booking ? 'statement-import' : 'status-report-import', {
    importId: job.jobId,
    line: c.booking?.position ?? c.line,
    ...(c.status ? { status: c.status } : {}),
    ...(c.reason ? { reason: c.reason } : {}),
    uploadedBy: job.uploadedBy,
    confirmedBy,
  });
  const followed = d.kind === 'apply' || d.kind === 'already';
  return {
    moved: d.kind === 'apply',
    ...(followed ? { outcome: { paymentId: c.paymentId, state: c.to, reason: c.reason } } : {}),
  };
}

export const handler = httpRoute({
  responses: { 200: StatementImportView },
  params: z.object({ importId: z.string().regex(/^st-[a-z0-9]{16,64}$/) }),
  body: z.object({ proposalHash: z.string().regex(/^sha256:[0-9a-f]{64}$/) }),
  handle: async ({ principal, params, body }) => {
    const job = await importToChange(principal, params.importId);
    const me = principal?.subject as string;
    const proposal = job.proposal;
    if (job.status !== 'COMPLETED' || !proposal || proposal.status === 'NONE') {
      throw conflict(
        'NOTHING_TO_CONFIRM',
        'Lần nạp này không có thay đổi nào chờ xác nhận.',
        'This import has no changes awaiting confirmation.',
      );
    }
    if (proposal.hash !== body.proposalHash) {
      throw conflict(
        'PROPOSAL_CHANGED',
        'Tập thay đổi không khớp với tập đang chờ xác nhận; hãy xem lại trước khi xác nhận.',
        'The set of changes is not the one awaiting confirmation; review it again first.',
      );
    }
    if (job.uploadedBy === me) {
      throw conflict(
        'SAME_PERSON',
        'Người xác nhận phải khác người đã nạp tệp.',
        'The confirmer must be someone other than the officer who loaded the file.',
      );
    }
    const resuming = proposal.status === 'APPLYING' && proposal.confirmedBy === me;
    if (proposal.status !== 'AWAITING_CONFIRMATION' && !resuming) {
      throw conflict(
        'ALREADY_CONFIRMED',
        'Tập thay đổi này đã được xác nhận.',
        'These changes were already confirmed.',
      );
    }
    const applying: Proposal = {
      ...proposal,
      status: 'APPLYING',
      confirmedBy: me,
      confirmedAt: resuming ? (proposal.confirmedAt as string) : new Date().toISOString(),
    };
    if (
      !resuming &&
      !(await moveProposal(job.jobId, { status: 'AWAITING_CONFIRMATION', hash: proposal.hash }, applying))
    ) {
      throw conflict(
        'CONCURRENT_CHANGE',
        'Người khác vừa xác nhận lần nạp này.',
        'Someone else confirmed this import at the same time.',
      );
    }
    let applied = 0;
    let unchanged = 0;
    const outcomes: PaymentOutcome[] = [];
    for await (const change of proposedChanges(job.jobId)) {
      const { moved, outcome } = await applyChange(job, change, me);
      if (moved) applied++;
      else unchanged++;
      if (outcome) outcomes.push(outcome);
    }
    // The people's cases and messages follow the ledger, as for the bank's own statuses, in batches (idempotent:
    // one case, one message; a crash before this is followed up by the confirmer's resumed call, as `already`).
    await followUpOutcomes(outcomes);
    await moveProposal(
      job.jobId,
      { status: 'APPLYING', hash: proposal.hash, confirmedBy: me },
      { ...applying, status: 'CONFIRMED', applied, unchanged },
    );
    logger.info('Statement changes confirmed', { importId: job.jobId, applied, unchanged });
    return { status: 200, body: toImportView((await getJob<StatementImportJob>(job.jobId)) as StatementImportJob) };
  },
});
