/** Issue 14 item 5: an imported pain.002's lines, one per payment, block and file rejections named as such. */
import type { AppliedStatus } from '../../../functions/payment-ledger/ledger-store.js';
import { statusFindings } from '../../../functions/reconciliation/status-findings.js';

const applied: AppliedStatus[] = [
  { paymentId: 'P1', status: 'ACSC', source: 'transaction', result: { kind: 'apply', to: 'SETTLED' } },
  {
    paymentId: 'P2',
    status: 'RJCT',
    source: 'paymentInfo',
    paymentInfoId: 'M1-20260203',
    reason: 'AC01',
    result: { kind: 'anomaly', state: 'SETTLED', reason: 'SETTLED → REJECTED' },
  },
  { paymentId: 'P3', status: 'RJCT', source: 'group', result: { kind: 'already', state: 'REJECTED' } },
  { paymentId: 'P9', status: 'ACSC', source: 'transaction', result: { kind: 'unknown-payment' } },
];

describe('status report lines', () => {
  it('one line per payment, numbered in order, saying where the status came from', () => {
    const lines = statusFindings('I1', 'M1', applied, [{ source: 'group', reason: 'AM04' }]);
    expect(lines.map((l) => [l.entry, l.outcome, l.paymentId, l.note])).toEqual([
      [1, 'STATUS_APPLIED', 'P1', 'ACSC → apply'],
      [2, 'CONTRADICTORY_STATUS', 'P2', 'RJCT (block M1-20260203) → anomaly'],
      [3, 'MATCHED', 'P3', 'RJCT (whole file) → already'],
      [4, 'NOT_OURS', undefined, 'status for a payment the ledger does not hold'],
      [5, 'NOT_OURS', undefined, 'RJCT of message M1: no payment of ours to place it on'],
    ]);
    expect(lines.every((l) => l.amount === 0)).toBe(true);
  });
});
