/** POST /v1/statements/uploads — a presigned URL to PUT a large bank statement straight into storage. */
import { randomUUID } from 'node:crypto';
import { UploadLink } from '../../schemas/files.js';
import { httpRoute, requireJurisdiction } from '../shared/http.js';
import { uploadUrl } from '../shared/objects.js';
import { statementKeys } from './import-job.js';

export const handler = httpRoute({
  responses: { 201: UploadLink },
  handle: async ({ principal }) => {
    const jurisdiction = requireJurisdiction(principal);
    const uploadId = randomUUID();
    const link = await uploadUrl(statementKeys.incoming(jurisdiction, uploadId));
    return { status: 201, body: { uploadId, uploadUrl: link.uploadUrl, method: 'PUT', expiresAt: link.expiresAt } };
  },
});
