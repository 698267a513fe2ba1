/**
 * A statement import is a job (jobs table, kind `statement-import`): it carries `openKind` until reconciled,
 * so a message lost between the write and the send is sent again by the redrive sweep.
 */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { type JobRecord, markDispatched, replaceProposal } from '../jobs/job-store.js';
import { queues } from '../shared/aws-clients.js';
import { resources } from '../shared/resources.js';
import type { ContinuityProblem } from './continuity.js';
import type { Proposal, ProposalStatus } from './proposal.js';
import type { OutcomeTotals } from './report.js';

export interface StatementSummary {
  statement: number;
  statementId: string;
  account: string;
  /** Which statements this one continues: message type and numbering (continuity.ts statementChain). */
  chain?: string;
  sequence?: number;
  /** The statement's currency; only a VND statement has its balances and totals below (dong). */
  currency?: string;
  openingBalance?: number;
  closingBalance?: number;
  credits: number;
  debits: number;
  /** Another currency: balances and totals in its own unit ("11601.00"), never in the VND fields. */
  foreign?: { openingBalance?: string; closingBalance?: string; credits: string; debits: string };
  entries: number;
  problems: ContinuityProblem[];
}

export interface StatementImportJob extends JobRecord {
  kind: 'statement-import';
  jurisdiction: string;
  /** The importer's province (token claim): whose paying account the file must be about. */
  province?: string;
  uploadedBy: string;
  fileName: string;
  objectKey: string;
  contentSha256: string;
  sizeBytes: number;
  format?: string;
  /** Entries fully reconciled so far (a resumed run skips them), and their totals, written together. */
  checkpoint?: number;
  lineTotals?: OutcomeTotals;
  statements?: StatementSummary[];
  totals?: OutcomeTotals;
  lines?: number;
  /** Rows or fields the parser reported and skipped (bank CSV), first 200, and how many in all. */
  fileProblems?: { statement: number; line?: number; code: string; message: { vi: string; en: string } }[];
  fileProblemCount?: number;
  finishedAt?: string;
  /** The ledger changes the file proposes, awaiting a second officer's confirmation (proposal.ts). */
  proposal?: Proposal;
}

export interface ImportMessage {
  importId: string;
}

export async function dispatchImport(importId: string): Promise<void> {
  const message: ImportMessage = { importId };
  await queues().send(
    new SendMessageCommand({ QueueUrl: resources.queueUrl('statementImports'), MessageBody: JSON.stringify(message) }),
  );
  await markDispatched(importId);
}

export const statementKeys = {
  incoming: (jurisdiction: string, uploadId: string) => `incoming-statements/${jurisdiction}/${uploadId}`,
  report: (importId: string, ext: 'csv' | 'xlsx') => `statements/${importId}/reconciliation.${ext}`,
};

/**
 * Moves an import's proposal on, only from the status (and, when resuming, the confirmer) expected: of two
 * officers confirming at once, one wins. Returns false when the proposal was not in that state.
 */
export async function moveProposal(
  importId: string,
  from: { status: ProposalStatus; hash: string; confirmedBy?: string },
  next: Proposal,
): Promise<boolean> {
  return replaceProposal(importId, from, next);
}
