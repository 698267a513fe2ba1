/**
 * The jobs table: every piece of asynchronous work (identity checks, beneficiary lists) is a record that
 * carries `openKind` until it finishes. The sparse `openJobs` index is therefore the list of unfinished
 * work, which the redrive sweep reads; every transition is a conditional write. Disbursement cycles keep an
 * open record here too (`disbursement-cycle`, written with the cycle), read by their own recovery sweep.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Finding } from '../../schemas/messages.js';
import { dynamo } from '../shared/aws-clients.js';
import type { TransactPart } from '../shared/dynamo-batch.js';
import { newestFirst } from '../shared/listing.js';
import type { CursorQuery } from '../shared/page-cursor.js';
import { resources } from '../shared/resources.js';

export const JOB_KINDS = ['identity-check', 'beneficiary-list', 'statement-import'] as const;
export type JobKind = (typeof JOB_KINDS)[number];
/**
 * What the openJobs index holds: the jobs the redrive sweep re-sends, and the open disbursement cycles, whose
 * recovery sweep (functions/disbursement-cycles/recover-handler.ts) restarts their run instead.
 */
export type OpenKind = JobKind | 'disbursement-cycle';

export interface JobRecord {
  jobId: string;
  kind: OpenKind;
  status: string;
  openKind?: OpenKind;
  /** `<kind>#<jurisdiction>` on lists and statement imports: their key in the sparse byScope index. */
  listScope?: string;
  createdAt: string;
  updatedAt: string;
  dispatchedAt?: string;
  redriveCount?: number;
  failure?: Finding;
}

const table = () => resources.table('jobs');

/**
 * The byScope index key of a job listed per jurisdiction. Written on create; records created before it
 * existed need a one-off backfill on AWS (SET listScope = kind#jurisdiction where kind is
 * beneficiary-list or statement-import) to appear in the list routes.
 */
export const listScopeOf = (kind: JobKind, jurisdiction: string) => `${kind}#${jurisdiction}`;
export const now = () => new Date().toISOString();

/** Creates the job unless one with this id exists; returns the stored one either way. */
export async function createJob<T extends JobRecord>(record: T): Promise<{ created: boolean; record: T }> {
  try {
    await dynamo().send(
      new PutCommand({ TableName: table(), Item: record, ConditionExpression: 'attribute_not_exists(jobId)' }),
    );
    return { created: true, record };
  } catch (err) {
    if (!(err instanceof ConditionalCheckFailedException)) throw err;
    const existing = await getJob<T>(record.jobId);
    if (!existing) throw err;
    return { created: false, record: existing };
  }
}

export async function getJob<T extends JobRecord>(jobId: string): Promise<T | undefined> {
  const out = await dynamo().send(new GetCommand({ TableName: table(), Key: { jobId }, ConsistentRead: true }));
  return out.Item as T | undefined;
}

/** Records that the job's message or run left; a job without it is re-sent by the redrive. */
export async function markDispatched(jobId: string): Promise<void> {
  await dynamo().send(
    new UpdateCommand({
      TableName: table(),
      Key: { jobId },
      UpdateExpression: 'SET dispatchedAt = :at',
      ConditionExpression: 'attribute_exists(jobId)',
      ExpressionAttributeValues: { ':at': now() },
    }),
  );
}

/** Sets attributes of an open job; false if it was already closed. */
export async function updateOpenJob(jobId: string, values: Record<string, unknown>): Promise<boolean> {
  return update(jobId, values, []);
}

/** Closes an open job with its final status. Returns false if it was already closed: the first close stands. */
export async function closeJob(jobId: string, status: string, values: Record<string, unknown> = {}): Promise<boolean> {
  return update(jobId, { ...values, status }, ['openKind']);
}

async function update(jobId: string, values: Record<string, unknown>, remove: string[]): Promise<boolean> {
  const entries = Object.entries({ ...values, updatedAt: now() });
  const names = Object.fromEntries(entries.map(([k], i) => [`#a${i}`, k]));
  const vals = Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v]));
  const set = entries.map((_, i) => `#a${i} = :v${i}`).join(', ');
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: table(),
        Key: { jobId },
        UpdateExpression: `SET ${set}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
        ConditionExpression: 'attribute_exists(openKind)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: vals,
      }),
    );
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
    throw err;
  }
}

/** Unfinished jobs of a kind not touched since `before`, oldest first. */
export async function* staleJobs(kind: OpenKind, before: string): AsyncGenerator<JobRecord> {
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await dynamo().send(
      new QueryCommand({
        TableName: table(),
        IndexName: 'openJobs',
        KeyConditionExpression: 'openKind = :kind AND updatedAt < :before',
        ExpressionAttributeValues: { ':kind': kind, ':before': before },
        ExclusiveStartKey: cursor,
      }),
    );
    for (const item of page.Items ?? []) yield item as JobRecord;
    cursor = page.LastEvaluatedKey;
  } while (cursor);
}

/**
 * Moves an open job's counter from `expected` to `expected + 1` (and touches it), unless another writer moved
 * it first or the job closed: of two sweeps deciding the same step at once, exactly one gets true.
 */
export async function advanceOpenJob(jobId: string, counter: string, expected: number): Promise<boolean> {
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: table(),
        Key: { jobId },
        UpdateExpression: 'SET #c = :next, updatedAt = :at',
        ConditionExpression: `attribute_exists(openKind) AND ${expected === 0 ? '(attribute_not_exists(#c) OR #c = :expected)' : '#c = :expected'}`,
        ExpressionAttributeNames: { '#c': counter },
        ExpressionAttributeValues: { ':next': expected + 1, ':expected': expected, ':at': now() },
      }),
    );
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
    throw err;
  }
}

/**
 * Bumps the job so the next sweep leaves it alone for a while and counts attempts. Returns undefined if
 * the job finished in the meantime (its run completed while the sweep was reading the index).
 */
export async function noteRedrive(jobId: string): Promise<number | undefined> {
  try {
    const out = await dynamo().send(
      new UpdateCommand({
        TableName: table(),
        Key: { jobId },
        UpdateExpression: 'SET updatedAt = :at ADD redriveCount :one',
        ConditionExpression: 'attribute_exists(openKind)',
        ExpressionAttributeValues: { ':at': now(), ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(out.Attributes?.redriveCount ?? 0);
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return undefined;
    throw err;
  }
}

/**
 * Replaces a statement import's proposal, only from the status, hash (and, when resuming, confirmer) expected:
 * of two officers confirming at once, one wins. False when the proposal was not in that state.
 */
export async function replaceProposal(
  jobId: string,
  from: { status: string; hash: string; confirmedBy?: string },
  next: unknown,
): Promise<boolean> {
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: table(),
        Key: { jobId },
        UpdateExpression: 'SET proposal = :next, updatedAt = :at',
        ConditionExpression: `proposal.#s = :from AND proposal.#h = :hash${from.confirmedBy ? ' AND proposal.confirmedBy = :by' : ''}`,
        ExpressionAttributeNames: { '#s': 'status', '#h': 'hash' },
        ExpressionAttributeValues: {
          ':next': next,
          ':at': new Date().toISOString(),
          ':from': from.status,
          ':hash': from.hash,
          ...(from.confirmedBy ? { ':by': from.confirmedBy } : {}),
        },
      }),
    );
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
    throw err;
  }
}

/**
 * One page of the jobs of a kind in a jurisdiction, newest first (the byScope index), filtered by equality.
 * `route` names the listing in the page cursor, so a cursor is only good for the listing that gave it.
 */
export function jobsOfScope<T extends JobRecord>(q: {
  route: string;
  kind: JobKind;
  jurisdiction: string;
  limit: number;
  cursor: string | undefined;
  equals: Record<string, string | undefined>;
}) {
  const scope = listScopeOf(q.kind, q.jurisdiction);
  const cursorQuery: CursorQuery = {
    binding: `${q.route}|${scope}|${Object.values(q.equals)
      .map((v) => v ?? '')
      .join('|')}`,
    keys: ['jobId', 'listScope', 'createdAt'],
    fixed: { listScope: scope },
  };
  return newestFirst<T & Record<string, unknown>>({
    table: table(),
    index: 'byScope',
    partition: { name: 'listScope', value: scope },
    cursorQuery,
    limit: q.limit,
    cursor: q.cursor,
    equals: q.equals,
  });
}

/**
 * A disbursement cycle's entry in the sparse openJobs index, written in the transaction that creates the cycle
 * and open until the recovery sweep sees the cycle CLOSED or FAILED. Why the jobs table: the cycles table got its
 * byJurisdiction index in the same release and CloudFormation adds one index per table per deployment; querying
 * byJurisdiction instead would mean every jurisdiction (communes included) times every cycle ever created,
 * where this index holds only open ones.
 */
export function openCyclePut(cycleId: string, jurisdiction: string, at: string): TransactPart {
  return {
    Put: {
      TableName: table(),
      Item: {
        jobId: cycleId,
        kind: 'disbursement-cycle',
        openKind: 'disbursement-cycle',
        status: 'OPEN',
        jurisdiction,
        createdAt: at,
        updatedAt: at,
      },
    },
  };
}

/** The same entry opened again for a retried run (or anew, for a cycle older than open records). */
export function reopenCycleUpdate(cycleId: string, jurisdiction: string, at: string, restarts: number): TransactPart {
  return {
    Update: {
      TableName: table(),
      Key: { jobId: cycleId },
      UpdateExpression:
        'SET #kind = :kind, openKind = :kind, #status = :open, jurisdiction = :j, updatedAt = :at, ' +
        'createdAt = if_not_exists(createdAt, :at), runRestarts = :n',
      ExpressionAttributeNames: { '#kind': 'kind', '#status': 'status' },
      ExpressionAttributeValues: {
        ':kind': 'disbursement-cycle',
        ':open': 'OPEN',
        ':j': jurisdiction,
        ':at': at,
        ':n': restarts,
      },
    },
  };
}
