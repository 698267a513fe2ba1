/** GET /v1/disbursement-cycles?period=&programme=&status=&limit=&cursor= — the jurisdiction's cycles, newest first. */
import { z } from 'zod';
import { CycleSummary, PageQuery, pageOf } from '../../schemas/listings.js';
import { httpRoute } from '../shared/http.js';
import { listingJurisdiction } from '../shared/listing.js';
import { cyclesPage } from './cycle-store.js';

const CyclePage = pageOf(CycleSummary);

export const handler = httpRoute({
  responses: { 200: CyclePage },
  query: z.object({
    ...PageQuery,
    period: CycleSummary.shape.period.optional(),
    programme: z
      .string()
      .regex(/^[A-Z0-9_]{1,64}$/)
      .optional(),
    status: CycleSummary.shape.status.optional(),
  }),
  handle: async ({ principal, query }) => {
    const jurisdiction = listingJurisdiction(principal, query.jurisdiction);
    const page = await cyclesPage({
      jurisdiction,
      period: query.period,
      programme: query.programme,
      status: query.status,
      limit: query.limit,
      cursor: query.cursor,
    });
    const body = CyclePage.parse({
      jurisdiction,
      items: page.items.map((c) => ({
        cycleId: c.cycleId,
        createdAt: c.createdAt,
        updatedAt: c.updatedAt,
        status: c.status,
        programme: c.programme,
        period: c.period,
        createdBy: c.createdBy,
        ...(c.payees !== undefined ? { payees: c.payees, amount: c.amount } : {}),
      })),
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    });
    return { status: 200, body };
  },
});
