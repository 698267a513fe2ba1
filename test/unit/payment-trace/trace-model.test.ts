import { describe, expect, it } from '@jest/globals';
import { buildTrace, reconciliationOutcome, type TraceInput } from '../../../functions/payment-trace/trace-model.js';

const base: TraceInput = {
  paymentId: 'P202601AAAAAAAAAAAAAAAAAAAAAAAA',
  payment: {
    period: '2026-01',
    programme: 'TCXH_HANG_THANG',
    socialAccount: 'AS79000000001',
    amount: 750_000,
    state: 'REJECTED',
    channel: 'BANK',
    creditorAccount: '0011001234567',
    cycleId: 'dc-tcxh_hang_thang-2026-01-79',
    months: ['2026-01'],
  },
  entries: [
    {
      seq: 2,
      kind: 'STATE',
      state: 'REJECTED',
      at: '2026-01-12T03:01:00Z',
      source: 'bank-status',
      detail: { status: 'RJCT', reason: 'AC04' },
    },
    { seq: 1, kind: 'STATE', state: 'PENDING', at: '2026-01-12T03:00:00Z', source: 'cycle-approval', detail: {} },
  ],
  account: {
    accountNumber: 'AS79000000001',
    personalId: '079132108434',
    fullName: 'Nguyễn Văn An',
    status: 'ACTIVE',
    version: 2,
    paymentMethod: { kind: 'BANK', bankBin: '970436', bankAccountNumber: '0099887766', communeCode: '26737' },
  },
  accountAudit: [
    {
      action: 'PAYMENT_METHOD_CHANGED',
      at: '2026-01-13T01:00:00Z',
      actor: 'officer-a',
      version: 2,
      reason: 'AC04',
      before: { kind: 'BANK', bankBin: '970436', bankAccountNumber: '0011001234567' },
      after: { kind: 'BANK', bankBin: '970436', bankAccountNumber: '0099887766' },
    },
    { action: 'ACCOUNT_OPENED', at: '2025-12-01T01:00:00Z', actor: 'officer-a', listId: 'bl-x', line: 2 },
  ],
  cycleAudit: [],
  notifications: [],
};

describe('payment trace', () => {
  it('keeps the order of the trail, even when a step has nothing recorded', () => {
    const t = buildTrace(base);
    expect(t.steps.map((s) => [s.step, s.recorded])).toEqual([
      ['LIST_ROW', false],
      ['ACCOUNT', true],
      ['ENTITLEMENT', false],
      ['CYCLE', false],
      ['PAIN001', false],
      ['STATUSES', true],
      ['STATEMENT_LINES', false],
      ['RECONCILIATION', true],
      ['CASE', false],
      ['NOTIFICATIONS', false],
    ]);
  });

  it('masks the identity number and every bank account, carries no name', () => {
    const text = JSON.stringify(buildTrace(base));
    expect(text).toContain('07********34');
    for (const secret of ['079132108434', '0011001234567', '0099887766', 'Nguyễn']) expect(text).not.toContain(secret);
    const account = buildTrace(base).steps[1] as Record<string, any>;
    expect(account.changes.map((c: { action: string }) => c.action)).toEqual([
      'ACCOUNT_OPENED',
      'PAYMENT_METHOD_CHANGED',
    ]);
    expect(account.changes[1].before.bankAccount).toBe('******4567');
  });

  it('statuses in ledger order with their source and the bank reason', () => {
    const statuses = (buildTrace(base).steps[5] as Record<string, any>).statuses;
    expect(statuses).toEqual([
      { seq: 1, kind: 'STATE', state: 'PENDING', at: '2026-01-12T03:00:00Z', source: 'cycle-approval' },
      {
        seq: 2,
        kind: 'STATE',
        state: 'REJECTED',
        at: '2026-01-12T03:01:00Z',
        source: 'bank-status',
        bankStatus: 'RJCT',
        reason: 'AC04',
      },
    ]);
  });

  it('the reconciliation outcome comes from the statement marks', () => {
    expect(reconciliationOutcome({ payment: { channel: 'BANK' } })).toBe('NOT_BOOKED');
    expect(reconciliationOutcome({ payment: { channel: 'POST_OFFICE' } })).toBe('POST_OFFICE_CONFIRMATION');
    expect(reconciliationOutcome({ payment: {}, booking: { outcome: 'MATCHED' } })).toBe('MATCHED');
    expect(reconciliationOutcome({ payment: {}, booking: { outcome: 'MATCHED' }, returnBooking: {} })).toBe('RETURN');
  });
});
