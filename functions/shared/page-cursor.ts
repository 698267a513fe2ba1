/**
 * Page cursors, the one way every paged route writes and reads them. A cursor is opaque to clients:
 * base64url JSON of DynamoDB's LastEvaluatedKey plus a fingerprint of the query it belongs to. Reading one
 * checks everything a client could change — the encoding, the fingerprint (a cursor of another query or
 * filter is refused), the key's attribute names and types, and the attributes that pin the query (the
 * partition a caller may read) — so a bad or forged cursor is a 400, never a 500 and never another
 * jurisdiction's page.
 */
import { createHash } from 'node:crypto';
import { HttpError } from './http.js';

type KeyValue = string | number;
export type PageKey = Record<string, KeyValue>;

export interface CursorQuery {
  /** What identifies the query: route, scope and filters, e.g. `lists|79|status=COMPLETED`. */
  binding: string;
  /** Attribute names of the key DynamoDB returns for this query (table key plus index key, if any). */
  keys: readonly string[];
  /** Attributes whose value is fixed by the query (its partition): a cursor with another value is refused. */
  fixed?: Readonly<Record<string, KeyValue>>;
  /** Attributes that must start with a prefix (a `begins_with` condition). */
  prefixes?: Readonly<Record<string, string>>;
}

export const invalidCursor = () =>
  new HttpError(400, 'INVALID_CURSOR', {
    vi: 'Con trỏ trang không hợp lệ hoặc thuộc một truy vấn khác; hãy tải lại từ trang đầu.',
    en: 'Invalid page cursor, or one from another query; start again from the first page.',
  });

const fingerprint = (binding: string) => createHash('sha256').update(binding).digest('base64url').slice(0, 16);

/** The cursor of the next page, or undefined when this was the last one. */
export function encodeCursor(key: Record<string, unknown> | undefined, query: CursorQuery): string | undefined {
  if (!key) return undefined;
  const k = Object.fromEntries(query.keys.map((name) => [name, key[name]]));
  if (!isPageKey(k, query)) throw new Error(`LastEvaluatedKey does not have the attributes ${query.keys.join(', ')}`);
  return Buffer.from(JSON.stringify({ q: fingerprint(query.binding), k }), 'utf8').toString('base64url');
}

/** The ExclusiveStartKey a cursor stands for; undefined for the first page; 400 if it is not one of ours. */
export function decodeCursor(cursor: string | undefined, query: CursorQuery): PageKey | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  if (cursor.length > 2000 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalidCursor();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalidCursor();
  const { q, k } = parsed as { q?: unknown; k?: unknown };
  if (q !== fingerprint(query.binding) || !isPageKey(k, query)) throw invalidCursor();
  return k;
}

function isPageKey(k: unknown, query: CursorQuery): k is PageKey {
  if (!k || typeof k !== 'object' || Array.isArray(k)) return false;
  const entries = Object.entries(k as Record<string, unknown>);
  if (entries.length !== query.keys.length || !query.keys.every((name) => Object.hasOwn(k, name))) return false;
  for (const [name, value] of entries) {
    const ok = (typeof value === 'string' && value.length > 0 && value.length <= 1024) || Number.isSafeInteger(value);
    if (!ok) return false;
    if (query.fixed && Object.hasOwn(query.fixed, name) && query.fixed[name] !== value) return false;
    const prefix = query.prefixes?.[name];
    if (prefix !== undefined && !(typeof value === 'string' && value.startsWith(prefix))) return false;
  }
  return true;
}
