/**
 * Onboarding step 2 (one Map iteration per chunk): already enrolled in the programme? then the population
 * registry: exists, name, date of birth, gender, alive, residence; then the category's age band at the
 * decision date, from the registry's date of birth. Writes every row's verdict; a retry
 * rewrites the same items. A registry outage fails the task with `RegistryUnavailable`, which the state
 * machine retries with backoff.
 */
import type { CandidateBeneficiary, RowVerdict } from '../../schemas/beneficiary-lists.js';
import type { Finding } from '../../schemas/messages.js';
import { ChunkInput, type OutcomeCounts, type VerifyOutput } from '../../schemas/onboarding.js';
import { findEnrolments } from '../accounts/account-store.js';
import { populationRegistry } from '../population/registry/from-env.js';
import { readJsonLines } from '../shared/objects.js';
import { logger } from '../shared/powertools.js';
import { invokedTask } from '../shared/task.js';
import { writeVerdicts } from './list-store.js';
import type { ChunkLine } from './onboarding-config.js';
import { verifyRow } from './verify-row.js';

const alreadyEnrolled = (line: number): Finding => ({
  code: 'ALREADY_ENROLLED',
  message: {
    vi: `Người này đã được hưởng chương trình này theo danh sách khác (dòng ${line}).`,
    en: `This person is already enrolled in this programme by another list (line ${line}).`,
  },
});

export const handler = invokedTask(
  ChunkInput,
  async ({ listId, chunk, jurisdiction, programme }): Promise<VerifyOutput> => {
    const verdicts: RowVerdict[] = [];
    const candidates: CandidateBeneficiary[] = [];
    /** Flags the row checks raised on accepted rows (kept with whatever verdict the row gets). */
    const rowFlags = new Map<number, Finding[]>();
    for await (const line of readJsonLines<ChunkLine>(chunk.key)) {
      if (line.verdict) {
        verdicts.push(line.verdict);
      } else {
        candidates.push(line.candidate);
        if (line.flags?.length) rowFlags.set(line.candidate.line, line.flags);
      }
    }

    const enrolled = await findEnrolments(
      candidates.map((c) => c.personalId),
      programme,
    );
    const toLookUp = candidates.filter((c) => {
      const e = enrolled.get(c.personalId);
      // Enrolled by this very list and line: an earlier run of this chunk got that far; verify it again.
      if (!e || (e.listId === listId && e.line === c.line)) return true;
      verdicts.push({
        line: c.line,
        outcome: 'ALREADY_ENROLLED',
        findings: [alreadyEnrolled(e.line)],
        flags: rowFlags.get(c.line) ?? [],
      });
      return false;
    });

    const people = await populationRegistry().lookup(toLookUp.map((c) => c.personalId));
    // Commune-level officers carry a 5-digit code; the province check needs the 2-digit unit.
    const uploaderProvince = /^\d{2}$/.test(jurisdiction) ? jurisdiction : undefined;
    for (const c of toLookUp) {
      const match = verifyRow(c, people.get(c.personalId) ?? null, { uploaderProvince });
      verdicts.push({
        line: c.line,
        outcome: match.outcome,
        findings: match.findings,
        flags: [...(rowFlags.get(c.line) ?? []), ...match.flags],
        ...(match.outcome === 'ACCEPTED' ? { candidate: c } : {}),
      });
    }

    verdicts.sort((a, b) => a.line - b.line);
    await writeVerdicts(listId, verdicts);
    const counts: OutcomeCounts = {};
    for (const v of verdicts) counts[v.outcome] = (counts[v.outcome] ?? 0) + 1;
    const flagged = verdicts.filter((v) => v.flags.length > 0).length;
    logger.info('Chunk verified', { listId, chunk: chunk.index, rows: verdicts.length, ...counts });
    return { counts, flagged };
  },
);
