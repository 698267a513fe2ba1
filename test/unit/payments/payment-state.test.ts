import { describe, expect, it } from '@jest/globals';
import {
  decideTransition,
  FINAL_STATES,
  PAYMENT_STATES,
  type PaymentState,
  UNPAID_STATES,
} from '../../../functions/payment-ledger/payment-state.js';

describe('payment lifecycle', () => {
  it('at the cut-off a PENDING payment can end NOT_SENT or UNKNOWN; a sent one never NOT_SENT', () => {
    expect(decideTransition('PENDING', 'NOT_SENT')).toEqual({ kind: 'apply', to: 'NOT_SENT' });
    expect(decideTransition('PENDING', 'UNKNOWN')).toEqual({ kind: 'apply', to: 'UNKNOWN' });
    for (const from of ['SENT', 'ACCEPTED', 'UNKNOWN', 'SETTLED', 'REJECTED', 'RETURNED'] as const) {
      expect({ from, kind: decideTransition(from, 'NOT_SENT').kind }).toEqual({ from, kind: 'anomaly' });
    }
  });

  it('NOT_SENT: the bank’s word still applies, our own SENT after it is an anomaly', () => {
    for (const to of ['ACCEPTED', 'SETTLED', 'REJECTED'] as const) {
      expect(decideTransition('NOT_SENT', to)).toEqual({ kind: 'apply', to });
    }
    expect(decideTransition('NOT_SENT', 'SENT').kind).toBe('anomaly');
    expect(decideTransition('NOT_SENT', 'UNKNOWN').kind).toBe('anomaly');
    expect(decideTransition('NOT_SENT', 'PENDING').kind).toBe('anomaly');
    expect(decideTransition('NOT_SENT', 'NOT_SENT')).toEqual({ kind: 'already', state: 'NOT_SENT' });
  });

  it('the bank’s word before our own SENT record (the crash window) applies from PENDING; our SENT after it is stale', () => {
    for (const to of ['ACCEPTED', 'SETTLED', 'REJECTED'] as const) {
      expect(decideTransition('PENDING', to)).toEqual({ kind: 'apply', to });
    }
    expect(decideTransition('ACCEPTED', 'SENT')).toEqual({ kind: 'stale', state: 'ACCEPTED' });
    expect(decideTransition('SETTLED', 'SENT')).toEqual({ kind: 'stale', state: 'SETTLED' });
    expect(decideTransition('REJECTED', 'SENT').kind).toBe('anomaly');
  });

  it('never moves a payment back to PENDING, from any state', () => {
    for (const from of PAYMENT_STATES.filter((s) => s !== 'PENDING')) {
      expect({ from, kind: decideTransition(from, 'PENDING').kind }).not.toEqual({ from, kind: 'apply' });
    }
  });

  it('owes again exactly what never reached the person, and counts NOT_SENT as not final for the alarm', () => {
    expect([...UNPAID_STATES].sort()).toEqual(['NOT_SENT', 'REJECTED', 'RETURNED']);
    expect([...FINAL_STATES].sort()).toEqual(['REJECTED', 'RETURNED', 'SETTLED']);
    const notFinal: PaymentState[] = PAYMENT_STATES.filter((s) => !FINAL_STATES.has(s));
    expect(notFinal.sort()).toEqual(['ACCEPTED', 'NOT_SENT', 'PENDING', 'SENT', 'UNKNOWN']);
  });
});
