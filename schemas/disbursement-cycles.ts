/** Disbursement cycles as the API speaks them. */
import { z } from 'zod';
import { Finding } from './messages.js';

export const Period = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);

export const CreateCycleRequest = z.object({
  programme: z.string().default('TCXH_HANG_THANG'),
  period: Period,
  /** Several months at once (Tet, floods): the period and later months, in order. */
  months: z.array(Period).min(1).max(6).optional(),
  /**
   * SUPPLEMENTARY: a small cycle re-issuing, within the month, the period's failed payments whose case is
   * ready (functions/cases). Absent: the monthly cycle.
   */
  kind: z.literal('SUPPLEMENTARY').optional(),
});

/** Submit and approve name the exact content they refer to: a changed draft is refused. */
export const HashedDecision = z.object({ contentHash: z.string().regex(/^sha256:[0-9a-f]{64}$/) });

export const CycleId = z.string().regex(/^dc-[a-z0-9_]+-\d{4}-\d{2}-\d{2,5}$/);

const Count = z.number().int().nonnegative();
const Vnd = z.number().int();
const Timestamp = z.iso.datetime();

export const CycleStatus = z.enum([
  'COMPUTING',
  'DRAFT',
  'SUBMITTED',
  'APPROVED',
  'DISPATCHING',
  'COLLECTING',
  'CLOSED',
  'FAILED',
]);

/**
 * A cycle as its officers see it: status, makers and checkers, and the draft's totals (functions/entitlements
 * cycle-totals.ts: people, payees, lines and VND, with rows by category, commune, channel and kind).
 */
export const CycleView = z.object({
  cycleId: z.string(),
  kind: z.literal('SUPPLEMENTARY').optional(),
  programme: z.string(),
  period: Period,
  months: z.array(Period),
  jurisdiction: z.string(),
  status: CycleStatus,
  createdBy: z.string(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  contentHash: z.string().optional(),
  ruleVersion: z.string().optional(),
  totals: z.looseObject({ period: Period, people: Count, payees: Count, lines: Count, amount: Vnd }).optional(),
  computedAt: Timestamp.optional(),
  submittedBy: z.string().optional(),
  submittedHash: z.string().optional(),
  approvedBy: z.string().optional(),
  approvedHash: z.string().optional(),
  approvedAt: Timestamp.optional(),
  closing: z.record(z.string(), z.unknown()).optional(),
  failure: z.object({ error: z.string(), cause: z.string() }).optional(),
});
export type CycleView = z.infer<typeof CycleView>;

/** GET /v1/disbursement-cycles/{cycleId}: the view, its audit trail, and dispatch progress while it runs. */
export const CycleDetail = CycleView.extend({
  progress: z.object({ chunks: Count, chunksDispatched: Count, byState: z.record(z.string(), Count) }).optional(),
  audit: z.array(z.record(z.string(), z.unknown())),
});

/** POST …/cash-confirmations: what the returned cash list changed, and the rows it could not use. */
export const CashConfirmationResult = z.object({
  settled: Count,
  unpaid: Count,
  unchanged: Count,
  problems: z.array(z.object({ line: z.number().int(), finding: Finding })),
});
