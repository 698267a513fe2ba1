/**
 * Bank statement imports and reconciliation reports as the finance API speaks them. Outcome codes are the
 * reconciliation's (functions/reconciliation/outcomes.ts), each with its bilingual label and a severity from
 * 0 (nothing to do) to 4 (act now).
 */
import { z } from 'zod';
import { Period } from './disbursement-cycles.js';
import { Finding, Localized } from './messages.js';

const Count = z.number().int().nonnegative();
const Vnd = z.number().int();
const Severity = z.number().int().min(0).max(4);
const Total = z.object({ count: Count, amount: Vnd });

/** One outcome's count and VND, with how it reads and how serious it is. */
export const OutcomeRow = z.object({
  outcome: z.string(),
  label: Localized,
  severity: Severity,
  count: Count,
  amount: Vnd,
});

/** The same outcomes by allowance category or by commune; they add up to the outcome rows. */
const BreakdownRow = Total.extend({ outcomes: z.array(z.object({ outcome: z.string(), count: Count, amount: Vnd })) });
export const CategoryRow = BreakdownRow.extend({ category: z.string(), label: Localized });
export const CommuneRow = BreakdownRow.extend({ commune: z.string() });

export const StatementImportView = z.object({
  importId: z.string(),
  status: z.enum(['RECEIVED', 'RECONCILING', 'COMPLETED', 'FAILED']),
  fileName: z.string(),
  format: z.string().optional(),
  jurisdiction: z.string(),
  uploadedBy: z.string(),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().optional(),
  entriesProcessed: Count,
  lines: Count.optional(),
  /** Each statement of the file: account, numbering, balances and totals (continuity checks). */
  statements: z.array(
    z.looseObject({
      statement: z.number().int(),
      statementId: z.string(),
      account: z.string(),
      credits: Vnd,
      debits: Vnd,
    }),
  ),
  fileProblems: z.array(Finding.extend({ statement: z.number().int(), line: z.number().int().optional() })),
  fileProblemCount: Count,
  outcomes: z.array(OutcomeRow),
  failure: Finding.optional(),
  /** Ledger changes the file proposes, applied only once another officer confirms them. */
  proposal: z
    .object({
      status: z.string(),
      label: Localized,
      hash: z.string(),
      changes: Count,
      byState: z.record(z.string(), Count),
      confirmedBy: z.string().optional(),
      confirmedAt: z.iso.datetime().optional(),
      applied: Count.optional(),
      unchanged: Count.optional(),
    })
    .optional(),
});

/** POST /v1/statements: the import, and whether the same file was loaded before. */
export const SubmittedStatement = StatementImportView.extend({ duplicate: z.boolean() });

/** GET /v1/statements/{importId}/lines: the lines behind the outcomes, a page at a time. */
export const StatementLinesPage = z.object({
  importId: z.string(),
  outcome: z.string().optional(),
  lines: z.array(
    z.looseObject({
      outcome: z.string(),
      creditDebit: z.enum(['CRDT', 'DBIT']),
      amount: Vnd,
      label: Localized,
      severity: Severity,
    }),
  ),
  nextCursor: z.string().optional(),
});

const Balanced = z.object({ count: z.boolean(), amount: z.boolean() });

/** GET /v1/disbursement-cycles/{cycleId}/reconciliation: every approved payment against the bank's bookings. */
export const CycleReconciliation = z.object({
  cycleId: z.string(),
  asOf: z.iso.date(),
  dueDays: Count,
  category: z.string().optional(),
  approved: Total.optional(),
  /** Each outcome with the first payments behind it that need a person. */
  outcomes: z.array(OutcomeRow.extend({ payments: z.array(z.record(z.string(), z.unknown())) })),
  /**
   * Whether each outcome's `payments` holds every payment it should (up to 100): the lists are read from the
   * payments within a fixed budget per request, the counts and VND never (they come from maintained totals).
   */
  listsComplete: z.boolean(),
  byCategory: z.array(CategoryRow),
  byCommune: z.array(CommuneRow),
  byState: z.record(z.string(), Total),
  balanced: Balanced.optional(),
});

/** GET /v1/reconciliation/periods/{period}: one period across provinces, by province × category. */
export const PeriodReconciliation = z.object({
  period: Period,
  programme: z.string(),
  asOf: z.iso.date(),
  dueDays: Count,
  provinces: z.array(
    z.object({
      jurisdiction: z.string(),
      name: z.string(),
      cycleId: z.string(),
      status: z.string(),
      approved: Total.optional(),
      balanced: Balanced.optional(),
      outcomes: z.array(OutcomeRow),
      byCategory: z.array(CategoryRow),
    }),
  ),
  total: z.object({
    approved: Total,
    balanced: Balanced,
    outcomes: z.array(OutcomeRow),
    byCategory: z.array(CategoryRow),
  }),
});

/** POST /v1/statements with a file uploaded beforehand (POST /v1/statements/uploads). */
export const SubmitStatementFromUpload = z.object({ uploadId: z.uuid(), fileName: z.string().min(1).max(255) });

/** What POST /v1/statements takes in its body: camt.053/camt.054 or pain.002 XML, MT940 text, the bank's CSV. */
export const STATEMENT_TYPES = ['application/xml', 'text/plain', 'text/csv'] as const;
