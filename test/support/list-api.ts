/** Beneficiary-list API calls shared by the list integration tests (upload, wait, page through rows). */
import type { LocalPlatform } from '../../infra/local/runtime.js';
import { api, eventually } from './platform.js';

export interface ListRow {
  line: number;
  outcome: string;
  findings: { code: string; message: { vi: string; en: string } }[];
  flags: { code: string; message: { vi: string; en: string } }[];
  fullName?: string;
  personalId?: string;
}

/** POST /v1/beneficiary-lists with the file in the body. */
export async function uploadBody(
  platform: LocalPlatform,
  token: string,
  body: string | Uint8Array,
  opts: { fileName?: string; contentType?: string } = {},
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${platform.url}/v1/beneficiary-lists`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': opts.contentType ?? 'text/csv',
      'x-file-name': encodeURIComponent(opts.fileName ?? 'danh-sach.csv'),
    },
    body: body as RequestInit['body'],
  });
  const text = await res.text();
  let parsed: any;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed };
}

/** Polls the list until it is COMPLETED or FAILED. */
export function finishedList(platform: LocalPlatform, token: string, listId: string, timeoutMs = 60_000) {
  return eventually(async () => {
    const got = await api(platform, 'GET', `/v1/beneficiary-lists/${listId}`, { token });
    return ['COMPLETED', 'FAILED'].includes(got.body?.status) ? got.body : undefined;
  }, timeoutMs);
}

/** Every row of a list, by line (optionally of one outcome), paging with `limit`. */
export async function allListRows(
  platform: LocalPlatform,
  token: string,
  listId: string,
  opts: { outcome?: string; limit?: number } = {},
): Promise<{ rows: ListRow[]; pages: number }> {
  const rows: ListRow[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const q = new URLSearchParams({ limit: String(opts.limit ?? 500) });
    if (opts.outcome) q.set('outcome', opts.outcome);
    if (cursor) q.set('cursor', cursor);
    const page = await api(platform, 'GET', `/v1/beneficiary-lists/${listId}/rows?${q}`, { token });
    if (page.status !== 200) throw new Error(`rows page answered ${page.status}`);
    rows.push(...page.body.rows);
    cursor = page.body.nextCursor;
    pages++;
  } while (cursor);
  return { rows, pages };
}
