/**
 * Disbursement cycles: one per programme + period + jurisdiction. Every transition is a conditional write on
 * the cycle's status and content hash, in one transaction with its audit entry, so two approvers at once
 * resolve to exactly one approval, an edited draft voids any approval, and the trail cannot miss a step.
 *
 * Items (pk / sk): CYCLE#<cycleId> / META · CYCLE#<cycleId> / AUDIT#<time>#<n> ·
 *                  BUDGET#<programme>#<jurisdiction>#<year> / META (remaining VND, decremented on approval)
 * plus, in the jobs table, the cycle's open record (jobId = cycleId, openKind `disbursement-cycle`), written in
 * the same transaction as the cycle: the recovery sweep (recover-handler.ts) finds every cycle still needing a
 * run through the jobs' sparse openJobs index.
 */
import { randomBytes } from 'node:crypto';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { RoleId } from '../../schemas/roles.js';
import type { CycleTotals } from '../entitlements/cycle-totals.js';
import { openCyclePut } from '../jobs/job-store.js';
import { dynamo } from '../shared/aws-clients.js';
import { batchGetItems, type TransactPart } from '../shared/dynamo-batch.js';
import { newestFirst } from '../shared/listing.js';
import type { CursorQuery } from '../shared/page-cursor.js';
import { resources } from '../shared/resources.js';
import type { HeldTotals } from './registry-check.js';

const table = () => resources.table('cycles');

export type CycleStatus =
  | 'COMPUTING'
  | 'DRAFT'
  | 'SUBMITTED'
  | 'APPROVED'
  | 'DISPATCHING'
  | 'COLLECTING'
  | 'CLOSED'
  | 'FAILED';

export interface MoneyCount {
  count: number;
  amount: number;
}

export interface CycleDraft {
  contentHash: string;
  ruleVersion: string;
  /** `held`: payees not paid because of the population registry (absent from drafts computed before it). */
  totals: CycleTotals & { held?: HeldTotals };
  /** Where the draft's payment instructions are (JSON lines in S3), in chunks. */
  chunks: { index: number; key: string; count: number; amount: number }[];
  computedAt: string;
  /**
   * Its payments' maintained totals (the ledger's and the booked) sit in the cycle's own shards
   * (shared/cycle-totals-keys.ts). Absent: a draft computed before, whose totals may also be per commune.
   */
  totalsInCycleShards?: true;
}

/** The communes whose per-commune totals items a cycle's readers must also read: none for a draft of now. */
export const legacyTotalsCommunes = (cycle: Pick<CycleRecord, 'draft'>): string[] =>
  cycle.draft?.totalsInCycleShards ? [] : (cycle.draft?.totals.byCommune ?? []).map((r) => r.key);

export interface CycleRecord {
  pk: string;
  sk: 'META';
  cycleId: string;
  /**
   * SUPPLEMENTARY: re-issues, within the month, of the period's failed payments whose case is ready
   * (functions/cases); computed from those cases, then approved, dispatched and closed like any cycle.
   * Absent: the monthly cycle.
   */
  kind?: 'SUPPLEMENTARY';
  programme: string;
  period: string;
  months: string[];
  jurisdiction: string;
  status: CycleStatus;
  version: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  draft?: CycleDraft;
  /** The draft's payees and VND, copied to the list index (cycles computed before they were written lack them). */
  payees?: number;
  amount?: number;
  submittedBy?: string;
  submittedHash?: string;
  approvedBy?: string;
  approvedHash?: string;
  approvedAt?: string;
  closing?: Record<string, unknown>;
  /** Why the run failed (set by the Catch path, fail-task.ts): the error name and its masked cause. */
  failure?: { error: string; cause: string };
}

export interface MonthlyTurn {
  /** The monthly cycle approved and not yet closed. */
  holder?: string;
  /** When the last holder closed or failed. */
  releasedAt?: string;
}

export interface Actor {
  subject: string;
  role: RoleId;
}

/** `dc-tcxh_hang_thang-2026-01-79`: readable, and a valid Step Functions run name. */
export function cycleIdFor(programme: string, period: string, jurisdiction: string): string {
  return `dc-${programme.toLowerCase()}-${period}-${jurisdiction}`;
}

export async function getCycle(cycleId: string): Promise<CycleRecord | undefined> {
  const out = await dynamo().send(
    new GetCommand({ TableName: table(), Key: { pk: `CYCLE#${cycleId}`, sk: 'META' }, ConsistentRead: true }),
  );
  return out.Item as CycleRecord | undefined;
}

/** Many cycles by id (up to 100 a call, e.g. one period's cycles of every province); missing ones are left out. */
export async function getCycles(cycleIds: string[]): Promise<CycleRecord[]> {
  if (cycleIds.length > 100) throw new RangeError('at most 100 cycles a batch');
  return (await batchGetItems(
    table(),
    cycleIds.map((id) => ({ pk: `CYCLE#${id}`, sk: 'META' })),
  )) as unknown as CycleRecord[];
}

function auditItem(cycleId: string, actor: Actor, action: string, detail: Record<string, unknown>) {
  const at = new Date().toISOString();
  return {
    pk: `CYCLE#${cycleId}`,
    sk: `AUDIT#${at}#${randomBytes(4).toString('hex')}`,
    at,
    actor: actor.subject,
    role: actor.role,
    action,
    ...detail,
  };
}

/** An audit entry that changes nothing in the cycle (e.g. its run restarted), so no version is bumped. */
export async function recordAudit(cycleId: string, actor: Actor, action: string, detail: Record<string, unknown>) {
  await dynamo().send(new PutCommand({ TableName: table(), Item: auditItem(cycleId, actor, action, detail) }));
}

export async function auditTrail(cycleId: string) {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :a)',
      ExpressionAttributeValues: { ':pk': `CYCLE#${cycleId}`, ':a': 'AUDIT#' },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []) as Record<string, unknown>[];
}

/** Creates the cycle unless it exists; a second request gets the first. */
export async function createCycle(
  input: Pick<CycleRecord, 'cycleId' | 'programme' | 'period' | 'months' | 'jurisdiction'> & Pick<CycleRecord, 'kind'>,
  actor: Actor,
): Promise<{ created: boolean; record: CycleRecord }> {
  const at = new Date().toISOString();
  const record: CycleRecord = {
    ...input,
    pk: `CYCLE#${input.cycleId}`,
    sk: 'META',
    status: 'COMPUTING',
    version: 1,
    createdBy: actor.subject,
    createdAt: at,
    updatedAt: at,
  };
  try {
    await dynamo().send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: table(), Item: record, ConditionExpression: 'attribute_not_exists(pk)' } },
          { Put: { TableName: table(), Item: auditItem(input.cycleId, actor, 'CREATED', { period: input.period }) } },
          openCyclePut(input.cycleId, input.jurisdiction, at),
        ],
      }),
    );
    return { created: true, record };
  } catch (err) {
    if (!(err instanceof TransactionCanceledException)) throw err;
    const existing = await getCycle(input.cycleId);
    if (!existing) throw err;
    return { created: false, record: existing };
  }
}

export class CycleConflictError extends Error {
  override name = 'CycleConflict';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Change {
  cycleId: string;
  actor: Actor;
  action: string;
  /** Status the cycle must be in (one of). */
  from: CycleStatus[];
  to: CycleStatus;
  /** The content hash the actor saw; the write fails if the draft changed since. */
  expectHash?: string;
  /** The version the actor read (a compute planned at it); the write fails if the cycle changed since. */
  expectVersion?: number;
  set?: Record<string, unknown>;
  remove?: string[];
  detail?: Record<string, unknown>;
  /** Extra items written in the same transaction (the budget decrement, the turn). */
  extra?: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;
  /** The conflict code when extra[i]'s condition fails (default: the budget's). */
  extraConflicts?: string[];
}

/** One guarded transition plus its audit entry, atomically. Returns the updated record. */
export async function changeCycle(c: Change): Promise<CycleRecord> {
  const current = await getCycle(c.cycleId);
  if (!current) throw new CycleConflictError('NOT_FOUND', `cycle ${c.cycleId} does not exist`);
  if (!c.from.includes(current.status)) {
    throw new CycleConflictError('WRONG_STATUS', `cycle is ${current.status}, expected ${c.from.join(' or ')}`);
  }
  if (c.expectHash !== undefined && current.draft?.contentHash !== c.expectHash) {
    throw new CycleConflictError('CONTENT_CHANGED', 'the draft changed since it was read');
  }
  if (c.expectVersion !== undefined && current.version !== c.expectVersion) {
    throw new CycleConflictError('CONCURRENT_CHANGE', 'the cycle was changed since it was read');
  }
  const at = new Date().toISOString();
  const set = { ...(c.set ?? {}), status: c.to, updatedAt: at, version: current.version + 1 };
  const names = Object.fromEntries(Object.keys(set).map((k, i) => [`#s${i}`, k]));
  const values = Object.fromEntries(Object.values(set).map((v, i) => [`:s${i}`, v]));
  const removeNames = Object.fromEntries((c.remove ?? []).map((k, i) => [`#r${i}`, k]));
  const update = `SET ${Object.keys(set)
    .map((_, i) => `#s${i} = :s${i}`)
    .join(', ')}${c.remove?.length ? ` REMOVE ${c.remove.map((_, i) => `#r${i}`).join(', ')}` : ''}`;
  try {
    await dynamo().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: table(),
              Key: { pk: `CYCLE#${c.cycleId}`, sk: 'META' },
              UpdateExpression: update,
              ConditionExpression: '#v = :version',
              ExpressionAttributeNames: { ...names, ...removeNames, '#v': 'version' },
              ExpressionAttributeValues: { ...values, ':version': current.version },
            },
          },
          {
            Put: {
              TableName: table(),
              Item: auditItem(c.cycleId, c.actor, c.action, {
                from: current.status,
                to: c.to,
                contentHash: current.draft?.contentHash,
                payees: current.draft?.totals.payees,
                amount: current.draft?.totals.amount,
                ...(c.detail ?? {}),
              }),
            },
          },
          ...(c.extra ?? []),
        ],
      }),
    );
  } catch (err) {
    if (!(err instanceof TransactionCanceledException)) throw err;
    const reasons = err.CancellationReasons ?? [];
    const failedExtra = reasons.slice(2).findIndex((r) => r?.Code === 'ConditionalCheckFailed');
    if (failedExtra >= 0) {
      const code = c.extraConflicts?.[failedExtra] ?? 'BUDGET_EXCEEDED';
      throw new CycleConflictError(code, `${code}: a condition of the change failed`);
    }
    // Someone else changed the cycle between our read and our write (e.g. a second approver).
    throw new CycleConflictError('CONCURRENT_CHANGE', 'the cycle was changed by someone else');
  }
  const updated = await getCycle(c.cycleId);
  if (!updated) throw new Error('cycle vanished');
  return updated;
}

/** Budget ceilings: the remaining amount for a programme, jurisdiction and year. */
export function budgetKey(programme: string, jurisdiction: string, year: string) {
  return { pk: `BUDGET#${programme}#${jurisdiction}#${year}`, sk: 'META' };
}

/** Seeds a year's budget once; later calls leave the remaining amount alone. */
export async function setBudget(programme: string, jurisdiction: string, year: string, ceiling: number) {
  try {
    await dynamo().send(
      new PutCommand({
        TableName: table(),
        Item: { ...budgetKey(programme, jurisdiction, year), ceiling, remaining: ceiling },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (err) {
    if (!(err instanceof ConditionalCheckFailedException)) throw err;
  }
}

export async function getBudget(programme: string, jurisdiction: string, year: string) {
  const out = await dynamo().send(
    new GetCommand({ TableName: table(), Key: budgetKey(programme, jurisdiction, year), ConsistentRead: true }),
  );
  return out.Item as { ceiling: number; remaining: number } | undefined;
}

/** The ids of a jurisdiction's cycles created since a time (the byJurisdiction index), page by page. */
export async function cycleIdsCreatedSince(jurisdiction: string, since: string): Promise<string[]> {
  const ids: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(
      new QueryCommand({
        TableName: table(),
        IndexName: 'byJurisdiction',
        KeyConditionExpression: 'jurisdiction = :j AND createdAt >= :s',
        ExpressionAttributeValues: { ':j': jurisdiction, ':s': since },
        ExclusiveStartKey: start,
      }),
    );
    for (const c of out.Items ?? []) ids.push(String(c.cycleId));
    start = out.LastEvaluatedKey;
  } while (start);
  return ids;
}

/** The approval's debit of the year's budget, refused (the whole approval with it) when it would go below zero. */
export function budgetDebit(programme: string, jurisdiction: string, year: string, amount: number): TransactPart {
  return {
    Update: {
      TableName: table(),
      Key: budgetKey(programme, jurisdiction, year),
      UpdateExpression: 'SET remaining = remaining - :amount',
      ConditionExpression: 'remaining >= :amount',
      ExpressionAttributeValues: { ':amount': amount },
    },
  };
}

/**
 * The monthly turn of a programme and jurisdiction (cycle-turns.ts): the one monthly cycle whose payments are
 * going into the ledger (from approval to close), and when the last one finished.
 */
function turnKey(programme: string, jurisdiction: string) {
  return { pk: `TURN#${programme}#${jurisdiction}`, sk: 'META' };
}

export async function getTurn(programme: string, jurisdiction: string): Promise<MonthlyTurn> {
  const out = await dynamo().send(
    new GetCommand({ TableName: table(), Key: turnKey(programme, jurisdiction), ConsistentRead: true }),
  );
  return (out.Item ?? {}) as MonthlyTurn;
}

/**
 * The approval takes the turn, in its transaction: refused while another cycle holds it, or when a cycle
 * finished after this draft was computed (the same condition cycle-turns.ts `approvalTurn` checks first).
 */
export function takeTurn(cycle: Pick<CycleRecord, 'programme' | 'jurisdiction' | 'cycleId'>, computedAt: string) {
  return {
    Update: {
      TableName: table(),
      Key: turnKey(cycle.programme, cycle.jurisdiction),
      UpdateExpression: 'SET holder = :c',
      ConditionExpression:
        '(attribute_not_exists(holder) OR holder = :c) AND (attribute_not_exists(releasedAt) OR releasedAt <= :computed)',
      ExpressionAttributeValues: { ':c': cycle.cycleId, ':computed': computedAt },
    },
  } satisfies TransactPart;
}

/** The close (or the failure) gives the turn back, in its transaction; drafts computed before now are stale. */
export function releaseTurn(cycle: Pick<CycleRecord, 'programme' | 'jurisdiction' | 'cycleId'>, at: string) {
  return {
    Update: {
      TableName: table(),
      Key: turnKey(cycle.programme, cycle.jurisdiction),
      UpdateExpression: 'SET releasedAt = :at REMOVE holder',
      // A cycle approved before turns existed holds none: its close still marks older drafts stale.
      ConditionExpression: 'attribute_not_exists(holder) OR holder = :c',
      ExpressionAttributeValues: { ':c': cycle.cycleId, ':at': at },
    },
  } satisfies TransactPart;
}

/** One page of a jurisdiction's cycles, newest first (the byJurisdiction index), filtered by equality. */
export function cyclesPage(q: {
  jurisdiction: string;
  period: string | undefined;
  programme: string | undefined;
  status: CycleStatus | undefined;
  limit: number;
  cursor: string | undefined;
}) {
  const cursorQuery: CursorQuery = {
    binding: `cycles|${q.jurisdiction}|${q.period ?? ''}|${q.programme ?? ''}|${q.status ?? ''}`,
    keys: ['pk', 'sk', 'jurisdiction', 'createdAt'],
    fixed: { jurisdiction: q.jurisdiction, sk: 'META' },
    prefixes: { pk: 'CYCLE#' },
  };
  return newestFirst<CycleRecord & Record<string, unknown>>({
    table: table(),
    index: 'byJurisdiction',
    partition: { name: 'jurisdiction', value: q.jurisdiction },
    cursorQuery,
    limit: q.limit,
    cursor: q.cursor,
    equals: { period: q.period, programme: q.programme, status: q.status },
  });
}
