/** The proposed set of ledger changes: its hash names exactly the set, in line order. */
import { describe, expect, it } from '@jest/globals';
import { type ProposedChange, proposalOf } from '../../../functions/reconciliation/proposal.js';

const ret: ProposedChange = {
  line: 'LINE#001#00000002#00001',
  paymentId: 'P202605AAAA',
  to: 'RETURNED',
  reason: 'AC04',
  booking: { paymentId: 'P202605AAAA', position: 'st-x#001#00000002#00001', outcome: 'RETURN', amount: 500_000 },
};
const settle: ProposedChange = {
  line: 'LINE#001#00000001#00000',
  paymentId: 'P202605BBBB',
  to: 'SETTLED',
  status: 'ACSC',
};

describe('proposalOf', () => {
  it('an empty set proposes nothing to confirm', () => {
    expect(proposalOf([])).toMatchObject({ status: 'NONE', changes: 0, byState: {} });
  });

  it('counts by target state and awaits confirmation', () => {
    expect(proposalOf([settle, ret])).toMatchObject({
      status: 'AWAITING_CONFIRMATION',
      changes: 2,
      byState: { SETTLED: 1, RETURNED: 1 },
      hash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
  });

  it('the same set hashes the same; any change of payment, state, reason, amount, line or order changes it', () => {
    const base = proposalOf([settle, ret]).hash;
    expect(proposalOf([{ ...settle }, { ...ret }]).hash).toBe(base);
    const variants: ProposedChange[][] = [
      [ret, settle],
      [settle],
      [{ ...settle, paymentId: 'P202605CCCC' }, ret],
      [{ ...settle, to: 'REJECTED' }, ret],
      [{ ...settle, status: 'RJCT' }, ret],
      [settle, { ...ret, reason: 'AC01' }],
      [settle, { ...ret, booking: { ...(ret.booking as NonNullable<ProposedChange['booking']>), amount: 500_001 } }],
      [settle, { ...ret, line: 'LINE#001#00000003#00001' }],
    ];
    const hashes = variants.map((v) => proposalOf(v).hash);
    expect(new Set([base, ...hashes]).size).toBe(variants.length + 1);
  });
});
