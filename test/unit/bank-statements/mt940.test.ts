import { describe, expect, it } from '@jest/globals';
import { parseInfo, parseMt940 } from '../../../functions/bank-statements/mt940.js';
import type {
  StatementEnd,
  StatementEntry,
  StatementEvent,
  StatementHeader,
  StatementProblem,
} from '../../../functions/iso20022/camt.js';
import { Iso20022Error } from '../../../functions/iso20022/errors.js';
import { chunks, collect, errorOf, sampleBytes } from '../iso20022/helpers.js';
import { failure } from './helpers.js';

const of = <T extends StatementEvent['type']>(evs: StatementEvent[], type: T) =>
  evs.filter((e) => e.type === type) as Extract<StatementEvent, { type: T }>[];
const minor = (e: { amount: { minor: bigint } } | undefined) => e?.amount.minor;

const VND = [
  '{1:F01BIDVVNVXAXXX0000000000}{2:O9401200250301BIDVVNVXAXXX00000000002503011200N}{3:{108:ANSINH}}{4:',
  ':20:ANSINH-0301',
  ':25:BIDVVNVX/12010000123456',
  ':28C:00061/001',
  ':60F:C250228VND10000000000,',
  ':61:2503010301D1250000,00NTRFE2E-2025-03-0001//FT2506012345',
  'Tro cap thang 3',
  ':86:/EREF/E2E-2025-03-0001/REMI/USTD//Chi tra tro cap xa hoi thang 3/NAME/NGUYEN THI DAO/ACCW/0011',
  '234567',
  ':61:2503050305RD1250000,NTRFNONREF//FT2506099999',
  ':86:/RTRN/AC04/EREF/E2E-2025-03-0001/REMI/USTD//Tai khoan da dong',
  ':61:2503050305C500000,NMSCNONREF',
  ':86:166?00Nop tien?20EREF+E2E-XYZ?21SVWZ+Hoan tra?31970436001?32NGUYEN VAN A',
  ':61:2503060306D2000000,NTRFE2E-2025-03-0002',
  ':62F:C250306VND9998500000,',
  ':64:C250306VND9998500000,',
  ':86:Sao ke ngay 06/03/2025',
  '-}{5:{CHK:123456789ABC}}',
].join('\r\n');

describe('MT940 on the public samples', () => {
  it('ABN AMRO: two statements, four card payments, synthetic balances flagged', async () => {
    const evs = await collect(parseMt940(sampleBytes('mt940/mt940-rs-abnamro-mt940.sta')));
    const headers = of(evs, 'header');
    const entries = of(evs, 'entry');
    const ends = of(evs, 'end');
    expect(headers).toHaveLength(2);
    expect(entries).toHaveLength(4);
    expect(ends.map((e) => e.entryCount)).toEqual([3, 1]);
    expect(headers[0]).toMatchObject({
      message: 'mt940',
      statement: 1,
      messageId: 'ABN AMRO BANK NV',
      id: 'ABN AMRO BANK NV/23801/1',
      electronicSequenceNumber: '23801',
      pageNumber: '1',
      account: { otherId: '123456789', currency: 'EUR' },
      openingBalance: { type: 'OPBD', creditDebit: 'CRDT', date: '2019-08-25' },
    });
    expect(minor(headers[0]?.openingBalance)).toBe(111110n);
    expect(entries[0]).toMatchObject({
      creditDebit: 'DBIT',
      valueDate: '2019-08-24',
      bookingDate: '2019-08-24',
      reversal: false,
      status: 'BOOK',
      bankTransactionCode: { proprietary: 'N426' },
    });
    expect(minor(entries[0])).toBe(534n);
    expect(entries[0]?.amount.currency).toBe('EUR');
    expect(entries[0]?.transactions[0]?.endToEndId).toBeUndefined(); // NONREF
    expect(entries[0]?.additionalInfo).toContain('RESTAURANT IL SENSO');
    expect(minor(entries[3])).toBe(825n);
    expect(minor(ends[0]?.closingBalance)).toBe(222220n);
    expect(minor(ends[1]?.closingBalance)).toBe(666683n);
    // The sample's balances do not add up (1111,10 − 14,74 ≠ 2222,20): reported, not thrown.
    const problems = of(evs, 'problem');
    expect(problems.map((p) => [p.code, p.statement])).toEqual([
      ['BALANCE_MISMATCH', 1],
      ['BALANCE_MISMATCH', 2],
    ]);
    expect(problems[0]?.details).toMatchObject({ expected: '1096,36 EUR', found: '2222,20 EUR' });
    expect(ends.map((e) => e.problemCount)).toEqual([1, 1]);
  });

  it('Danske Bank: 15 statements, 89 entries, every balance reconciles, same result in 7-byte chunks', async () => {
    const bytes = sampleBytes('mt940/mt940-rs-danskebank-MT940_DK_Example.sta');
    const evs = await collect(parseMt940(bytes));
    expect(await collect(parseMt940(chunks(bytes, 7)))).toEqual(evs);
    const headers = of(evs, 'header');
    const entries = of(evs, 'entry');
    const ends = of(evs, 'end');
    expect([headers.length, entries.length, ends.length, of(evs, 'problem').length]).toEqual([15, 89, 15, 0]);
    // Header, then its entries, then its end, statement after statement.
    expect(
      evs
        .map((e) => `${e.type}${e.statement}`)
        .filter((x, i, a) => x !== a[i - 1])
        .slice(0, 5),
    ).toEqual(['header1', 'entry1', 'end1', 'header2', 'entry2']);
    expect(headers[0]).toMatchObject({
      messageId: '3996-1234567890',
      id: '3996-1234567890/00001/001',
      legalSequenceNumber: '1',
      account: { servicerBic: 'DABADKKK', otherId: '1234567890', currency: 'DKK' },
    });
    expect(minor(headers[0]?.openingBalance)).toBe(247892670n);
    const first = entries[0] as StatementEntry;
    expect(first).toMatchObject({
      creditDebit: 'DBIT',
      valueDate: '2009-09-29',
      bankTransactionCode: { proprietary: 'NTRF' },
    });
    expect(minor(first)).toBe(82941978n);
    expect(first.transactions[0]?.endToEndId).toBe('Dansken');
    // Entry date 0930 next to value date 091001: booked the day before.
    expect(entries[1]).toMatchObject({
      valueDate: '2009-10-01',
      bookingDate: '2009-09-30',
      accountServicerRef: 'nota',
    });
    expect(entries[1]?.transactions[0]).toMatchObject({
      endToEndId: 'Gebyrer ifolge',
      remittanceInformation: ['Gebyrer ifolge nota'],
    });
    const last = entries.at(-1) as StatementEntry;
    expect([last.statement, last.entry, last.creditDebit, minor(last)]).toEqual([15, 2, 'DBIT', 300951n]);
    expect(last.additionalInfo).toBe(
      'DBTS 1111272333/Bnf. PET VAN PARK AMSTERDAM/Bnf.acc. NL47ABNAXXXX\n558756/Our fee DKK 40,00/Foreign fee DKK 200,00',
    );
    // Statement 12 is split over two pages: intermediate balances :62M: / :60M:.
    const p1 = headers.find((h) => h.id.endsWith('00012/001')) as StatementHeader;
    const p2 = headers.find((h) => h.id.endsWith('00012/002')) as StatementHeader;
    expect(p2).toMatchObject({ pageNumber: '2', openingBalance: { type: 'ITBD' } });
    expect(ends[p1.statement - 1]?.closingBalance).toMatchObject({ type: 'ITBD', date: '2009-10-16' });
    expect(minor(ends[p1.statement - 1]?.closingBalance)).toBe(204042162n);
    const lastEnd = ends.at(-1) as StatementEnd;
    expect(minor(lastEnd.closingBalance)).toBe(385137947n);
    expect(lastEnd.balances?.map((b) => b.type)).toEqual(['CLBD', 'CLAV']);
    expect(lastEnd.additionalInfo).toContain('For your inform. IBAN no.');
    // Credits and debits over the file add up to the change of balance.
    let net = 0n;
    for (const e of entries) net += e.creditDebit === 'CRDT' ? e.amount.minor : -e.amount.minor;
    expect(net).toBe(385137947n - 247892670n);
  });
});

describe('MT940 in VND', () => {
  it('reads SWIFT blocks, structured :86: forms, reversals and exact dong amounts', async () => {
    const evs = await collect(parseMt940(chunks(VND, 5)));
    expect(evs.map((e) => e.type)).toEqual(['header', 'entry', 'entry', 'entry', 'entry', 'end']);
    const [h, e1, e2, e3, e4, end] = evs as [
      StatementHeader,
      StatementEntry,
      StatementEntry,
      StatementEntry,
      StatementEntry,
      StatementEnd,
    ];
    expect(h).toMatchObject({
      messageId: 'ANSINH-0301',
      id: 'ANSINH-0301/00061/001',
      electronicSequenceNumber: '61',
      legalSequenceNumber: '61',
      pageNumber: '1',
      account: { servicerBic: 'BIDVVNVX', otherId: '12010000123456', currency: 'VND' },
      openingBalance: { amount: { currency: 'VND', minor: 10_000_000_000n, exponent: 0 }, date: '2025-02-28' },
    });
    expect(e1).toMatchObject({
      amount: { currency: 'VND', minor: 1_250_000n },
      creditDebit: 'DBIT',
      reversal: false,
      valueDate: '2025-03-01',
      bookingDate: '2025-03-01',
      accountServicerRef: 'FT2506012345',
      supplementaryDetails: 'Tro cap thang 3',
      transactions: [
        {
          endToEndId: 'E2E-2025-03-0001',
          accountServicerRef: 'FT2506012345',
          remittanceInformation: ['Chi tra tro cap xa hoi thang 3'],
          creditorName: 'NGUYEN THI DAO',
          creditorAccount: { otherId: '0011234567' },
        },
      ],
    });
    // RD: reversal of a debit, i.e. the money comes back (CRDT + reversal, like camt RvslInd).
    expect(e2).toMatchObject({ creditDebit: 'CRDT', reversal: true, amount: { minor: 1_250_000n } });
    expect(e2.transactions[0]).toMatchObject({ endToEndId: 'E2E-2025-03-0001', returnReason: 'AC04' });
    expect(e3.transactions[0]).toMatchObject({
      endToEndId: 'E2E-XYZ',
      remittanceInformation: ['Hoan tra'],
      debtorName: 'NGUYEN VAN A',
      debtorAccount: { otherId: '970436001' },
    });
    expect(e4.transactions[0]?.endToEndId).toBe('E2E-2025-03-0002');
    expect(e4.additionalInfo).toBeUndefined();
    expect(end).toMatchObject({
      entryCount: 4,
      problemCount: 0,
      additionalInfo: 'Sao ke ngay 06/03/2025',
      closingBalance: { type: 'CLBD', amount: { minor: 9_998_500_000n } },
    });
  });

  it('reports a balance that does not add up as a problem event and goes on', async () => {
    const evs = await collect(parseMt940(VND.replace(':62F:C250306VND9998500000,', ':62F:C250306VND9998500001,')));
    const p = of(evs, 'problem')[0] as StatementProblem;
    expect(p).toMatchObject({ code: 'BALANCE_MISMATCH', statement: 1, line: 18 });
    expect(p.message.vi).toContain('9998500000 VND');
    expect(p.message.en).toContain('9998500001 VND');
    expect(of(evs, 'entry')).toHaveLength(4);
  });

  it.each([
    ['a statement line', ':61:2503010301D1250000,00NTRF', ':61:2503010301D1250000,50NTRF', 6, 1],
    ['an opening balance', ':60F:C250228VND10000000000,', ':60F:C250228VND10000000000,01', 5, undefined],
  ])('refuses dong with a fraction in %s, with the line', async (_n, from, to, line, entry) => {
    const e = await failure(collect(parseMt940(VND.replace(from, to))));
    expect(e).toBeInstanceOf(Iso20022Error);
    expect(e.code).toBe('AMOUNT_DECIMALS_VND');
    expect(e.details).toMatchObject({ line, statement: 1, ...(entry ? { entry } : {}) });
    expect(e.text.vi).toContain(`dòng ${line}`);
  });

  it('keeps the customer reference when the :86: says NOTPROVIDED, and NONREF gives no id', async () => {
    const evs = await collect(
      parseMt940(
        [
          ':20:X',
          ':25:123',
          ':60F:C250301VND0,',
          ':61:250301C5,NTRFREF-1',
          ':86:/EREF/NOTPROVIDED/REMI/USTD//x',
          ':61:250301C7,NTRFNONREF',
          ':86:/EREF/NOTPROVIDED',
          ':62F:C250301VND12,',
        ].join('\n'),
      ),
    );
    const [a, b] = of(evs, 'entry');
    expect(a?.transactions[0]?.endToEndId).toBe('REF-1');
    expect(b?.transactions[0]?.endToEndId).toBe('NOTPROVIDED');
    expect(a?.bookingDate).toBeUndefined();
  });
});

describe('MT940 malformed input: a clear error with the line, never a crash or a hang', () => {
  const lines = VND.split('\r\n');
  const without = (i: number) => lines.filter((_, j) => j !== i).join('\n');
  const replaced = (i: number, s: string) => lines.map((l, j) => (j === i ? s : l)).join('\n');

  it.each([
    ['no closing balance', without(14).replace(':64:C250306VND9998500000,\n', ''), 'MT940_MALFORMED', 16],
    ['truncated file', lines.slice(0, 9).join('\n'), 'MT940_MALFORMED', 9],
    ['an impossible value date', replaced(5, ':61:2513010301D1250000,NTRFX'), 'MT940_MALFORMED', 6],
    ['no decimal comma', replaced(5, ':61:2503010301D1250000NTRFX'), 'MT940_MALFORMED', 6],
    ['no transaction type', replaced(5, ':61:2503010301D1250000,'), 'MT940_MALFORMED', 6],
    ['a bad mark', replaced(5, ':61:2503010301X1250000,NTRFX'), 'MT940_MALFORMED', 6],
    ['a statement line before the opening balance', without(4), 'MT940_MALFORMED', 5],
    ['an unknown field', replaced(3, ':99:whatever'), 'MT940_MALFORMED', 4],
    ['stray text after a balance', replaced(15, 'stray text'), 'MT940_MALFORMED', 16],
    ['a bad currency', replaced(4, ':60F:C250228V1D10000000000,'), 'CURRENCY_INVALID', 5],
    ['two currencies', replaced(14, ':62F:C250306USD9998500000,'), 'CURRENCY_INVALID', 15],
    ['a field before :20:', lines.slice(2).join('\n'), 'MT940_MALFORMED', 1],
    ['text that is no statement', 'Xin chào\nnot a statement\n', 'MT940_MALFORMED', 2],
    ['another SWIFT message', VND.replace('{2:O940', '{2:O942'), 'UNSUPPORTED_MESSAGE', undefined],
    ['an unclosed block', '{1:F01BIDV', 'MT940_MALFORMED', 1],
  ])('%s', async (_name, text, code, line) => {
    const e = await failure(collect(parseMt940(chunks(text, 11))));
    expect(e).toBeInstanceOf(Iso20022Error);
    expect(e.code).toBe(code);
    if (line !== undefined) expect(e.details?.line).toBe(line);
    expect(e.text.vi).not.toBe('');
  });

  it('stops on binary input, endless lines and endless :86: fields', async () => {
    const binary = new Uint8Array(4096).map((_, i) => (i * 131 + 7) % 256);
    expect((await errorOf(collect(parseMt940(binary)))).code).toBe('ENCODING_INVALID');
    async function* endless(): AsyncGenerator<string> {
      for (;;) yield 'A'.repeat(1024);
    }
    expect(await errorOf(collect(parseMt940(endless())))).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      details: { line: 1 },
    });
    async function* endlessInfo(): AsyncGenerator<string> {
      yield ':20:X\n:25:1\n:60F:C250301VND0,\n:61:250301C5,NTRFREF\n:86:a\n';
      for (;;) yield 'more text\n';
    }
    expect(await errorOf(collect(parseMt940(endlessInfo())))).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      details: { line: 105 },
    });
  });

  it('reads windows-1252 when told, and names the line of invalid UTF-8 otherwise', async () => {
    const bytes = new TextEncoder().encode(
      ':20:X\n:25:1\n:60F:C250301EUR0,\n:61:250301C5,NTRFREF\n:86:Caf?\n:62F:C250301EUR5,\n',
    );
    bytes[bytes.indexOf(0x3f)] = 0xe9;
    expect(await errorOf(collect(parseMt940(bytes)))).toMatchObject({ code: 'ENCODING_INVALID', details: { line: 5 } });
    const evs = await collect(parseMt940(bytes, { encoding: 'windows-1252' }));
    expect(of(evs, 'entry')[0]?.additionalInfo).toBe('Café');
  });
});

describe(':86: information forms', () => {
  it('reads German ?-subfields across lines and SEPA keywords in free text', () => {
    expect(parseInfo(['166?00SEPA-GUTSCHRIFT?20EREF+ABC-', '?21123?22SVWZ+Rechnung 7?32Max Muster?33mann'])).toEqual({
      endToEndId: 'ABC-123',
      remittance: ['Rechnung 7'],
      counterpartyName: 'Max Mustermann',
    });
    expect(parseInfo(['EREF+E2E-1 SVWZ+Tro cap'])).toMatchObject({ endToEndId: 'E2E-1', remittance: ['Tro cap'] });
    expect(parseInfo(['/CNTP/NL12RABO0123456789/RABONL2U/J DOE/AMSTERDAM/REMI/USTD//inv 1/'])).toMatchObject({
      counterpartyAccount: { iban: 'NL12RABO0123456789', servicerBic: 'RABONL2U' },
      counterpartyName: 'J DOE',
      remittance: ['inv 1'],
    });
    expect(parseInfo(['Plain text', '  second line  '])).toEqual({ remittance: ['Plain text', 'second line'] });
  });
});
