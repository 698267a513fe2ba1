import { describe, expect, it } from '@jest/globals';
import {
  CASE_SLA_BANKING_DAYS,
  type CaseActor,
  type CaseRecord,
  caseAge,
  caseIdFor,
  decideCaseCommand,
  type FailedPayment,
  newCase,
  opensCase,
  reasonCodeOf,
  reissueOwnsMonths,
} from '../../../functions/cases/case-model.js';
import { PAYMENT_STATES } from '../../../functions/payment-ledger/payment-state.js';
import { paymentIdFor, reissueIdFor } from '../../../functions/payments/payment-id.js';

const payment: FailedPayment = {
  paymentId: paymentIdFor('TCXH_HANG_THANG', '2026-01', 'person-1'),
  programme: 'TCXH_HANG_THANG',
  period: '2026-01',
  personId: 'person-1',
  socialAccount: 'AS79000000001',
  communeCode: '26737',
  amount: 750_000,
  months: ['2026-01'],
  channel: 'BANK',
  province: '79',
};
const AT = '2026-01-12T03:00:00.000Z'; // Monday 10:00 in Vietnam
const officer = (subject: string): CaseActor => ({ subject, role: 'labor_officer' });
const system: CaseActor = { subject: 'system:disbursement', role: 'system' };

const applied = (d: ReturnType<typeof decideCaseCommand>): CaseRecord => {
  if (d.kind !== 'apply') throw new Error(`refused: ${d.code}`);
  return d.next;
};

describe('case identity and opening', () => {
  it('one case per programme, period and person, whatever payment failed', () => {
    const a = newCase(payment, 'REJECTED', AT, 'AC04');
    const b = newCase({ ...payment, paymentId: 'PR-other' }, 'NOT_SENT', '2026-01-20T00:00:00.000Z');
    expect(a.caseId).toBe(b.caseId);
    expect(a.caseId).toBe(caseIdFor('TCXH_HANG_THANG', '2026-01', 'person-1'));
    expect(caseIdFor('TCXH_HANG_THANG', '2026-02', 'person-1')).not.toBe(a.caseId);
    expect(caseIdFor('TCXH_HANG_THANG', '2026-01', 'person-2')).not.toBe(a.caseId);
    expect(a.caseId).toMatch(/^CSP\d{6}[A-Z2-7]{24}$/);
  });

  it('records the bank reason in words, both languages, owned by the payee province', () => {
    const c = newCase(payment, 'REJECTED', AT, 'AC04');
    expect(c).toMatchObject({
      state: 'OPEN',
      jurisdiction: '79',
      reasonCode: 'AC04',
      reason: { vi: 'Tài khoản ngân hàng đã bị đóng', en: 'The bank account is closed' },
      version: 1,
      actions: [{ kind: 'OPEN', role: 'system', at: AT, state: 'OPEN' }],
    });
    expect(c.nextStep?.vi).toMatch(/UBND xã/);
  });

  it('reason codes: ours for NOT_SENT, UNKNOWN and unpaid cash; the bank code otherwise; never free text', () => {
    expect(reasonCodeOf('NOT_SENT', 'BANK', 'AC04')).toBe('NOT_SENT');
    expect(reasonCodeOf('UNKNOWN', 'BANK')).toBe('UNKNOWN');
    expect(reasonCodeOf('REJECTED', 'POST_OFFICE')).toBe('POST_OFFICE_UNPAID');
    expect(reasonCodeOf('RETURNED', 'BANK', 'AC04')).toBe('AC04');
    expect(reasonCodeOf('REJECTED', 'BANK', '<script>')).toBe('UNSPECIFIED');
    expect(reasonCodeOf('REJECTED', 'BANK')).toBe('UNSPECIFIED');
  });

  it('opens for REJECTED, RETURNED, NOT_SENT at once; UNKNOWN only after 3 banking days; nothing else', () => {
    for (const state of PAYMENT_STATES) {
      const expected = state === 'REJECTED' || state === 'RETURNED' || state === 'NOT_SENT';
      expect({ state, opens: opensCase(state, AT, AT) }).toEqual({ state, opens: expected });
    }
    // Friday 10:00 → Tuesday: Monday and Tuesday are 2 banking days; Wednesday makes 3.
    const friday = '2026-01-09T03:00:00.000Z';
    expect(opensCase('UNKNOWN', friday, '2026-01-13T03:00:00.000Z')).toBe(false);
    expect(opensCase('UNKNOWN', friday, '2026-01-14T03:00:00.000Z')).toBe(true);
  });
});

describe('case actions', () => {
  const open = newCase(payment, 'REJECTED', AT, 'AC04');

  it('OPEN → ACTION_TAKEN → REISSUED → CLOSED, each step recorded with who and when, version moving', () => {
    const acted = applied(
      decideCaseCommand(
        open,
        { kind: 'RECORD_ACTION', note: 'Đã cập nhật tài khoản' },
        officer('a'),
        '2026-01-13T01:00:00.000Z',
      ),
    );
    expect(acted).toMatchObject({ state: 'ACTION_TAKEN', version: 2 });
    expect(acted.actions.at(-1)).toEqual({
      kind: 'RECORD_ACTION',
      by: 'a',
      role: 'labor_officer',
      at: '2026-01-13T01:00:00.000Z',
      state: 'ACTION_TAKEN',
      note: 'Đã cập nhật tài khoản',
    });
    const again = applied(decideCaseCommand(acted, { kind: 'RECORD_ACTION', note: 'Gọi điện' }, officer('b'), AT));
    expect(again.state).toBe('ACTION_TAKEN');
    const reissued = applied(
      decideCaseCommand(again, { kind: 'REISSUE', paymentId: 'PX', cycleId: 'dc-x' }, system, AT),
    );
    expect(reissued).toMatchObject({ state: 'REISSUED', reissue: { paymentId: 'PX', cycleId: 'dc-x' } });
    const closed = applied(decideCaseCommand(reissued, { kind: 'CLOSE', note: 'PX settled' }, system, AT));
    expect(closed).toMatchObject({ state: 'CLOSED', version: 5 });
    expect(closed.actions.map((a) => a.kind)).toEqual(['OPEN', 'RECORD_ACTION', 'RECORD_ACTION', 'REISSUE', 'CLOSE']);
    // Finished: nothing more.
    for (const cmd of [
      { kind: 'RECORD_ACTION', note: 'x y z' },
      { kind: 'PROPOSE_WRITE_OFF', reason: 'x y z' },
      { kind: 'CONFIRM_WRITE_OFF' },
    ] as const) {
      expect(decideCaseCommand(closed, cmd, officer('b'), AT)).toMatchObject({
        kind: 'refused',
        code: 'CASE_WRONG_STATE',
      });
    }
    // …but the person is still heard: a grievance on a closed case is recorded, the state unchanged.
    const heard = applied(
      decideCaseCommand(
        closed,
        { kind: 'GRIEVANCE', note: 'Tôi chưa nhận được' },
        { subject: 'p', role: 'beneficiary' },
        AT,
      ),
    );
    expect(heard).toMatchObject({ state: 'CLOSED', version: 6 });
  });

  it('only the system re-issues and closes; re-issue needs an action first; officers cannot skip ahead', () => {
    expect(decideCaseCommand(open, { kind: 'REISSUE', paymentId: 'P', cycleId: 'c' }, officer('a'), AT)).toMatchObject({
      code: 'CASE_FORBIDDEN',
    });
    expect(decideCaseCommand(open, { kind: 'REISSUE', paymentId: 'P', cycleId: 'c' }, system, AT)).toMatchObject({
      code: 'CASE_WRONG_STATE',
    });
    expect(decideCaseCommand(open, { kind: 'CLOSE', note: 'n' }, system, AT)).toMatchObject({
      code: 'CASE_WRONG_STATE',
    });
    expect(decideCaseCommand(open, { kind: 'CLOSE', note: 'n' }, officer('a'), AT)).toMatchObject({
      code: 'CASE_FORBIDDEN',
    });
    const auditor: CaseActor = { subject: 'au', role: 'auditor' };
    expect(decideCaseCommand(open, { kind: 'RECORD_ACTION', note: 'n n n' }, auditor, AT)).toMatchObject({
      code: 'CASE_FORBIDDEN',
    });
  });

  it('write-off: proposed with a reason by one officer, confirmed by another, never by the same', () => {
    const proposed = applied(
      decideCaseCommand(open, { kind: 'PROPOSE_WRITE_OFF', reason: 'Người hưởng đã mất' }, officer('a'), AT),
    );
    expect(proposed).toMatchObject({ state: 'OPEN', writeOff: { reason: 'Người hưởng đã mất', proposedBy: 'a' } });
    expect(decideCaseCommand(proposed, { kind: 'PROPOSE_WRITE_OFF', reason: 'again' }, officer('b'), AT)).toMatchObject(
      {
        code: 'WRITE_OFF_PENDING',
      },
    );
    expect(decideCaseCommand(proposed, { kind: 'CONFIRM_WRITE_OFF' }, officer('a'), AT)).toMatchObject({
      kind: 'refused',
      code: 'SAME_PERSON',
    });
    const done = applied(decideCaseCommand(proposed, { kind: 'CONFIRM_WRITE_OFF' }, officer('b'), AT));
    expect(done).toMatchObject({ state: 'WRITTEN_OFF', writeOff: { proposedBy: 'a', confirmedBy: 'b' } });
    expect(decideCaseCommand(open, { kind: 'CONFIRM_WRITE_OFF' }, officer('b'), AT)).toMatchObject({
      code: 'NO_WRITE_OFF',
    });
    // A pending write-off blocks the re-issue: money is not sent while someone says it should not be.
    const acted = applied(decideCaseCommand(proposed, { kind: 'RECORD_ACTION', note: 'n n n' }, officer('b'), AT));
    expect(decideCaseCommand(acted, { kind: 'REISSUE', paymentId: 'P', cycleId: 'c' }, system, AT)).toMatchObject({
      code: 'WRITE_OFF_PENDING',
    });
  });

  it('a grievance from the beneficiary is recorded without moving the state', () => {
    const me: CaseActor = { subject: 'p', role: 'beneficiary' };
    const g = applied(decideCaseCommand(open, { kind: 'GRIEVANCE', note: 'Tôi chưa nhận được' }, me, AT));
    expect(g).toMatchObject({ state: 'OPEN', version: 2 });
    expect(g.actions.at(-1)).toMatchObject({ kind: 'GRIEVANCE', role: 'beneficiary' });
    expect(decideCaseCommand(open, { kind: 'GRIEVANCE', note: 'n' }, officer('a'), AT)).toMatchObject({
      code: 'CASE_FORBIDDEN',
    });
  });
});

describe('a failed re-issue', () => {
  const open = newCase(payment, 'REJECTED', AT, 'AC04');
  const acted = applied(decideCaseCommand(open, { kind: 'RECORD_ACTION', note: 'n n n' }, officer('a'), AT));
  const reissueId = reissueIdFor(payment.paymentId, 'dc-tcxh_hang_thang_bs1-2026-01-79');
  const reissued = applied(
    decideCaseCommand(
      acted,
      { kind: 'REISSUE', paymentId: reissueId, cycleId: 'dc-tcxh_hang_thang_bs1-2026-01-79' },
      system,
      AT,
    ),
  );

  it('owns the months from the moment the supplementary cycle takes the case, and while closed', () => {
    expect(reissueOwnsMonths(open)).toBe(false);
    expect(reissueOwnsMonths(acted)).toBe(false);
    expect(reissueOwnsMonths(reissued)).toBe(true);
    expect(reissueOwnsMonths(applied(decideCaseCommand(reissued, { kind: 'CLOSE', note: 'ok' }, system, AT)))).toBe(
      true,
    );
    expect(reissueOwnsMonths(undefined)).toBe(false);
  });

  it('opens the same case again and frees the months; only for the re-issue it holds', () => {
    const failed = applied(
      decideCaseCommand(reissued, { kind: 'REISSUE_FAILED', paymentId: reissueId, reasonCode: 'AC01' }, system, AT),
    );
    expect(failed).toMatchObject({ state: 'OPEN', paymentId: reissueId, reasonCode: 'AC01' });
    expect(failed.reissue).toBeUndefined();
    expect(reissueOwnsMonths(failed)).toBe(false);
    expect(
      decideCaseCommand(reissued, { kind: 'REISSUE_FAILED', paymentId: 'ROTHER', reasonCode: 'AC01' }, system, AT),
    ).toMatchObject({ code: 'CASE_WRONG_STATE' });
    expect(
      decideCaseCommand(
        reissued,
        { kind: 'REISSUE_FAILED', paymentId: reissueId, reasonCode: 'AC01' },
        officer('a'),
        AT,
      ),
    ).toMatchObject({ code: 'CASE_FORBIDDEN' });
  });

  it('a failed supplementary cycle releases the case it took (back to ACTION_TAKEN, months free); only its own', () => {
    const released = applied(
      decideCaseCommand(reissued, { kind: 'RELEASE', cycleId: 'dc-tcxh_hang_thang_bs1-2026-01-79' }, system, AT),
    );
    expect(released).toMatchObject({ state: 'ACTION_TAKEN' });
    expect(released.reissue).toBeUndefined();
    expect(reissueOwnsMonths(released)).toBe(false);
    expect(
      decideCaseCommand(reissued, { kind: 'RELEASE', cycleId: 'dc-tcxh_hang_thang_bs2-2026-01-79' }, system, AT),
    ).toMatchObject({ code: 'CASE_WRONG_STATE' });
    expect(
      decideCaseCommand(reissued, { kind: 'RELEASE', cycleId: 'dc-tcxh_hang_thang_bs1-2026-01-79' }, officer('a'), AT),
    ).toMatchObject({ code: 'CASE_FORBIDDEN' });
  });

  it('a re-issue id is a new 31-character EndToEndId per original and cycle', () => {
    expect(reissueId).toMatch(/^R202601[A-Z2-7]{24}$/);
    expect(reissueId).toHaveLength(31);
    expect(reissueIdFor(payment.paymentId, 'dc-tcxh_hang_thang_bs2-2026-01-79')).not.toBe(reissueId);
    expect(reissueIdFor(payment.paymentId, 'dc-tcxh_hang_thang_bs1-2026-01-79')).toBe(reissueId);
  });
});

describe('ageing', () => {
  const open = newCase(payment, 'REJECTED', AT, 'AC04');
  it('counts banking days against the 5-day service level (weekends and holidays excluded)', () => {
    expect(CASE_SLA_BANKING_DAYS).toBe(5);
    expect(caseAge(open, AT)).toEqual({ bankingDays: 0, slaBankingDays: 5, overdue: false });
    // Monday 12/01 → Monday 19/01: 5 banking days, at the limit.
    expect(caseAge(open, '2026-01-19T03:00:00.000Z')).toMatchObject({ bankingDays: 5, overdue: false });
    expect(caseAge(open, '2026-01-20T03:00:00.000Z')).toMatchObject({ bankingDays: 6, overdue: true });
  });
  it('stops at the day a case is finished', () => {
    const closed = { ...open, state: 'CLOSED' as const, updatedAt: '2026-01-14T03:00:00.000Z' };
    expect(caseAge(closed, '2026-03-01T03:00:00.000Z')).toMatchObject({ bankingDays: 2, overdue: false });
  });
});
