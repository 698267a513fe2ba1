/**
 * Issue 14 item 7: MT940 as banks transmit it. SOH/ETX framing is tolerated, an MT942 is named as such,
 * bank-proprietary :NS: fields are read past, and a .sta file that is not MT940 says so (not "CSV header
 * invalid"). Minimal files written for this test.
 */

import { readStatement } from '../../../functions/bank-statements/detect.js';
import { parseMt940 } from '../../../functions/bank-statements/mt940.js';
import type { StatementEntry, StatementEvent } from '../../../functions/iso20022/camt.js';
import { failure } from './helpers.js';

const BODY = [
  ':20:REF1',
  ':25:0071000123456',
  ':28C:5/1',
  ':60F:C260203VND1000000,',
  ':61:2602030203D250000,NTRFP1//BK1',
  ':86:/EREF/P1',
  ':62F:C260203VND750000,',
];
const SOH = '\u0001';
const ETX = '\u0003';

async function all(source: string, fileName?: string): Promise<StatementEvent[]> {
  const read = await readStatement(source, fileName);
  if (read.format === 'pain.002') throw new Error('not a statement');
  const out: StatementEvent[] = [];
  for await (const e of read.events) out.push(e);
  return out;
}
const entries = (evs: StatementEvent[]) => evs.filter((e): e is StatementEntry => e.type === 'entry');

describe('MT940 framing and variants', () => {
  it('reads a message framed by SOH … ETX, ETX right after the closing -', async () => {
    const text = `${SOH}{1:F01BANKVNVXAXXX0000000000}{2:O9401200260203BANKVNVXAXXX00000000002602031200N}{4:\r\n${BODY.join('\r\n')}\r\n-}${ETX}`;
    const evs = await all(text, 'bank.sta');
    expect(entries(evs)).toHaveLength(1);
    expect(evs.filter((e) => e.type === 'problem')).toEqual([]);
  });

  it('reads two framed messages on consecutive lines, ETX and SOH back to back', async () => {
    const one = `{1:F01BANKVNVXAXXX0000000000}{2:O940}{4:\r\n${BODY.join('\r\n')}\r\n-}`;
    const two = one.replace(':20:REF1', ':20:REF2').replace(':28C:5/1', ':28C:6/1');
    const text = `${SOH}${one}${ETX}${SOH}${two}${ETX}\r\n`;
    expect(entries(await all(text))).toHaveLength(2);
  });

  it('tolerates an ETX after a bare - terminator (no SWIFT blocks)', async () => {
    const evs: StatementEvent[] = [];
    for await (const e of parseMt940(`${BODY.join('\n')}\n-${ETX}\n`)) evs.push(e);
    expect(entries(evs)).toHaveLength(1);
  });

  it('refuses an MT942 by name (block 2 or :34F: floor limit)', async () => {
    const framed = await failure(all(`{1:F01BANKVNVXAXXX0000000000}{2:O942}{4:\r\n:20:X\r\n-}`));
    expect(framed.code).toBe('UNSUPPORTED_MESSAGE');
    expect(framed.text.en).toContain('MT942');
    const bare = [':20:INTRA1', ':25:0071000123456', ':28C:5/1', ':34F:VND0,', ':13D:2602031200+0700', '-'].join('\n');
    const e = await failure(all(bare, 'intraday.sta'));
    expect(e.code).toBe('UNSUPPORTED_MESSAGE');
    expect(e.text.en).toContain('MT942');
    expect(e.text.vi).toContain('MT942');
  });

  it('reads past :NS: fields, the entry keeps its :86:', async () => {
    const withNs = [...BODY.slice(0, 5), ':NS:22BANK-INTERNAL', '23SECOND LINE', ...BODY.slice(5)];
    const [entry] = entries(await all(withNs.join('\r\n')));
    expect(entry?.transactions[0]?.endToEndId).toBe('P1');
  });

  it('a .sta file that is not MT940 is named as such, not as a bad CSV', async () => {
    const e = await failure(all('Ngay;So tien\n03/02/2026;100000\n', 'statement.sta'));
    expect(e.code).toBe('STATEMENT_FORMAT_UNKNOWN');
    expect(e.text.en).toContain('MT940');
    expect(e.text.en).not.toMatch(/CSV header/i);
  });
});
