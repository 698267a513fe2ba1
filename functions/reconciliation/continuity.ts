/**
 * Statement-level checks, pure: is this statement a copy of one already loaded, does it continue the previous
 * one (opening balance = previous closing, no sequence gap), and do its own entries add up (opening + credits
 * − debits = closing)? Balances are signed VND (credit positive).
 */
import type { Balance, StatementHeader } from '../payments/iso20022/camt.js';

export interface LoadedStatement {
  importId: string;
  account: string;
  statementId: string;
  sequence?: number;
  closingBalance?: number;
}

export interface ContinuityProblem {
  code: 'DUPLICATE_STATEMENT' | 'COPY_OF_LOADED' | 'SEQUENCE_GAP' | 'OPENING_BALANCE_MISMATCH' | 'BALANCE_MISMATCH';
  /** VND difference where there is one. */
  difference?: number;
  detail: string;
}

export function signedBalance(b: Balance | undefined): number | undefined {
  if (!b) return undefined;
  const v = Number(b.amount.minor);
  return b.creditDebit === 'DBIT' ? -v : v;
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

/** Opening balance and sequence against the latest statement loaded before this one. */
export function continuityWith(header: StatementHeader, previous: LoadedStatement | undefined): ContinuityProblem[] {
  const problems: ContinuityProblem[] = [];
  if (!previous) return problems;
  const seq = statementSequence(header);
  if (seq !== undefined && previous.sequence !== undefined && seq !== previous.sequence + 1) {
    problems.push({
      code: 'SEQUENCE_GAP',
      detail: `sequence ${seq} follows ${previous.sequence}: ${seq - previous.sequence - 1} statement(s) missing`,
    });
  }
  const opening = signedBalance(header.openingBalance);
  if (opening !== undefined && previous.closingBalance !== undefined && opening !== previous.closingBalance) {
    problems.push({
      code: 'OPENING_BALANCE_MISMATCH',
      difference: opening - previous.closingBalance,
      detail: `opening ${opening} ≠ previous closing ${previous.closingBalance}`,
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
    return {
      code: 'BALANCE_MISMATCH',
      difference: closing - computed,
      detail: `opening ${opening} + credits ${this.credits} − debits ${this.debits} = ${computed} ≠ closing ${closing}`,
    };
  }
}
