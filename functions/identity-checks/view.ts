import type { IdentityCheckView } from '../../schemas/identity-checks.js';
import type { CheckRecord } from './check-store.js';

/** Only the fields a caller may see (never `submittedBy` or the internal outbox attributes). */
export function toView(r: CheckRecord): IdentityCheckView {
  return {
    checkId: r.jobId,
    status: r.status,
    jurisdiction: r.jurisdiction,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    ...(r.summary ? { summary: r.summary } : {}),
    ...(r.results ? { results: r.results } : {}),
    ...(r.failure ? { failure: r.failure } : {}),
  };
}
