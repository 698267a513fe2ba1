/**
 * Beneficiary lists: the list record lives in the jobs table (its lifecycle is a job's), each row's
 * verdict in the listRows table keyed by (listId, line), indexed by outcome for paged look-ups.
 * Writing a verdict twice writes the same item: retries of a chunk are harmless.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { RowOutcome, RowVerdict } from '../../schemas/beneficiary-lists.js';
import { createJob, getJob, type JobRecord, listScopeOf, now } from '../jobs/job-store.js';
import { dynamo } from '../shared/aws-clients.js';
import { batchPutItems } from '../shared/dynamo-batch.js';
import { resources } from '../shared/resources.js';

export const LIST_KIND = 'beneficiary-list';
export type ListStatus = 'RECEIVED' | 'PROCESSING' | 'COMPLETED' | 'FAILED';

export interface ListTotals {
  rows: number;
  byOutcome: Partial<Record<RowOutcome, number>>;
  flagged: number;
  accountsOpened: number;
}

export interface ListRecord extends JobRecord {
  kind: typeof LIST_KIND;
  status: ListStatus;
  programme: string;
  jurisdiction: string;
  uploadedBy: string;
  fileName: string;
  objectKey: string;
  contentSha256: string;
  sizeBytes: number;
  totals?: ListTotals;
}

export function createList(
  input: Omit<ListRecord, 'kind' | 'status' | 'openKind' | 'listScope' | 'createdAt' | 'updatedAt'>,
): Promise<{ created: boolean; record: ListRecord }> {
  const at = now();
  return createJob<ListRecord>({
    ...input,
    kind: LIST_KIND,
    listScope: listScopeOf(LIST_KIND, input.jurisdiction),
    status: 'RECEIVED',
    openKind: LIST_KIND,
    createdAt: at,
    updatedAt: at,
  });
}

export const getList = (listId: string) => getJob<ListRecord>(listId);

const rowsTable = () => resources.table('listRows');

export interface RowItem extends RowVerdict {
  listId: string;
  listOutcome: string;
  /**
   * Accepted, then ALREADY_ENROLLED at the opening of accounts (another list enrolled the person meanwhile):
   * a chunk run again counts it among its conflicts, as the run that wrote it did.
   */
  openingConflict?: true;
}

export async function writeVerdicts(
  listId: string,
  verdicts: RowVerdict[],
  mark: Pick<RowItem, 'openingConflict'> = {},
): Promise<void> {
  await batchPutItems(
    rowsTable(),
    verdicts.map((v) => ({ ...v, listId, listOutcome: `${listId}#${v.outcome}`, ...mark }) satisfies RowItem),
  );
}

export interface RowPage {
  rows: RowItem[];
  /** DynamoDB's LastEvaluatedKey: the handler turns it into a cursor (functions/shared/page-cursor.ts). */
  next?: Record<string, unknown>;
}

/** The key attributes a page of rows ends on (the byOutcome index adds its own). */
export const rowPageKeys = (outcome: RowOutcome | undefined) =>
  outcome ? (['listId', 'line', 'listOutcome'] as const) : (['listId', 'line'] as const);

/** A page of rows in line order, all or of one outcome. */
export async function rowsPage(
  listId: string,
  opts: { outcome?: RowOutcome; startKey?: Record<string, unknown>; limit: number },
): Promise<RowPage> {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: rowsTable(),
      ...(opts.outcome
        ? {
            IndexName: 'byOutcome',
            KeyConditionExpression: 'listOutcome = :k',
            ExpressionAttributeValues: { ':k': `${listId}#${opts.outcome}` },
          }
        : { KeyConditionExpression: 'listId = :k', ExpressionAttributeValues: { ':k': listId } }),
      Limit: opts.limit,
      ExclusiveStartKey: opts.startKey,
    }),
  );
  return { rows: (out.Items ?? []) as RowItem[], next: out.LastEvaluatedKey };
}

/** Every row of the list in line order, page by page (result files). */
export async function* allRows(listId: string): AsyncGenerator<RowItem> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await rowsPage(listId, { startKey, limit: 500 });
    yield* page.rows;
    startKey = page.next;
  } while (startKey);
}

/** The rows between two lines (one chunk of the list) the open-accounts step works on: accepted, or its conflicts. */
export async function rowsToOpenBetween(listId: string, first: number, last: number): Promise<RowItem[]> {
  const rows: RowItem[] = [];
  let key: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(
      new QueryCommand({
        TableName: rowsTable(),
        KeyConditionExpression: 'listId = :l AND #line BETWEEN :a AND :b',
        FilterExpression: 'outcome = :accepted OR openingConflict = :yes',
        ExpressionAttributeNames: { '#line': 'line' },
        ExpressionAttributeValues: { ':l': listId, ':a': first, ':b': last, ':accepted': 'ACCEPTED', ':yes': true },
        ExclusiveStartKey: key,
        ConsistentRead: true,
      }),
    );
    rows.push(...((out.Items ?? []) as RowItem[]));
    key = out.LastEvaluatedKey;
  } while (key);
  return rows;
}

/** One row's verdict, by list and line. */
export async function getRow(listId: string, line: number): Promise<RowItem | undefined> {
  const out = await dynamo().send(
    new GetCommand({ TableName: rowsTable(), Key: { listId, line }, ConsistentRead: true }),
  );
  return out.Item as RowItem | undefined;
}
