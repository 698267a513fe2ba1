/**
 * What the population registry says about a payee when a cycle's draft is computed (pure, no I/O).
 *
 * - alive: paid as the rules say;
 * - deceased with a date: the entitlement rules get the date of death (the month of death is paid, nothing
 *   after it, funeral support once if the rules give it);
 * - not found any more, or deceased without a date: HELD — nothing paid, and the draft says so, by reason,
 *   with the VND that would have been paid (never dropped silently).
 * A registry that cannot answer is not a verdict: the compute step fails and is retried.
 */
import type { RegistryPerson } from '../../schemas/population-registry.js';

export type HeldReason = 'NOT_IN_REGISTRY' | 'DEATH_DATE_UNKNOWN';

export type RegistryVerdict =
  | { kind: 'ALIVE' }
  | { kind: 'DECEASED'; dateOfDeath: string }
  | { kind: 'HELD'; reason: HeldReason };

export function registryVerdict(person: RegistryPerson | null | undefined): RegistryVerdict {
  if (!person) return { kind: 'HELD', reason: 'NOT_IN_REGISTRY' };
  if (person.status === 'alive') return { kind: 'ALIVE' };
  return person.dateOfDeath
    ? { kind: 'DECEASED', dateOfDeath: person.dateOfDeath }
    : { kind: 'HELD', reason: 'DEATH_DATE_UNKNOWN' };
}

export interface HeldRow {
  reason: HeldReason;
  people: number;
  /** Integer VND the rules would have paid them in this cycle. */
  amount: number;
}

export interface HeldTotals {
  people: number;
  amount: number;
  /** Sorted by reason. */
  byReason: HeldRow[];
}

/** Totals of the held payees: `amount` is what the rules would have paid each (0 when nothing was due). */
export function heldTotals(held: readonly { reason: HeldReason; amount: number }[]): HeldTotals {
  const rows = new Map<HeldReason, HeldRow>();
  let amount = 0;
  for (const h of held) {
    if (!Number.isSafeInteger(h.amount) || h.amount < 0) throw new RangeError(`held amount ${h.amount}`);
    const row = rows.get(h.reason) ?? { reason: h.reason, people: 0, amount: 0 };
    row.people += 1;
    row.amount += h.amount;
    rows.set(h.reason, row);
    amount += h.amount;
  }
  if (!Number.isSafeInteger(amount)) throw new RangeError('held amount is not a safe integer');
  return {
    people: held.length,
    amount,
    byReason: [...rows.values()].sort((a, b) => (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0)),
  };
}

/** The held totals of disjoint parts of a cycle (compute shards) added up: any order gives the same result. */
export function combineHeld(parts: readonly HeldTotals[]): HeldTotals {
  const rows = new Map<HeldReason, HeldRow>();
  let people = 0;
  let amount = 0;
  for (const part of parts) {
    people += part.people;
    amount += part.amount;
    for (const r of part.byReason) {
      const row = rows.get(r.reason) ?? { reason: r.reason, people: 0, amount: 0 };
      row.people += r.people;
      row.amount += r.amount;
      rows.set(r.reason, row);
    }
  }
  if (!Number.isSafeInteger(amount)) throw new RangeError('held amount is not a safe integer');
  return {
    people,
    amount,
    byReason: [...rows.values()].sort((a, b) => (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0)),
  };
}
