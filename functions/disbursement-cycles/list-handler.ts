/** GET /v1/disbursement-cycles?period=&programme=&status=&limit=&cursor= — the jurisdiction's cycles, newest first. */
import { z } from 'zod';
import { CycleSummary, PageQuery, pageOf } from '../../schemas/listings.js';
import { httpRoute } from '../shared/http.js';
import { listingJurisdiction, newestFirst } from '../shared/listing.js';
import type { CursorQuery } from '../shared/page-cursor.js';
import { resources } from '../shared/resources.js';
import type { CycleRecord } from './cycle-store.js';

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
    const cursorQuery: CursorQuery = {
      binding: `cycles|${jurisdiction}|${query.period ?? ''}|${query.programme ?? ''}|${query.status ?? ''}`,
      keys: ['pk', 'sk', 'jurisdiction', 'createdAt'],
      fixed: { jurisdiction, sk: 'META' },
      prefixes: { pk: 'CYCLE#' },
    };
    const page = await newestFirst<CycleRecord & Record<string, unknown>>({
      table: resources.table('cycles'),
      index: 'byJurisdiction',
      partition: { name: 'jurisdiction', value: jurisdiction },
      cursorQuery,
      limit: query.limit,
      cursor: query.cursor,
      equals: { period: query.period, programme: query.programme, status: query.status },
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
