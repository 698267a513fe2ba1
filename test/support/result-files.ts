/** Downloading and reading back result files (CSV and XLSX) in tests. */
import { xlsxRecords } from '../../functions/codecs/xlsx.js';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import { api } from './platform.js';

/** A minimal RFC 4180 parser (quotes, doubled quotes, CRLF), for result files the platform wrote. */
export function parseCsv(text: string, delimiter = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (quoted) {
      if (c === '"') {
        if (s[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === delimiter) {
      row.push(field);
      field = '';
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/**
 * GETs a URL the platform handed out (presigned S3 on `*.localhost`). Node's fetch resolves `*.localhost`
 * through the runtime's DNS interception; should it not, the host is rewritten to 127.0.0.1 with the
 * original Host header (the signature covers the Host header, not the address dialled).
 */
export async function fetchLocal(url: string, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    const u = new URL(url);
    if (!u.hostname.endsWith('localhost')) throw err;
    const host = u.host;
    u.hostname = '127.0.0.1';
    return fetch(u, { ...init, headers: { ...(init.headers as Record<string, string>), host } });
  }
}

/** Asks for the result file and downloads it. */
export async function downloadResult(
  platform: LocalPlatform,
  token: string,
  listId: string,
  format: 'csv' | 'xlsx',
): Promise<{ status: number; body: any; bytes?: Uint8Array }> {
  const res = await api(platform, 'GET', `/v1/beneficiary-lists/${listId}/result?format=${format}`, { token });
  if (res.status !== 200) return res;
  const file = await fetchLocal(res.body.downloadUrl);
  if (file.status !== 200) throw new Error(`download answered ${file.status}`);
  return { ...res, bytes: new Uint8Array(await file.arrayBuffer()) };
}

/** Raw records of the first sheet of an XLSX (header included), cells as stored. */
export async function xlsxRows(bytes: Uint8Array): Promise<string[][]> {
  const rows: string[][] = [];
  for await (const r of xlsxRecords(
    (async function* () {
      yield bytes;
    })(),
  ))
    rows.push(r.cells);
  return rows;
}
