/**
 * GET /v1/payments/{paymentId}/trace: one payment from the list row that enrolled the person to the
 * notifications they received, step by step (functions/payment-trace/trace-model.ts). Each step says whether
 * it was recorded and carries that step's own fields; identity and bank account numbers are masked.
 */
import { z } from 'zod';
import { Period } from './disbursement-cycles.js';

export const TRACE_STEPS = [
  'LIST_ROW',
  'ACCOUNT',
  'ENTITLEMENT',
  'CYCLE',
  'PAIN001',
  'STATUSES',
  'STATEMENT_LINES',
  'RECONCILIATION',
  'CASE',
  'NOTIFICATIONS',
] as const;

export const PaymentTrace = z.object({
  paymentId: z.string(),
  period: Period,
  programme: z.string(),
  socialAccount: z.string(),
  amount: z.number().int(),
  state: z.string(),
  channel: z.enum(['BANK', 'POST_OFFICE']),
  /** Masked: only the last digits show. */
  creditorAccount: z
    .string()
    .regex(/^\*+[0-9A-Za-z]{0,4}$/)
    .optional(),
  steps: z.array(z.looseObject({ step: z.enum(TRACE_STEPS), recorded: z.boolean() })),
});
