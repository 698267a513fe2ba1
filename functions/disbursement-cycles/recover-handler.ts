/**
 * Scheduled sweep (and, locally, run on every start), the cycles' counterpart of the jobs' redrive: a cycle
 * whose run was never started (the create route died between its write and StartExecution, or StartExecution
 * failed) or ended while the cycle was still open gets a run again, without anyone posting anything. The
 * approval does not wake a run (no task token): the run polls the cycle, so an APPROVED cycle without a run
 * would wait forever too; the same sweep covers it. What it does per cycle: run-recovery.ts (why it is safe).
 *
 * Open cycles come from the jobs table's sparse openJobs index (cycle-store.ts, openRecord), oldest visit
 * first; each visit touches the record, so a cycle is looked at once per grace period, one DescribeExecution.
 */
import { z } from 'zod';
import { advanceOpenJob, closeJob, staleJobs, updateOpenJob } from '../jobs/job-store.js';
import { maskText } from '../shared/pii.js';
import { logger, metrics } from '../shared/powertools.js';
import { invokedTask } from '../shared/task.js';
import { describeCycleRun, type RunState, runName, startCycleRun } from './cycle-run.js';
import { CycleConflictError, changeCycle, getCycle, recordAudit } from './cycle-store.js';
import { decideRecovery } from './run-recovery.js';

/** A cycle untouched this long gets looked at: its create route has long finished (rule detail may override). */
const DEFAULT_STALE_AFTER_SECONDS = 600;
const SYSTEM = { subject: 'system:recovery', role: 'finance_approver' as const };
const OPEN: ('COMPUTING' | 'DRAFT' | 'SUBMITTED' | 'APPROVED' | 'DISPATCHING' | 'COLLECTING')[] = [
  'COMPUTING',
  'DRAFT',
  'SUBMITTED',
  'APPROVED',
  'DISPATCHING',
  'COLLECTING',
];

const SweepEvent = z.object({
  detail: z.object({ staleAfterSeconds: z.number().int().min(0).optional() }).default({}),
});

interface OpenCycle {
  jobId: string;
  runRestarts?: number;
}

const ended = (run: RunState) => ({
  runStatus: run.status,
  ...(run.error ? { runError: run.error } : {}),
  ...(run.cause ? { runCause: maskText(run.cause).slice(0, 500) } : {}),
});

export async function recoverCycles(staleAfterSeconds: number) {
  const before = new Date(Date.now() - staleAfterSeconds * 1000).toISOString();
  const counts = { checked: 0, running: 0, started: 0, restarted: 0, failed: 0, closed: 0 };
  for await (const job of staleJobs('disbursement-cycle', before)) {
    const { jobId: cycleId, runRestarts = 0 } = job as unknown as OpenCycle;
    counts.checked++;
    const name = runName(cycleId, runRestarts);
    // The run first: if it has ended, everything it wrote to the cycle is visible to the read after it.
    const run = await describeCycleRun(name);
    const cycle = await getCycle(cycleId);
    const next = decideRecovery(cycle?.status, run, runRestarts);
    switch (next.kind) {
      case 'close':
        await closeJob(cycleId, next.status);
        counts.closed++;
        break;
      case 'running':
        await updateOpenJob(cycleId, {}); // seen: not again before the grace period
        counts.running++;
        break;
      case 'start':
        // Touch first: a sweep that dies after the start leaves a record the next sweep looks at later.
        if (!(await updateOpenJob(cycleId, {}))) break;
        if (await startCycleRun(cycleId, name)) {
          await recordAudit(cycleId, SYSTEM, 'RUN_STARTED', { run: name, status: cycle?.status });
          counts.started++;
        }
        break;
      case 'restart': {
        // Of two sweeps deciding this at once, one moves the counter; the other leaves the new run to it.
        if (!(await advanceOpenJob(cycleId, 'runRestarts', runRestarts))) break;
        const replacement = runName(cycleId, runRestarts + 1);
        if (await startCycleRun(cycleId, replacement)) {
          await recordAudit(cycleId, SYSTEM, 'RUN_RESTARTED', {
            run: replacement,
            previousRun: name,
            status: cycle?.status,
            ...ended(next.ended),
          });
          counts.restarted++;
        }
        break;
      }
      case 'fail':
        try {
          await changeCycle({
            cycleId,
            actor: SYSTEM,
            action: 'FAILED',
            from: OPEN,
            to: 'FAILED',
            set: {
              failure: { error: next.code, cause: `run ${name}: ${next.ended.status} ${next.ended.error ?? ''}` },
            },
            detail: { run: name, ...ended(next.ended) },
          });
          await closeJob(cycleId, 'FAILED');
          counts.failed++;
        } catch (err) {
          // Changed meanwhile (e.g. approved): the next visit decides again from the new status.
          if (!(err instanceof CycleConflictError)) throw err;
        }
        break;
    }
  }
  if (counts.started || counts.restarted || counts.failed) logger.info('Cycle recovery sweep', counts);
  metrics.addMetric('CycleRunsStarted', 'Count', counts.started + counts.restarted);
  metrics.addMetric('CyclesFailedByRecovery', 'Count', counts.failed);
  return counts;
}

export const handler = invokedTask(SweepEvent, ({ detail }) =>
  recoverCycles(detail.staleAfterSeconds ?? DEFAULT_STALE_AFTER_SECONDS),
);
