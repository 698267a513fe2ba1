/**
 * Scheduled sweep (and, locally, run on every start): DynamoDB is the source of truth, so any unfinished
 * check whose message was lost, or never sent because the process died between the write and the send,
 * is sent again. Receivers are idempotent by check id, so re-sending is always safe.
 */
import { z } from 'zod';
import { logger, metrics } from '../shared/powertools.js';
import { invokedTask } from '../shared/task.js';
import { failCheck, noteRedrive, staleChecks } from './check-store.js';
import { dispatchCheck } from './dispatch.js';

/** A check untouched this long is presumed stuck (the rule may pass another value in its detail). */
const DEFAULT_STALE_AFTER_SECONDS = 600;
const MAX_REDRIVES = 5;

const SweepEvent = z.object({
  detail: z.object({ staleAfterSeconds: z.number().int().min(0).optional() }).default({}),
});

export async function redriveStaleChecks(staleAfterSeconds: number) {
  const before = new Date(Date.now() - staleAfterSeconds * 1000).toISOString();
  let resent = 0;
  let abandoned = 0;
  for await (const check of staleChecks(before)) {
    const attempts = await noteRedrive(check.jobId);
    if (attempts === undefined) continue; // finished meanwhile
    if (attempts > MAX_REDRIVES) {
      await failCheck(check.jobId, {
        code: 'CHECK_ABANDONED',
        message: {
          vi: 'Việc kiểm tra không hoàn thành sau nhiều lần thử lại. Vui lòng gửi lại.',
          en: 'The check did not complete after repeated attempts. Please submit it again.',
        },
      });
      abandoned++;
      continue;
    }
    await dispatchCheck(check.jobId);
    resent++;
  }
  if (resent || abandoned) logger.info('Redrive sweep', { resent, abandoned });
  metrics.addMetric('JobsRedriven', 'Count', resent);
  return { resent, abandoned };
}

export const handler = invokedTask(SweepEvent, ({ detail }) =>
  redriveStaleChecks(detail.staleAfterSeconds ?? DEFAULT_STALE_AFTER_SECONDS),
);
