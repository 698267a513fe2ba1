/** GET /v1/statements/{importId} — status, statements (continuity) and counts and VND per outcome. */
import { z } from 'zod';
import { StatementImportView } from '../../schemas/statements.js';
import { httpRoute } from '../shared/http.js';
import { visibleImport } from './access.js';
import { toImportView } from './import-view.js';

export const handler = httpRoute({
  responses: { 200: StatementImportView },
  params: z.object({ importId: z.string().regex(/^st-[a-z0-9]{16,64}$/) }),
  handle: async ({ principal, params }) => ({
    status: 200,
    body: toImportView(await visibleImport(principal, params.importId)),
  }),
});
