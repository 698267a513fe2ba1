/**
 * Statement-level checks, pure: is this statement a copy of one already loaded, does it continue the previous
 * one (opening balance = previous closing, no sequence gap), and do its own entries add up (opening + credits
 * − debits = closing)? Balances are signed minor units of the statement's currency (credit positive); only
 * VND ones are ever shown or stored as dong, another currency is said in its own unit ("11601.00 EUR").
 *
 * Chains: a statement continues the previous one of the same account, the same message type (camt.053,
 * camt.054, MT940, CSV) and the same numbering (the electronic sequence, else the legal one): a camt.054
 * notification numbered 50 says nothing of the camt.053 statements of that account.
 */
import { formatMinor } from '../iso20022/amounts.js';
import type { Balance, StatementEnd, StatementHeader } from '../iso20022/camt.js';

export interface LoadedStatement {
  importId: string;
  account: string;
  statementId: string;
  /** The chain this statement belongs to within its account (see statementChain). */
  chain?: string;
  sequence?: number;
  /** Signed minor units of `currency` (VND when absent: statements recorded before currencies were kept). */
  closingBalance?: number;
  currency?: string;
}

export interface ContinuityProblem {
  code: 'DUPLICATE_STATEMENT' | 'COPY_OF_LOADED' | 'SEQUENCE_GAP' | 'OPENING_BALANCE_MISMATCH' | 'BALANCE_MISMATCH';
  /** VND difference where there is one (never set for another currency: see currency / foreignDifference). */
  difference?: number;
  /** A difference in another currency than VND, in its own unit ("-10.00"). */
  currency?: string;
  foreignDifference?: string;
  detail: string;
}

/** Signed minor units of a balance (credit positive). */
export function signedBalance(b: Balance | undefined): number | undefined {
  if (!b) return undefined;
  const v = Number(b.amount.minor);
  return b.creditDebit === 'DBIT' ? -v : v;
}

/** The statement's currency: its balances', else its account's, else VND. */
export function statementCurrency(h: StatementHeader): string {
  return h.openingBalance?.amount.currency ?? h.closingBalance?.amount.currency ?? h.account.currency ?? 'VND';
}

/** A signed amount in minor units as read by a person: dong as an integer, another currency in its own unit. */
export function showAmount(minor: number, currency: string): string {
  return currency === 'VND' ? String(minor) : `${formatMinor(BigInt(minor), currency)} ${currency}`;
}

/** A difference as a ContinuityProblem carries it: VND in `difference`, another currency apart. */
function differenceOf(
  minor: number,
  currency: string,
): Pick<ContinuityProblem, 'difference' | 'currency' | 'foreignDifference'> {
  return currency === 'VND'
    ? { difference: minor }
    : { currency, foreignDifference: formatMinor(BigInt(minor), currency) };
}

/**
 * The header with its closing balance wherever the format puts it: camt on the header, MT940 (:62F:) and a
 * bank CSV's footer on the end event. Kept, it is what the next statement's opening is checked against.
 */
export function withClosing(h: StatementHeader, end: StatementEnd): StatementHeader {
  return h.closingBalance || !end.closingBalance ? h : { ...h, closingBalance: end.closingBalance };
}

/** The chain within the account: message type and numbering (E electronic, L legal, - none). */
export function statementChain(h: StatementHeader): string {
  const numbering = h.electronicSequenceNumber !== undefined ? 'E' : h.legalSequenceNumber !== undefined ? 'L' : '-';
  return `${h.message}#${numbering}`;
}

/**
 * What the import summary says of a statement's money: VND as numbers; another currency in its own unit under
 * `foreign`, with 0 in the VND fields, so nothing of it is ever added to or shown as dong.
 */
export function statementMoney(
  h: StatementHeader,
  totals: { credits: number; debits: number },
): {
  currency: string;
  openingBalance?: number;
  closingBalance?: number;
  credits: number;
  debits: number;
  foreign?: { openingBalance?: string; closingBalance?: string; credits: string; debits: string };
} {
  const currency = statementCurrency(h);
  const opening = signedBalance(h.openingBalance);
  const closing = signedBalance(h.closingBalance);
  if (currency === 'VND') return { currency, openingBalance: opening, closingBalance: closing, ...totals };
  const f = (v: number) => formatMinor(BigInt(v), currency);
  return {
    currency,
    credits: 0,
    debits: 0,
    foreign: {
      ...(opening !== undefined ? { openingBalance: f(opening) } : {}),
      ...(closing !== undefined ? { closingBalance: f(closing) } : {}),
      credits: f(totals.credits),
      debits: f(totals.debits),
    },
  };
}

export function statementAccount(h: StatementHeader): string {
  return h.account.otherId ?? h.account.iban ?? 'UNKNOWN';
}

export function statementSequence(h: StatementHeader): number | undefined {
  const raw = h.electronicSequenceNumber ?? h.legalSequenceNumber;
  const n = raw === undefined ? Number.NaN : Number(raw);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * Whether this statement was loaded before: the same statement id of the same account in another import is a
 * duplicate; a copy (CpyDplctInd COPY/DUPL) of one loaded is too. `sameId` is what the store found.
 */
export function duplicateOf(
  importId: string,
  header: StatementHeader,
  sameId: LoadedStatement | undefined,
): ContinuityProblem | undefined {
  if (!sameId || sameId.importId === importId) return undefined;
  const copy = header.copyDuplicate === 'COPY' || header.copyDuplicate === 'DUPL';
  return {
    code: copy ? 'COPY_OF_LOADED' : 'DUPLICATE_STATEMENT',
    detail: `statement ${header.id} of account ${statementAccount(header)} was loaded in import ${sameId.importId}`,
  };
}

/** Opening balance and sequence against the latest statement of the same chain loaded before this one. */
export function continuityWith(header: StatementHeader, previous: LoadedStatement | undefined): ContinuityProblem[] {
  const problems: ContinuityProblem[] = [];
  if (!previous) return problems;
  // Records written before chains were kept belong to no chain; another chain's never continues this one.
  if (previous.chain !== undefined && previous.chain !== statementChain(header)) return problems;
  const currency = statementCurrency(header);
  const seq = statementSequence(header);
  if (seq !== undefined && previous.sequence !== undefined && seq !== previous.sequence + 1) {
    problems.push({
      code: 'SEQUENCE_GAP',
      detail: `sequence ${seq} follows ${previous.sequence}: ${seq - previous.sequence - 1} statement(s) missing`,
    });
  }
  const opening = signedBalance(header.openingBalance);
  const sameCurrency = (previous.currency ?? 'VND') === currency;
  if (
    opening !== undefined &&
    previous.closingBalance !== undefined &&
    sameCurrency &&
    opening !== previous.closingBalance
  ) {
    problems.push({
      code: 'OPENING_BALANCE_MISMATCH',
      ...differenceOf(opening - previous.closingBalance, currency),
      detail: `opening ${showAmount(opening, currency)} ≠ previous closing ${showAmount(previous.closingBalance, currency)}`,
    });
  }
  return problems;
}

/** Running sum of a statement's booked entries, checked against its own closing balance at the end. */
export class StatementArithmetic {
  private credits = 0;
  private debits = 0;
  add(creditDebit: 'CRDT' | 'DBIT', amount: number, booked: boolean): void {
    if (!booked) return;
    if (creditDebit === 'CRDT') this.credits += amount;
    else this.debits += amount;
  }
  totals() {
    return { credits: this.credits, debits: this.debits };
  }
  check(header: StatementHeader): ContinuityProblem | undefined {
    const opening = signedBalance(header.openingBalance);
    const closing = signedBalance(header.closingBalance);
    if (opening === undefined || closing === undefined) return undefined;
    const computed = opening + this.credits - this.debits;
    if (computed === closing) return undefined;
    const c = statementCurrency(header);
    const show = (v: number) => showAmount(v, c);
    return {
      code: 'BALANCE_MISMATCH',
      ...differenceOf(closing - computed, c),
      detail: `opening ${show(opening)} + credits ${show(this.credits)} − debits ${show(this.debits)} = ${show(computed)} ≠ closing ${show(closing)}`,
    };
  }
}
