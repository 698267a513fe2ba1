/**
 * What the recovery sweep does with one open cycle, from the cycle's status and its current run (pure).
 *
 * Why a new run is safe from every open status: the state machine starts at Compute, which does nothing
 * unless the cycle is COMPUTING, then CheckApproval routes by the cycle's status (wait while DRAFT or
 * SUBMITTED, dispatch when APPROVED or DISPATCHING, collect when COLLECTING). Every step is a conditional
 * transition on the cycle, and dispatch only enqueues chunks the dispatch worker absorbs by paymentId and
 * MsgId (README, "Exactly once"), so a second dispatch of the same approved content pays nobody twice.
 * What must never happen is two runs at once: a run is only (re)started when its name has no execution or
 * the previous one has ended, and a replacement gets the next name only after the previous one ended.
 */
import type { RunState } from './cycle-run.js';
import type { CycleStatus } from './cycle-store.js';

/** Replacements of runs that ended early before the cycle is failed instead (a fault that keeps recurring). */
export const MAX_RUN_RESTARTS = 3;

const FINAL: readonly CycleStatus[] = ['CLOSED', 'FAILED'];
/** Step Functions statuses of a run still in charge of its cycle (PENDING_REDRIVE: being redriven by hand). */
const LIVE = ['RUNNING', 'PENDING_REDRIVE'];

export type Recovery =
  /** The cycle needs no run any more (or no longer exists): close its open record. */
  | { kind: 'close'; status: string }
  /** Its run is live: nothing to do. */
  | { kind: 'running' }
  /** No run of the current name exists (its start was lost): start it, same name. */
  | { kind: 'start' }
  /** The run ended while the cycle is open: start the next name. */
  | { kind: 'restart'; ended: RunState }
  /** Stopped on purpose, or ended early too often: the cycle fails with the reason, money untouched. */
  | { kind: 'fail'; code: 'RUN_ABORTED' | 'RUN_ABANDONED'; ended: RunState };

export function decideRecovery(
  cycleStatus: CycleStatus | undefined,
  run: RunState | undefined,
  restarts: number,
): Recovery {
  if (cycleStatus === undefined) return { kind: 'close', status: 'GONE' };
  if (FINAL.includes(cycleStatus)) return { kind: 'close', status: cycleStatus };
  if (!run) return { kind: 'start' };
  if (LIVE.includes(run.status)) return { kind: 'running' };
  // StopExecution is an operator's decision: the cycle must not carry on behind their back.
  if (run.status === 'ABORTED') return { kind: 'fail', code: 'RUN_ABORTED', ended: run };
  if (restarts >= MAX_RUN_RESTARTS) return { kind: 'fail', code: 'RUN_ABANDONED', ended: run };
  return { kind: 'restart', ended: run };
}
