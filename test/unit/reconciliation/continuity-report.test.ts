import type { StatementHeader } from '../../../functions/iso20022/camt.js';
import { bankingDaysBetween, isBankingDay, vietnamDate } from '../../../functions/reconciliation/banking-days.js';
import {
  continuityWith,
  duplicateOf,
  StatementArithmetic,
  statementSequence,
} from '../../../functions/reconciliation/continuity.js';
import {
  addTo,
  cycleOutcome,
  emptyTotals,
  mergeTotals,
  worstOutcome,
} from '../../../functions/reconciliation/report.js';

const vnd = (n: number) => ({ currency: 'VND', minor: BigInt(Math.abs(n)), exponent: 0 });
function header(over: Partial<StatementHeader> = {}): StatementHeader {
  return {
    type: 'header',
    message: 'camt.053',
    statement: 1,
    id: 'S1',
    electronicSequenceNumber: '5',
    account: { otherId: '0071000123456' },
    openingBalance: { type: 'OPBD', amount: vnd(1_000_000), creditDebit: 'CRDT' },
    closingBalance: { type: 'CLBD', amount: vnd(400_000), creditDebit: 'CRDT' },
    balances: [],
    ...over,
  };
}

describe('banking days', () => {
  it('skips weekends and Tet', () => {
    expect(isBankingDay('2026-02-13')).toBe(true); // Friday
    expect(isBankingDay('2026-02-14')).toBe(false); // Saturday
    expect(isBankingDay('2026-02-17')).toBe(false); // Tet
    expect(bankingDaysBetween('2026-02-13', '2026-02-23')).toBe(1); // only Monday 23rd
    expect(bankingDaysBetween('2026-03-02', '2026-03-06')).toBe(4);
    expect(bankingDaysBetween('2026-03-06', '2026-03-02')).toBe(0);
  });
  it('dates an instant in Vietnam time', () => {
    expect(vietnamDate('2026-03-01T17:30:00Z')).toBe('2026-03-02');
    expect(vietnamDate('2026-03-01T16:59:59Z')).toBe('2026-03-01');
  });
  it('refuses what is not a date', () => {
    expect(() => bankingDaysBetween('02/03/2026', '2026-03-06')).toThrow(RangeError);
  });
});

describe('statement continuity', () => {
  const previous = {
    importId: 'I0',
    account: '0071000123456',
    statementId: 'S0',
    sequence: 4,
    closingBalance: 1_000_000,
  };
  it('a statement that continues the previous one is clean', () => {
    expect(continuityWith(header(), previous)).toEqual([]);
    expect(continuityWith(header(), undefined)).toEqual([]);
  });
  it('reports a sequence gap and an opening balance that is not the previous closing', () => {
    const problems = continuityWith(
      header({
        electronicSequenceNumber: '7',
        openingBalance: { type: 'OPBD', amount: vnd(900_000), creditDebit: 'CRDT' },
      }),
      previous,
    );
    expect(problems.map((p) => p.code)).toEqual(['SEQUENCE_GAP', 'OPENING_BALANCE_MISMATCH']);
    expect(problems[1]?.difference).toBe(-100_000);
  });
  it('reads debit balances as negative', () => {
    const h = header({ openingBalance: { type: 'OPBD', amount: vnd(5), creditDebit: 'DBIT' } });
    expect(continuityWith(h, { ...previous, closingBalance: -5 })).toEqual([]);
  });
  it('the same statement id in another import is a duplicate; a COPY says so', () => {
    const loaded = { ...previous, importId: 'I0', statementId: 'S1' };
    expect(duplicateOf('I1', header(), loaded)?.code).toBe('DUPLICATE_STATEMENT');
    expect(duplicateOf('I1', header({ copyDuplicate: 'COPY' }), loaded)?.code).toBe('COPY_OF_LOADED');
    expect(duplicateOf('I0', header(), loaded)).toBeUndefined(); // re-running the same import
    expect(duplicateOf('I1', header(), undefined)).toBeUndefined();
  });
  it('checks opening + credits − debits = closing over booked entries only', () => {
    const sum = new StatementArithmetic();
    sum.add('DBIT', 700_000, true);
    sum.add('CRDT', 100_000, true);
    sum.add('DBIT', 999, false);
    expect(sum.check(header())).toBeUndefined();
    sum.add('DBIT', 1, true);
    expect(sum.check(header())).toMatchObject({ code: 'BALANCE_MISMATCH', difference: 1 });
  });
  it('reads sequence numbers that are numbers only', () => {
    expect(
      statementSequence(header({ electronicSequenceNumber: 'A7', legalSequenceNumber: undefined })),
    ).toBeUndefined();
    expect(statementSequence(header({ electronicSequenceNumber: undefined, legalSequenceNumber: '12' }))).toBe(12);
  });
});

describe('totals and the cycle view', () => {
  it('accumulates and merges counts and VND per outcome; leads with the worst', () => {
    const t = emptyTotals();
    addTo(t, 'MATCHED', 500_000);
    addTo(t, 'NOT_OURS', 1);
    const merged = mergeTotals(t, { MATCHED: { count: 1, amount: 2 } });
    expect(merged.MATCHED).toEqual({ count: 2, amount: 500_002 });
    expect(worstOutcome(merged)).toBe('NOT_OURS');
    expect(worstOutcome(emptyTotals())).toBeUndefined();
  });
  const p = { paymentId: 'P1', amount: 500_000, createdAt: '2026-03-02T02:00:00Z' } as const;
  it('classifies each payment of a cycle once', () => {
    const booking = { paymentId: 'P1', position: 'x', outcome: 'MATCHED' as const, amount: 500_000 };
    expect(cycleOutcome({ ...p, state: 'SETTLED' }, booking, '2026-03-20', 3)).toBe('MATCHED');
    expect(cycleOutcome({ ...p, state: 'SETTLED' }, { ...booking, outcome: 'AMOUNT_MISMATCH' }, '2026-03-20', 3)).toBe(
      'AMOUNT_MISMATCH',
    );
    expect(cycleOutcome({ ...p, state: 'REJECTED' }, undefined, '2026-03-20', 3)).toBe('REJECTED');
    expect(cycleOutcome({ ...p, state: 'RETURNED' }, booking, '2026-03-20', 3)).toBe('RETURN');
    expect(cycleOutcome({ ...p, state: 'PENDING' }, undefined, '2026-03-20', 3)).toBe('AWAITING_BOOKING');
    // Never sent by the cut-off: no booking is due, however late; one found anyway is reported as booked.
    expect(cycleOutcome({ ...p, state: 'NOT_SENT' }, undefined, '2026-04-30', 3)).toBe('NOT_SENT');
    expect(cycleOutcome({ ...p, state: 'NOT_SENT' }, booking, '2026-04-30', 3)).toBe('MATCHED');
  });
  it('not booked only after N banking days', () => {
    expect(cycleOutcome({ ...p, state: 'SETTLED' }, undefined, '2026-03-05', 3)).toBe('AWAITING_BOOKING');
    expect(cycleOutcome({ ...p, state: 'SETTLED' }, undefined, '2026-03-06', 3)).toBe('NOT_BOOKED');
    expect(cycleOutcome({ ...p, state: 'UNKNOWN' }, undefined, '2026-03-06', 3)).toBe('NOT_BOOKED');
  });
});
