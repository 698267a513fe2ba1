/** Identity checks: a labour officer's quick structural check of up to 100 identity numbers. */
import { z } from 'zod';
import { Finding } from './messages.js';

export const MAX_PEOPLE_PER_CHECK = 100;

export const IsoDate = z.iso.date();

export const PersonToCheck = z.object({
  /** Raw as typed or exported (may be 9 digits, lost its leading zero…): the check explains what is wrong. */
  personalId: z.string().max(32),
  fullName: z.string().min(1).max(200).optional(),
  dateOfBirth: IsoDate.optional(),
  gender: z.enum(['M', 'F']).optional(),
});
export type PersonToCheck = z.infer<typeof PersonToCheck>;

export const IdentityCheckRequest = z.object({
  people: z.array(PersonToCheck).min(1).max(MAX_PEOPLE_PER_CHECK),
});
export type IdentityCheckRequest = z.infer<typeof IdentityCheckRequest>;

export const CheckId = z.string().regex(/^ic-[a-z2-7]{26}$/);

export const PersonVerdict = z.object({
  index: z.number().int().min(0),
  personalId: z.string(),
  verdict: z.enum(['VALID', 'INVALID']),
  findings: z.array(Finding),
});
export type PersonVerdict = z.infer<typeof PersonVerdict>;

export const CheckStatus = z.enum(['ACCEPTED', 'COMPLETED', 'FAILED']);
export type CheckStatus = z.infer<typeof CheckStatus>;

export const IdentityCheckView = z.object({
  checkId: CheckId,
  status: CheckStatus,
  jurisdiction: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  summary: z.object({ total: z.number(), valid: z.number(), invalid: z.number() }).optional(),
  results: z.array(PersonVerdict).optional(),
  failure: Finding.optional(),
});
export type IdentityCheckView = z.infer<typeof IdentityCheckView>;

/** The queue message: only the id; the job record in DynamoDB is the source of truth. */
export const IdentityCheckMessage = z.object({ checkId: CheckId });
export type IdentityCheckMessage = z.infer<typeof IdentityCheckMessage>;

/** State machine task inputs. */
export const CheckTaskInput = z.object({ checkId: CheckId });
export const FailTaskInput = z.object({
  checkId: CheckId,
  error: z.object({ Error: z.string(), Cause: z.string().optional() }),
});
