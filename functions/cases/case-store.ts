/**
 * Cases in DynamoDB, the one owner of the `cases` table. A case is opened with a conditional put keyed by its
 * deterministic id (programme, period, person), so redelivered statuses and retried workers open nothing new.
 * Every change moves the case under an optimistic lock on its version and appends an audit entry in the same
 * transaction.
 *
 * Items (caseId / sk):
 *   <caseId> / CASE                    → the case; `caseScope` (province) + `openedAt` feed the byJurisdiction index
 *   <caseId> / AUDIT#<iso>#<version>   → who did what, before and after
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../shared/aws-clients.js';
import { newestFirst } from '../shared/listing.js';
import type { CursorQuery } from '../shared/page-cursor.js';
import { resources } from '../shared/resources.js';
import {
  type CaseActor,
  type CaseCommand,
  type CaseDecision,
  type CaseRecord,
  decideCaseCommand,
} from './case-model.js';

const table = () => resources.table('cases');

type StoredCase = CaseRecord & { sk: 'CASE'; caseScope: string };

const stored = (c: CaseRecord): StoredCase => ({ ...c, sk: 'CASE', caseScope: c.jurisdiction });

function strip(item: Record<string, unknown> | undefined): CaseRecord | undefined {
  if (!item) return undefined;
  const { sk: _sk, caseScope: _scope, ...rest } = item;
  return rest as unknown as CaseRecord;
}

const auditItem = (c: CaseRecord, action: string, by: string, at: string, before?: Partial<CaseRecord>) => ({
  caseId: c.caseId,
  sk: `AUDIT#${at}#${String(c.version).padStart(6, '0')}`,
  action,
  by,
  at,
  version: c.version,
  after: { state: c.state, paymentId: c.paymentId, ...(c.reissue ? { reissue: c.reissue } : {}) },
  ...(before ? { before } : {}),
});

/** Opens the case once: the first caller creates it (with its audit entry), every later one finds it. */
export async function openCase(c: CaseRecord): Promise<'CREATED' | 'EXISTS'> {
  try {
    await dynamo().send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: table(), Item: stored(c), ConditionExpression: 'attribute_not_exists(caseId)' } },
          { Put: { TableName: table(), Item: auditItem(c, 'OPEN', 'system:payments', c.openedAt) } },
        ],
      }),
    );
    return 'CREATED';
  } catch (err) {
    if (err instanceof TransactionCanceledException && err.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed')
      return 'EXISTS';
    throw err;
  }
}

export async function getCase(caseId: string): Promise<CaseRecord | undefined> {
  const out = await dynamo().send(
    new GetCommand({ TableName: table(), Key: { caseId, sk: 'CASE' }, ConsistentRead: true }),
  );
  return strip(out.Item);
}

export class CaseNotFoundError extends Error {
  override name = 'CaseNotFound';
}

/**
 * Applies a command under the case's version: of two officers acting at once, one wins and the other's command
 * is decided again on what the first did (and usually refused: the state moved).
 */
export async function actOnCase(caseId: string, cmd: CaseCommand, actor: CaseActor, at: string): Promise<CaseDecision> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await getCase(caseId);
    if (!current) throw new CaseNotFoundError(caseId);
    const decision = decideCaseCommand(current, cmd, actor, at);
    if (decision.kind === 'refused') return decision;
    try {
      await dynamo().send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: table(),
                Item: stored(decision.next),
                ConditionExpression: 'version = :v',
                ExpressionAttributeValues: { ':v': current.version },
              },
            },
            {
              Put: {
                TableName: table(),
                Item: auditItem(decision.next, cmd.kind, actor.subject, at, { state: current.state }),
              },
            },
          ],
        }),
      );
      return decision;
    } catch (err) {
      if (!(err instanceof TransactionCanceledException)) throw err;
    }
  }
  throw new Error(`case ${caseId}: too much contention`);
}

export interface CaseAuditEntry {
  action: string;
  by: string;
  at: string;
  version: number;
  before?: Partial<CaseRecord>;
  after: Partial<CaseRecord>;
}

export async function caseAudit(caseId: string): Promise<CaseAuditEntry[]> {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'caseId = :c AND begins_with(sk, :a)',
      ExpressionAttributeValues: { ':c': caseId, ':a': 'AUDIT#' },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []) as CaseAuditEntry[];
}

/** Every case of a province (the byJurisdiction index), oldest first: a supplementary cycle picks its own. */
export async function* casesOfProvince(province: string): AsyncGenerator<CaseRecord> {
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(
      new QueryCommand({
        TableName: table(),
        IndexName: 'byJurisdiction',
        KeyConditionExpression: 'caseScope = :j',
        ExpressionAttributeValues: { ':j': province },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of out.Items ?? []) {
      const c = strip(item);
      if (c) yield c;
    }
    start = out.LastEvaluatedKey;
  } while (start);
}

/**
 * One page of a province's cases (a commune officer's: of their commune), newest (or oldest) opened first (the
 * byJurisdiction index), of one state.
 */
export function casesPage(q: {
  province: string;
  commune?: string | undefined;
  state: CaseRecord['state'] | undefined;
  order: 'newest' | 'oldest';
  limit: number;
  cursor: string | undefined;
}) {
  const cursorQuery: CursorQuery = {
    binding: `cases|${q.province}|${q.commune ?? ''}|${q.state ?? ''}|${q.order}`,
    keys: ['caseId', 'sk', 'caseScope', 'openedAt'],
    fixed: { caseScope: q.province, sk: 'CASE' },
  };
  return newestFirst<CaseRecord & Record<string, unknown>>({
    table: table(),
    index: 'byJurisdiction',
    partition: { name: 'caseScope', value: q.province },
    cursorQuery,
    limit: q.limit,
    cursor: q.cursor,
    equals: { state: q.state, communeCode: q.commune },
    oldestFirst: q.order === 'oldest',
  });
}
