/** Payloads between the onboarding state machine's tasks. */
import { z } from 'zod';
import { RowOutcome } from './beneficiary-lists.js';

export const ListId = z.string().regex(/^bl-[a-z2-7]{26}$/);

export const Chunk = z.object({
  index: z.number().int().min(0),
  key: z.string(),
  firstLine: z.number().int().positive(),
  lastLine: z.number().int().positive(),
  rows: z.number().int().min(0),
});
export type Chunk = z.infer<typeof Chunk>;

export const OutcomeCounts = z.partialRecord(RowOutcome, z.number().int().min(0));
export type OutcomeCounts = z.infer<typeof OutcomeCounts>;

export const ListContext = z.object({
  listId: ListId,
  jurisdiction: z.string(),
  programme: z.string(),
  uploadedBy: z.string(),
});
export type ListContext = z.infer<typeof ListContext>;

export const ParseInput = z.object({ listId: ListId });
export const ParseOutput = ListContext.extend({
  rejected: z.boolean(),
  chunks: z.array(Chunk),
  rows: z.number().int().min(0),
});
export type ParseOutput = z.infer<typeof ParseOutput>;

export const ChunkInput = ListContext.extend({ chunk: Chunk });
export type ChunkInput = z.infer<typeof ChunkInput>;

export const VerifyOutput = z.object({ counts: OutcomeCounts, flagged: z.number().int().min(0) });
export type VerifyOutput = z.infer<typeof VerifyOutput>;

/**
 * What a chunk's rows did, whichever run of the chunk did it: `opened` accounts and `enrolledExisting` people
 * include those an earlier run did; `alreadyDone` says how many of them that earlier run had done.
 */
export const OpenOutput = z.object({
  opened: z.number().int().min(0),
  enrolledExisting: z.number().int().min(0),
  alreadyDone: z.number().int().min(0),
  conflicts: z.number().int().min(0),
});
export type OpenOutput = z.infer<typeof OpenOutput>;

export const SummariseInput = z.object({
  listId: ListId,
  rows: z.number().int().min(0),
  verified: z.array(VerifyOutput),
  opened: z.array(OpenOutput),
});

export const FailListInput = z.object({
  listId: ListId,
  error: z.object({ Error: z.string(), Cause: z.string().optional() }),
});
