import { describe, expect, it } from '@jest/globals';
import { readStatement, sniffStatement } from '../../../functions/bank-statements/detect.js';
import { parseMt940 } from '../../../functions/bank-statements/mt940.js';
import { buildCamt054, parseCamt053, parseCamt054, type StatementEvent } from '../../../functions/iso20022/camt.js';
import { buildPain002 } from '../../../functions/iso20022/pain002.js';
import { chunks, collect, sampleBytes } from '../iso20022/helpers.js';
import { failure } from './helpers.js';

const enc = (s: string) => new TextEncoder().encode(s);
const events = async (r: Awaited<ReturnType<typeof readStatement>>): Promise<StatementEvent[]> => {
  if (!('events' in r)) throw new Error(`no events for ${r.format}`);
  return collect(r.events);
};

describe('readStatement on the public samples', () => {
  it.each([
    ['camt/genkgo-camt053.v2.minimal.xml', 'camt.053'],
    ['camt/genkgo-camt053.v2.multi.statement.xml', 'camt.053'],
    ['camt/genkgo-camt053.v8.xml', 'camt.053'],
    ['camt/svapnil-goldman_sachs-camt_053_us_v2_sample.xml', 'camt.053'],
    ['camt/genkgo-camt054.v4.xml', 'camt.054'],
    ['camt/genkgo-camt054.v8.xml', 'camt.054'],
    ['mt940/mt940-rs-abnamro-mt940.sta', 'mt940'],
    ['mt940/mt940-rs-danskebank-MT940_DK_Example.sta', 'mt940'],
  ])('%s is %s and streams the same events as its parser', async (file, format) => {
    const bytes = sampleBytes(file);
    const r = await readStatement(chunks(bytes, 1000), file.split('/')[1]);
    expect(r.format).toBe(format);
    const direct =
      format === 'camt.053' ? parseCamt053(bytes) : format === 'camt.054' ? parseCamt054(bytes) : parseMt940(bytes);
    expect(await events(r)).toEqual(await collect(direct));
  });

  it('the Goldman Sachs camt.053 gives its 15 entries through the detector', async () => {
    const evs = await events(await readStatement(sampleBytes('camt/svapnil-goldman_sachs-camt_053_us_v2_sample.xml')));
    expect(evs.filter((e) => e.type === 'entry')).toHaveLength(15);
  });

  it('a pain.002 comes back as a parsed status report, not events', async () => {
    const r = await readStatement(sampleBytes('pain/svapnil-nordea-pain_002_v3_group_reject.xml'));
    expect(r.format).toBe('pain.002');
    if (r.format !== 'pain.002') throw new Error('format');
    expect(r.report.msgId).toBeTruthy();
    const accepted = await readStatement(
      chunks(sampleBytes('pain/svapnil-goldman_sachs-pain_002_v3_accepted.xml'), 50),
    );
    expect(accepted.format).toBe('pain.002');
  });

  it('a pain.001 is a payment order, refused with a bilingual explanation', async () => {
    const e = await failure(readStatement(sampleBytes('pain/svapnil-example-sepa_pain_001_v3.xml')));
    expect(e.code).toBe('STATEMENT_FORMAT_UNKNOWN');
    expect(e.details).toMatchObject({ detected: 'pain.001' });
    expect(e.text.vi).toContain('pain.001');
    expect(e.text.en).toContain('not a statement');
  });

  it('a damaged camt is detected as camt and fails while streaming', async () => {
    const r = await readStatement(sampleBytes('camt/genkgo-camt053.v2.wrong.xml'));
    expect(r.format).toBe('camt.053');
    await expect(events(r)).rejects.toThrow();
  });
});

describe('readStatement on crafted files', () => {
  it('reads our own camt.054 and pain.002, a VND MT940 without SWIFT blocks and a bank CSV', async () => {
    const camt = buildCamt054({
      messageId: 'N1',
      createdAt: '2026-02-02T23:00:00+07:00',
      statements: [
        {
          id: 'NTF-1',
          createdAt: '2026-02-02T23:00:00+07:00',
          account: { id: '1234567890' },
          entries: [{ amountVnd: 1_500_000, creditDebit: 'CRDT', status: 'BOOK', reversal: true }],
        },
      ],
    });
    const c = await readStatement(camt);
    expect(c.format).toBe('camt.054');
    expect((await events(c)).find((e) => e.type === 'entry')).toMatchObject({ amount: { minor: 1_500_000n } });

    const pain = buildPain002({
      msgId: 'ST-1',
      createdAt: '2026-02-02T10:00:00+07:00',
      originalMsgId: 'ANSINH-1',
      groupStatus: 'ACSC',
    });
    const p = await readStatement(enc(pain));
    expect(p).toMatchObject({ format: 'pain.002', report: { msgId: 'ST-1' } });

    const mt =
      '\r\n:20:REF\r\n:25:12010000123456\r\n:28C:7\r\n:60F:C250301VND0,\r\n:61:250301C1250000,NTRFE2E-1\r\n:62F:C250301VND1250000,\r\n';
    const m = await readStatement(mt, 'sao-ke.txt');
    expect(m.format).toBe('mt940');
    expect((await events(m)).map((e) => e.type)).toEqual(['header', 'entry', 'end']);

    const csv = await readStatement(enc('\uFEFFNgày giao dịch;Số tiền;Nội dung\n01/03/2025;1.250.000;Trợ cấp\n'));
    expect(csv.format).toBe('csv');
    expect((await events(csv)).find((e) => e.type === 'entry')).toMatchObject({ amount: { minor: 1_250_000n } });
  });

  it('decides by bytes: a UTF-16 export is CSV, SWIFT blocks are MT940, a file name only breaks ties', () => {
    expect(sniffStatement(new Uint8Array([0xff, 0xfe, 0x4e, 0]))).toBe('csv');
    expect(sniffStatement(enc('{1:F01BIDVVNVXAXXX0000000000}{2:O940'))).toBe('mt940');
    expect(sniffStatement(enc(`${'x\n'.repeat(10)}:20:A\n:25:1\n`))).toBe('mt940');
    expect(sniffStatement(enc(':86:only an info line\n'))).toBe('csv');
    expect(sniffStatement(enc(':86:only an info line\n'), 'bank.sta')).toBe('mt940');
    expect(sniffStatement(enc('<?xml version="1.0"?><Document><BkToCstmrStmt>'))).toBe('camt.053');
    expect(sniffStatement(enc('<x:Document xmlns:x="a"><x:CstmrPmtStsRpt>'))).toBe('pain.002');
  });

  it.each([
    ['an xlsx', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), 'Excel'],
    ['a legacy xls', new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), '.xls'],
    ['a PDF', enc('%PDF-1.7\n'), 'PDF'],
    ['binary junk', new Uint8Array(512).map((_, i) => (i * 37) % 32), 'binary'],
    ['NUL bytes', new Uint8Array([0x41, 0x00, 0x42]), 'binary'],
    ['another XML', enc('<?xml version="1.0"?><html><body/></html>'), 'ISO 20022'],
    ['a camt.052', enc('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.08">'), 'camt.052'],
  ])('refuses %s with STATEMENT_FORMAT_UNKNOWN', async (_name, bytes, hint) => {
    const e = await failure(readStatement(chunks(bytes, 2)));
    expect(e.code).toBe('STATEMENT_FORMAT_UNKNOWN');
    expect(e.text.en).toContain(hint);
    expect(e.text.vi).toMatch(/Không nhận dạng được tệp sao kê/);
  });

  it('refuses an empty file', async () => {
    expect((await failure(readStatement(new Uint8Array(0)))).code).toBe('STATEMENT_EMPTY');
    expect((await failure(readStatement(''))).code).toBe('STATEMENT_EMPTY');
  });
});
