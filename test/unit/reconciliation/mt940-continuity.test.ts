/**
 * Issue 14 item 4: an MT940 statement's closing balance (:62F:, after the entries) is kept, so the next
 * statement's opening balance (:60F:) is checked against it, as for camt.053. Minimal MT940 pair written here.
 */

import { parseMt940 } from '../../../functions/bank-statements/mt940.js';
import type { StatementEnd, StatementEvent, StatementHeader } from '../../../functions/iso20022/camt.js';
import {
  continuityWith,
  type LoadedStatement,
  signedBalance,
  statementAccount,
  statementChain,
  statementSequence,
  withClosing,
} from '../../../functions/reconciliation/continuity.js';

const mt940 = (no: string, opening: string, movement: string, closing: string) =>
  [
    `:20:STMT${no}`,
    ':25:0071000123456',
    `:28C:${no}/1`,
    `:60F:C260203VND${opening}`,
    `:61:2602030203D${movement}NTRFP1//BK${no}`,
    ':86:/EREF/P1',
    `:62F:C260203VND${closing}`,
    '-',
  ].join('\r\n');

async function read(text: string): Promise<{ header: StatementHeader; end: StatementEnd }> {
  const events: StatementEvent[] = [];
  for await (const e of parseMt940(text)) events.push(e);
  return {
    header: events.find((e): e is StatementHeader => e.type === 'header') as StatementHeader,
    end: events.find((e): e is StatementEnd => e.type === 'end') as StatementEnd,
  };
}

/** What the reconcile worker records of a statement once its lines are done. */
function loaded(h: StatementHeader): LoadedStatement {
  return {
    importId: 'I1',
    account: statementAccount(h),
    statementId: h.id,
    chain: statementChain(h),
    sequence: statementSequence(h),
    closingBalance: signedBalance(h.closingBalance),
  };
}

describe('MT940 continuity', () => {
  it('keeps the :62F: closing balance of a statement', async () => {
    const first = await read(mt940('1', '1000000,', '250000,', '750000,'));
    expect(first.header.closingBalance).toBeUndefined(); // MT940 gives it after the entries
    expect(signedBalance(withClosing(first.header, first.end).closingBalance)).toBe(750_000);
  });

  it('an opening gap in the next MT940 statement is OPENING_BALANCE_MISMATCH', async () => {
    const first = await read(mt940('1', '1000000,', '250000,', '750000,'));
    const second = await read(mt940('2', '700000,', '100000,', '600000,'));
    const problems = continuityWith(second.header, loaded(withClosing(first.header, first.end)));
    expect(problems).toEqual([
      { code: 'OPENING_BALANCE_MISMATCH', difference: -50_000, detail: 'opening 700000 ≠ previous closing 750000' },
    ]);
  });

  it('the next statement that opens where the last closed is clean', async () => {
    const first = await read(mt940('1', '1000000,', '250000,', '750000,'));
    const second = await read(mt940('2', '750000,', '100000,', '650000,'));
    expect(continuityWith(second.header, loaded(withClosing(first.header, first.end)))).toEqual([]);
  });
});
