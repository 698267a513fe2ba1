/**
 * The settlement window of an approved cycle: the cut-off falls `ANSINH_SETTLEMENT_CUTOFF_MINUTES` after the
 * approval, and nothing leaves once a send could still be on its way then. Pure; the dispatch worker (here)
 * and the cycle's cut-off (disbursement-cycles/cutoff.ts) read the same window.
 */
export const cutoffMinutes = (): number => Number(process.env.ANSINH_SETTLEMENT_CUTOFF_MINUTES ?? 3 * 24 * 60);

/** Epoch ms of a cycle's settlement cut-off. */
export function cutoffAt(approvedAt: string, minutes = cutoffMinutes()): number {
  return Date.parse(approvedAt) + minutes * 60_000;
}

/**
 * May a chunk still go out? Only if its send (at most `sendTimeoutMs`) ends before the cut-off, so the cut-off
 * query never races a file on its way to the bank.
 */
export function mayStillSend(approvedAt: string, now: number, sendTimeoutMs: number, minutes = cutoffMinutes()) {
  return now + sendTimeoutMs < cutoffAt(approvedAt, minutes);
}
