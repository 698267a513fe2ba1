/**
 * Matching statement lines against the payment ledger, pure. The adapter gathers what a line refers to
 * (payments by EndToEndId, our batch by MsgId/PmtInfId, bookings already recorded, fallback candidates) and
 * this module decides; it never reads or writes anything itself.
 *
 * Rules:
 * - A debit with our EndToEndId is MATCHED when the amount is the payment's, AMOUNT_MISMATCH otherwise,
 *   DUPLICATE_ENTRY when another line already booked that payment, CONTRADICTORY_STATUS when the bank books
 *   a payment it told us it rejected. A camt.054 notification and the camt.053 statement of the same booking
 *   (the same bank reference, or without one the same amount and booking date) are two views of one booking:
 *   the later one read is LINKED to the first, in either order, never a DUPLICATE_ENTRY.
 * - A batch booking (one debit for a pain.001 block) is checked by its count and total; with TxDtls each
 *   transaction is matched as above, without them the block is matched by PmtInfId/MsgId against our batch.
 * - A credit carrying a return (RtrInf, RvslInd, RRTN) of our payment is a RETURN: the ledger gets a new
 *   RETURNED entry, linked to the original payment.
 * - A line without a usable reference (NOTPROVIDED, truncated, unknown) gets SUGGESTED candidates by amount,
 *   date and account, never a confirmed match; with no candidate it is NOT_OURS, the highest severity.
 * - Lines the bank has not booked (PDNG, INFO) are NOT_FINAL: listed, nothing changes.
 * - A line in another currency than VND is FOREIGN_CURRENCY with its own amount and currency: never converted,
 *   never shown as dong, and 0 in the VND totals.
 */
import { formatMinor } from '../iso20022/amounts.js';
import type { StatementEntry, StatementMessage, TransactionDetails } from '../iso20022/camt.js';
import type { PaymentState } from '../payment-ledger/payment-state.js';
import { bankingDaysBetween } from './banking-days.js';
import type { Outcome } from './outcomes.js';

/** What the reconciliation needs of a payment: the ledger HEAD, in short. */
export interface LedgerPayment {
  paymentId: string;
  cycleId: string;
  amount: number;
  state: PaymentState;
  bankBin?: string;
  creditorAccount?: string;
  /** When the instruction was recorded (ISO instant). */
  createdAt: string;
  /** Where a booking of it is counted (the booked totals): its commune and main allowance category. */
  communeCode?: string;
  categoryCode?: string;
}

/** Where a statement line sits: import, statement in the file, entry, transaction (0 = the entry itself). */
export interface LinePosition {
  importId: string;
  statement: number;
  entry: number;
  tx: number;
}

export const positionKey = (p: LinePosition) =>
  `${p.importId}#${String(p.statement).padStart(3, '0')}#${String(p.entry).padStart(8, '0')}#${String(p.tx).padStart(5, '0')}`;

/** A line that booked a payment before (the first booking of a payment wins). */
export interface Booking {
  paymentId: string;
  position: string;
  outcome: 'MATCHED' | 'AMOUNT_MISMATCH' | 'RETURN';
  amount: number;
  bookingDate?: string;
  /** The message the booking was read from, and the bank's reference of its entry (to link other views). */
  message?: StatementMessage;
  bankRef?: string;
}

/** Our pain.001 block as the bank should book it. */
export interface OurBatch {
  msgId: string;
  paymentIds: string[];
}

export interface LineContext {
  payments: ReadonlyMap<string, LedgerPayment>;
  bookings: ReadonlyMap<string, Booking>;
  /** Returns recorded before, by payment id (a return notified and then in the statement is one return). */
  returns?: ReadonlyMap<string, Booking>;
  batches: ReadonlyMap<string, OurBatch>;
  /** Candidates for the fallback, by creditor account number. */
  candidates: ReadonlyMap<string, LedgerPayment[]>;
  /** Banking days after the payment was recorded within which a fallback candidate may be booked. */
  fallbackWindowDays?: number;
  /** The message the lines come from (camt.053, camt.054...): a notification and a statement link up. */
  message?: StatementMessage;
}

export interface Finding extends LinePosition {
  outcome: Outcome;
  creditDebit: 'CRDT' | 'DBIT';
  /** VND of the statement this finding accounts for (may be negative for a batch's residual); 0 when foreign. */
  amount: number;
  /** A line not in dong: its own currency and amount (decimal, e.g. "11601.00"), never converted to VND. */
  currency?: string;
  foreignAmount?: string;
  expectedAmount?: number;
  endToEndId?: string;
  paymentId?: string;
  cycleId?: string;
  bookingDate?: string;
  accountServicerRef?: string;
  reasonCode?: string;
  /** Fallback candidates, never confirmed automatically. */
  suggestions?: string[];
  /** The booking this duplicates, when DUPLICATE_ENTRY; the line it is another view of, when LINKED. */
  duplicateOf?: string;
  note?: string;
}

/** What the adapter must do for the ledger and the bookings, all idempotent. */
export interface Effect {
  kind: 'BOOK' | 'RETURN';
  paymentId: string;
  booking: Booking;
  reasonCode?: string;
}

export interface LineResult {
  findings: Finding[];
  effects: Effect[];
}

const NO_REFERENCE = new Set(['', 'NOTPROVIDED', 'NONREF', 'NONE']);

/** The EndToEndId a transaction carries, when it is one we could have issued. */
export function usableReference(tx: TransactionDetails | undefined): string | undefined {
  const id = tx?.endToEndId?.trim();
  return id && !NO_REFERENCE.has(id.toUpperCase()) ? id : undefined;
}

/** Our MsgId behind a batch: Btch/MsgId, or the part of our PmtInfId before the date (`<MsgId>-YYYYMMDD`). */
export function batchMessageId(entry: StatementEntry): string | undefined {
  const b = entry.batches[0];
  if (!b) return undefined;
  return b.messageId ?? b.paymentInfoId?.replace(/-\d{8}$/, '');
}

/** The keys a line refers to, for the adapter to fetch in one batch before `matchEntry`. */
export function referencesOf(entry: StatementEntry): { paymentIds: string[]; msgIds: string[] } {
  const paymentIds = new Set<string>();
  for (const tx of entry.transactions) {
    const ref = usableReference(tx);
    if (ref) paymentIds.add(ref);
  }
  const msgId = entry.transactions.length === 0 ? batchMessageId(entry) : undefined;
  return { paymentIds: [...paymentIds], msgIds: msgId ? [msgId] : [] };
}

/** Creditor accounts of the transactions no payment of ours was found for: the fallback's search keys. */
export function fallbackAccounts(entry: StatementEntry, found: ReadonlyMap<string, unknown>): string[] {
  return entry.transactions.flatMap((tx) => {
    const ref = usableReference(tx);
    const acct = creditorAccountOf(tx);
    return acct && !(ref && found.has(ref)) ? [acct] : [];
  });
}

const toNumber = (minor: bigint) => Number(minor);

export function creditorAccountOf(tx: TransactionDetails | undefined): string | undefined {
  return tx?.creditorAccount?.otherId ?? tx?.creditorAccount?.iban;
}

/** The bank's reference of an entry: what a notification and the statement of one booking share. */
function bankRefOf(entry: StatementEntry, tx?: TransactionDetails): string | undefined {
  return entry.accountServicerRef ?? entry.entryRef ?? tx?.accountServicerRef;
}

const VIEWS: ReadonlySet<string> = new Set(['camt.053', 'camt.054']);

/**
 * Whether an earlier booking is this very booking seen in the other message: camt.054 (notified during the
 * day) and camt.053 (the day's statement), either order, with the same bank reference, or when one of them
 * has none, the same amount and booking date.
 */
function otherViewOf(
  previous: Booking,
  message: StatementMessage | undefined,
  entry: StatementEntry,
  tx: TransactionDetails | undefined,
  amount: number,
): boolean {
  if (!message || !previous.message || message === previous.message) return false;
  if (!VIEWS.has(message) || !VIEWS.has(previous.message)) return false;
  const ref = bankRefOf(entry, tx);
  if (ref !== undefined && previous.bankRef !== undefined) return ref === previous.bankRef;
  return previous.amount === amount && !!entry.bookingDate && previous.bookingDate === entry.bookingDate;
}

function isReturn(entry: StatementEntry, tx?: TransactionDetails): boolean {
  return (
    entry.creditDebit === 'CRDT' &&
    (entry.reversal || !!tx?.returnReason || entry.bankTransactionCode?.subFamily === 'RRTN')
  );
}

/** The one decision per transaction that names a payment of ours. */
function matchReferenced(
  pos: LinePosition,
  entry: StatementEntry,
  tx: TransactionDetails,
  amount: number,
  payment: LedgerPayment,
  ctx: LineContext,
): LineResult {
  const base = {
    ...pos,
    creditDebit: entry.creditDebit,
    amount,
    expectedAmount: payment.amount,
    endToEndId: payment.paymentId,
    paymentId: payment.paymentId,
    cycleId: payment.cycleId,
    bookingDate: entry.bookingDate,
    accountServicerRef: tx.accountServicerRef ?? entry.accountServicerRef,
  };
  const here = positionKey(pos);
  if (isReturn(entry, tx)) {
    const booking: Booking = {
      paymentId: payment.paymentId,
      position: here,
      outcome: 'RETURN',
      amount,
      bookingDate: entry.bookingDate,
      ...viewOf(ctx, entry, tx),
    };
    const earlier = ctx.returns?.get(payment.paymentId);
    if (earlier && earlier.position !== here && otherViewOf(earlier, ctx.message, entry, tx, amount)) {
      const note = `${ctx.message} view of the return read from ${earlier.message}`;
      return { findings: [{ ...base, outcome: 'LINKED', duplicateOf: earlier.position, note }], effects: [] };
    }
    if (!['SETTLED', 'RETURNED', 'UNKNOWN', 'ACCEPTED', 'SENT'].includes(payment.state)) {
      return {
        findings: [{ ...base, outcome: 'CONTRADICTORY_STATUS', note: `return of a ${payment.state} payment` }],
        effects: [],
      };
    }
    return {
      findings: [{ ...base, outcome: 'RETURN', reasonCode: tx.returnReason }],
      effects: [{ kind: 'RETURN', paymentId: payment.paymentId, booking, reasonCode: tx.returnReason }],
    };
  }
  if (entry.creditDebit === 'CRDT') {
    // Money coming in under our reference that is not a return: we cannot explain it.
    return { findings: [{ ...base, outcome: 'NOT_OURS', note: 'credit under a payment reference' }], effects: [] };
  }
  const previous = ctx.bookings.get(payment.paymentId);
  if (previous && previous.position !== here && previous.outcome !== 'RETURN') {
    if (otherViewOf(previous, ctx.message, entry, tx, amount)) {
      const note = `${ctx.message} view of the booking read from ${previous.message} (${previous.outcome})`;
      return { findings: [{ ...base, outcome: 'LINKED', duplicateOf: previous.position, note }], effects: [] };
    }
    return { findings: [{ ...base, outcome: 'DUPLICATE_ENTRY', duplicateOf: previous.position }], effects: [] };
  }
  if (payment.state === 'REJECTED') {
    return {
      findings: [{ ...base, outcome: 'CONTRADICTORY_STATUS', note: 'booked although the bank rejected it' }],
      effects: [],
    };
  }
  const outcome = amount === payment.amount ? 'MATCHED' : 'AMOUNT_MISMATCH';
  const booking: Booking = {
    paymentId: payment.paymentId,
    position: here,
    outcome,
    amount,
    bookingDate: entry.bookingDate,
    ...viewOf(ctx, entry, tx),
  };
  return { findings: [{ ...base, outcome }], effects: [{ kind: 'BOOK', paymentId: payment.paymentId, booking }] };
}

/** Where a booking was read, so that another view of it can be linked later. */
function viewOf(
  ctx: LineContext,
  entry: StatementEntry,
  tx?: TransactionDetails,
): Pick<Booking, 'message' | 'bankRef'> {
  const bankRef = bankRefOf(entry, tx);
  return { ...(ctx.message ? { message: ctx.message } : {}), ...(bankRef !== undefined ? { bankRef } : {}) };
}

/** Fallback for a line without a usable reference: suggestions by amount, date and account, never a match. */
function suggest(
  pos: LinePosition,
  entry: StatementEntry,
  tx: TransactionDetails | undefined,
  amount: number,
  ctx: LineContext,
): Finding {
  const acct = creditorAccountOf(tx);
  const ref = usableReference(tx);
  const bin = tx?.creditorAccount?.servicerMemberId;
  const window = ctx.fallbackWindowDays ?? 10;
  const pool = acct ? (ctx.candidates.get(acct) ?? []) : [];
  const booked = entry.bookingDate;
  const suggestions = pool
    .filter(
      (p) =>
        p.amount === amount &&
        (!bin || !p.bankBin || p.bankBin === bin) &&
        !ctx.bookings.has(p.paymentId) &&
        ['SENT', 'ACCEPTED', 'SETTLED', 'UNKNOWN'].includes(p.state) &&
        (!booked ||
          (p.createdAt.slice(0, 10) <= booked && bankingDaysBetween(p.createdAt.slice(0, 10), booked) <= window)),
    )
    .map((p) => p.paymentId)
    .sort();
  const base = {
    ...pos,
    creditDebit: entry.creditDebit,
    amount,
    bookingDate: entry.bookingDate,
    accountServicerRef: tx?.accountServicerRef ?? entry.accountServicerRef,
    // NOTPROVIDED, NONREF and blanks are no reference at all, never shown as one.
    ...(ref ? { endToEndId: ref } : {}),
  };
  return suggestions.length
    ? { ...base, outcome: 'SUGGESTED', suggestions, note: 'no usable reference; confirm by hand' }
    : { ...base, outcome: 'NOT_OURS', note: ref ? 'reference unknown to the ledger' : 'no reference' };
}

/** A line not in dong, reported in its own currency (amount 0: it takes no part in VND totals). */
function foreignFinding(at: Omit<LinePosition, 'tx'>, entry: StatementEntry): Finding {
  const { currency } = entry.amount;
  const foreignAmount = formatMinor(entry.amount.minor, currency);
  return {
    ...at,
    tx: 0,
    outcome: 'FOREIGN_CURRENCY',
    creditDebit: entry.creditDebit,
    amount: 0,
    currency,
    foreignAmount,
    bookingDate: entry.bookingDate,
    accountServicerRef: entry.accountServicerRef,
    note: `${currency} ${foreignAmount}${entry.status === 'BOOK' ? '' : ` (entry status ${entry.status})`}`,
  };
}

/** A line of a statement loaded before: reconciled there, listed here only (foreign lines stay foreign). */
export function alreadyLoadedFinding(importId: string, entry: StatementEntry): Finding {
  const at = { importId, statement: entry.statement, entry: entry.entry };
  const foreign = entry.amount.currency !== 'VND' ? foreignFinding(at, entry) : undefined;
  return {
    ...at,
    tx: 0,
    outcome: 'DUPLICATE_STATEMENT',
    creditDebit: entry.creditDebit,
    amount: foreign ? 0 : toNumber(entry.amount.minor),
    ...(foreign ? { currency: foreign.currency, foreignAmount: foreign.foreignAmount } : {}),
    bookingDate: entry.bookingDate,
    note: 'statement already loaded: this line was reconciled there',
  };
}

/** Decides every line of one statement entry. */
export function matchEntry(importId: string, entry: StatementEntry, ctx: LineContext): LineResult {
  const at = { importId, statement: entry.statement, entry: entry.entry };
  const entryAmount = toNumber(entry.amount.minor);
  if (entry.amount.currency !== 'VND') return { findings: [foreignFinding(at, entry)], effects: [] };
  if (entry.status !== 'BOOK') {
    return {
      findings: [
        {
          ...at,
          tx: 0,
          outcome: 'NOT_FINAL',
          creditDebit: entry.creditDebit,
          amount: entryAmount,
          bookingDate: entry.bookingDate,
          note: `entry status ${entry.status}`,
        },
      ],
      effects: [],
    };
  }
  const result: LineResult = { findings: [], effects: [] };
  const add = (r: LineResult | Finding) => {
    if ('findings' in r) {
      result.findings.push(...r.findings);
      result.effects.push(...r.effects);
    } else result.findings.push(r);
  };

  if (entry.transactions.length === 0) {
    const msgId = batchMessageId(entry);
    const batch = msgId ? ctx.batches.get(msgId) : undefined;
    if (batch && entry.creditDebit === 'DBIT') return matchWholeBatch(at, entry, entryAmount, batch, ctx);
    add(suggest({ ...at, tx: 0 }, entry, undefined, entryAmount, ctx));
    return result;
  }

  let explained = 0;
  entry.transactions.forEach((tx, i) => {
    const pos = { ...at, tx: i + 1 };
    // One transaction without its own booked amount is the whole entry (a single booking). A transaction
    // amount in another currency than the entry is not what was booked on this account.
    const booked = tx.amount?.currency === entry.amount.currency ? tx.amount : undefined;
    const amount = booked ? toNumber(booked.minor) : entry.transactions.length === 1 ? entryAmount : 0;
    explained += amount;
    const ref = usableReference(tx);
    const payment = ref ? ctx.payments.get(ref) : undefined;
    if (payment) add(matchReferenced(pos, entry, tx, amount, payment, ctx));
    else add(suggest(pos, entry, tx, amount, ctx));
  });
  const residual = entryAmount - explained;
  const batch = entry.batches[0];
  const countWrong = batch?.nbOfTxs !== undefined && batch.nbOfTxs !== entry.transactions.length;
  const totalWrong = batch?.totalAmount !== undefined && toNumber(batch.totalAmount.minor) !== entryAmount;
  if (residual !== 0 || countWrong || totalWrong) {
    add({
      ...at,
      tx: 0,
      outcome: 'AMOUNT_MISMATCH',
      creditDebit: entry.creditDebit,
      amount: residual,
      expectedAmount: 0,
      bookingDate: entry.bookingDate,
      accountServicerRef: entry.accountServicerRef,
      note: [
        residual !== 0 ? `entry ${entryAmount} ≠ Σ transactions ${explained}` : '',
        countWrong ? `NbOfTxs ${batch?.nbOfTxs} ≠ ${entry.transactions.length} transactions` : '',
        totalWrong ? `TtlAmt ${batch?.totalAmount?.minor} ≠ entry ${entryAmount}` : '',
      ]
        .filter(Boolean)
        .join('; '),
    });
  }
  return result;
}

/** A batch booked as one debit without transaction details: count and total against our block. */
function matchWholeBatch(
  at: Omit<LinePosition, 'tx'>,
  entry: StatementEntry,
  entryAmount: number,
  batch: OurBatch,
  ctx: LineContext,
): LineResult {
  const pos = { ...at, tx: 0 };
  const here = positionKey(pos);
  const mine = batch.paymentIds.map((id) => ctx.payments.get(id)).filter((p): p is LedgerPayment => !!p);
  // The bank books what it settled: our rejected payments are not in the debit.
  const expected = mine.filter((p) => p.state !== 'REJECTED');
  const expectedAmount = expected.reduce((s, p) => s + p.amount, 0);
  const btch = entry.batches[0];
  const countOk = btch?.nbOfTxs === undefined || btch.nbOfTxs === expected.length;
  const already = expected.filter((p) => {
    const b = ctx.bookings.get(p.paymentId);
    return b && b.position !== here && b.outcome !== 'RETURN';
  });
  const base = {
    ...pos,
    creditDebit: entry.creditDebit,
    amount: entryAmount,
    expectedAmount,
    bookingDate: entry.bookingDate,
    accountServicerRef: entry.accountServicerRef,
  };
  if (already.length) {
    const first = ctx.bookings.get(already[0]?.paymentId ?? '');
    const linked =
      already.length === expected.length &&
      already.every((p) =>
        otherViewOf(ctx.bookings.get(p.paymentId) as Booking, ctx.message, entry, undefined, p.amount),
      );
    return {
      findings: [{ ...base, outcome: linked ? 'LINKED' : 'DUPLICATE_ENTRY', duplicateOf: first?.position }],
      effects: [],
    };
  }
  const outcome = entryAmount === expectedAmount && countOk ? 'MATCHED' : 'AMOUNT_MISMATCH';
  return {
    findings: [
      {
        ...base,
        outcome,
        note: `batch ${batch.msgId}: ${expected.length} payments${countOk ? '' : `, bank says ${btch?.nbOfTxs}`}`,
      },
    ],
    effects: expected.map((p) => ({
      kind: 'BOOK' as const,
      paymentId: p.paymentId,
      booking: {
        paymentId: p.paymentId,
        position: here,
        outcome,
        amount: p.amount,
        bookingDate: entry.bookingDate,
        ...viewOf(ctx, entry),
      },
    })),
  };
}
