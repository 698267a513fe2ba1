/** GET /v1/cases/{caseId} — one case with its actions, age and audit trail (officers of its province, auditors). */
import { z } from 'zod';
import { CaseDetail } from '../../schemas/cases.js';
import { httpRoute } from '../shared/http.js';
import { visibleCase } from './access.js';
import { caseAudit } from './case-store.js';
import { caseView } from './case-view.js';

export const handler = httpRoute({
  responses: { 200: CaseDetail },
  params: z.object({ caseId: z.string().regex(/^CSP\d{6}[A-Z2-7]{24}$/) }),
  handle: async ({ principal, params }) => {
    const c = await visibleCase(principal, params.caseId);
    return {
      status: 200,
      body: { ...caseView(c, new Date().toISOString()), audit: await caseAudit(c.caseId) },
    };
  },
});
