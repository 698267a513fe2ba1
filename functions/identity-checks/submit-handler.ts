/** POST /v1/identity-checks — accept up to 100 people; the same content returns the same check. */
import { IdentityCheckRequest, IdentityCheckView } from '../../schemas/identity-checks.js';
import { httpRoute, requireJurisdiction } from '../shared/http.js';
import { logger } from '../shared/powertools.js';
import { createCheck } from './check-store.js';
import { dispatchCheck } from './dispatch.js';
import { checkIdFor } from './verify-people.js';
import { toView } from './view.js';

export const handler = httpRoute({
  responses: { 200: IdentityCheckView, 202: IdentityCheckView },
  body: IdentityCheckRequest,
  handle: async ({ principal, body }) => {
    const jurisdiction = requireJurisdiction(principal);
    const jobId = checkIdFor(jurisdiction, body.people);
    const { created, record } = await createCheck({
      jobId,
      jurisdiction,
      submittedBy: principal?.subject ?? '',
      people: body.people,
    });
    // If this send is lost (crash, throttle), the record stays undispatched and the redrive sends it.
    if (created || !record.dispatchedAt) await dispatchCheck(jobId);
    logger.info('Identity check accepted', { checkId: jobId, people: body.people.length, created });
    return { status: created ? 202 : 200, body: toView(record), headers: { location: `/v1/identity-checks/${jobId}` } };
  },
});
