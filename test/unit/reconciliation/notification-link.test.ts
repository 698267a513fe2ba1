/**
 * Issue 14 item 2: a camt.054 notification and the camt.053 statement of the same booking are two views of one
 * booking: the one read second is LINKED to the first (either order), never a DUPLICATE_ENTRY.
 */
import type { StatementEntry, StatementMessage } from '../../../functions/iso20022/camt.js';
import {
  type Booking,
  type LedgerPayment,
  type LineContext,
  matchEntry,
  positionKey,
} from '../../../functions/reconciliation/match.js';

const vnd = (n: number) => ({ currency: 'VND', minor: BigInt(n), exponent: 0 });
const payment: LedgerPayment = {
  paymentId: 'P1',
  cycleId: 'C1',
  amount: 11_000_000,
  state: 'SETTLED',
  createdAt: '2026-02-02T03:00:00.000Z',
};

function line(over: Partial<StatementEntry> = {}): StatementEntry {
  return {
    type: 'entry',
    statement: 1,
    entry: 1,
    amount: vnd(11_000_000),
    creditDebit: 'DBIT',
    status: 'BOOK',
    bookingDate: '2026-02-03',
    reversal: false,
    entryRef: 'BK-1',
    accountServicerRef: 'BK-1',
    batches: [],
    transactions: [{ endToEndId: 'P1', amount: vnd(11_000_000) }],
    ...over,
  };
}

/** Reads `first` from one message in import A, then `second` from another message in import B. */
function twice(
  first: { message: StatementMessage; entry: StatementEntry },
  second: { message: StatementMessage; entry: StatementEntry },
) {
  const base = { payments: new Map([['P1', payment]]), batches: new Map(), candidates: new Map() };
  const a = matchEntry('A', first.entry, { ...base, bookings: new Map(), message: first.message });
  expect(a.findings.map((f) => f.outcome)).toEqual(['MATCHED']);
  const booked = a.effects[0]?.booking as Booking;
  const ctx: LineContext = { ...base, bookings: new Map([['P1', booked]]), message: second.message };
  return { booked, b: matchEntry('B', second.entry, ctx) };
}

describe('a notification and the statement of one booking', () => {
  it('camt.054 then camt.053: the statement line is linked, nothing booked again', () => {
    const { booked, b } = twice({ message: 'camt.054', entry: line() }, { message: 'camt.053', entry: line() });
    expect(booked).toMatchObject({ message: 'camt.054', bankRef: 'BK-1' });
    expect(b.findings).toEqual([
      expect.objectContaining({
        outcome: 'LINKED',
        paymentId: 'P1',
        duplicateOf: positionKey({ importId: 'A', statement: 1, entry: 1, tx: 1 }),
      }),
    ]);
    expect(b.effects).toEqual([]);
  });

  it('camt.053 then camt.054 (the reverse order) links too', () => {
    const { b } = twice({ message: 'camt.053', entry: line() }, { message: 'camt.054', entry: line() });
    expect(b.findings.map((f) => f.outcome)).toEqual(['LINKED']);
    expect(b.effects).toEqual([]);
  });

  it('without a bank reference, the same amount and booking date link', () => {
    const bare = line({ entryRef: undefined, accountServicerRef: undefined });
    const { b } = twice({ message: 'camt.054', entry: bare }, { message: 'camt.053', entry: bare });
    expect(b.findings.map((f) => f.outcome)).toEqual(['LINKED']);
  });

  it('another bank reference is another booking: a duplicate', () => {
    const { b } = twice(
      { message: 'camt.054', entry: line() },
      { message: 'camt.053', entry: line({ entryRef: 'BK-2', accountServicerRef: 'BK-2' }) },
    );
    expect(b.findings.map((f) => f.outcome)).toEqual(['DUPLICATE_ENTRY']);
  });

  it('two statements (same message type) booking one payment stay a duplicate', () => {
    const { b } = twice({ message: 'camt.053', entry: line() }, { message: 'camt.053', entry: line() });
    expect(b.findings.map((f) => f.outcome)).toEqual(['DUPLICATE_ENTRY']);
  });

  it('a whole batch booked in both views links', () => {
    const batchLine = line({ transactions: [], batches: [{ messageId: 'M1', nbOfTxs: 1 }] });
    const base = {
      payments: new Map([['P1', payment]]),
      batches: new Map([['M1', { msgId: 'M1', paymentIds: ['P1'] }]]),
      candidates: new Map(),
    };
    const a = matchEntry('A', batchLine, { ...base, bookings: new Map(), message: 'camt.054' });
    expect(a.findings.map((f) => f.outcome)).toEqual(['MATCHED']);
    const booked = a.effects[0]?.booking as Booking;
    const b = matchEntry('B', batchLine, { ...base, bookings: new Map([['P1', booked]]), message: 'camt.053' });
    expect(b.findings.map((f) => f.outcome)).toEqual(['LINKED']);
    expect(b.effects).toEqual([]);
  });

  it('a return notified and then in the statement is one return', () => {
    const ret = line({
      creditDebit: 'CRDT',
      reversal: true,
      transactions: [{ endToEndId: 'P1', amount: vnd(11_000_000), returnReason: 'AC04' }],
    });
    const base = { payments: new Map([['P1', payment]]), batches: new Map(), candidates: new Map() };
    const a = matchEntry('A', ret, { ...base, bookings: new Map(), message: 'camt.054' });
    expect(a.findings.map((f) => f.outcome)).toEqual(['RETURN']);
    const returned = a.effects[0]?.booking as Booking;
    const b = matchEntry('B', ret, {
      ...base,
      payments: new Map([['P1', { ...payment, state: 'RETURNED' as const }]]),
      bookings: new Map(),
      returns: new Map([['P1', returned]]),
      message: 'camt.053',
    });
    expect(b.findings.map((f) => f.outcome)).toEqual(['LINKED']);
    expect(b.effects).toEqual([]);
  });
});
