/**
 * How a payment reads to its beneficiary: plain bilingual statuses per rail, dates in Vietnam time, masked
 * accounts, bank reason codes turned into a reason and a next step, and views that pass the strict schemas.
 */
import { describe, expect, it } from '@jest/globals';
import type { AccountRecord } from '../../../functions/accounts/account-store.js';
import type { LedgerEntry, PaymentHead } from '../../../functions/payment-ledger/ledger-store.js';
import { PAYMENT_STATES, type PaymentState } from '../../../functions/payment-ledger/payment-state.js';
import {
  accountView,
  byNewest,
  currentState,
  paymentView,
  viDate,
  vndLabel,
} from '../../../functions/payment-lookups/payment-view.js';
import { withinJurisdiction } from '../../../functions/payment-lookups/person-handler.js';
import { maskAccount } from '../../../functions/shared/pii.js';
import { AccountView, PAYMENT_STATUSES, PaymentView } from '../../../schemas/payment-lookups.js';

const head = (overrides: Partial<PaymentHead> = {}): PaymentHead => ({
  paymentId: 'P202603ABCDEFGHIJKLMNOPQRSTUVWX',
  cycleId: 'dc-tcxh_hang_thang-2026-03-79',
  programme: 'TCXH_HANG_THANG',
  period: '2026-03',
  personId: 'p-1',
  socialAccount: 'AS79000000000155',
  amount: 1_500_000,
  channel: 'BANK',
  bankBin: '970436',
  creditorAccount: '0011001234567',
  creditorName: 'HOANG THANH MINH ANH',
  communeCode: '26734',
  months: ['2026-03', '2026-01', '2026-02'],
  sk: 'HEAD',
  contentHash: 'x',
  state: 'PENDING',
  seq: 1,
  cycleState: 'dc#PENDING',
  chunk: 0,
  createdAt: '2026-03-14T01:00:00.000Z',
  updatedAt: '2026-03-14T01:00:00.000Z',
  ...overrides,
});

let seq = 0;
const entry = (
  state: PaymentState,
  at: string,
  detail?: Record<string, unknown>,
  kind: 'STATE' | 'ANOMALY' = 'STATE',
): LedgerEntry => {
  seq++;
  return {
    paymentId: 'P',
    sk: `E#${seq}`,
    seq,
    kind,
    state,
    at,
    source: 'test',
    ...(detail ? { detail } : {}),
  };
};

describe('paymentView: a change by age in the history', () => {
  const may = { period: '2026-05', months: ['2026-05'], categoryCode: 'NCT_NGHEO_80', amount: 1_000_000 };
  it('says from which month the coefficient changed and why (80th birthday in April 2026)', () => {
    const view = paymentView(head(may), [], '1946-04-10');
    expect(view.ageChange).toEqual({
      vi: 'từ tháng 05/2026: hệ số 2,0 vì đủ 80 tuổi (NCT_NGHEO_60_80 → NCT_NGHEO_80)',
      en: 'from 05/2026: coefficient 2.0, aged 80 (NCT_NGHEO_60_80 → NCT_NGHEO_80)',
    });
    expect(PaymentView.parse(view)).toEqual(view);
  });
  it('on a payment with arrears across the change, names the month the change took effect', () => {
    const view = paymentView(
      head({ ...may, period: '2026-06', months: ['2026-06', '2026-04', '2026-05'] }),
      [],
      '1946-04-10',
    );
    expect(view.ageChange?.vi).toContain('từ tháng 05/2026');
  });
  it('the 4-16 coefficient from the month after the 4th birthday', () => {
    const view = paymentView(head({ ...may, categoryCode: 'TE_4_16' }), [], '2022-04-15');
    expect(view.ageChange?.vi).toBe('từ tháng 05/2026: hệ số 1,5 vì đủ 4 tuổi (TE_DUOI_4 → TE_4_16)');
  });
  it('nothing in a month without a change, without a date of birth, or for a category not reached by age', () => {
    expect(paymentView(head({ ...may, period: '2026-06', months: ['2026-06'] }), [], '1946-04-10')).not.toHaveProperty(
      'ageChange',
    );
    expect(paymentView(head(may), [])).not.toHaveProperty('ageChange');
    expect(paymentView(head({ ...may, categoryCode: 'NCT_80' }), [], '1946-04-10')).not.toHaveProperty('ageChange');
  });
});

describe('paymentView', () => {
  it('shows a settled bank payment: months, amount, plain status, Vietnam date, masked account', () => {
    const view = paymentView(head({ state: 'SETTLED' }), [
      entry('PENDING', '2026-03-14T01:00:00.000Z'),
      entry('SENT', '2026-03-14T02:00:00.000Z'),
      entry('SETTLED', '2026-03-15T18:30:00.000Z'),
    ]);
    expect(PaymentView.parse(view)).toEqual(view);
    expect(view).toMatchObject({
      period: '2026-03',
      periodLabel: '03/2026',
      months: ['2026-01', '2026-02', '2026-03'],
      monthsLabel: '01/2026, 02/2026, 03/2026',
      funeralSupport: false,
      amountVnd: 1_500_000,
      amountLabel: '1.500.000 ₫',
      channel: 'BANK',
      channelLabel: { vi: 'Chuyển khoản ngân hàng', en: 'Bank transfer' },
      status: 'SETTLED',
      statusLabel: { vi: 'Đã chuyển vào tài khoản', en: 'Paid into your bank account' },
      // 18:30 UTC is 01:30 the next day in Vietnam.
      statusDate: '16/03/2026',
      statusAt: '2026-03-15T18:30:00.000Z',
      bankAccount: '******4567',
      failure: null,
      nextStep: null,
    });
    expect(JSON.stringify(view)).not.toContain('0011001234567');
  });

  it.each([
    ['AC01', 'Số tài khoản ngân hàng không đúng', /UBND xã/],
    ['AC04', 'Tài khoản ngân hàng đã bị đóng', /Cập nhật tài khoản ngân hàng/],
    ['MD07', 'Ngân hàng báo chủ tài khoản đã mất', /gia đình/],
    ['AM04', 'Lỗi từ phía cơ quan chi trả (tài khoản chi chưa đủ tiền)', /không cần làm gì/],
  ])('turns a rejection with %s into a plain reason and a next step', (code, reason, next) => {
    const view = paymentView(head({ state: 'REJECTED' }), [
      entry('PENDING', '2026-03-14T01:00:00.000Z'),
      entry('REJECTED', '2026-03-14T03:00:00.000Z', { status: 'RJCT', reason: code }),
    ]);
    expect(view.failure).toEqual({ code, reason: expect.objectContaining({ vi: reason }) });
    expect(view.nextStep?.vi).toMatch(new RegExp(next.source, 'i'));
    expect(view.nextStep?.en.length).toBeGreaterThan(0);
    expect(view.statusLabel.vi).toBe('Chuyển khoản không thành công, chưa nhận được tiền');
  });

  it('explains a return after settlement with its reason, and an unknown code without guessing', () => {
    const returned = paymentView(head({ state: 'RETURNED' }), [
      entry('SETTLED', '2026-03-14T03:00:00.000Z'),
      entry('RETURNED', '2026-03-16T03:00:00.000Z', { reason: 'AC04' }),
    ]);
    expect(returned).toMatchObject({ status: 'RETURNED', failure: { code: 'AC04' }, statusDate: '16/03/2026' });
    const odd = paymentView(head(), [entry('REJECTED', '2026-03-14T03:00:00.000Z', { reason: 'ZZ99' })]);
    expect(odd.failure).toEqual({
      code: 'ZZ99',
      reason: expect.objectContaining({ vi: expect.stringContaining('ZZ99') }),
    });
    expect(odd.nextStep?.vi).toMatch(/UBND xã/);
    const none = paymentView(head(), [entry('REJECTED', '2026-03-14T03:00:00.000Z')]);
    expect(none.failure?.code).toBe('UNSPECIFIED');
  });

  it('reads post-office payments in their own words, without any bank account', () => {
    const base = head({ channel: 'POST_OFFICE', bankBin: undefined, creditorAccount: undefined });
    const collected = paymentView(base, [entry('SETTLED', '2026-03-20T02:00:00.000Z')]);
    expect(collected).toMatchObject({
      channelLabel: { vi: 'Nhận tiền mặt tại bưu điện', en: 'Cash at the post office' },
      statusLabel: { vi: 'Đã nhận tiền tại bưu điện' },
      bankAccount: null,
    });
    const unpaid = paymentView(base, [entry('REJECTED', '2026-03-20T02:00:00.000Z', { note: 'vắng nhà' })]);
    expect(unpaid.failure?.code).toBe('POST_OFFICE_UNPAID');
    expect(unpaid.nextStep?.vi).toMatch(/kỳ sau/);
  });

  it('takes the state from the latest STATE entry, never from an anomaly or a lagging index copy', () => {
    const entries = [
      entry('SETTLED', '2026-03-15T02:00:00.000Z'),
      entry('REJECTED', '2026-03-16T02:00:00.000Z', { reason: 'SETTLED contradicts' }, 'ANOMALY'),
    ];
    expect(currentState(head({ state: 'SENT' }), entries)).toMatchObject({ state: 'SETTLED' });
    expect(paymentView(head({ state: 'SENT' }), entries)).toMatchObject({ status: 'SETTLED', failure: null });
    expect(currentState(head({ state: 'SENT' }), [])).toEqual({ state: 'SENT' });
  });

  it('has a bilingual label for every state on both rails, each passing the schema', () => {
    expect([...PAYMENT_STATES].sort()).toEqual([...PAYMENT_STATUSES].sort());
    for (const state of PAYMENT_STATES) {
      for (const channel of ['BANK', 'POST_OFFICE'] as const) {
        const view = paymentView(head({ channel }), [entry(state, '2026-03-15T02:00:00.000Z', { reason: 'AC04' })]);
        expect(PaymentView.parse(view).statusLabel.vi.length).toBeGreaterThan(0);
        if (state === 'UNKNOWN') expect(view.nextStep).not.toBeNull();
        if (state === 'NOT_SENT') {
          expect(view.failure?.code).toBe('NOT_SENT');
          expect(view.nextStep?.en).toContain('paid again next cycle');
        }
      }
    }
  });

  it('marks funeral support and keeps it out of the months', () => {
    const view = paymentView(head({ months: ['2026-03', 'FUNERAL'] }), []);
    expect(view).toMatchObject({ months: ['2026-03'], funeralSupport: true });
  });

  it('sorts newest period first', () => {
    const views = ['2026-01', '2026-03', '2026-02'].map((period) => paymentView(head({ period }), []));
    expect(views.sort(byNewest).map((v) => v.period)).toEqual(['2026-03', '2026-02', '2026-01']);
  });

  it("puts a month's re-issue before the rejected payment it replaces (the latest status first)", () => {
    const rejected = paymentView(head({ state: 'REJECTED', updatedAt: '2026-03-14T01:00:00.000Z' }), []);
    const reissue = paymentView(
      head({ paymentId: 'R202603ABCDEFGHIJKLMNOPQRSTUVWX', state: 'SETTLED', updatedAt: '2026-03-18T02:00:00.000Z' }),
      [],
    );
    expect([rejected, reissue].sort(byNewest).map((v) => v.status)).toEqual(['SETTLED', 'REJECTED']);
    expect([reissue, rejected].sort(byNewest).map((v) => v.status)).toEqual(['SETTLED', 'REJECTED']);
  });

  it('refuses (schema) any field not listed, such as a full account number', () => {
    const view = paymentView(head(), []);
    expect(() => PaymentView.parse({ ...view, creditorAccount: '0011001234567' })).toThrow();
    expect(() => PaymentView.parse({ ...view, bankAccount: '0011001234567' })).toThrow();
  });
});

describe('accountView', () => {
  const account = {
    status: 'ACTIVE',
    paymentMethod: { kind: 'BANK', bankBin: '970436', bankAccountNumber: '1029384756', communeCode: '26734' },
  } as AccountRecord;

  it('shows status and method, the account masked', () => {
    expect(AccountView.parse(accountView(account))).toEqual({
      status: 'ACTIVE',
      statusLabel: { vi: 'Đang hưởng trợ cấp', en: 'Receiving the allowance' },
      channel: 'BANK',
      channelLabel: { vi: 'Chuyển khoản ngân hàng', en: 'Bank transfer' },
      bankAccount: '******4756',
    });
    expect(
      accountView({ ...account, status: 'SUSPENDED', paymentMethod: { kind: 'POST_OFFICE', communeCode: '26734' } }),
    ).toMatchObject({ statusLabel: { vi: 'Tạm dừng chi trả' }, bankAccount: null });
  });
});

describe('formatting', () => {
  it('writes VND with dots and dates as dd/mm/yyyy in Vietnam time', () => {
    expect(vndLabel(500_000)).toBe('500.000 ₫');
    expect(vndLabel(12_345_678)).toBe('12.345.678 ₫');
    expect(vndLabel(900)).toBe('900 ₫');
    expect(viDate('2026-12-31T16:59:59.000Z')).toBe('31/12/2026');
    expect(viDate('2026-12-31T17:00:00.000Z')).toBe('01/01/2027');
  });

  it('masks a bank account to its last four digits, hiding its length', () => {
    expect(maskAccount('0011001234567')).toBe('******4567');
    expect(maskAccount('9704229201234567890')).toBe('******7890');
    expect(maskAccount('1234')).toBe('****');
  });
});

describe('withinJurisdiction', () => {
  const account = { jurisdiction: '79', communeCode: '26734' } as AccountRecord;
  it('lets a province officer see the province, a commune officer the commune, nobody else', () => {
    expect(withinJurisdiction(account, '79')).toBe(true);
    expect(withinJurisdiction(account, '01')).toBe(false);
    expect(withinJurisdiction(account, '26734')).toBe(true);
    expect(withinJurisdiction(account, '26737')).toBe(false);
    expect(withinJurisdiction({ ...account, jurisdiction: '26737' } as AccountRecord, '26737')).toBe(true);
  });
});
