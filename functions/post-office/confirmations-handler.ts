/**
 * POST /v1/disbursement-cycles/{cycleId}/cash-confirmations — the returned cash list (CSV or XLSX): "Có"
 * settles the payment, "Không" rejects it (unpaid money is owed again, as arrears, next cycle). Importing the
 * same file twice changes nothing; bad rows are reported and the good ones go on.
 */
import { z } from 'zod';
import { CashConfirmationResult, CycleId } from '../../schemas/disbursement-cycles.js';
import { SPREADSHEET_TYPES } from '../../schemas/files.js';
import type { Finding } from '../../schemas/messages.js';
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
    }
    return { status: 200, body: { ...counts, problems } };
  },
});
