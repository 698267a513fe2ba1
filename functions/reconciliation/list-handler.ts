/** GET /v1/statements?status=&limit=&cursor= — the jurisdiction's statement imports, newest first. */
import { z } from 'zod';
import { PageQuery, pageOf, StatementListSummary } from '../../schemas/listings.js';
import { jobsOfScope } from '../jobs/job-store.js';
import { httpRoute } from '../shared/http.js';
import { listingJurisdiction } from '../shared/listing.js';
import type { StatementImportJob } from './import-job.js';
import { OUTCOMES } from './outcomes.js';

const StatementPage = pageOf(StatementListSummary);

export const handler = httpRoute({
  responses: { 200: StatementPage },
  query: z.object({ ...PageQuery, status: StatementListSummary.shape.status.optional() }),
  handle: async ({ principal, query }) => {
    const jurisdiction = listingJurisdiction(principal, query.jurisdiction);
    const page = await jobsOfScope<StatementImportJob>({
      route: 'statements',
      kind: 'statement-import',
      jurisdiction,
      limit: query.limit,
      cursor: query.cursor,
      equals: { status: query.status },
    });
    const body = StatementPage.parse({
      jurisdiction,
      items: page.items.map((j) => ({
        importId: j.jobId,
        createdAt: j.createdAt,
        ...(j.finishedAt ? { finishedAt: j.finishedAt } : {}),
        status: j.status,
        fileName: j.fileName,
        ...(j.format ? { format: j.format } : {}),
        mine: !!principal?.subject && j.uploadedBy === principal.subject,
        ...(j.lines !== undefined ? { lines: j.lines } : {}),
        outcomes: OUTCOMES.flatMap((o) => {
          const t = j.totals?.[o];
          return t?.count ? [{ outcome: o, count: t.count, amount: t.amount }] : [];
        }),
      })),
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    });
    return { status: 200, body };
  },
});
