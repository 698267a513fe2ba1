/**
 * GET /v1/cases?state=&order=newest|oldest&limit=&cursor=&jurisdiction= — the cases of the caller's province
 * (labour officers; auditors name the province), newest or oldest first, each with its age.
 */
import { z } from 'zod';
import { CasePage } from '../../schemas/cases.js';
import { PageQuery } from '../../schemas/listings.js';
import { HttpError, httpRoute } from '../shared/http.js';
import { listingJurisdiction, newestFirst } from '../shared/listing.js';
import type { CursorQuery } from '../shared/page-cursor.js';
import { resources } from '../shared/resources.js';
import { CASE_STATES, type CaseRecord } from './case-model.js';
import { caseView } from './case-view.js';

export const handler = httpRoute({
  responses: { 200: CasePage },
  query: z.object({
    ...PageQuery,
    state: z.enum(CASE_STATES).optional(),
    order: z.enum(['newest', 'oldest']).default('newest'),
  }),
  handle: async ({ principal, query }) => {
    const jurisdiction = listingJurisdiction(principal, query.jurisdiction).slice(0, 2);
    if (!/^\d{2}$/.test(jurisdiction)) {
      throw new HttpError(400, 'JURISDICTION_REQUIRED', {
        vi: 'Hãy chọn tỉnh (mã 2 chữ số).',
        en: 'Choose a province (2-digit code).',
      });
    }
    const cursorQuery: CursorQuery = {
      binding: `cases|${jurisdiction}|${query.state ?? ''}|${query.order}`,
      keys: ['caseId', 'sk', 'caseScope', 'openedAt'],
      fixed: { caseScope: jurisdiction, sk: 'CASE' },
    };
    const page = await newestFirst<CaseRecord & Record<string, unknown>>({
      table: resources.table('cases'),
      index: 'byJurisdiction',
      partition: { name: 'caseScope', value: jurisdiction },
      cursorQuery,
      limit: query.limit,
      cursor: query.cursor,
      equals: { state: query.state },
      oldestFirst: query.order === 'oldest',
    });
    const now = new Date().toISOString();
    return {
      status: 200,
      body: {
        jurisdiction,
        items: page.items.map((c) => caseView(c, now)),
        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      },
    };
  },
});
