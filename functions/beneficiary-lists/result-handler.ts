/**
 * GET /v1/beneficiary-lists/{listId}/result?format=xlsx|csv — builds the result file (streamed into
 * storage, whatever the list size) and answers with a time-limited download link.
 */
import { z } from 'zod';
import { DownloadLink } from '../../schemas/files.js';
import { ListId } from '../../schemas/onboarding.js';
import { HttpError, httpRoute } from '../shared/http.js';
import { downloadUrl, writeObjectStream } from '../shared/objects.js';
import { readableList } from './access.js';
import { listKeys } from './list-objects.js';
import { resultCsv, resultXlsx } from './result-file.js';

const TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

export const handler = httpRoute({
  responses: { 200: DownloadLink },
  params: z.object({ listId: ListId }),
  query: z.object({ format: z.enum(['xlsx', 'csv']).default('xlsx') }),
  handle: async ({ principal, params, query }) => {
    const list = await readableList(principal, params.listId);
    if (list.status !== 'COMPLETED') {
      throw new HttpError(409, 'LIST_NOT_COMPLETED', {
        vi: 'Danh sách chưa xử lý xong.',
        en: 'The list has not finished processing.',
      });
    }
    const key = listKeys.result(list.jobId, query.format);
    const body = query.format === 'csv' ? resultCsv(list.jobId) : resultXlsx(list.jobId);
    const bytes = await writeObjectStream(key, body, TYPES[query.format]);
    const fileName = `ket-qua-${list.fileName.replace(/\.[^.]+$/, '')}.${query.format}`;
    return {
      status: 200,
      body: { downloadUrl: await downloadUrl(key, fileName), format: query.format, bytes, expiresInSeconds: 900 },
    };
  },
});
