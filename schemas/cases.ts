/**
 * Cases of failed payments (functions/cases): what labour officers see and do, and what a beneficiary sees of
 * their own. State and action codes are the case model's (functions/cases/case-model.ts).
 */
import { z } from 'zod';
import { Period } from './disbursement-cycles.js';
import { Localized } from './messages.js';
import { JurisdictionCode } from './roles.js';

const Timestamp = z.iso.datetime();

export const CaseView = z.object({
  caseId: z.string(),
  programme: z.string(),
  period: Period,
  jurisdiction: z.string(),
  communeCode: z.string(),
  socialAccount: z.string(),
  paymentId: z.string(),
  paymentState: z.string(),
  amount: z.number().int(),
  months: z.array(Period),
  channel: z.enum(['BANK', 'POST_OFFICE']),
  reasonCode: z.string(),
  reason: Localized,
  nextStep: Localized.nullable(),
  state: z.string(),
  stateLabel: Localized,
  openedAt: Timestamp,
  /** dd/mm/yyyy in Asia/Ho_Chi_Minh. */
  openedOn: z.string().regex(/^\d{2}\/\d{2}\/\d{4}$/),
  updatedAt: Timestamp,
  version: z.number().int(),
  age: z.object({ bankingDays: z.number().int(), slaBankingDays: z.number().int(), overdue: z.boolean() }),
  actions: z.array(
    z.object({
      kind: z.string(),
      by: z.string(),
      role: z.string(),
      at: Timestamp,
      note: z.string().optional(),
      state: z.string(),
    }),
  ),
  writeOff: z
    .object({
      reason: z.string(),
      proposedBy: z.string(),
      proposedAt: Timestamp,
      confirmedBy: z.string().optional(),
      confirmedAt: Timestamp.optional(),
    })
    .optional(),
  reissue: z.object({ paymentId: z.string(), cycleId: z.string() }).optional(),
});

/** GET /v1/cases/{caseId}: the case and its audit trail (one entry per change). */
export const CaseDetail = CaseView.extend({ audit: z.array(z.record(z.string(), z.unknown())) });

/** GET /v1/cases: one province's cases (a commune officer's: their commune's only), a page at a time. */
export const CasePage = z.object({
  jurisdiction: JurisdictionCode,
  commune: z
    .string()
    .regex(/^\d{5}$/)
    .optional(),
  items: z.array(CaseView),
  nextCursor: z.string().optional(),
});

/** A beneficiary's own case: no officer, no account, only what happened and what to do. */
export const MyCaseView = z.object({
  caseId: z.string(),
  period: Period,
  months: z.array(Period),
  amount: z.number().int(),
  state: z.string(),
  stateLabel: Localized,
  reason: Localized,
  nextStep: Localized.nullable(),
  openedAt: Timestamp,
  progress: z.array(z.object({ kind: z.string(), label: Localized, at: Timestamp })),
});

/** GET /v1/me/cases: the beneficiary's cases, newest first, and the messages sent to them. */
export const MyCases = z.object({
  cases: z.array(MyCaseView),
  messages: z.array(
    z.object({ text: z.string(), channel: z.enum(['SMS', 'APP']), status: z.enum(['PENDING', 'SENT']), at: Timestamp }),
  ),
});
