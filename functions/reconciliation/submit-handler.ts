/**
 * POST /v1/statements — a bank statement (camt.053, camt.054, MT940, the bank's CSV) or status report
 * (pain.002) to reconcile. The file comes in the body (up to 6 MB) or from a presigned upload
 * (`{ uploadId, fileName }`). The import id comes from the jurisdiction and the file's SHA-256: the same file
 * loaded again returns the first import (flagged `duplicate`), and changes nothing.
 */
import { createHash, randomUUID } from 'node:crypto';
import { HeadObjectCommand, NotFound } from '@aws-sdk/client-s3';
import { STATEMENT_TYPES, SubmitStatementFromUpload, SubmittedStatement } from '../../schemas/statements.js';
import { createJob, listScopeOf, now } from '../jobs/job-store.js';
import { objects } from '../shared/aws-clients.js';
import { fileNameHeader, HttpError, httpRoute, requireJurisdiction } from '../shared/http.js';
import { contentId } from '../shared/ids.js';
import { readObject, writeObject } from '../shared/objects.js';
import { logger } from '../shared/powertools.js';
import { resources } from '../shared/resources.js';
import { dispatchImport, type StatementImportJob, statementKeys } from './import-job.js';
import { toImportView } from './import-view.js';

const MAX_INLINE_BYTES = 6 * 1024 * 1024;

async function fromUpload(jurisdiction: string, body: unknown) {
  const parsed = SubmitStatementFromUpload.safeParse(body);
  if (!parsed.success) {
    throw new HttpError(400, 'INVALID_REQUEST', {
      vi: 'Cần uploadId và fileName, hoặc gửi tệp sao kê trực tiếp.',
      en: 'Send uploadId and fileName, or the statement file itself.',
    });
  }
  const key = statementKeys.incoming(jurisdiction, parsed.data.uploadId);
  let size: number;
  try {
    const head = await objects().send(new HeadObjectCommand({ Bucket: resources.bucket('uploads'), Key: key }));
    size = head.ContentLength ?? 0;
  } catch (err) {
    if (!(err instanceof NotFound)) throw err;
    throw new HttpError(404, 'UPLOAD_NOT_FOUND', {
      vi: 'Không tìm thấy tệp đã tải lên (đường dẫn hết hạn hoặc chưa tải xong).',
      en: 'No uploaded file found (the URL expired or the upload did not finish).',
    });
  }
  const hash = createHash('sha256');
  for await (const chunk of readObject(key)) hash.update(chunk);
  return { key, size, sha256: hash.digest('hex'), fileName: parsed.data.fileName };
}

export const handler = httpRoute({
  responses: { 200: SubmittedStatement, 202: SubmittedStatement },
  bodyFile: STATEMENT_TYPES,
  bodyFromUpload: SubmitStatementFromUpload,
  handle: async ({ principal, rawBody, headers }) => {
    const jurisdiction = requireJurisdiction(principal);
    if (!rawBody?.length) {
      throw new HttpError(400, 'FILE_EMPTY', { vi: 'Không có tệp nào được gửi.', en: 'No file was sent.' });
    }
    let file: { key: string; size: number; sha256: string; fileName: string };
    if (/json/i.test(headers['content-type'] ?? '')) {
      let body: unknown;
      try {
        body = JSON.parse(rawBody.toString('utf8'));
      } catch {
        throw new HttpError(400, 'INVALID_JSON', {
          vi: 'Nội dung không phải JSON hợp lệ.',
          en: 'Body is not valid JSON.',
        });
      }
      file = await fromUpload(jurisdiction, body);
    } else {
      if (rawBody.length > MAX_INLINE_BYTES) {
        throw new HttpError(413, 'FILE_TOO_LARGE', {
          vi: 'Tệp lớn hơn 6 MB. Hãy dùng đường dẫn tải lên (POST /v1/statements/uploads).',
          en: 'The file is larger than 6 MB. Use an upload URL (POST /v1/statements/uploads).',
        });
      }
      const fileName = fileNameHeader(headers, 'sao-ke');
      const key = statementKeys.incoming(jurisdiction, randomUUID());
      await writeObject(key, rawBody, headers['content-type'] ?? 'application/octet-stream');
      file = { key, size: rawBody.length, sha256: createHash('sha256').update(rawBody).digest('hex'), fileName };
    }
    const importId = contentId('st', [jurisdiction, file.sha256]);
    const at = now();
    const { created, record } = await createJob<StatementImportJob>({
      jobId: importId,
      kind: 'statement-import',
      openKind: 'statement-import',
      status: 'RECEIVED',
      jurisdiction,
      ...(principal?.province ? { province: principal.province } : {}),
      listScope: listScopeOf('statement-import', jurisdiction),
      uploadedBy: principal?.subject ?? 'unknown',
      fileName: file.fileName.slice(0, 255),
      objectKey: file.key,
      contentSha256: file.sha256,
      sizeBytes: file.size,
      createdAt: at,
      updatedAt: at,
    });
    // A crash before this send leaves the import undispatched; the redrive sweep sends it.
    if (created || (record.openKind && !record.dispatchedAt)) await dispatchImport(importId);
    logger.info('Statement received', { importId, bytes: file.size, created });
    return {
      status: created ? 202 : 200,
      body: { ...toImportView(record), duplicate: !created },
      headers: { location: `/v1/statements/${importId}` },
    };
  },
});
