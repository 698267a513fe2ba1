/** Streaming access to objects in the uploads bucket: nothing is ever buffered whole. */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { objects } from './aws-clients.js';
import { resources } from './resources.js';

const bucket = () => resources.bucket('uploads');

/** The object's bytes as a stream: nothing is buffered whole. */
export async function* readObject(key: string): AsyncGenerator<Uint8Array> {
  const out = await objects().send(new GetObjectCommand({ Bucket: bucket(), Key: key }));
  if (!out.Body) return;
  for await (const chunk of out.Body as AsyncIterable<Uint8Array>) yield chunk;
}

export async function writeObject(key: string, body: Uint8Array | string, contentType: string): Promise<void> {
  await objects().send(
    // No SSE parameter: the bucket's default encryption is the platform's customer-managed key.
    new PutObjectCommand({ Bucket: bucket(), Key: key, Body: body, ContentType: contentType }),
  );
}

/** JSON lines of a chunk object, parsed one by one. */
export async function* readJsonLines<T>(key: string): AsyncGenerator<T> {
  const decoder = new TextDecoder();
  let rest = '';
  for await (const bytes of readObject(key)) {
    rest += decoder.decode(bytes, { stream: true });
    let nl = rest.indexOf('\n');
    while (nl >= 0) {
      const line = rest.slice(0, nl);
      rest = rest.slice(nl + 1);
      if (line) yield JSON.parse(line) as T;
      nl = rest.indexOf('\n');
    }
  }
  rest += decoder.decode();
  if (rest.trim()) yield JSON.parse(rest) as T;
}

const PART_BYTES = 8 * 1024 * 1024;

/** Streams bytes into an object with a multipart upload: memory holds one 8 MB part, whatever the size. */
export async function writeObjectStream(
  key: string,
  body: AsyncIterable<Uint8Array>,
  contentType: string,
): Promise<number> {
  const s3 = objects();
  const { UploadId } = await s3.send(
    new CreateMultipartUploadCommand({ Bucket: bucket(), Key: key, ContentType: contentType }),
  );
  const parts: { ETag?: string; PartNumber: number }[] = [];
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let total = 0;
  const sendPart = async () => {
    const PartNumber = parts.length + 1;
    const out = await s3.send(
      new UploadPartCommand({ Bucket: bucket(), Key: key, UploadId, PartNumber, Body: Buffer.concat(pending) }),
    );
    parts.push({ ETag: out.ETag, PartNumber });
    pending = [];
    pendingBytes = 0;
  };
  try {
    for await (const chunk of body) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      total += chunk.length;
      if (pendingBytes >= PART_BYTES) await sendPart();
    }
    if (pendingBytes || !parts.length) await sendPart();
    await s3.send(
      new CompleteMultipartUploadCommand({ Bucket: bucket(), Key: key, UploadId, MultipartUpload: { Parts: parts } }),
    );
    return total;
  } catch (err) {
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket(), Key: key, UploadId })).catch(() => undefined);
    throw err;
  }
}

/** A time-limited download link. */
export function downloadUrl(key: string, fileName: string, expiresIn = 900): Promise<string> {
  return getSignedUrl(
    objects(),
    new GetObjectCommand({
      Bucket: bucket(),
      Key: key,
      ResponseContentDisposition: `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`,
    }),
    { expiresIn },
  );
}

/** A time-limited link to PUT one file straight into storage (large uploads bypass the API's size limit). */
export async function uploadUrl(key: string, expiresIn = 900): Promise<{ uploadUrl: string; expiresAt: string }> {
  return {
    uploadUrl: await getSignedUrl(objects(), new PutObjectCommand({ Bucket: bucket(), Key: key }), { expiresIn }),
    expiresAt: new Date(Date.now() + expiresIn * 1000).toISOString(),
  };
}
