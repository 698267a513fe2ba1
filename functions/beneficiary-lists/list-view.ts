import type { ListRecord } from './list-store.js';

/** What a caller may see of a list (never the object key or the uploader's subject). */
export function toListView(r: ListRecord) {
  return {
    listId: r.jobId,
    status: r.status,
    programme: r.programme,
    jurisdiction: r.jurisdiction,
    fileName: r.fileName,
    sizeBytes: r.sizeBytes,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    ...(r.totals ? { totals: r.totals } : {}),
    ...(r.failure ? { failure: r.failure } : {}),
  };
}
