/** Issue 14 item 8: NOTPROVIDED (and NONREF, blanks) is no reference at all, not a reference we do not know. */
import type { StatementEntry } from '../../../functions/iso20022/camt.js';
import { matchEntry } from '../../../functions/reconciliation/match.js';

const vnd = (n: number) => ({ currency: 'VND', minor: BigInt(n), exponent: 0 });
const ctx = { payments: new Map(), bookings: new Map(), batches: new Map(), candidates: new Map() };
const debit = (endToEndId: string): StatementEntry => ({
  type: 'entry',
  statement: 1,
  entry: 1,
  amount: vnd(70_000),
  creditDebit: 'DBIT',
  status: 'BOOK',
  reversal: false,
  batches: [],
  transactions: [{ endToEndId, amount: vnd(70_000) }],
});

describe('a line without a reference', () => {
  it.each(['NOTPROVIDED', 'NONREF', ' '])('%j is "no reference", and no reference is shown', (id) => {
    const [f] = matchEntry('I1', debit(id), ctx).findings;
    expect(f).toMatchObject({ outcome: 'NOT_OURS', note: 'no reference' });
    expect(f?.endToEndId).toBeUndefined();
  });

  it('a real reference the ledger does not hold is said as such', () => {
    const [f] = matchEntry('I1', debit('P202603XYZ'), ctx).findings;
    expect(f).toMatchObject({ outcome: 'NOT_OURS', note: 'reference unknown to the ledger', endToEndId: 'P202603XYZ' });
  });
});
