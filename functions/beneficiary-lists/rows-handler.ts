/** GET /v1/beneficiary-lists/{listId}/rows?outcome=&limit=&cursor= — the rows, by outcome, a page at a time. */
import { z } from 'zod';
import { ListRowsPage, RowOutcome } from '../../schemas/beneficiary-lists.js';
import { ListId } from '../../schemas/onboarding.js';
import { httpRoute } from '../shared/http.js';
import { type CursorQuery, decodeCursor, encodeCursor } from '../shared/page-cursor.js';
import { readableList } from './access.js';
import { rowPageKeys, rowsPage } from './list-store.js';

export const handler = httpRoute({
  responses: { 200: ListRowsPage },
  params: z.object({ listId: ListId }),
  query: z.object({
    outcome: RowOutcome.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.string().max(2000).optional(),
  }),
  handle: async ({ principal, params, query }) => {
    await readableList(principal, params.listId);
    const cursorQuery: CursorQuery = {
      binding: `list-rows|${params.listId}|${query.outcome ?? ''}`,
      keys: rowPageKeys(query.outcome),
      fixed: {
        listId: params.listId,
        ...(query.outcome ? { listOutcome: `${params.listId}#${query.outcome}` } : {}),
      },
    };
    const page = await rowsPage(params.listId, {
      outcome: query.outcome,
      limit: query.limit,
      startKey: decodeCursor(query.cursor, cursorQuery),
    });
    const nextCursor = encodeCursor(page.next, cursorQuery);
    return {
      status: 200,
      body: {
        rows: page.rows.map((r) => ({
          line: r.line,
          outcome: r.outcome,
          findings: r.findings,
          flags: r.flags,
          ...(r.candidate ? { fullName: r.candidate.fullName, personalId: r.candidate.personalId } : {}),
        })),
        ...(nextCursor ? { nextCursor } : {}),
      },
    };
  },
});
