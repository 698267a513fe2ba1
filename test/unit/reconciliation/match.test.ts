import type { StatementEntry, TransactionDetails } from '../../../functions/iso20022/camt.js';
import {
  type Booking,
  batchMessageId,
  fallbackAccounts,
  type LedgerPayment,
  type LineContext,
  matchEntry,
  positionKey,
  referencesOf,
  usableReference,
} from '../../../functions/reconciliation/match.js';

const vnd = (n: number) => ({ currency: 'VND', minor: BigInt(n), exponent: 0 });

function entry(over: Partial<StatementEntry> & { txs?: Partial<TransactionDetails>[] } = {}): StatementEntry {
  const { txs, ...rest } = over;
  return {
    type: 'entry',
    statement: 1,
    entry: 1,
    amount: vnd(500_000),
    creditDebit: 'DBIT',
    status: 'BOOK',
    bookingDate: '2026-02-03',
    reversal: false,
    batches: [],
    transactions: (txs ?? []).map((t) => ({ ...t })),
    ...rest,
  };
}

function payment(id: string, over: Partial<LedgerPayment> = {}): LedgerPayment {
  return {
    paymentId: id,
    cycleId: 'C1',
    amount: 500_000,
    state: 'SETTLED',
    bankBin: '970436',
    creditorAccount: '1000000001',
    createdAt: '2026-02-02T03:00:00.000Z',
    ...over,
  };
}

function ctx(
  over: Partial<{
    payments: LedgerPayment[];
    bookings: Booking[];
    batches: LineContext['batches'];
    candidates: LedgerPayment[];
  }> = {},
): LineContext {
  const byAccount = new Map<string, LedgerPayment[]>();
  for (const p of over.candidates ?? []) {
    const list = byAccount.get(p.creditorAccount ?? '') ?? [];
    list.push(p);
    byAccount.set(p.creditorAccount ?? '', list);
  }
  return {
    payments: new Map((over.payments ?? []).map((p) => [p.paymentId, p])),
    bookings: new Map((over.bookings ?? []).map((b) => [b.paymentId, b])),
    batches: over.batches ?? new Map(),
    candidates: byAccount,
  };
}

const here = (tx: number, entryNo = 1) => positionKey({ importId: 'I1', statement: 1, entry: entryNo, tx });

describe('references', () => {
  it('ignores NOTPROVIDED, NONREF and blanks', () => {
    expect(usableReference({ endToEndId: 'NOTPROVIDED' })).toBeUndefined();
    expect(usableReference({ endToEndId: ' nonref ' })).toBeUndefined();
    expect(usableReference({ endToEndId: '' })).toBeUndefined();
    expect(usableReference({ endToEndId: 'P123' })).toBe('P123');
  });
  it('finds our MsgId from Btch/MsgId or from our PmtInfId', () => {
    expect(batchMessageId(entry({ batches: [{ messageId: 'MABC' }] }))).toBe('MABC');
    expect(batchMessageId(entry({ batches: [{ paymentInfoId: 'MABC-20260203' }] }))).toBe('MABC');
    expect(batchMessageId(entry())).toBeUndefined();
  });
  it('lists payment ids and (only without TxDtls) the batch', () => {
    const e = entry({ txs: [{ endToEndId: 'P1', creditorAccount: { otherId: '42' } }, { endToEndId: 'NOTPROVIDED' }] });
    expect(referencesOf(e)).toEqual({ paymentIds: ['P1'], msgIds: [] });
    expect(referencesOf(entry({ batches: [{ messageId: 'M1' }] })).msgIds).toEqual(['M1']);
  });
  it('searches fallback candidates only for transactions not found by reference', () => {
    const e = entry({
      txs: [
        { endToEndId: 'P1', creditorAccount: { otherId: '41' } },
        { endToEndId: 'NOTPROVIDED', creditorAccount: { otherId: '42' } },
        { endToEndId: 'P9-TRUNC', creditorAccount: { otherId: '43' } },
        { endToEndId: 'NOTPROVIDED' },
      ],
    });
    expect(fallbackAccounts(e, new Map([['P1', {}]]))).toEqual(['42', '43']);
  });
});

describe('single debits', () => {
  it('matches by EndToEndId and amount, and books the payment', () => {
    const r = matchEntry(
      'I1',
      entry({ txs: [{ endToEndId: 'P1', amount: vnd(500_000) }] }),
      ctx({ payments: [payment('P1')] }),
    );
    expect(r.findings).toEqual([
      expect.objectContaining({ outcome: 'MATCHED', paymentId: 'P1', amount: 500_000, tx: 1 }),
    ]);
    expect(r.effects).toEqual([
      expect.objectContaining({
        kind: 'BOOK',
        paymentId: 'P1',
        booking: expect.objectContaining({ position: here(1) }),
      }),
    ]);
  });
  it('takes the entry amount when its only transaction has none', () => {
    const r = matchEntry('I1', entry({ txs: [{ endToEndId: 'P1' }] }), ctx({ payments: [payment('P1')] }));
    expect(r.findings.map((f) => f.outcome)).toEqual(['MATCHED']);
  });
  it('an amount that differs is a mismatch with both figures, still booked (once)', () => {
    const r = matchEntry(
      'I1',
      entry({ amount: vnd(450_000), txs: [{ endToEndId: 'P1', amount: vnd(450_000) }] }),
      ctx({ payments: [payment('P1')] }),
    );
    expect(r.findings[0]).toMatchObject({ outcome: 'AMOUNT_MISMATCH', amount: 450_000, expectedAmount: 500_000 });
    expect(r.effects[0]?.booking.outcome).toBe('AMOUNT_MISMATCH');
  });
  it('a second line for a payment already booked elsewhere is a duplicate and books nothing', () => {
    const first: Booking = { paymentId: 'P1', position: here(1, 7), outcome: 'MATCHED', amount: 500_000 };
    const r = matchEntry(
      'I1',
      entry({ txs: [{ endToEndId: 'P1' }] }),
      ctx({ payments: [payment('P1')], bookings: [first] }),
    );
    expect(r.findings[0]).toMatchObject({ outcome: 'DUPLICATE_ENTRY', duplicateOf: here(1, 7) });
    expect(r.effects).toEqual([]);
  });
  it('re-running the same line is not a duplicate of itself', () => {
    const same: Booking = { paymentId: 'P1', position: here(1), outcome: 'MATCHED', amount: 500_000 };
    const r = matchEntry(
      'I1',
      entry({ txs: [{ endToEndId: 'P1' }] }),
      ctx({ payments: [payment('P1')], bookings: [same] }),
    );
    expect(r.findings[0]?.outcome).toBe('MATCHED');
  });
  it('a booked payment the bank rejected contradicts the status', () => {
    const r = matchEntry(
      'I1',
      entry({ txs: [{ endToEndId: 'P1' }] }),
      ctx({ payments: [payment('P1', { state: 'REJECTED' })] }),
    );
    expect(r.findings[0]?.outcome).toBe('CONTRADICTORY_STATUS');
    expect(r.effects).toEqual([]);
  });
  it('an unknown reference with no candidate is not ours', () => {
    const r = matchEntry('I1', entry({ txs: [{ endToEndId: 'PX' }] }), ctx());
    expect(r.findings[0]).toMatchObject({ outcome: 'NOT_OURS', endToEndId: 'PX' });
  });
  it('a pending (PDNG) entry is listed as not final and changes nothing', () => {
    const r = matchEntry(
      'I1',
      entry({ status: 'PDNG', txs: [{ endToEndId: 'P1' }] }),
      ctx({ payments: [payment('P1')] }),
    );
    expect(r.findings).toEqual([expect.objectContaining({ outcome: 'NOT_FINAL', tx: 0 })]);
    expect(r.effects).toEqual([]);
  });
  it('another currency is foreign, in its own unit, never dong', () => {
    const r = matchEntry('I1', entry({ amount: { currency: 'USD', minor: 100n, exponent: 2 } }), ctx());
    expect(r.findings[0]).toMatchObject({
      outcome: 'FOREIGN_CURRENCY',
      amount: 0,
      currency: 'USD',
      foreignAmount: '1.00',
    });
  });
});

describe('fallback without a reference', () => {
  const tx = { endToEndId: 'NOTPROVIDED', amount: vnd(500_000), creditorAccount: { otherId: '1000000001' } };
  it('suggests, by amount, account and date, and never books', () => {
    const r = matchEntry(
      'I1',
      entry({ txs: [tx] }),
      ctx({ candidates: [payment('P1'), payment('P2', { amount: 1 })] }),
    );
    expect(r.findings[0]).toMatchObject({ outcome: 'SUGGESTED', suggestions: ['P1'] });
    expect(r.effects).toEqual([]);
  });
  it('a truncated reference falls back too', () => {
    const r = matchEntry(
      'I1',
      entry({ txs: [{ ...tx, endToEndId: 'P1-TRUNC' }] }),
      ctx({ candidates: [payment('P1')] }),
    );
    expect(r.findings[0]?.outcome).toBe('SUGGESTED');
  });
  it('excludes candidates already booked, rejected, of another bank, or outside the window', () => {
    const booked: Booking = { paymentId: 'P1', position: 'x', outcome: 'MATCHED', amount: 500_000 };
    const r = matchEntry(
      'I1',
      entry({
        bookingDate: '2026-02-03',
        txs: [{ ...tx, creditorAccount: { otherId: '1000000001', servicerMemberId: '970436' } }],
      }),
      ctx({
        bookings: [booked],
        candidates: [
          payment('P1'),
          payment('P2', { state: 'REJECTED' }),
          payment('P3', { bankBin: '970422' }),
          payment('P4', { createdAt: '2026-03-01T00:00:00Z' }),
          payment('P5', { createdAt: '2025-12-01T00:00:00Z' }),
        ],
      }),
    );
    expect(r.findings[0]?.outcome).toBe('NOT_OURS');
  });
  it('without an account there is nothing to suggest', () => {
    const r = matchEntry('I1', entry({ txs: [{ endToEndId: 'NOTPROVIDED' }] }), ctx({ candidates: [payment('P1')] }));
    expect(r.findings[0]).toMatchObject({ outcome: 'NOT_OURS', note: 'no reference' });
  });
});

describe('batch bookings', () => {
  it('with TxDtls: each transaction matched, count and total checked', () => {
    const e = entry({
      amount: vnd(1_000_000),
      batches: [{ messageId: 'M1', nbOfTxs: 2, totalAmount: vnd(1_000_000) }],
      txs: [
        { endToEndId: 'P1', amount: vnd(500_000) },
        { endToEndId: 'P2', amount: vnd(500_000) },
      ],
    });
    const r = matchEntry('I1', e, ctx({ payments: [payment('P1'), payment('P2')] }));
    expect(r.findings.map((f) => f.outcome)).toEqual(['MATCHED', 'MATCHED']);
    expect(r.effects).toHaveLength(2);
  });
  it('a batch whose entry amount differs from its transactions gets a residual mismatch line', () => {
    const e = entry({
      amount: vnd(1_000_100),
      batches: [{ messageId: 'M1', nbOfTxs: 3, totalAmount: vnd(1_000_100) }],
      txs: [
        { endToEndId: 'P1', amount: vnd(500_000) },
        { endToEndId: 'P2', amount: vnd(500_000) },
      ],
    });
    const r = matchEntry('I1', e, ctx({ payments: [payment('P1'), payment('P2')] }));
    const residual = r.findings.find((f) => f.tx === 0);
    expect(residual).toMatchObject({ outcome: 'AMOUNT_MISMATCH', amount: 100 });
    expect(residual?.note).toMatch(/NbOfTxs 3/);
    // Every dong of the entry is accounted for by exactly one finding.
    expect(r.findings.reduce((s, f) => s + f.amount, 0)).toBe(1_000_100);
  });
  it('without TxDtls: the block is matched by PmtInfId against our batch, rejected payments left out', () => {
    const e = entry({ amount: vnd(1_000_000), batches: [{ paymentInfoId: 'M1-20260203', nbOfTxs: 2 }] });
    const r = matchEntry(
      'I1',
      e,
      ctx({
        payments: [payment('P1'), payment('P2'), payment('P3', { state: 'REJECTED' })],
        batches: new Map([['M1', { msgId: 'M1', paymentIds: ['P1', 'P2', 'P3'] }]]),
      }),
    );
    expect(r.findings).toEqual([
      expect.objectContaining({ outcome: 'MATCHED', amount: 1_000_000, expectedAmount: 1_000_000 }),
    ]);
    expect(r.effects.map((x) => x.paymentId)).toEqual(['P1', 'P2']);
  });
  it('without TxDtls: a wrong count or total is a mismatch', () => {
    const e = entry({ amount: vnd(900_000), batches: [{ messageId: 'M1', nbOfTxs: 2 }] });
    const r = matchEntry(
      'I1',
      e,
      ctx({
        payments: [payment('P1'), payment('P2')],
        batches: new Map([['M1', { msgId: 'M1', paymentIds: ['P1', 'P2'] }]]),
      }),
    );
    expect(r.findings[0]).toMatchObject({ outcome: 'AMOUNT_MISMATCH', amount: 900_000, expectedAmount: 1_000_000 });
  });
  it('without TxDtls: a block already booked is a duplicate', () => {
    const e = entry({ amount: vnd(500_000), batches: [{ messageId: 'M1' }] });
    const r = matchEntry(
      'I1',
      e,
      ctx({
        payments: [payment('P1')],
        bookings: [{ paymentId: 'P1', position: 'earlier', outcome: 'MATCHED', amount: 500_000 }],
        batches: new Map([['M1', { msgId: 'M1', paymentIds: ['P1'] }]]),
      }),
    );
    expect(r.findings[0]).toMatchObject({ outcome: 'DUPLICATE_ENTRY', duplicateOf: 'earlier' });
  });
  it('an unknown block is not ours', () => {
    const r = matchEntry('I1', entry({ batches: [{ messageId: 'MZZ' }] }), ctx());
    expect(r.findings[0]?.outcome).toBe('NOT_OURS');
  });
});

describe('returns and credits', () => {
  const ret = { endToEndId: 'P1', amount: vnd(500_000), returnReason: 'AC04' };
  it('a return of a settled payment is linked and asks for a RETURNED ledger entry', () => {
    const r = matchEntry(
      'I1',
      entry({ creditDebit: 'CRDT', reversal: true, txs: [ret] }),
      ctx({ payments: [payment('P1')] }),
    );
    expect(r.findings[0]).toMatchObject({ outcome: 'RETURN', paymentId: 'P1', reasonCode: 'AC04' });
    expect(r.effects[0]).toMatchObject({ kind: 'RETURN', paymentId: 'P1', reasonCode: 'AC04' });
  });
  it('recognises a return by its bank transaction code alone', () => {
    const r = matchEntry(
      'I1',
      entry({ creditDebit: 'CRDT', bankTransactionCode: { subFamily: 'RRTN' }, txs: [{ endToEndId: 'P1' }] }),
      ctx({ payments: [payment('P1')] }),
    );
    expect(r.findings[0]?.outcome).toBe('RETURN');
  });
  it('a return of a payment that never left contradicts the ledger', () => {
    const r = matchEntry(
      'I1',
      entry({ creditDebit: 'CRDT', reversal: true, txs: [ret] }),
      ctx({ payments: [payment('P1', { state: 'REJECTED' })] }),
    );
    expect(r.findings[0]?.outcome).toBe('CONTRADICTORY_STATUS');
  });
  it('a credit under our reference that is not a return is unexplained', () => {
    const r = matchEntry(
      'I1',
      entry({ creditDebit: 'CRDT', txs: [{ endToEndId: 'P1' }] }),
      ctx({ payments: [payment('P1')] }),
    );
    expect(r.findings[0]?.outcome).toBe('NOT_OURS');
  });
  it('a funding credit without reference is not ours (to be explained by a person)', () => {
    const r = matchEntry('I1', entry({ creditDebit: 'CRDT' }), ctx());
    expect(r.findings[0]).toMatchObject({ outcome: 'NOT_OURS', tx: 0, note: 'no reference' });
  });
});
