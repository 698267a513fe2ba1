/** GET /v1/beneficiary-lists/template?format=xlsx|csv — the list template with its instructions. */
import { z } from 'zod';
import { SPREADSHEET_TYPES } from '../../schemas/files.js';
import { fileResult, httpRoute } from '../shared/http.js';
import { templateCsv, templateXlsx } from './file-formats/template.js';

export const handler = httpRoute({
  responses: { 200: { file: SPREADSHEET_TYPES } },
  query: z.object({ format: z.enum(['xlsx', 'csv']).default('xlsx') }),
  handle: async ({ query }) =>
    query.format === 'csv'
      ? fileResult(templateCsv(), 'text/csv; charset=utf-8', 'mau-danh-sach-tro-cap.csv')
      : fileResult(
          templateXlsx(),
          'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          'mau-danh-sach-tro-cap.xlsx',
        ),
});
