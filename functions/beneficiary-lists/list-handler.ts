/** GET /v1/beneficiary-lists?status=&mine=true&limit=&cursor= — the jurisdiction's lists, newest first. */
import { z } from 'zod';
import { ListSummary, PageQuery, pageOf } from '../../schemas/listings.js';
import { jobsOfScope } from '../jobs/job-store.js';
import { httpRoute } from '../shared/http.js';
import { listingJurisdiction } from '../shared/listing.js';
import { LIST_KIND, type ListRecord } from './list-store.js';

const ListPage = pageOf(ListSummary);

export const handler = httpRoute({
  responses: { 200: ListPage },
  query: z.object({
    ...PageQuery,
    status: ListSummary.shape.status.optional(),
    /** Only the lists the caller uploaded. */
    mine: z.enum(['true', 'false']).optional(),
  }),
  handle: async ({ principal, query }) => {
    const jurisdiction = listingJurisdiction(principal, query.jurisdiction);
    const uploadedBy = query.mine === 'true' ? principal?.subject : undefined;
    const page = await jobsOfScope<ListRecord>({
      route: 'lists',
      kind: LIST_KIND,
      jurisdiction,
      limit: query.limit,
      cursor: query.cursor,
      equals: { status: query.status, uploadedBy },
    });
    const body = ListPage.parse({
      jurisdiction,
      items: page.items.map((r) => ({
        listId: r.jobId,
        createdAt: r.createdAt,
        status: r.status,
        programme: r.programme,
        fileName: r.fileName,
        mine: !!principal?.subject && r.uploadedBy === principal.subject,
        ...(r.totals
          ? { rows: r.totals.rows, byOutcome: r.totals.byOutcome, accountsOpened: r.totals.accountsOpened }
          : {}),
      })),
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    });
    return { status: 200, body };
  },
});
