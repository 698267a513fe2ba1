/** Identity-check jobs: records in the jobs table (functions/jobs/job-store.ts) with the check's data. */
import type { CheckStatus, PersonToCheck, PersonVerdict } from '../../schemas/identity-checks.js';
import type { Finding } from '../../schemas/messages.js';
import { closeJob, createJob, getJob, type JobRecord, now } from '../jobs/job-store.js';

export const JOB_KIND = 'identity-check';

export interface CheckRecord extends JobRecord {
  kind: typeof JOB_KIND;
  status: CheckStatus;
  jurisdiction: string;
  submittedBy: string;
  people: PersonToCheck[];
  results?: PersonVerdict[];
  summary?: { total: number; valid: number; invalid: number };
}

export function createCheck(input: Pick<CheckRecord, 'jobId' | 'jurisdiction' | 'submittedBy' | 'people'>) {
  const at = now();
  return createJob<CheckRecord>({
    ...input,
    kind: JOB_KIND,
    status: 'ACCEPTED',
    openKind: JOB_KIND,
    createdAt: at,
    updatedAt: at,
  });
}

export const getCheck = (jobId: string) => getJob<CheckRecord>(jobId);

/** Completes an open check. Returns false if it was already closed (a re-run): the first result stands. */
export const completeCheck = (jobId: string, results: PersonVerdict[], summary: NonNullable<CheckRecord['summary']>) =>
  closeJob(jobId, 'COMPLETED', { results, summary });

export const failCheck = (jobId: string, failure: Finding) => closeJob(jobId, 'FAILED', { failure });
