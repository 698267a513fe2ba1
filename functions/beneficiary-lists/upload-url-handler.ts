/** POST /v1/beneficiary-lists/uploads — a presigned URL to PUT a large file straight into storage. */
import { randomUUID } from 'node:crypto';
import { UploadLink } from '../../schemas/files.js';
import { DEFAULT_LIST_LIMITS } from '../codecs/limits.js';
import { httpRoute, requireJurisdiction } from '../shared/http.js';
import { uploadUrl } from '../shared/objects.js';
import { listKeys } from './list-objects.js';

export const handler = httpRoute({
  responses: { 201: UploadLink },
  handle: async ({ principal }) => {
    const jurisdiction = requireJurisdiction(principal);
    const uploadId = randomUUID();
    const link = await uploadUrl(listKeys.incoming(jurisdiction, uploadId));
    return {
      status: 201,
      body: {
        uploadId,
        uploadUrl: link.uploadUrl,
        method: 'PUT',
        maxBytes: DEFAULT_LIST_LIMITS.maxFileBytes,
        expiresAt: link.expiresAt,
      },
    };
  },
});
