/**
 * What must hold after every step of every sequence. The checks use the platform's real lifecycle
 * (`decideTransition`), never the world's (which the self-test may break on purpose).
 */
import { FUNERAL_MARKER } from '../../functions/entitlements/entitlement.js';
import type { LedgerEntry } from '../../functions/payment-ledger/ledger-store.js';
import { decideTransition, type PaymentState, UNPAID_STATES } from '../../functions/payment-ledger/payment-state.js';
import type { World } from './world.js';

/**
 * The entries seen at the previous check, by payment, and the state they lead to: what was there must still be
 * there, unchanged, and only what was appended since needs checking again.
 */
export type HistorySnapshot = Map<string, { entries: readonly LedgerEntry[]; state: PaymentState }>;

export function snapshot(w: World): HistorySnapshot {
  return new Map(
    [...w.history].map(([id, list]) => [id, { entries: [...list], state: w.heads.get(id)?.state ?? 'PENDING' }]),
  );
}

/** The first broken invariant, or undefined. */
export function violation(w: World, before: HistorySnapshot): string | undefined {
  // No EndToEndId accepted twice by the bank.
  for (const [id, p] of w.bank) {
    if (p.acceptedTimes !== 1) return `EndToEndId ${id} accepted ${p.acceptedTimes} times by the bank`;
  }

  // The history is append-only, contiguous, and every state entry a move the lifecycle allows.
  for (const [id, old] of before) {
    const now = w.history.get(id);
    if (!now || now.length < old.entries.length || old.entries.some((e, n) => now[n] !== e)) {
      return `history of ${id} was rewritten (had ${old.entries.length} entries, has ${now?.length ?? 0})`;
    }
  }
  for (const [id, list] of w.history) {
    const head = w.heads.get(id);
    if (!head) return `history of ${id} without its HEAD`;
    if (list.some((e, n) => e.seq !== n + 1) || head.seq !== list.length) return `history of ${id} is not contiguous`;
    if (list[0]?.state !== 'PENDING' || list[0].kind !== 'STATE') return `history of ${id} does not start PENDING`;
    const checked = before.get(id);
    let state: PaymentState = checked?.state ?? 'PENDING';
    for (const e of list.slice(checked?.entries.length ?? 1)) {
      if (e.kind !== 'STATE') continue;
      const d = decideTransition(state, e.state);
      if (d.kind !== 'apply') return `history of ${id}: ${state} → ${e.state} is not a move of the lifecycle`;
      state = e.state;
    }
    if (head.state !== state) return `HEAD of ${id} says ${head.state}, its history ${state}`;
  }

  // The maintained totals (moved with each ledger write) are the ledger's own count, in count and VND.
  const recount = new Map<string, Map<PaymentState, { count: number; amount: number }>>();
  for (const head of w.heads.values()) {
    const byState = recount.get(head.cycleId) ?? new Map();
    const t = byState.get(head.state) ?? { count: 0, amount: 0 };
    byState.set(head.state, { count: t.count + 1, amount: t.amount + head.amount });
    recount.set(head.cycleId, byState);
  }
  for (const [cycleId, totals] of w.totals) {
    for (const [state, t] of Object.entries(totals) as [PaymentState, { count: number; amount: number }][]) {
      const real = recount.get(cycleId)?.get(state) ?? { count: 0, amount: 0 };
      if (t.count !== real.count || t.amount !== real.amount) {
        return `maintained totals of ${cycleId} say ${t.count}/${t.amount} ${state}, the ledger holds ${real.count}/${real.amount}`;
      }
    }
  }
  for (const cycleId of recount.keys()) if (!w.totals.has(cycleId)) return `no maintained totals for ${cycleId}`;

  for (const c of w.cycles) {
    if (!c.draft) continue;
    // The draft's totals balance with its instructions and chunks, in count and VND.
    const instructions = c.draft.chunks.flatMap((k) => k.part);
    const sum = instructions.reduce((s, i) => s + i.amount, 0);
    const chunkSum = c.draft.chunks.reduce((s, k) => s + k.amount, 0);
    if (c.draft.totals.payees !== instructions.length || c.draft.totals.amount !== sum || chunkSum !== sum) {
      return `draft of ${c.cycleId}: totals ${c.draft.totals.payees}/${c.draft.totals.amount} ≠ instructions ${instructions.length}/${sum}`;
    }
    // Every approved payment is in the ledger once with its approved amount, or was never dispatched.
    for (const i of instructions) {
      const head = w.heads.get(i.paymentId);
      if (head && (head.amount !== i.amount || head.cycleId !== c.cycleId)) {
        return `payment ${i.paymentId} in the ledger differs from its approved instruction`;
      }
    }
    if (c.closing) {
      const { balanced, approved, notDispatched } = c.closing;
      if (!balanced.count || !balanced.amount) return `closing of ${c.cycleId} does not balance`;
      const recorded = instructions.filter((i) => w.heads.has(i.paymentId)).length;
      if (recorded + notDispatched.count < approved.count) return `closing of ${c.cycleId} lost payments`;
      // The cut-off resolved every open payment; only the bank's late word (UNKNOWN → ACCEPTED) may follow.
      for (const s of ['PENDING', 'SENT'] as const) {
        if (c.closing[s].count > 0) return `closing of ${c.cycleId}: ${c.closing[s].count} payments still ${s}`;
      }
    }
  }

  // The ledger and the bank agree on what the bank decided.
  for (const [id, head] of w.heads) {
    const held = w.bank.get(id);
    if (head.state === 'NOT_SENT' && held) return `${id} is NOT_SENT but the bank holds it`;
    if (head.state === 'SETTLED' && held?.status !== 'ACSC' && head.channel === 'BANK')
      return `${id} SETTLED, bank says ${held?.status}`;
    if (head.state === 'REJECTED' && held && held.status !== 'RJCT') return `${id} REJECTED, bank says ${held.status}`;
  }

  // Nobody paid for a month twice: at the bank (money that stayed with the person), and in the ledger
  // (payments that may have reached the person: anything but rejected, returned or never sent).
  const moneyFor = new Map<string, string>();
  const maybeFor = new Map<string, string>();
  for (const [id, head] of w.heads) {
    const held = w.bank.get(id);
    const paid = held ? held.status === 'ACSC' && !held.returned : false;
    for (const month of head.months) {
      if (month === FUNERAL_MARKER) continue;
      const key = `${head.personId} ${month}`;
      if (paid) {
        const other = moneyFor.get(key);
        if (other) return `${head.personId} paid twice for ${month} by the bank: ${other} and ${id}`;
        moneyFor.set(key, id);
      }
      if (!UNPAID_STATES.has(head.state)) {
        const other = maybeFor.get(key);
        if (other) return `${head.personId} paid twice for ${month} in the ledger: ${other} and ${id}`;
        maybeFor.set(key, id);
      }
    }
  }

  // A payment is booked by one statement line at most.
  for (const [id, b] of w.bookings) {
    const head = w.heads.get(id);
    if (!head || b.amount !== head.amount) return `booking of ${id} does not match its payment`;
  }
  return undefined;
}
