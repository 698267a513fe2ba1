/**
 * How much of a statement one reconcile run takes on: lines are decided and written a batch at a time, and a
 * run that has worked `reconcileBudgetSeconds` hands the rest to a new run (Lambda stops at 900 s). The scale
 * model reads the same numbers.
 */

/** Lines per batch: one transaction of marks, one of findings. */
export const RECONCILE_BATCH = 100;

/** Seconds of work per invocation before the rest goes to a new message. */
export const reconcileBudgetSeconds = (): number => Number(process.env.ANSINH_RECONCILE_BUDGET_SECONDS ?? 720);
