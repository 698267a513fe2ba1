/** POST /v1/statements/uploads — a presigned URL to PUT a large bank statement straight into storage. */
import { randomUUID } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { objects } from '../shared/aws-clients.js';
import { httpRoute, requireJurisdiction } from '../shared/http.js';
import { resources } from '../shared/resources.js';
import { statementKeys } from './import-job.js';

const EXPIRES_SECONDS = 900;

export const handler = httpRoute({
  handle: async ({ principal }) => {
    const jurisdiction = requireJurisdiction(principal);
    const uploadId = randomUUID();
    const uploadUrl = await getSignedUrl(
      objects(),
      new PutObjectCommand({
        Bucket: resources.bucket('uploads'),
        Key: statementKeys.incoming(jurisdiction, uploadId),
      }),
      { expiresIn: EXPIRES_SECONDS },
    );
    return {
      status: 201,
      body: {
        uploadId,
        uploadUrl,
        method: 'PUT',
        expiresAt: new Date(Date.now() + EXPIRES_SECONDS * 1000).toISOString(),
      },
    };
  },
});
