/**
 * POST /v1/disbursement-cycles/{cycleId}/cash-confirmations — the returned cash list (CSV or XLSX): "Có"
 * settles the payment, "Không" rejects it (unpaid money is owed again, as arrears, next cycle, and its case
 * opens). Importing the same file twice changes nothing; bad rows are reported and the good ones go on.
 */
import { z } from 'zod';
import { CashConfirmationResult, CycleId } from '../../schemas/disbursement-cycles.js';
import { SPREADSHEET_TYPES } from '../../schemas/files.js';
import type { Finding } from '../../schemas/messages.js';
import { followUpOutcomes, type PaymentOutcome } from '../cases/open-on-failure.js';
import { FileFormatError } from '../codecs/errors.js';
import { cycleToChange } from '../disbursement-cycles/access.js';
import { getPayment, transition } from '../payment-ledger/ledger-store.js';
import { HttpError, httpRoute } from '../shared/http.js';
import { readConfirmations } from './cash-list.js';

const notThisCycle: Finding = {
  code: 'CONFIRMATION_UNKNOWN_PAYMENT',
  message: {
    vi: 'Mã thanh toán không thuộc kỳ chi trả này hoặc không chi qua bưu điện.',
    en: 'The payment is not a post-office payment of this cycle.',
  },
};

export const handler = httpRoute({
  responses: { 200: CashConfirmationResult },
  bodyFile: SPREADSHEET_TYPES,
  params: z.object({ cycleId: CycleId }),
  handle: async ({ principal, params, rawBody, requestId }) => {
    const cycle = await cycleToChange(principal, params.cycleId);
    if (!rawBody?.length)
      throw new HttpError(400, 'FILE_EMPTY', { vi: 'Không có tệp nào được gửi.', en: 'No file was sent.' });
    const counts = { settled: 0, unpaid: 0, unchanged: 0 };
    const problems: { line: number; finding: Finding }[] = [];
    // What follows for the people, as for a bank payment: an unpaid one opens its case (POST_OFFICE_UNPAID) and
    // tells the person, a settled one closes its re-issue's case and tells its person if they asked. After the
    // rows, in batches; the rows applied before a bad file was found are followed up too.
    const outcomes: PaymentOutcome[] = [];
    try {
      for await (const row of readConfirmations(async function* () {
        yield new Uint8Array(rawBody);
      })) {
        if (!row.ok) {
          problems.push({ line: row.line, finding: row.finding });
          continue;
        }
        const c = row.value;
        const payment = await getPayment(c.paymentId);
        if (!payment || payment.cycleId !== cycle.cycleId || payment.channel !== 'POST_OFFICE') {
          problems.push({ line: c.line, finding: notThisCycle });
          continue;
        }
        const decision = await transition(c.paymentId, c.paid ? 'SETTLED' : 'REJECTED', 'post-office-confirmation', {
          line: c.line,
          requestId,
          ...(c.note ? { note: c.note } : {}),
        });
        // Also on `already`: a crash after the ledger write but before the follow-up must not lose it.
        if (decision.kind === 'apply') outcomes.push({ paymentId: c.paymentId, state: decision.to });
        if (decision.kind === 'already') outcomes.push({ paymentId: c.paymentId, state: decision.state });
        if (decision.kind !== 'apply') counts.unchanged++;
        else if (c.paid) counts.settled++;
        else counts.unpaid++;
        if (decision.kind === 'anomaly')
          problems.push({
            line: c.line,
            finding: {
              code: 'CONFIRMATION_CONTRADICTS',
              message: {
                vi: `Xác nhận mâu thuẫn với trạng thái hiện tại (${decision.state}).`,
                en: `The confirmation contradicts the current state (${decision.state}).`,
              },
            },
          });
      }
    } catch (err) {
      if (!(err instanceof FileFormatError)) throw err;
      throw new HttpError(400, err.code, err.text);
    } finally {
      await followUpOutcomes(outcomes);
    }
    return { status: 200, body: { ...counts, problems } };
  },
});
