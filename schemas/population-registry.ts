/**
 * The population registry contract ansinh consumes (modelled on a batch look-up by identity number).
 * `POST {baseUrl}/v1/people:batchGet` with `{ personalIds }` (1..100 ids) answers `{ people, notFound }`.
 * Errors: 400 bad request, 429 throttled (Retry-After seconds), 5xx unavailable.
 */
import { z } from 'zod';

export const REGISTRY_BATCH_LIMIT = 100;

export const RegistryBatchRequest = z.object({
  personalIds: z
    .array(z.string().regex(/^\d{12}$/))
    .min(1)
    .max(REGISTRY_BATCH_LIMIT),
});
export type RegistryBatchRequest = z.infer<typeof RegistryBatchRequest>;

export const RegistryPerson = z.object({
  personalId: z.string().regex(/^\d{12}$/),
  fullName: z.string().min(1),
  dateOfBirth: z.iso.date(),
  gender: z.enum(['M', 'F']),
  status: z.enum(['alive', 'deceased']),
  dateOfDeath: z.iso.date().optional(),
  /** Today's 2-digit province of residence. */
  residenceProvinceCode: z.string().regex(/^\d{2}$/),
});
export type RegistryPerson = z.infer<typeof RegistryPerson>;

export const RegistryBatchResponse = z.object({
  people: z.array(RegistryPerson),
  notFound: z.array(z.string()),
});
export type RegistryBatchResponse = z.infer<typeof RegistryBatchResponse>;
