/** Everything a person reads comes in Vietnamese first, English alongside. */
import { z } from 'zod';

export const Localized = z.object({ vi: z.string().min(1), en: z.string().min(1) });
export type Localized = z.infer<typeof Localized>;

/** A stable, machine-readable outcome code with its bilingual explanation. */
export const Finding = z.object({
  code: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
  message: Localized,
});
export type Finding = z.infer<typeof Finding>;

/** The body of every error response of the HTTP API. */
export const ErrorBody = z.object({
  error: Finding.extend({ requestId: z.string().optional(), details: z.unknown().optional() }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
