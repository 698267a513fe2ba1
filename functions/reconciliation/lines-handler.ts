/** GET /v1/statements/{importId}/lines?outcome=&cursor= — the lines behind each outcome, a page at a time. */
import { z } from 'zod';
import { StatementLinesPage } from '../../schemas/statements.js';
import { httpRoute } from '../shared/http.js';
import { decodeCursor, encodeCursor } from '../shared/page-cursor.js';
import { visibleImport } from './access.js';
import { OUTCOME_LABELS, OUTCOMES, SEVERITY } from './outcomes.js';
import { findingsCursorQuery, findingsPage } from './reconciliation-store.js';

export const handler = httpRoute({
  responses: { 200: StatementLinesPage },
  params: z.object({ importId: z.string().regex(/^st-[a-z0-9]{16,64}$/) }),
  query: z.object({
    outcome: z.enum(OUTCOMES).optional(),
    cursor: z.string().max(2000).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(200),
  }),
  handle: async ({ principal, params, query }) => {
    const job = await visibleImport(principal, params.importId);
    const cursorQuery = findingsCursorQuery(job.jobId, query.outcome);
    const page = await findingsPage(job.jobId, {
      outcome: query.outcome,
      startKey: decodeCursor(query.cursor, cursorQuery),
      limit: query.limit,
    });
    return {
      status: 200,
      body: {
        importId: job.jobId,
        outcome: query.outcome,
        lines: page.items.map(({ sk: _sk, ...f }) => ({
          ...f,
          label: OUTCOME_LABELS[f.outcome],
          severity: SEVERITY[f.outcome],
        })),
        nextCursor: encodeCursor(page.next, cursorQuery),
      },
    };
  },
});
