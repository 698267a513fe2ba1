/** Issue 14 item 8: a pain.001 whose control sum would need more than the schema's 18 digits is refused. */
import { Iso20022Error } from '../../../functions/iso20022/errors.js';
import { buildPain001, MAX_CONTROL_SUM, type Pain001Transaction } from '../../../functions/iso20022/pain001.js';

const MAX_TX = 999_999_999_999_999n; // the largest single amount the builder takes (15 digits)

const batch = (n: number, last = MAX_TX) => ({
  messageId: 'MCTRLSUM1',
  createdAt: '2026-02-03T08:00:00+07:00',
  debtor: { name: 'UBND XA A', accountId: '1234567890', agent: { napasBin: '970405' } },
  transactions: Array.from(
    { length: n },
    (_, i): Pain001Transaction => ({
      instructionId: `I${i}`,
      endToEndId: `E${i}`,
      amountVnd: i === n - 1 ? last : MAX_TX,
      requestedExecutionDate: '2026-02-04',
      creditor: { name: 'NGUYEN VAN A', accountId: `10${i}`, napasBin: '970436' },
    }),
  ),
});

function refusal(f: () => unknown): Iso20022Error {
  try {
    f();
  } catch (e) {
    if (e instanceof Iso20022Error) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('pain.001 control sum', () => {
  it('1,001 payments of the largest amount need 19 digits: refused, naming the control sum', () => {
    const e = refusal(() => buildPain001(batch(1001)));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.problems).toEqual([
      expect.objectContaining({
        code: 'AMOUNT_INVALID',
        path: 'transactions',
        message: expect.objectContaining({ en: expect.stringContaining('18 digits') }),
      }),
    ]);
  });

  it('a total of exactly 18 nines is still written', () => {
    // 1,000 payments of the largest amount and one of the remainder: exactly 18 nines.
    const rest = MAX_CONTROL_SUM - 1000n * MAX_TX;
    const xml = buildPain001(batch(1001, rest));
    expect(xml).toContain(`<CtrlSum>${MAX_CONTROL_SUM}</CtrlSum>`);
  });
});
