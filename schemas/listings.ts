/**
 * The list routes (GET /v1/beneficiary-lists, /v1/disbursement-cycles, /v1/statements): compact summaries
 * of one jurisdiction's records, newest first. Strict: a summary carries ids, times, statuses, counts and VND,
 * never a person's data; an attribute added to a record does not leak here. Lists and statements say only
 * whether the caller uploaded them (`mine`), never who did, like their single views; a cycle names its maker,
 * as its own view does for the maker-checker rule.
 */
import { z } from 'zod';
import { Period } from './disbursement-cycles.js';
import { JurisdictionCode } from './roles.js';

/** Query parameters every list route takes. */
export const PageQuery = {
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(2000).optional(),
  /** Auditors choose the jurisdiction; an officer may only name their own. */
  jurisdiction: JurisdictionCode.optional(),
};

const Count = z.number().int().nonnegative();
const Vnd = z.number().int();

export const ListSummary = z.strictObject({
  listId: z.string(),
  createdAt: z.iso.datetime(),
  status: z.enum(['RECEIVED', 'PROCESSING', 'COMPLETED', 'FAILED']),
  programme: z.string(),
  fileName: z.string(),
  mine: z.boolean(),
  rows: Count.optional(),
  byOutcome: z.record(z.string(), Count).optional(),
  accountsOpened: Count.optional(),
});
export type ListSummary = z.infer<typeof ListSummary>;

export const CycleSummary = z.strictObject({
  cycleId: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  status: z.enum(['COMPUTING', 'DRAFT', 'SUBMITTED', 'APPROVED', 'DISPATCHING', 'COLLECTING', 'CLOSED', 'FAILED']),
  programme: z.string(),
  period: Period,
  createdBy: z.string(),
  payees: Count.optional(),
  amount: Vnd.optional(),
});
export type CycleSummary = z.infer<typeof CycleSummary>;

export const StatementListSummary = z.strictObject({
  importId: z.string(),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().optional(),
  status: z.enum(['RECEIVED', 'RECONCILING', 'COMPLETED', 'FAILED']),
  fileName: z.string(),
  format: z.string().optional(),
  mine: z.boolean(),
  lines: Count.optional(),
  /** Outcomes with at least one line: count and VND. */
  outcomes: z.array(z.strictObject({ outcome: z.string(), count: Count, amount: Vnd })),
});
export type StatementListSummary = z.infer<typeof StatementListSummary>;

/** One page: the jurisdiction listed, its items newest first, and the cursor of the next page if any. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.strictObject({ jurisdiction: JurisdictionCode, items: z.array(item), nextCursor: z.string().optional() });
