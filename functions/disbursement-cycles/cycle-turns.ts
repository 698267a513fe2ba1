/**
 * Which cycle a request for a supplementary cycle means, and when a cycle may not start because another one
 * could pay the same months. Monthly and supplementary cycles of a jurisdiction take turns: a supplementary
 * cycle is refused while a monthly cycle's payments are not all in the ledger (its arrears would not be seen),
 * a monthly cycle is refused while a supplementary cycle is still taking its cases (its claims would not be
 * seen). Reads are strongly consistent by the cycles' deterministic ids. Both within the arrears look-back:
 * the money-path simulation (test/simulation) found double payments when only the neighbouring months were
 * checked.
 *
 * Monthly cycles of a programme and jurisdiction also take turns at approval (`approvalTurn`): one at a time
 * from approval to close, and never with a draft computed before the last one closed. Two drafts may exist at
 * once (an abandoned January must not block February), but whichever is approved second was computed without
 * the first's payments: it is stale, and computed again, so no month is paid twice (found by the simulation:
 * January's draft approved after February's had paid January as arrears).
 */
import { addMonths } from '../entitlements/months.js';
import { arrearsLookBackMonths } from '../entitlements/rules.js';
import {
  type CycleRecord,
  type CycleStatus,
  cycleIdFor,
  getCycle,
  getCycles,
  type MonthlyTurn,
} from './cycle-store.js';

/** `dc-tcxh_hang_thang_bs1-2026-01-79`: the n-th supplementary cycle of a period (a valid CycleId and run name). */
export function supplementaryCycleIdFor(programme: string, period: string, jurisdiction: string, n: number): string {
  return cycleIdFor(`${programme}_BS${n}`, period, jurisdiction);
}

export const FINISHED: ReadonlySet<CycleStatus> = new Set(['CLOSED', 'FAILED']);
/** A monthly cycle whose payments may not all be in the ledger yet. */
export const MONTHLY_NOT_IN_LEDGER: ReadonlySet<CycleStatus> = new Set([
  'COMPUTING',
  'DRAFT',
  'SUBMITTED',
  'APPROVED',
  'DISPATCHING',
]);

/**
 * The supplementary cycles whose claims a monthly cycle must see: its own period's and every earlier one within
 * the arrears look-back (not only last month's: a re-issue of January still taking its cases when March is
 * computed would pay January twice, found by the money-path simulation).
 */
export function supplementaryPeriodsBefore(period: string): string[] {
  return Array.from({ length: arrearsLookBackMonths() + 1 }, (_, n) => addMonths(period, -n));
}

/**
 * The monthly cycles that could pay a month of `period` as arrears, or whose months a cycle of `period` could
 * pay: every other period within the arrears look-back, on either side.
 */
export function monthlyPeriodsAround(period: string): string[] {
  const span = arrearsLookBackMonths();
  const out: string[] = [];
  for (let d = -span; d <= span; d++) if (d !== 0) out.push(addMonths(period, d));
  return out;
}

/** The first of `periods`' monthly cycles whose payments are not all in the ledger, if any. */
async function runningMonthly(programme: string, periods: string[], jurisdiction: string) {
  const ids = periods.map((p) => cycleIdFor(programme, p, jurisdiction));
  const found: CycleRecord[] = [];
  for (let i = 0; i < ids.length; i += 100) found.push(...(await getCycles(ids.slice(i, i + 100))));
  return found.filter((c) => MONTHLY_NOT_IN_LEDGER.has(c.status)).sort((a, b) => (a.period < b.period ? -1 : 1))[0];
}

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

/**
 * A monthly cycle that could pay a supplementary cycle's months as arrears, if any: its period's, or any other
 * within the look-back. Not only the next month's: when the next month's payments never went out (a chunk
 * past the cut-off), the month after pays the same months as arrears (found by the money-path simulation).
 */
export const openMonthlyCycle = (programme: string, period: string, jurisdiction: string) =>
  runningMonthly(programme, [period, ...monthlyPeriodsAround(period)], jurisdiction);

/** A supplementary cycle of the look-back's periods still taking its cases (COMPUTING), if any. */
export async function computingSupplementary(programme: string, period: string, jurisdiction: string) {
  const open = await Promise.all(
    supplementaryPeriodsBefore(period).map((p) => nextSupplementary(programme, p, jurisdiction)),
  );
  return open.find(({ existing }) => existing?.status === 'COMPUTING')?.existing;
}

export type TurnRefusal = { code: 'OTHER_CYCLE_RUNNING'; cycleId: string } | { code: 'DRAFT_STALE'; since: string };

/**
 * Whether a monthly cycle's draft (computed at `computedAt`) may be approved now, given its programme and
 * jurisdiction's turn: not while another cycle holds it, not if a cycle closed after the draft was computed.
 * The approval's transaction checks the same (cycle-store.ts `takeTurn`), so two approvers racing cannot both pass.
 */
export function approvalTurn(cycleId: string, computedAt: string, turn: MonthlyTurn): TurnRefusal | undefined {
  if (turn.holder && turn.holder !== cycleId) return { code: 'OTHER_CYCLE_RUNNING', cycleId: turn.holder };
  if (turn.releasedAt && turn.releasedAt > computedAt) return { code: 'DRAFT_STALE', since: turn.releasedAt };
  return undefined;
}
