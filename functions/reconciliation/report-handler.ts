/**
 * GET /v1/statements/{importId}/report?format=xlsx|csv — the reconciliation report, streamed into storage
 * whatever its size, answered with a time-limited download link.
 */
import { z } from 'zod';
import { DownloadLink } from '../../schemas/files.js';
import { HttpError, httpRoute } from '../shared/http.js';
import { downloadUrl, writeObjectStream } from '../shared/objects.js';
import { visibleImport } from './access.js';
import { statementKeys } from './import-job.js';
import { reportCsv, reportXlsx } from './report-file.js';

const TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

export const handler = httpRoute({
  responses: { 200: DownloadLink },
  params: z.object({ importId: z.string().regex(/^st-[a-z0-9]{16,64}$/) }),
  query: z.object({ format: z.enum(['xlsx', 'csv']).default('xlsx') }),
  handle: async ({ principal, params, query }) => {
    const job = await visibleImport(principal, params.importId);
    if (job.status !== 'COMPLETED') {
      throw new HttpError(409, 'IMPORT_NOT_COMPLETED', {
        vi: 'Sao kê chưa đối chiếu xong.',
        en: 'The statement has not finished reconciling.',
      });
    }
    const key = statementKeys.report(job.jobId, query.format);
    const body = query.format === 'csv' ? reportCsv(job.jobId) : reportXlsx(job.jobId);
    const bytes = await writeObjectStream(key, body, TYPES[query.format]);
    return {
      status: 200,
      body: {
        downloadUrl: await downloadUrl(key, `doi-chieu-${job.jobId}.${query.format}`),
        format: query.format,
        bytes,
        expiresInSeconds: 900,
      },
    };
  },
});
