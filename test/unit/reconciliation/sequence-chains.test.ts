/**
 * Issue 14 item 3: each message type, and each numbering (electronic or legal sequence), is its own chain: a
 * camt.054 numbered 50 after a camt.053 numbered 10 reports nothing missing.
 */
import type { StatementHeader } from '../../../functions/iso20022/camt.js';
import { continuityWith, statementChain } from '../../../functions/reconciliation/continuity.js';

function header(over: Partial<StatementHeader>): StatementHeader {
  return {
    type: 'header',
    message: 'camt.053',
    statement: 1,
    id: 'X',
    account: { otherId: '42' },
    balances: [],
    ...over,
  };
}
const loaded = (chain: string, sequence: number) => ({
  importId: 'I0',
  account: '42',
  statementId: 'S0',
  chain,
  sequence,
});

describe('sequence chains', () => {
  it('names a chain by message type and numbering', () => {
    expect(statementChain(header({ electronicSequenceNumber: '10' }))).toBe('camt.053#E');
    expect(statementChain(header({ message: 'camt.054', electronicSequenceNumber: '50' }))).toBe('camt.054#E');
    expect(statementChain(header({ legalSequenceNumber: '3' }))).toBe('camt.053#L');
    expect(statementChain(header({ message: 'mt940', electronicSequenceNumber: '3' }))).toBe('mt940#E');
  });

  it('a camt.054 numbered 50 after a camt.053 numbered 10: no gap', () => {
    const n = header({ message: 'camt.054', id: 'N50', electronicSequenceNumber: '50' });
    expect(continuityWith(n, loaded('camt.053#E', 10))).toEqual([]);
  });

  it('within one chain a gap is still a gap', () => {
    const n = header({ message: 'camt.054', id: 'N50', electronicSequenceNumber: '50' });
    expect(continuityWith(n, loaded('camt.054#E', 47)).map((p) => p.detail)).toEqual([
      'sequence 50 follows 47: 2 statement(s) missing',
    ]);
  });

  it('a legal sequence does not continue an electronic one', () => {
    const s = header({ legalSequenceNumber: '2' });
    expect(continuityWith(s, loaded('camt.053#E', 200))).toEqual([]);
  });
});
