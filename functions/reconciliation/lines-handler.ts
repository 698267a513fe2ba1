/** GET /v1/statements/{importId}/lines?outcome=&cursor= — the lines behind each outcome, a page at a time. */
import { z } from 'zod';
import { HttpError, httpRoute } from '../shared/http.js';
import { visibleImport } from './access.js';
import { OUTCOME_LABELS, OUTCOMES, SEVERITY } from './outcomes.js';
import { findingsPage } from './reconciliation-store.js';

const encode = (k: Record<string, unknown> | undefined) =>
  k ? Buffer.from(JSON.stringify(k)).toString('base64url') : undefined;

function decode(cursor: string | undefined): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // falls through to the error below
  }
  throw new HttpError(400, 'INVALID_CURSOR', { vi: 'Con trỏ trang không hợp lệ.', en: 'Invalid page cursor.' });
}

export const handler = httpRoute({
  params: z.object({ importId: z.string().regex(/^st-[a-z0-9]{16,64}$/) }),
  query: z.object({
    outcome: z.enum(OUTCOMES).optional(),
    cursor: z.string().max(2000).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(200),
  }),
  handle: async ({ principal, params, query }) => {
    const job = await visibleImport(principal, params.importId);
    const page = await findingsPage(job.jobId, {
      outcome: query.outcome,
      startKey: decode(query.cursor),
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
        nextCursor: encode(page.next),
      },
    };
  },
});
