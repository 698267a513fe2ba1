/** GET /v1/identity-checks/{checkId} — officers see their own jurisdiction's checks, auditors all. */
import { z } from 'zod';
import { CheckId, IdentityCheckView } from '../../schemas/identity-checks.js';
import { httpRoute, notFound } from '../shared/http.js';
import { getCheck } from './check-store.js';
import { toView } from './view.js';

export const handler = httpRoute({
  responses: { 200: IdentityCheckView },
  params: z.object({ checkId: CheckId }),
  handle: async ({ principal, params }) => {
    const record = await getCheck(params.checkId);
    const mayRead = principal?.roles.includes('auditor') || record?.jurisdiction === principal?.jurisdiction;
    // Another jurisdiction's check answers exactly like a missing one: existence is not disclosed.
    if (!record || !mayRead) throw notFound();
    return { status: 200, body: toView(record) };
  },
});
