/** Settings shared by the onboarding steps. */
import type { CandidateBeneficiary, RowVerdict } from '../../schemas/beneficiary-lists.js';
import type { Finding } from '../../schemas/messages.js';

/** One line of a chunk object: a row already decided, or a candidate to verify against the registry. */
export type ChunkLine =
  | { verdict: RowVerdict; candidate?: never }
  | { candidate: CandidateBeneficiary; flags?: Finding[]; verdict?: never };

/**
 * Rows per chunk. 5,000 keeps a 1,000,000-row list at 200 Map iterations (about 1,600 history events per
 * Map, far below Step Functions' 25,000), and a chunk's verification well inside a Lambda's 15 minutes.
 */
export function chunkRows(): number {
  return Number(process.env.ANSINH_LIST_CHUNK_ROWS ?? 5000);
}

/** Today's date in Asia/Ho_Chi_Minh (UTC+7, no daylight saving) as yyyy-mm-dd. */
export function todayInVietnam(at = new Date()): string {
  return new Date(at.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
}
