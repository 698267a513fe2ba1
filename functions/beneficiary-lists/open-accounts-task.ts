/**
 * Onboarding step 3 (one Map iteration per chunk): open a social security account for every accepted row,
 * or enrol the existing person, ACCOUNTS_PER_TRANSACTION rows to a transaction (openAccounts: the rows it
 * cannot open together go alone, with openAccount's outcomes). Idempotent per person; a person another list
 * enrolled meanwhile turns the row into ALREADY_ENROLLED rather than a second enrolment. The counts are what
 * the chunk's rows did, whichever run did it: a chunk run again counts the accounts its first run opened.
 */
import type { CandidateBeneficiary, RowVerdict } from '../../schemas/beneficiary-lists.js';
import { ChunkInput, type OpenOutput } from '../../schemas/onboarding.js';
import { ACCOUNTS_PER_TRANSACTION, openAccounts } from '../accounts/account-store.js';
import { logger } from '../shared/powertools.js';
import { invokedTask } from '../shared/task.js';
import { type RowItem, rowsToOpenBetween, writeVerdicts } from './list-store.js';

/**
 * Transactions in flight per chunk (the Map runs 4 chunks at once). DynamoDB Local runs transactions one at a
 * time: more in flight only queue there (4 in flight of 97 items wrote more items a second than 16). On AWS
 * every account also writes one of the province's byJurisdiction index keys (1,000 writes a second each:
 * JURISDICTION_SPREAD keys, account-store.ts).
 */
const CONCURRENCY = 2;

export const handler = invokedTask(ChunkInput, async (input): Promise<OpenOutput> => {
  const { listId, chunk, jurisdiction, programme, uploadedBy } = input;
  const all = await rowsToOpenBetween(listId, chunk.firstLine, chunk.lastLine);
  const rows = all.filter(
    (r): r is RowItem & { candidate: CandidateBeneficiary } => r.outcome === 'ACCEPTED' && r.candidate !== undefined,
  );
  // Conflicts an earlier run of this chunk wrote: still this chunk's (summariseList moves them off ACCEPTED).
  const earlierConflicts = all.filter((r) => r.outcome === 'ALREADY_ENROLLED' && r.openingConflict).length;
  const result: OpenOutput = { opened: 0, enrolledExisting: 0, alreadyDone: 0, conflicts: earlierConflicts };
  const conflicts: RowVerdict[] = [];
  const batches: (typeof rows)[] = [];
  for (let i = 0; i < rows.length; i += ACCOUNTS_PER_TRANSACTION) {
    batches.push(rows.slice(i, i + ACCOUNTS_PER_TRANSACTION));
  }
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++] ?? [];
      const outcomes = await openAccounts({
        candidates: batch.map((r) => r.candidate),
        programme,
        listId,
        jurisdiction,
        actor: uploadedBy,
      });
      for (const row of batch) {
        const opened = outcomes.get(row.line);
        switch (opened?.result) {
          case 'OPENED':
            result.opened++;
            break;
          case 'ENROLLED_EXISTING_PERSON':
            result.enrolledExisting++;
            break;
          case 'ALREADY_DONE':
            // Done by an earlier run of this chunk (a crash, a retry): still this list's account or enrolment,
            // else the list's totals lose every account a retried chunk had opened before.
            result.alreadyDone++;
            if (opened.accountOpened) result.opened++;
            else result.enrolledExisting++;
            break;
          case 'ALREADY_ENROLLED':
            result.conflicts++;
            conflicts.push({
              line: row.line,
              outcome: 'ALREADY_ENROLLED',
              findings: [
                {
                  code: 'ALREADY_ENROLLED',
                  message: {
                    vi: `Người này vừa được danh sách khác đưa vào chương trình (dòng ${opened.line}).`,
                    en: `Another list enrolled this person meanwhile (line ${opened.line}).`,
                  },
                },
              ],
              flags: row.flags,
            });
            break;
          default:
            throw new Error(`no outcome for line ${row.line}`);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  if (conflicts.length) await writeVerdicts(listId, conflicts, { openingConflict: true });
  logger.info('Accounts opened', { listId, chunk: chunk.index, ...result });
  return result;
});
