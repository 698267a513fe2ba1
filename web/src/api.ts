/** Calls to the ansinh HTTP API (same origin: `/v1/...`), with the signed-in user's token. */
import { currentLang, L } from './i18n.js';
import { currentSession } from './session.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly body: unknown,
    message: string,
  ) {
    super(message);
  }
}

function errorFrom(status: number, body: unknown): ApiError {
  const e = (body as { error?: { code?: string; message?: { vi: string; en: string } } } | undefined)?.error;
  const fallback =
    status === 401
      ? { vi: 'Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại.', en: 'Your session has expired. Please sign in again.' }
      : status === 403
        ? { vi: 'Bạn không có quyền thực hiện việc này.', en: 'You are not allowed to do this.' }
        : status === 404
          ? { vi: 'Không tìm thấy.', en: 'Not found.' }
          : { vi: `Lỗi máy chủ (${status}).`, en: `Server error (${status}).` };
  const msg = e?.message ?? fallback;
  return new ApiError(status, e?.code ?? `HTTP_${status}`, body, msg[currentLang()]);
}

function authHeaders(): Record<string, string> {
  const s = currentSession();
  return s ? { authorization: `Bearer ${s.token}` } : {};
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: { ...authHeaders(), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  if (!res.ok) throw errorFrom(res.status, parsed);
  return parsed as T;
}

const MIME: Record<string, string> = {
  csv: 'text/csv',
  txt: 'text/plain',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  xml: 'application/xml',
  sta: 'text/plain',
  mt940: 'text/plain',
};

export const mimeOf = (file: File) =>
  file.type || MIME[file.name.split('.').pop()?.toLowerCase() ?? ''] || 'application/octet-stream';

/**
 * Sends a file the way files of any size can go on AWS (API Gateway and Lambda refuse bodies over a few MB):
 * ask the API for an upload link (`<path>/uploads`), PUT the file straight into storage with a progress bar,
 * then register it (`POST <path>` with the upload id). Storage allows the PUT from the console's origin only.
 */
export async function uploadFile<T>(path: string, file: File, onProgress: (fraction: number) => void): Promise<T> {
  const link = await api<{ uploadId: string; uploadUrl: string; maxBytes?: number }>('POST', `${path}/uploads`);
  if (link.maxBytes && file.size > link.maxBytes) {
    const mb = Math.round(link.maxBytes / 1048576);
    throw new ApiError(
      413,
      'FILE_TOO_LARGE',
      undefined,
      L(`Tệp lớn hơn ${mb} MB.`, `The file is larger than ${mb} MB.`),
    );
  }
  await putToStorage(link.uploadUrl, file, onProgress);
  return api<T>('POST', path, { uploadId: link.uploadId, fileName: file.name });
}

/** XMLHttpRequest, because fetch reports no upload progress. */
function putToStorage(url: string, file: File, onProgress: (fraction: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    xhr.setRequestHeader('content-type', mimeOf(file));
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve();
      } else {
        // S3 answers in XML: an expired link is the one a user can act on.
        const expired = /expired/i.test(xhr.responseText);
        reject(
          new ApiError(
            xhr.status,
            expired ? 'UPLOAD_LINK_EXPIRED' : 'UPLOAD_FAILED',
            xhr.responseText,
            expired
              ? L('Đường dẫn tải lên đã hết hạn. Hãy tải lại.', 'The upload link expired. Please upload again.')
              : L(
                  `Không tải được tệp lên (HTTP ${xhr.status}).`,
                  `The file could not be uploaded (HTTP ${xhr.status}).`,
                ),
          ),
        );
      }
    };
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK', undefined, L('Lỗi mạng', 'Network error')));
    xhr.send(file);
  });
}

/** Fetches a file the API serves directly (e.g. the template) and saves it. */
export async function downloadFrom(path: string, fallbackName: string): Promise<void> {
  const res = await fetch(path, { headers: authHeaders() });
  if (!res.ok) throw errorFrom(res.status, await res.json().catch(() => undefined));
  const name = /filename\*?=(?:UTF-8'')?"?([^";]+)/i.exec(res.headers.get('content-disposition') ?? '')?.[1];
  saveBlob(await res.blob(), name ? decodeURIComponent(name) : fallbackName);
}

export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Follows a time-limited download link the API returned (result files, reports). */
export function openDownload(url: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}
