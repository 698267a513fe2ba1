/** Calls to the ansinh HTTP API (same origin: `/v1/...`), with the signed-in user's token. */
import { currentLang } from './i18n.js';
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

export async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
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

/** POSTs a file as the request body, reporting upload progress (fetch cannot). */
export function uploadFile<T = any>(path: string, file: File, onProgress: (fraction: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    for (const [k, v] of Object.entries(authHeaders())) xhr.setRequestHeader(k, v);
    xhr.setRequestHeader('content-type', mimeOf(file));
    xhr.setRequestHeader('x-file-name', encodeURIComponent(file.name));
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = xhr.responseText;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve(body as T);
      } else reject(errorFrom(xhr.status, body));
    };
    xhr.onerror = () =>
      reject(new ApiError(0, 'NETWORK', undefined, currentLang() === 'en' ? 'Network error' : 'Lỗi mạng'));
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
