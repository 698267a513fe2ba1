/**
 * Which cycle a request for a supplementary cycle means, and when a cycle may not start because another one
 * could pay the same months. Monthly and supplementary cycles of a jurisdiction take turns: a supplementary
 * cycle is refused while a monthly cycle's payments are not all in the ledger (its arrears would not be seen),
 * and a monthly cycle is refused while a supplementary cycle is still taking its cases (its claims would not be
 * seen). Reads are strongly consistent by the cycles' deterministic ids.
 */
import { addMonths } from '../entitlements/months.js';
import { type CycleRecord, type CycleStatus, cycleIdFor, getCycle } from './cycle-store.js';

/** `dc-tcxh_hang_thang_bs1-2026-01-79`: the n-th supplementary cycle of a period (a valid CycleId and run name). */
export function supplementaryCycleIdFor(programme: string, period: string, jurisdiction: string, n: number): string {
  return cycleIdFor(`${programme}_BS${n}`, period, jurisdiction);
}

const FINISHED: ReadonlySet<CycleStatus> = new Set(['CLOSED', 'FAILED']);
/** A monthly cycle whose payments may not all be in the ledger yet. */
const MONTHLY_NOT_IN_LEDGER: ReadonlySet<CycleStatus> = new Set([
  'COMPUTING',
  'DRAFT',
  'SUBMITTED',
  'APPROVED',
  'DISPATCHING',
]);

/** The open supplementary cycle of the period, else the id the next one takes. */
export async function nextSupplementary(
  programme: string,
  period: string,
  jurisdiction: string,
): Promise<{ cycleId: string; existing?: CycleRecord }> {
  for (let n = 1; ; n++) {
    const cycleId = supplementaryCycleIdFor(programme, period, jurisdiction, n);
    const existing = await getCycle(cycleId);
    if (!existing) return { cycleId };
    if (!FINISHED.has(existing.status)) return { cycleId, existing };
  }
}

/** A monthly cycle (this period's or the next) that could pay the same months as arrears, if any. */
export async function openMonthlyCycle(programme: string, period: string, jurisdiction: string) {
  for (const p of [period, addMonths(period, 1)]) {
    const c = await getCycle(cycleIdFor(programme, p, jurisdiction));
    if (c && MONTHLY_NOT_IN_LEDGER.has(c.status)) return c;
  }
  return undefined;
}

/** A supplementary cycle of the last two periods still taking its cases (COMPUTING), if any. */
export async function computingSupplementary(programme: string, period: string, jurisdiction: string) {
  for (const p of [addMonths(period, -1), period]) {
    const { existing } = await nextSupplementary(programme, p, jurisdiction);
    if (existing?.status === 'COMPUTING') return existing;
  }
  return undefined;
}
