import { describe, expect, it } from '@jest/globals';
import { parseBankAmount, parseBankCsv } from '../../../functions/bank-statements/bank-csv.js';
import type {
  StatementEnd,
  StatementEntry,
  StatementEvent,
  StatementHeader,
  StatementProblem,
} from '../../../functions/iso20022/camt.js';
import { chunks, collect } from '../iso20022/helpers.js';
import { failure } from './helpers.js';

const of = <T extends StatementEvent['type']>(evs: StatementEvent[], type: T) =>
  evs.filter((e) => e.type === type) as Extract<StatementEvent, { type: T }>[];

/** As a bank's internet banking exports it: BOM, `;`, a preamble, totals and signatures after the rows. */
const SAO_KE = [
  '\uFEFFSAO KÊ TÀI KHOẢN / ACCOUNT STATEMENT',
  'Số tài khoản:;0011004455667',
  'Tên tài khoản:;UBND XA DONG HUNG',
  'Loại tiền:;VND',
  'Từ ngày 01/03/2025 đến ngày 31/03/2025',
  'Số dư đầu kỳ:;10.000.000.000',
  '',
  'STT;Ngày giao dịch;Ngày hiệu lực;Số tham chiếu;Mã giao dịch;Nội dung;Ghi nợ;Ghi có;Số dư;Số tài khoản đối ứng;Tên đối ứng;Ngân hàng đối ứng',
  '1;01/03/2025 08:15:00;01/03/2025;FT25060001;E2E-2025-03-0001;Chi tra tro cap thang 3;1.250.000;;9.998.750.000;0011234567;NGUYEN THI DAO;970436',
  '2;05/03/2025;05/03/2025;FT25064001;E2E-2025-03-0001;Hoan tra AC04;;1.250.000;10.000.000.000;0011234567;NGUYEN THI DAO;970436',
  '3;06/03/2025;06/03/2025;FT25065001;;Phi;1.250.000,50;;;;;',
  '4;32/03/2025;;FT25065002;;Loi ngay;10.000;;;;;',
  '5;07/03/2025;;FT25066001;;"Nop tien; tien mat";;500.000,00;10.000.500.000;;;',
  ';;;;;Tổng cộng;1.250.000;1.750.000;;;;',
  ';;;;;Số dư cuối kỳ;;;10.000.500.000;;;',
  'Người lập biểu;;;Kế toán trưởng',
].join('\r\n');

describe('bank statement CSV', () => {
  it('reads a Vietnamese export: preamble balances, rows, bad rows reported in place, footer', async () => {
    const evs = await collect(parseBankCsv(SAO_KE));
    expect(await collect(parseBankCsv(chunks(SAO_KE, 3)))).toEqual(evs);
    expect(evs.map((e) => e.type)).toEqual(['header', 'entry', 'entry', 'problem', 'problem', 'entry', 'end']);
    const h = evs[0] as StatementHeader;
    expect(h).toMatchObject({
      message: 'csv',
      statement: 1,
      id: '2025-03-01..2025-03-31',
      fromDateTime: '2025-03-01T00:00:00+07:00',
      toDateTime: '2025-03-31T23:59:59+07:00',
      account: { otherId: '0011004455667', ownerName: 'UBND XA DONG HUNG', currency: 'VND' },
      openingBalance: { type: 'OPBD', creditDebit: 'CRDT', date: '2025-03-01' },
    });
    expect(h.openingBalance?.amount).toEqual({ currency: 'VND', minor: 10_000_000_000n, exponent: 0 });
    const [e1, e2, e3] = of(evs, 'entry') as [StatementEntry, StatementEntry, StatementEntry];
    expect(e1).toMatchObject({
      entry: 1,
      amount: { currency: 'VND', minor: 1_250_000n },
      creditDebit: 'DBIT',
      status: 'BOOK',
      bookingDate: '2025-03-01',
      valueDate: '2025-03-01',
      accountServicerRef: 'FT25060001',
      additionalInfo: 'Chi tra tro cap thang 3',
      runningBalance: { amount: { minor: 9_998_750_000n }, creditDebit: 'CRDT' },
      transactions: [
        {
          endToEndId: 'E2E-2025-03-0001',
          accountServicerRef: 'FT25060001',
          remittanceInformation: ['Chi tra tro cap thang 3'],
          creditorName: 'NGUYEN THI DAO',
          creditorAccount: { otherId: '0011234567', servicerMemberId: '970436' },
        },
      ],
    });
    expect(e2).toMatchObject({ creditDebit: 'CRDT', transactions: [{ debtorName: 'NGUYEN THI DAO' }] });
    expect(e3).toMatchObject({ entry: 3, amount: { minor: 500_000n }, additionalInfo: 'Nop tien; tien mat' });
    const [p1, p2] = of(evs, 'problem') as [StatementProblem, StatementProblem];
    expect(p1).toMatchObject({ code: 'AMOUNT_DECIMALS_VND', line: 11, statement: 1 });
    expect(p1.message.vi).toContain('dòng 11');
    expect(p2).toMatchObject({ code: 'FIELD_INVALID', line: 12, details: { column: 'transactionDate' } });
    expect(p2.message).toEqual({
      vi: 'Dòng 12, cột "Ngày giao dịch": không phải ngày dd/mm/yyyy.',
      en: 'Line 12, column "Transaction date": not a date dd/mm/yyyy.',
    });
    const end = evs.at(-1) as StatementEnd;
    expect(end).toMatchObject({ entryCount: 3, problemCount: 2, closingBalance: { type: 'CLBD', date: '2025-03-31' } });
    expect(end.closingBalance?.amount.minor).toBe(10_000_500_000n);
  });

  it('reads English headers, commas, quoted amounts, a Dr/Cr column and ISO dates', async () => {
    const csv = [
      'Account number,0011004455667',
      'Opening balance,"2,000,000"',
      'Closing balance,"2,750,000"',
      'No.,Transaction date,Value date,Reference,Description,Amount,Dr/Cr,Balance,Currency',
      '1,2025-03-01,2025-03-02,REF1,Salary,"1,000,000",C,"3,000,000",VND',
      '2,2025-03-03,,REF2,Fee,"250,000.00",D,"2,750,000",vnđ',
    ].join('\n');
    const evs = await collect(parseBankCsv(csv));
    expect(evs.map((e) => e.type)).toEqual(['header', 'entry', 'entry', 'end']);
    const [a, b] = of(evs, 'entry');
    expect(a).toMatchObject({ creditDebit: 'CRDT', amount: { minor: 1_000_000n }, valueDate: '2025-03-02' });
    expect(b).toMatchObject({ creditDebit: 'DBIT', amount: { minor: 250_000n }, bookingDate: '2025-03-03' });
    expect(of(evs, 'header')[0]?.closingBalance?.amount.minor).toBe(2_750_000n);
    expect(of(evs, 'end')[0]?.problemCount).toBe(0);
  });

  it('reads signed amounts, Nợ/Có columns, headers without diacritics, TAB in UTF-16 and a sep= line', async () => {
    const signed = 'NGAY GIAO DICH;so tien;noi dung\n01/03/2025;-1.250.000;chi\n02/03/2025;+700.000;thu\n';
    const s = of(await collect(parseBankCsv(signed)), 'entry');
    expect(s.map((e) => [e.creditDebit, e.amount.minor])).toEqual([
      ['DBIT', 1_250_000n],
      ['CRDT', 700_000n],
    ]);
    const noCo = 'Ngày;Nợ;Có;Diễn giải\n01/03/2025;1.000;;a\n02/03/2025;;2.000;b\n';
    expect(of(await collect(parseBankCsv(noCo)), 'entry').map((e) => [e.creditDebit, e.amount.minor])).toEqual([
      ['DBIT', 1000n],
      ['CRDT', 2000n],
    ]);
    const tab = 'Ngày giao dịch\tSố tiền\tNợ/Có\tNội dung\n01/03/2025\t1.250.000\tNợ\tTrợ cấp\n';
    const utf16 = new Uint8Array([0xff, 0xfe, ...new Uint8Array(Buffer.from(tab, 'utf16le'))]);
    const u = of(await collect(parseBankCsv(chunks(utf16, 5))), 'entry');
    expect(u[0]).toMatchObject({ creditDebit: 'DBIT', amount: { minor: 1_250_000n }, additionalInfo: 'Trợ cấp' });
    const sep = 'sep=;\nNgày giao dịch;Số tiền;Nội dung\n01/03/2025;1,250;x\n01/03/2025;1,2;y\n';
    const evs = await collect(parseBankCsv(sep));
    expect(of(evs, 'entry')[0]?.amount.minor).toBe(1250n);
    expect(of(evs, 'problem')[0]).toMatchObject({ code: 'AMOUNT_DECIMALS_VND', line: 4 });
  });

  it('reports each unreadable row with its line and keeps going; skips repeated headers and text rows', async () => {
    const csv = [
      'Số dư đầu kỳ: 1.000.000',
      'Ngày giao dịch;Ghi nợ;Ghi có;Số tiền;Nợ/Có;Loại tiền;Nội dung',
      '01/03/2025;100;200;;;;both', // 3
      '01/03/2025;;;;;;nothing', // 4
      '01/03/2025;;-200;;;;negative credit', // 5
      '01/03/2025;;;300;X;;bad mark', // 6
      ';100;;;;;no date', // 7
      '01/03/2025;100;;;;VNDX;bad currency', // 8
      'Ngày giao dịch;Ghi nợ;Ghi có;Số tiền;Nợ/Có;Loại tiền;Nội dung', // page break
      '02/03/2025;;;-300;Có;;signed and marked', // 10
      '02/03/2025;1.2.3;;;;;bad amount', // 11
      '03/03/2025;100;;;;;ok', // 12
      'Ghi chú: sao kê in từ Internet Banking',
      'Số dư cuối kỳ: 900.001',
    ].join('\n');
    const evs = await collect(parseBankCsv(csv));
    const problems = of(evs, 'problem');
    expect(problems.map((p) => [p.line, p.code])).toEqual([
      [3, 'FIELD_INVALID'],
      [4, 'MISSING_ELEMENT'],
      [5, 'FIELD_INVALID'],
      [6, 'FIELD_INVALID'],
      [7, 'MISSING_ELEMENT'],
      [8, 'CURRENCY_INVALID'],
      [10, 'FIELD_INVALID'],
      [11, 'AMOUNT_INVALID'],
      [14, 'BALANCE_MISMATCH'],
    ]);
    expect(problems.every((p) => p.message.vi !== '' && p.message.en !== '')).toBe(true);
    expect(of(evs, 'entry').map((e) => e.entry)).toEqual([1]);
    expect(of(evs, 'end')[0]).toMatchObject({ entryCount: 1, problemCount: 9 });
    expect(problems.at(-1)?.details).toMatchObject({ expected: '999900 VND', found: '900001 VND' });
  });

  it('refuses files that are no statement CSV with a clear bilingual error', async () => {
    const cases: [string | Uint8Array, string][] = [
      ['Xin chào\nĐây không phải sao kê\n', 'CSV_HEADER_INVALID'],
      ['Ngày giao dịch;Nội dung;Số tham chiếu\n01/03/2025;a;b\n', 'CSV_HEADER_INVALID'],
      ['Ngày giao dịch;Số tiền;Số tiền giao dịch;Nội dung\n', 'CSV_HEADER_INVALID'],
      [new Uint8Array([0x4e, 0x67, 0xc3, 0x28, 0x0a]), 'ENCODING_INVALID'],
      [new Uint8Array(0), 'STATEMENT_EMPTY'],
      [new Uint8Array([0x41, 0, 0x42, 0x0a]), 'STATEMENT_FORMAT_UNKNOWN'],
    ];
    for (const [input, code] of cases) {
      const e = await failure(collect(parseBankCsv(input)));
      expect([e.code, e.text.vi.length > 0, e.text.en.length > 0]).toEqual([code, true, true]);
    }
    const noAmount = await failure(collect(parseBankCsv('Ngày giao dịch;Nội dung;Số tham chiếu\n')));
    expect(noAmount.text.en).toContain('missing an amount column');
    const long = `Ngày giao dịch;Số tiền;Nội dung\n01/03/2025;1;${'x'.repeat(5000)}\n`;
    expect(await failure(collect(parseBankCsv(long, { maxRecordChars: 1000 })))).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      details: { line: 2 },
    });
  });
});

describe('parseBankAmount', () => {
  it.each([
    ['1.250.000', 1_250_000n, false],
    ['1,250,000', 1_250_000n, false],
    ['1 250 000', 1_250_000n, false],
    ['1\u00a0250\u00a0000', 1_250_000n, false],
    ['1250000', 1_250_000n, false],
    ['1.250.000,00', 1_250_000n, false],
    ['1,250,000.00', 1_250_000n, false],
    ['1250000,00', 1_250_000n, false],
    ['1250000.0', 1_250_000n, false],
    ['1.250', 1250n, false],
    ['1.250.000 VND', 1_250_000n, false],
    ['1.250.000đ', 1_250_000n, false],
    ['(1.250.000)', 1_250_000n, true],
    ['-1.250.000', 1_250_000n, true],
    ['+500', 500n, false],
    ['0', 0n, false],
    ['999.999.999.999.999', 999_999_999_999_999n, false],
  ])('reads %s', (text, minor, negative) => {
    expect(parseBankAmount(text, 'VND')).toEqual({ money: { currency: 'VND', minor, exponent: 0 }, negative });
  });

  it.each([
    ['1.250.000,50', 'AMOUNT_DECIMALS_VND'],
    ['1250000,5', 'AMOUNT_DECIMALS_VND'],
    ['1,25', 'AMOUNT_DECIMALS_VND'],
    ['1.25.000', 'AMOUNT_INVALID'],
    ['1250,000', 'AMOUNT_INVALID'],
    ['0.500', 'AMOUNT_INVALID'],
    ['1.250,000', 'AMOUNT_INVALID'],
    ['1.250.000.00', 'AMOUNT_INVALID'],
    ['1,250.000,00', 'AMOUNT_INVALID'],
    ['12a', 'AMOUNT_INVALID'],
    ['1.2e6', 'AMOUNT_INVALID'],
    ['--5', 'AMOUNT_INVALID'],
  ])('refuses %s (%s), never rounding', (text, code) => {
    let caught: unknown;
    try {
      parseBankAmount(text, 'VND', { line: 9 });
    } catch (e) {
      caught = e;
    }
    expect(caught).toMatchObject({ code, details: { line: 9 } });
  });

  it('reads other currencies by their exponent, and empty cells as nothing', () => {
    expect(parseBankAmount('1.250,50', 'EUR')?.money).toEqual({ currency: 'EUR', minor: 125050n, exponent: 2 });
    expect(parseBankAmount('1,250.500', 'KWD')?.money.minor).toBe(1250500n);
    expect(parseBankAmount('', 'VND')).toBeUndefined();
    expect(parseBankAmount(' - ', 'VND')).toBeUndefined();
  });
});
