/**
 * POST /v1/beneficiary-lists — registers a list and starts its onboarding run. The file comes either in the
 * body (CSV or XLSX up to 6 MB) or, for larger files, from an earlier presigned upload (`{ uploadId }`).
 * The list id is derived from jurisdiction, programme and the file's SHA-256: the same file uploaded again
 * returns the first list instead of creating a second.
 */
import { createHash, randomUUID } from 'node:crypto';
import { HeadObjectCommand, NotFound } from '@aws-sdk/client-s3';
import { SubmitListFromUpload, SubmittedList } from '../../schemas/beneficiary-lists.js';
import { SPREADSHEET_TYPES } from '../../schemas/files.js';
import { DEFAULT_LIST_LIMITS } from '../codecs/limits.js';
import { objects } from '../shared/aws-clients.js';
import { fileNameHeader, HttpError, httpRoute, requireJurisdiction } from '../shared/http.js';
import { contentId } from '../shared/ids.js';
import { readObject, writeObject } from '../shared/objects.js';
import { logger } from '../shared/powertools.js';
import { resources } from '../shared/resources.js';
import { listKeys } from './list-objects.js';
import { createList } from './list-store.js';
import { toListView } from './list-view.js';
import { startOnboarding } from './start-onboarding.js';

const MAX_INLINE_BYTES = 6 * 1024 * 1024;
const DEFAULT_PROGRAMME = 'TCXH_HANG_THANG';

const tooLarge = (max: number) =>
  new HttpError(413, 'FILE_TOO_LARGE', {
    vi: `Tệp lớn hơn ${Math.round(max / 1048576)} MB. Hãy dùng đường dẫn tải lên (POST /v1/beneficiary-lists/uploads).`,
    en: `The file is larger than ${Math.round(max / 1048576)} MB. Use an upload URL (POST /v1/beneficiary-lists/uploads).`,
  });

async function fromUpload(jurisdiction: string, body: unknown) {
  const parsed = SubmitListFromUpload.safeParse(body);
  if (!parsed.success) {
    throw new HttpError(400, 'INVALID_REQUEST', {
      vi: 'Cần uploadId và fileName, hoặc gửi tệp CSV/XLSX trực tiếp.',
      en: 'Send uploadId and fileName, or the CSV/XLSX file itself.',
    });
  }
  const key = listKeys.incoming(jurisdiction, parsed.data.uploadId);
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
  if (size > DEFAULT_LIST_LIMITS.maxFileBytes) throw tooLarge(DEFAULT_LIST_LIMITS.maxFileBytes);
  const hash = createHash('sha256');
  for await (const chunk of readObject(key)) hash.update(chunk);
  return { key, size, sha256: hash.digest('hex'), fileName: parsed.data.fileName, programme: parsed.data.programme };
}

async function fromBody(jurisdiction: string, raw: Buffer, headers: Record<string, string | undefined>) {
  if (raw.length > MAX_INLINE_BYTES) throw tooLarge(MAX_INLINE_BYTES);
  const fileName = fileNameHeader(headers, 'danh-sach');
  const key = listKeys.incoming(jurisdiction, randomUUID());
  await writeObject(key, raw, headers['content-type'] ?? 'application/octet-stream');
  return {
    key,
    size: raw.length,
    sha256: createHash('sha256').update(raw).digest('hex'),
    fileName,
    programme: DEFAULT_PROGRAMME,
  };
}

export const handler = httpRoute({
  responses: { 200: SubmittedList, 202: SubmittedList },
  bodyFile: SPREADSHEET_TYPES,
  bodyFromUpload: SubmitListFromUpload,
  handle: async ({ principal, rawBody, headers }) => {
    const jurisdiction = requireJurisdiction(principal);
    if (!rawBody?.length) {
      throw new HttpError(400, 'FILE_EMPTY', { vi: 'Không có tệp nào được gửi.', en: 'No file was sent.' });
    }
    const isJson = /json/i.test(headers['content-type'] ?? '');
    let body: unknown;
    if (isJson) {
      try {
        body = JSON.parse(rawBody.toString('utf8'));
      } catch {
        throw new HttpError(400, 'INVALID_JSON', {
          vi: 'Nội dung không phải JSON hợp lệ.',
          en: 'Body is not valid JSON.',
        });
      }
    }
    const file = isJson ? await fromUpload(jurisdiction, body) : await fromBody(jurisdiction, rawBody, headers);
    const listId = contentId('bl', [jurisdiction, file.programme, file.sha256]);
    const { created, record } = await createList({
      jobId: listId,
      programme: file.programme,
      jurisdiction,
      uploadedBy: principal?.subject ?? 'unknown',
      fileName: file.fileName.slice(0, 255),
      objectKey: file.key,
      contentSha256: file.sha256,
      sizeBytes: file.size,
    });
    // A crash before this start leaves the list undispatched; the redrive sweep starts it.
    if (created || (record.openKind && !record.dispatchedAt)) await startOnboarding(listId);
    logger.info('Beneficiary list received', { listId, bytes: file.size, created });
    return {
      status: created ? 202 : 200,
      body: { ...toListView(record), duplicate: !created },
      headers: { location: `/v1/beneficiary-lists/${listId}` },
    };
  },
});
