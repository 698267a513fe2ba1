/**
 * The end of every compute, monthly or supplementary: totals and content hash over the people's lines, the
 * payable instructions to S3 in chunks, and the cycle moved COMPUTING → DRAFT with them (audited). One place,
 * so a supplementary cycle is approved, dispatched and closed exactly like a monthly one.
 */
import { type CycleTotals, cycleTotals, type PersonEntitlement } from '../entitlements/cycle-totals.js';
import { rulesVersion } from '../entitlements/rules.js';
import type { PaymentInstruction } from '../payment-ledger/ledger-store.js';
import { type CycleDraft, type CycleRecord, changeCycle } from './cycle-store.js';
import { draftChunks } from './draft-instruction.js';
import { DRAFT_CHUNK, draftKey, writeDraftChunk } from './draft-objects.js';
import type { HeldTotals } from './registry-check.js';

export const COMPUTE_ACTOR = { subject: 'system:disbursement', role: 'finance_preparer' as const };

export async function finishDraft(
  cycle: CycleRecord,
  people: PersonEntitlement[],
  instructions: PaymentInstruction[],
  held: HeldTotals,
) {
  const totals = { ...cycleTotals(cycle.period, people), held };
  const { contentHash } = totals;
  const chunks: { index: number; key: string; count: number; amount: number }[] = [];
  for (const { part, count, amount } of draftChunks(instructions, DRAFT_CHUNK)) {
    const key = draftKey(cycle.cycleId, contentHash, chunks.length);
    await writeDraftChunk(key, part);
    chunks.push({ index: chunks.length, key, count, amount });
  }
  return recordDraft(cycle, totals, chunks);
}

/**
 * The cycle moved COMPUTING → DRAFT with its totals and chunk list (audited). A sharded compute
 * (compute-finish-task.ts) gives `planned`: the version its plan saw (the draft is recorded only if the cycle is
 * still at it) and when the cycle entered it, which is the draft's `computedAt`: every shard read the stores
 * after that, so a cycle that closed later makes this draft stale at approval (cycle-turns.ts), never the
 * reverse. In one piece, `computedAt` is now, after the reads (as before the shards).
 */
export async function recordDraft(
  cycle: CycleRecord,
  totals: CycleTotals & { held: HeldTotals },
  chunks: { index: number; key: string; count: number; amount: number }[],
  planned?: { version: number; since: string },
) {
  const { contentHash } = totals;
  const computedAt = planned?.since ?? new Date().toISOString();
  const draft: CycleDraft = {
    contentHash,
    ruleVersion: rulesVersion(),
    totals,
    chunks,
    computedAt,
    totalsInCycleShards: true,
  };
  const expectVersion = planned?.version;
  await changeCycle({
    cycleId: cycle.cycleId,
    actor: COMPUTE_ACTOR,
    action: 'COMPUTED',
    from: ['COMPUTING'],
    to: 'DRAFT',
    ...(expectVersion !== undefined ? { expectVersion } : {}),
    // Payees and amount also at the top level: the byJurisdiction index copies them, never the draft.
    set: { draft, payees: totals.payees, amount: totals.amount },
    detail: { contentHash, payees: totals.payees, amount: totals.amount },
  });
  return { totals, chunks };
}
