/**
 * Scheduled sweep (and, locally, run on every start): DynamoDB is the source of truth, so any unfinished
 * job whose message or run was lost, or never sent because the process died between the write and the
 * send, is dispatched again. Every receiver is idempotent by job id, so re-sending is always safe.
 * It sits above the capabilities whose jobs it re-sends (jobs/ only keeps the records), so no arrow runs up.
 */
import { z } from 'zod';
import { startOnboarding } from '../beneficiary-lists/start-onboarding.js';
import { dispatchCheck } from '../identity-checks/dispatch.js';
import { closeJob, JOB_KINDS, type JobKind, noteRedrive, staleJobs } from '../jobs/job-store.js';
import { dispatchImport } from '../reconciliation/import-job.js';
import { logger, metrics } from '../shared/powertools.js';
import { invokedTask } from '../shared/task.js';

/** A job untouched this long is presumed stuck (the rule may pass another value in its detail). */
const DEFAULT_STALE_AFTER_SECONDS = 600;
const MAX_REDRIVES = 5;

const DISPATCH: Record<JobKind, (jobId: string) => Promise<void>> = {
  'identity-check': dispatchCheck,
  'beneficiary-list': startOnboarding,
  'statement-import': dispatchImport,
};

const SweepEvent = z.object({
  detail: z.object({ staleAfterSeconds: z.number().int().min(0).optional() }).default({}),
});

export async function redriveStaleJobs(staleAfterSeconds: number) {
  const before = new Date(Date.now() - staleAfterSeconds * 1000).toISOString();
  let resent = 0;
  let abandoned = 0;
  for (const kind of JOB_KINDS) {
    for await (const job of staleJobs(kind, before)) {
      const attempts = await noteRedrive(job.jobId);
      if (attempts === undefined) continue; // finished meanwhile
      if (attempts > MAX_REDRIVES) {
        await closeJob(job.jobId, 'FAILED', {
          failure: {
            code: 'JOB_ABANDONED',
            message: {
              vi: 'Công việc không hoàn thành sau nhiều lần thử lại. Vui lòng gửi lại.',
              en: 'The work did not complete after repeated attempts. Please submit it again.',
            },
          },
        });
        abandoned++;
        continue;
      }
      await DISPATCH[kind](job.jobId);
      resent++;
    }
  }
  if (resent || abandoned) logger.info('Redrive sweep', { resent, abandoned });
  metrics.addMetric('JobsRedriven', 'Count', resent);
  return { resent, abandoned };
}

export const handler = invokedTask(SweepEvent, ({ detail }) =>
  redriveStaleJobs(detail.staleAfterSeconds ?? DEFAULT_STALE_AFTER_SECONDS),
);
