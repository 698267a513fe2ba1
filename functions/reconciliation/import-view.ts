/** What an officer sees of an import: status, statements with their continuity, totals per outcome. */

import type { StatementImportJob } from './import-job.js';
import { OUTCOME_LABELS, OUTCOMES, SEVERITY } from './outcomes.js';
import { PROPOSAL_LABELS } from './proposal.js';

export function toImportView(job: StatementImportJob) {
  return {
    importId: job.jobId,
    status: job.status,
    fileName: job.fileName,
    format: job.format,
    jurisdiction: job.jurisdiction,
    uploadedBy: job.uploadedBy,
    createdAt: job.createdAt,
    finishedAt: job.finishedAt,
    entriesProcessed: job.checkpoint ?? 0,
    lines: job.lines,
    statements: job.statements ?? [],
    fileProblems: job.fileProblems ?? [],
    fileProblemCount: job.fileProblemCount ?? 0,
    outcomes: job.totals
      ? OUTCOMES.filter((o) => job.totals?.[o].count).map((o) => ({
          outcome: o,
          label: OUTCOME_LABELS[o],
          severity: SEVERITY[o],
          count: job.totals?.[o].count ?? 0,
          amount: job.totals?.[o].amount ?? 0,
        }))
      : [],
    failure: job.failure,
    // Ledger changes the file proposes: nothing of them shows in payments until another officer confirms.
    ...(job.proposal ? { proposal: { ...job.proposal, label: PROPOSAL_LABELS[job.proposal.status] } } : {}),
  };
}
