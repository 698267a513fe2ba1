/**
 * Onboarding step 3 (one Map iteration per chunk): open a social security account for every accepted row,
 * or enrol the existing person. Idempotent per person; a person another list enrolled meanwhile turns the
 * row into ALREADY_ENROLLED rather than a second enrolment.
 */
import type { RowVerdict } from '../../schemas/beneficiary-lists.js';
import { ChunkInput, type OpenOutput } from '../../schemas/onboarding.js';
import { openAccount } from '../accounts/account-store.js';
import { logger } from '../shared/powertools.js';
import { invokedTask } from '../shared/task.js';
import { acceptedRowsBetween, writeVerdicts } from './list-store.js';

const CONCURRENCY = 8;

export const handler = invokedTask(ChunkInput, async (input): Promise<OpenOutput> => {
  const { listId, chunk, jurisdiction, programme, uploadedBy } = input;
  const rows = await acceptedRowsBetween(listId, chunk.firstLine, chunk.lastLine);
  const result: OpenOutput = { opened: 0, enrolledExisting: 0, alreadyDone: 0, conflicts: 0 };
  const conflicts: RowVerdict[] = [];
  let next = 0;
  const worker = async () => {
    while (next < rows.length) {
      const row = rows[next++];
      if (!row?.candidate) continue;
      const opened = await openAccount({
        candidate: row.candidate,
        programme,
        listId,
        jurisdiction,
        actor: uploadedBy,
      });
      switch (opened.result) {
        case 'OPENED':
          result.opened++;
          break;
        case 'ENROLLED_EXISTING_PERSON':
          result.enrolledExisting++;
          break;
        case 'ALREADY_DONE':
          result.alreadyDone++;
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
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  if (conflicts.length) await writeVerdicts(listId, conflicts);
  logger.info('Accounts opened', { listId, chunk: chunk.index, ...result });
  return result;
});
