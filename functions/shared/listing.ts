/**
 * "My lists / my cycles / my statements": the records of one jurisdiction, newest first, a page at a time,
 * from a sparse index keyed by jurisdiction and creation time. Shared by the three list routes.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Principal } from '../../schemas/roles.js';
import { dynamo } from './aws-clients.js';
import { HttpError, requireJurisdiction } from './http.js';
import { type CursorQuery, decodeCursor, encodeCursor } from './page-cursor.js';

/**
 * Whose records a caller may list. Officers: their own jurisdiction only (asking for another is 403).
 * Auditors read every jurisdiction (as on every read route) but list one at a time: the one they ask for,
 * else their own, else they must choose. (One index per table, keyed by jurisdiction: CloudFormation adds
 * one index per table per deployment, and a national newest-first feed would need a second one.)
 */
export function listingJurisdiction(principal: Principal | null, requested: string | undefined): string {
  if (principal?.roles.includes('auditor')) {
    const jurisdiction = requested ?? principal.jurisdiction;
    if (!jurisdiction) {
      throw new HttpError(400, 'JURISDICTION_REQUIRED', {
        vi: 'Hãy chọn địa bàn (mã tỉnh 2 chữ số hoặc mã xã 5 chữ số) để xem danh sách.',
        en: 'Choose a jurisdiction (2-digit province or 5-digit commune code) to list.',
      });
    }
    return jurisdiction;
  }
  const own = requireJurisdiction(principal);
  if (requested !== undefined && requested !== own) {
    throw new HttpError(403, 'OTHER_JURISDICTION', {
      vi: 'Bạn chỉ xem được dữ liệu của địa bàn mình quản lý.',
      en: 'You can only see the records of your own jurisdiction.',
    });
  }
  return own;
}

export interface NewestFirstQuery {
  table: string;
  index: string;
  partition: { name: string; value: string };
  /** What the page cursor is bound to, and its key attributes (table and index key: where a page ends). */
  cursorQuery: CursorQuery;
  /** The client's cursor, if any: a bad or foreign one is a 400. */
  cursor: string | undefined;
  limit: number;
  /** Equality filters on projected attributes; undefined values are ignored. */
  equals?: Record<string, string | number | undefined>;
  /** Oldest first instead (a case inbox worked from its oldest case). */
  oldestFirst?: boolean;
}

/** Queries an index read per call at most when filtering, so a rare match cannot keep one request busy. */
const MAX_READS = 8;
const FILTERED_READ = 200;

/**
 * Up to `limit` items, newest first, and the cursor to continue from. With filters DynamoDB applies `Limit`
 * before the filter, so the page is filled over several reads and, when a read brings more matches than
 * fit, it ends on the last item returned (its key is the next start). A page may hold fewer items than
 * `limit` with a continuation key when matches are rare; clients follow the cursor until there is none.
 */
export async function newestFirst<T extends Record<string, unknown>>(
  q: NewestFirstQuery,
): Promise<{ items: T[]; nextCursor?: string }> {
  const filters = Object.entries(q.equals ?? {}).filter(([, v]) => v !== undefined);
  const names: Record<string, string> = { '#p': q.partition.name };
  const values: Record<string, unknown> = { ':p': q.partition.value };
  filters.forEach(([name, value], i) => {
    names[`#f${i}`] = name;
    values[`:f${i}`] = value;
  });
  const items: T[] = [];
  let startKey = decodeCursor(q.cursor, q.cursorQuery);
  const page = (next: Record<string, unknown> | undefined) => {
    const nextCursor = encodeCursor(next, q.cursorQuery);
    return nextCursor ? { items, nextCursor } : { items };
  };
  for (let read = 0; read < MAX_READS; read++) {
    const out = await dynamo().send(
      new QueryCommand({
        TableName: q.table,
        IndexName: q.index,
        KeyConditionExpression: '#p = :p',
        ...(filters.length ? { FilterExpression: filters.map((_, i) => `#f${i} = :f${i}`).join(' AND ') } : {}),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ScanIndexForward: q.oldestFirst === true,
        Limit: filters.length ? FILTERED_READ : q.limit - items.length,
        ExclusiveStartKey: startKey,
      }),
    );
    const found = (out.Items ?? []) as T[];
    const room = q.limit - items.length;
    if (found.length > room) {
      items.push(...found.slice(0, room));
      const last = items[items.length - 1] as T;
      return page(Object.fromEntries(q.cursorQuery.keys.map((k) => [k, last[k]])));
    }
    items.push(...found);
    startKey = out.LastEvaluatedKey;
    if (!startKey || items.length === q.limit) break;
  }
  return page(startKey);
}
