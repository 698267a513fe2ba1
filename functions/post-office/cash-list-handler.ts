/**
 * GET /v1/disbursement-cycles/{cycleId}/cash-lists/{communeCode}?format=xlsx|csv — the commune's cash
 * payment list (post-office payments sent to that commune's payment point), as a download link. It reads that
 * commune's payments of the cycle only (the ledger's byCommune index), never the rest of the province.
 */
import { z } from 'zod';
import { CycleId } from '../../schemas/disbursement-cycles.js';
import { DownloadLink } from '../../schemas/files.js';
import { toCsv, writeXlsx } from '../codecs/writers.js';
import { visibleCycle } from '../disbursement-cycles/access.js';
import { postOfficePaymentsOfCommune } from '../payment-ledger/ledger-store.js';
import { httpRoute } from '../shared/http.js';
import { downloadUrl, writeObjectStream } from '../shared/objects.js';
import { CASH_LIST_COLUMNS, cashListRow } from './cash-list.js';

export const handler = httpRoute({
  responses: { 200: DownloadLink },
  params: z.object({ cycleId: CycleId, communeCode: z.string().regex(/^\d{5}$/) }),
  query: z.object({ format: z.enum(['xlsx', 'csv']).default('xlsx') }),
  handle: async ({ principal, params, query }) => {
    const cycle = await visibleCycle(principal, params.cycleId);
    async function* rows() {
      let i = 0;
      for await (const p of postOfficePaymentsOfCommune(cycle.cycleId, params.communeCode, 'SENT')) {
        yield cashListRow(p, i++);
      }
    }
    async function* withHeader() {
      yield CASH_LIST_COLUMNS.map((c) => c.header);
      yield* rows();
    }
    const key = `cycles/${cycle.cycleId}/cash-lists/${params.communeCode}.${query.format}`;
    const body =
      query.format === 'csv'
        ? toCsv(withHeader())
        : writeXlsx([{ name: `Xã ${params.communeCode}`, columns: CASH_LIST_COLUMNS, rows: rows() }]);
    const type =
      query.format === 'csv'
        ? 'text/csv; charset=utf-8'
        : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    const bytes = await writeObjectStream(key, body, type);
    const fileName = `danh-sach-chi-tra-${cycle.period}-${params.communeCode}.${query.format}`;
    return { status: 200, body: { downloadUrl: await downloadUrl(key, fileName), bytes, expiresInSeconds: 900 } };
  },
});
