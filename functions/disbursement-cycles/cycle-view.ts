import type { CycleRecord } from './cycle-store.js';

export function toCycleView(c: CycleRecord) {
  return {
    cycleId: c.cycleId,
    ...(c.kind ? { kind: c.kind } : {}),
    programme: c.programme,
    period: c.period,
    months: c.months,
    jurisdiction: c.jurisdiction,
    status: c.status,
    createdBy: c.createdBy,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    ...(c.draft
      ? {
          contentHash: c.draft.contentHash,
          ruleVersion: c.draft.ruleVersion,
          totals: c.draft.totals,
          computedAt: c.draft.computedAt,
        }
      : {}),
    ...(c.submittedBy ? { submittedBy: c.submittedBy, submittedHash: c.submittedHash } : {}),
    ...(c.approvedBy ? { approvedBy: c.approvedBy, approvedHash: c.approvedHash, approvedAt: c.approvedAt } : {}),
    ...(c.closing ? { closing: c.closing } : {}),
    ...(c.failure ? { failure: c.failure } : {}),
  };
}
