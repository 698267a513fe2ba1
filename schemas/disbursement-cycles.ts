/** Disbursement cycles as the API speaks them. */
import { z } from 'zod';

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
