import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  answerOf,
  atCutoff,
  type BankAnswer,
  CUTOFF_QUERIES_GIVE_UP_MS,
  closingOf,
  cutoffAt,
  cutoffQueriesDone,
  emptyStateTotals,
  type MessageAnswer,
  mayStillSend,
  OPEN_AT_CUTOFF,
} from '../../../functions/disbursement-cycles/cutoff.js';
import { decideTransition, PAYMENT_STATES } from '../../../functions/payment-ledger/payment-state.js';
import type { ReportedStatus } from '../../../functions/payment-ledger/status-report.js';

const status = (state: 'ACCEPTED' | 'SETTLED' | 'REJECTED' | undefined, code: string): BankAnswer => ({
  kind: 'status',
  state,
  status: code,
});
const ANSWERS: BankAnswer[] = [
  status('SETTLED', 'ACSC'),
  status('REJECTED', 'RJCT'),
  status('ACCEPTED', 'ACSP'),
  status(undefined, 'XXXX'),
  { kind: 'unknown-to-bank' },
  { kind: 'no-answer' },
];

describe('settlement cut-off', () => {
  it('falls the configured minutes after approval; a send must end before it', () => {
    const approvedAt = '2026-03-01T00:00:00.000Z';
    expect(cutoffAt(approvedAt, 60)).toBe(Date.parse('2026-03-01T01:00:00.000Z'));
    const at = cutoffAt(approvedAt, 60);
    expect(mayStillSend(approvedAt, at - 10_001, 10_000, 60)).toBe(true);
    expect(mayStillSend(approvedAt, at - 10_000, 10_000, 60)).toBe(false);
    expect(mayStillSend(approvedAt, at + 1, 10_000, 60)).toBe(false);
  });

  it('bank payments: the bank’s final answer decides, from PENDING too', () => {
    for (const state of OPEN_AT_CUTOFF) {
      expect(atCutoff(state, 'BANK', status('SETTLED', 'ACSC'))).toEqual({ to: 'SETTLED', source: 'bank-query' });
      expect(atCutoff(state, 'BANK', status('REJECTED', 'RJCT'))).toEqual({ to: 'REJECTED', source: 'bank-query' });
      // Still in process at the bank, or no usable answer: UNKNOWN, queried again later, never resent.
      expect(atCutoff(state, 'BANK', status('ACCEPTED', 'ACSP'))).toEqual({ to: 'UNKNOWN', source: 'cut-off' });
      expect(atCutoff(state, 'BANK', { kind: 'no-answer' })).toEqual({ to: 'UNKNOWN', source: 'cut-off' });
    }
  });

  it('a PENDING payment the bank does not know never left (NOT_SENT); a SENT one it does not know is UNKNOWN', () => {
    expect(atCutoff('PENDING', 'BANK', { kind: 'unknown-to-bank' })).toEqual({ to: 'NOT_SENT', source: 'bank-query' });
    expect(atCutoff('SENT', 'BANK', { kind: 'unknown-to-bank' })).toEqual({ to: 'UNKNOWN', source: 'cut-off' });
    expect(atCutoff('ACCEPTED', 'BANK', { kind: 'unknown-to-bank' })).toEqual({ to: 'UNKNOWN', source: 'cut-off' });
  });

  it('post office: never queried; PENDING never made a cash list (NOT_SENT), SENT awaits the commune (UNKNOWN)', () => {
    expect(atCutoff('PENDING', 'POST_OFFICE', undefined)).toEqual({ to: 'NOT_SENT', source: 'cut-off' });
    expect(atCutoff('SENT', 'POST_OFFICE', undefined)).toEqual({ to: 'UNKNOWN', source: 'cut-off' });
    expect(atCutoff('ACCEPTED', 'POST_OFFICE', undefined)).toEqual({ to: 'UNKNOWN', source: 'cut-off' });
  });

  it('every decision is a move the ledger applies, and leaves nothing open', () => {
    for (const state of OPEN_AT_CUTOFF)
      for (const channel of ['BANK', 'POST_OFFICE'] as const)
        for (const answer of [...ANSWERS, undefined]) {
          const { to } = atCutoff(state, channel, answer);
          expect({ state, to, kind: decideTransition(state, to).kind }).toEqual({ state, to, kind: 'apply' });
          expect(OPEN_AT_CUTOFF as readonly string[]).not.toContain(to);
        }
  });
});

describe('one bank query per message', () => {
  const statuses = new Map<string, ReportedStatus>([
    ['P1', { paymentId: 'P1', status: 'ACSC', source: 'transaction', wanted: 'SETTLED' }],
    ['P2', { paymentId: 'P2', status: 'RJCT', source: 'group', reason: 'AM04', wanted: 'REJECTED' }],
    ['P3', { paymentId: 'P3', status: 'ACSP', source: 'transaction', wanted: 'ACCEPTED' }],
  ]);
  const report: MessageAnswer = { kind: 'report', statuses };

  it('each payment takes its own status out of the message’s answer', () => {
    expect(answerOf(report, 'P1')).toEqual({ kind: 'status', state: 'SETTLED', status: 'ACSC' });
    expect(answerOf(report, 'P2')).toEqual({ kind: 'status', state: 'REJECTED', status: 'RJCT', reason: 'AM04' });
    expect(atCutoff('SENT', 'BANK', answerOf(report, 'P3'))).toEqual({ to: 'UNKNOWN', source: 'cut-off' });
  });

  it('a message the bank never received: its PENDING payments never left, its SENT ones are UNKNOWN', () => {
    const answer = answerOf({ kind: 'unknown-to-bank' }, 'P1');
    expect(atCutoff('PENDING', 'BANK', answer)).toEqual({ to: 'NOT_SENT', source: 'bank-query' });
    expect(atCutoff('SENT', 'BANK', answer)).toEqual({ to: 'UNKNOWN', source: 'cut-off' });
  });

  it('a payment the bank’s report on a message it holds does not mention is UNKNOWN, even PENDING', () => {
    expect(answerOf(report, 'P9')).toEqual({ kind: 'no-answer' });
    for (const state of OPEN_AT_CUTOFF)
      expect(atCutoff(state, 'BANK', answerOf(report, 'P9'))).toEqual({ to: 'UNKNOWN', source: 'cut-off' });
    expect(answerOf({ kind: 'no-answer' }, 'P1')).toEqual({ kind: 'no-answer' });
  });

  it('the collect step waits for every chunk’s work item, a day at most', () => {
    const queuedAt = '2026-03-04T00:00:00.000Z';
    const t = Date.parse(queuedAt);
    expect(cutoffQueriesDone({ chunks: 3, finished: 3, queuedAt, now: t })).toBe('done');
    expect(cutoffQueriesDone({ chunks: 0, finished: 0, queuedAt, now: t })).toBe('done');
    expect(cutoffQueriesDone({ chunks: 3, finished: 2, queuedAt, now: t + CUTOFF_QUERIES_GIVE_UP_MS - 1 })).toBe(
      'waiting',
    );
    expect(cutoffQueriesDone({ chunks: 3, finished: 2, queuedAt, now: t + CUTOFF_QUERIES_GIVE_UP_MS })).toBe(
      'given-up',
    );
  });
});

describe('closing', () => {
  const money = fc.record({ count: fc.nat(1000), amount: fc.nat(10_000_000_000) });

  it('balances exactly when approved = Σ states + not dispatched; notFinal is all but the bank’s last words', () => {
    fc.assert(
      fc.property(
        fc.array(money, { minLength: PAYMENT_STATES.length, maxLength: PAYMENT_STATES.length }),
        money,
        fc.integer({ min: -2, max: 2 }),
        (parts, nd, skew) => {
          const totals = emptyStateTotals();
          PAYMENT_STATES.forEach((s, i) => {
            totals[s] = parts[i] as { count: number; amount: number };
          });
          const count = parts.reduce((n, p) => n + p.count, nd.count);
          const amount = parts.reduce((n, p) => n + p.amount, nd.amount);
          const closing = closingOf({ count: count + skew, amount }, totals, nd);
          expect(closing.balanced).toEqual({ count: skew === 0, amount: true });
          expect(closing.notDispatched).toEqual(nd);
          const final = ['SETTLED', 'REJECTED', 'RETURNED'] as const;
          expect(closing.notFinal.count).toBe(count - final.reduce((n, s) => n + totals[s].count, 0));
          expect(closing.notFinal.amount).toBe(amount - final.reduce((n, s) => n + totals[s].amount, 0));
        },
      ),
    );
  });

  it('a cycle with one chunk never dispatched and one NOT_SENT payment: balanced, two not final', () => {
    const totals = emptyStateTotals();
    totals.SETTLED = { count: 3, amount: 1_500_000 };
    totals.NOT_SENT = { count: 1, amount: 500_000 };
    const closing = closingOf({ count: 5, amount: 2_500_000 }, totals, { count: 1, amount: 500_000 });
    expect(closing).toMatchObject({
      balanced: { count: true, amount: true },
      notFinal: { count: 2, amount: 1_000_000 },
      NOT_SENT: { count: 1, amount: 500_000 },
      notDispatched: { count: 1, amount: 500_000 },
    });
  });
});
