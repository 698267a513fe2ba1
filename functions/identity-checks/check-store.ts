/**
 * DynamoDB adapter for identity-check jobs. Every write is conditional so that retries, duplicate
 * messages and concurrent runs converge on one record.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CheckStatus, PersonToCheck, PersonVerdict } from '../../schemas/identity-checks.js';
import type { Finding } from '../../schemas/messages.js';
import { dynamo } from '../shared/aws-clients.js';
import { resources } from '../shared/resources.js';

export const JOB_KIND = 'identity-check';

export interface CheckRecord {
  jobId: string;
  kind: typeof JOB_KIND;
  status: CheckStatus;
  jurisdiction: string;
  submittedBy: string;
  people: PersonToCheck[];
  results?: PersonVerdict[];
  summary?: { total: number; valid: number; invalid: number };
  failure?: Finding;
  /** Present only while the job is unfinished: the sparse `openJobs` index is the redrive work list. */
  openKind?: typeof JOB_KIND;
  createdAt: string;
  updatedAt: string;
  dispatchedAt?: string;
  redriveCount?: number;
}

const table = () => resources.table('jobs');
const now = () => new Date().toISOString();

/** Creates the job unless it exists; returns the stored one either way. */
export async function createCheck(
  input: Pick<CheckRecord, 'jobId' | 'jurisdiction' | 'submittedBy' | 'people'>,
): Promise<{ created: boolean; record: CheckRecord }> {
  const at = now();
  const record: CheckRecord = {
    ...input,
    kind: JOB_KIND,
    status: 'ACCEPTED',
    openKind: JOB_KIND,
    createdAt: at,
    updatedAt: at,
  };
  try {
    await dynamo().send(
      new PutCommand({ TableName: table(), Item: record, ConditionExpression: 'attribute_not_exists(jobId)' }),
    );
    return { created: true, record };
  } catch (err) {
    if (!(err instanceof ConditionalCheckFailedException)) throw err;
    const existing = await getCheck(input.jobId);
    if (!existing) throw err;
    return { created: false, record: existing };
  }
}

export async function getCheck(jobId: string): Promise<CheckRecord | undefined> {
  const out = await dynamo().send(new GetCommand({ TableName: table(), Key: { jobId }, ConsistentRead: true }));
  return out.Item as CheckRecord | undefined;
}

/** Records that the message left; a job without it is re-sent by the redrive. */
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

/** Completes an open job. Returns false if it was already closed (a re-run): the first result stands. */
export async function completeCheck(
  jobId: string,
  results: PersonVerdict[],
  summary: NonNullable<CheckRecord['summary']>,
): Promise<boolean> {
  return closeJob(jobId, 'COMPLETED', 'results = :results, summary = :summary', {
    ':results': results,
    ':summary': summary,
  });
}

export async function failCheck(jobId: string, failure: Finding): Promise<boolean> {
  return closeJob(jobId, 'FAILED', 'failure = :failure', { ':failure': failure });
}

async function closeJob(jobId: string, status: CheckStatus, set: string, values: Record<string, unknown>) {
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: table(),
        Key: { jobId },
        UpdateExpression: `SET #status = :status, updatedAt = :at, ${set} REMOVE openKind`,
        ConditionExpression: 'attribute_exists(openKind)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': status, ':at': now(), ...values },
      }),
    );
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
    throw err;
  }
}

/** Unfinished jobs not touched since `before`, oldest first. */
export async function* staleChecks(before: string): AsyncGenerator<CheckRecord> {
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await dynamo().send(
      new QueryCommand({
        TableName: table(),
        IndexName: 'openJobs',
        KeyConditionExpression: 'openKind = :kind AND updatedAt < :before',
        ExpressionAttributeValues: { ':kind': JOB_KIND, ':before': before },
        ExclusiveStartKey: cursor,
      }),
    );
    for (const item of page.Items ?? []) yield item as CheckRecord;
    cursor = page.LastEvaluatedKey;
  } while (cursor);
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
