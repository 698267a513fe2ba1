/**
 * GET /v1/cases?state=&order=newest|oldest&limit=&cursor=&jurisdiction= — the cases of the caller's province
 * (labour officers; a commune officer's commune only; auditors name the province), newest or oldest first,
 * each with its age.
 */
import { z } from 'zod';
import { CasePage } from '../../schemas/cases.js';
import { PageQuery } from '../../schemas/listings.js';
import { HttpError, httpRoute } from '../shared/http.js';
import { listingJurisdiction } from '../shared/listing.js';
import { officerCaseScope } from './access.js';
import { CASE_STATES } from './case-model.js';
import { casesPage } from './case-store.js';
import { caseView } from './case-view.js';

export const handler = httpRoute({
  responses: { 200: CasePage },
  query: z.object({
    ...PageQuery,
    state: z.enum(CASE_STATES).optional(),
    order: z.enum(['newest', 'oldest']).default('newest'),
  }),
  handle: async ({ principal, query }) => {
    // Officers: their own jurisdiction only (another is 403); auditors name a province.
    const requested = listingJurisdiction(principal, query.jurisdiction);
    const auditor = principal?.roles.includes('auditor') === true;
    const scope = auditor ? { province: requested } : officerCaseScope(principal);
    const jurisdiction = scope?.province ?? '';
    const commune = scope && 'commune' in scope ? scope.commune : undefined;
    if (!/^\d{2}$/.test(jurisdiction)) {
      throw new HttpError(400, 'JURISDICTION_REQUIRED', {
        vi: 'Hãy chọn tỉnh (mã 2 chữ số).',
        en: 'Choose a province (2-digit code).',
      });
    }
    const page = await casesPage({
      province: jurisdiction,
      commune,
      state: query.state,
      order: query.order,
      limit: query.limit,
      cursor: query.cursor,
    });
    const now = new Date().toISOString();
    return {
      status: 200,
      body: {
        jurisdiction,
        ...(commune ? { commune } : {}),
        items: page.items.map((c) => caseView(c, now)),
        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      },
    };
  },
});
