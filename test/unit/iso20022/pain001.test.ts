import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Iso20022Error } from '../../../functions/iso20022/errors.js';
import { buildPain001, type Pain001Batch, type Pain001Transaction } from '../../../functions/iso20022/pain001.js';
import { toAscii, toBankName } from '../../../functions/iso20022/text.js';
import { at, children, errorOf, textAt, tree } from './helpers.js';

const BINS = ['970436', '970415', '970418', '970405', '970422'];

const base = (txs: Pain001Transaction[]): Pain001Batch => ({
  messageId: 'ANSINH-2026-01-XA001',
  createdAt: '2026-01-20T08:00:00+07:00',
  debtor: { name: 'UBND Xã Đông Hưng', accountId: '1234567890123', agent: { napasBin: '970405' } },
  transactions: txs,
});

const tx = (i: number, over: Partial<Pain001Transaction> = {}): Pain001Transaction => ({
  instructionId: `I${i}`,
  endToEndId: `E2E-${i}`,
  amountVnd: 1_500_000 + i,
  requestedExecutionDate: i % 2 ? '2026-02-02' : '2026-02-03',
  creditor: { name: 'Nguyễn Thị Đào', accountId: `00${i}12345`, napasBin: '970436' },
  remittanceInformation: 'Trợ cấp xã hội tháng 2/2026',
  ...over,
});

describe('transliteration', () => {
  it('removes diacritics with explicit Đ→D', () => {
    expect(toBankName('Nguyễn Thị Đào')).toBe('NGUYEN THI DAO');
    expect(toBankName('Trần Văn Đức  ')).toBe('TRAN VAN DUC');
    expect(toBankName('đặng ữ ỷ Ð')).toBe('DANG U Y D');
    expect(toAscii('Hưng & Hùng <x>')).toBe('Hung & Hung <x>');
  });
  it('always yields printable ASCII', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(toBankName(s)).toMatch(/^[A-Z0-9 .,'\-/()]*$/);
      }),
    );
  });
});

describe('buildPain001', () => {
  it('writes a pain.001.001.09 grouped by execution date with integer VND', () => {
    const xml = buildPain001(base([tx(1), tx(2), tx(3)]));
    const doc = tree(xml);
    expect(doc.attrs.xmlns).toBe('urn:iso:std:iso:20022:tech:xsd:pain.001.001.09');
    const root = at(doc, 'CstmrCdtTrfInitn');
    expect(textAt(root, 'GrpHdr/NbOfTxs')).toBe('3');
    expect(textAt(root, 'GrpHdr/CtrlSum')).toBe(String(4_500_006));
    const pis = children(root, 'PmtInf');
    expect(pis.map((p) => textAt(p, 'ReqdExctnDt/Dt'))).toEqual(['2026-02-02', '2026-02-03']);
    expect(pis.map((p) => textAt(p, 'PmtInfId'))).toEqual([
      'ANSINH-2026-01-XA001-20260202',
      'ANSINH-2026-01-XA001-20260203',
    ]);
    expect(pis.map((p) => textAt(p, 'NbOfTxs'))).toEqual(['2', '1']);
    const t = children(pis[0] as never, 'CdtTrfTxInf')[0] as never;
    expect(at(t, 'Amt/InstdAmt').attrs.Ccy).toBe('VND');
    expect(textAt(t, 'Amt/InstdAmt')).toBe('1500001');
    expect(textAt(t, 'CdtrAgt/FinInstnId/ClrSysMmbId/MmbId')).toBe('970436');
    expect(textAt(t, 'Cdtr/Nm')).toBe('NGUYEN THI DAO');
    expect(textAt(t, 'CdtrAcct/Id/Othr/Id')).toBe('00112345');
    expect(textAt(t, 'RmtInf/Ustrd')).toBe('Tro cap xa hoi thang 2/2026');
    expect(textAt(pis[0] as never, 'Dbtr/Nm')).toBe('UBND XA DONG HUNG');
    expect(xml).not.toMatch(/InstdAmt[^>]*>\d+\.\d/);
  });

  it('escapes XML in text', () => {
    const xml = buildPain001({
      ...base([tx(1, { creditor: { name: "O'Neil & <Co>", accountId: '1', napasBin: '970436' } })]),
    });
    expect(xml).toContain('<Nm>O&apos;NEIL CO</Nm>');
    expect(tree(xml)).toBeDefined();
  });

  it('lists every problem in one typed error', async () => {
    const e = await errorOf(() =>
      buildPain001({
        ...base([
          tx(1, { endToEndId: 'X'.repeat(36) }),
          tx(2, { amountVnd: 1250.5 }),
          tx(3, { creditor: { name: 'A', accountId: '12345678901234567890', napasBin: '97043' } }),
          tx(4, { endToEndId: 'E2E-5' }),
          tx(5, { remittanceInformation: 'x'.repeat(141), requestedExecutionDate: '2026-02-30' }),
        ]),
        messageId: '',
        createdAt: 'now',
      }),
    );
    expect(e).toBeInstanceOf(Iso20022Error);
    expect(e.code).toBe('INVALID_INPUT');
    const got = (e.problems ?? []).map((p) => `${p.code} ${p.path}`);
    expect(got).toEqual(
      expect.arrayContaining([
        'MISSING_ELEMENT messageId',
        'FIELD_INVALID createdAt',
        'FIELD_TOO_LONG transactions[0].endToEndId',
        'AMOUNT_INVALID transactions[1].amountVnd',
        'FIELD_TOO_LONG transactions[2].creditor.accountId',
        'FIELD_INVALID transactions[2].creditor.napasBin',
        'DUPLICATE_ID transactions[4].endToEndId',
        'FIELD_TOO_LONG transactions[4].remittanceInformation',
        'FIELD_INVALID transactions[4].requestedExecutionDate',
      ]),
    );
  });

  it('refuses unknown BINs when given the bank list', async () => {
    const e = await errorOf(() => buildPain001({ ...base([tx(1)]), knownBins: new Set(['970405']) }));
    expect(e.problems?.map((p) => p.path)).toEqual(['transactions[0].creditor.napasBin']);
  });

  const arbTx = fc.record({
    amount: fc.integer({ min: 1, max: 1_000_000_000_000 }),
    name: fc.constantFrom(
      'Nguyễn Văn An',
      'Trần Thị Bích',
      'Lê Đức Thọ',
      'Phạm Ngọc Ánh',
      'Đặng Thùy Dương',
      'Hồ Xuân Hương',
    ),
    day: fc.integer({ min: 1, max: 4 }),
    bin: fc.constantFrom(...BINS),
    acct: fc.stringMatching(/^[0-9]{6,19}$/),
    rmt: fc.option(fc.string({ maxLength: 60 }), { nil: undefined }),
  });

  it('round-trips random batches: ids, amounts, totals, names (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(arbTx, { minLength: 1, maxLength: 40 }), (rows) => {
        const txs = rows.map((r, i) =>
          tx(i, {
            amountVnd: r.amount,
            requestedExecutionDate: `2026-03-0${r.day}`,
            creditor: { name: r.name, accountId: r.acct, napasBin: r.bin },
            remittanceInformation: r.rmt && /[A-Za-z0-9]/.test(r.rmt) ? r.rmt : 'TRO CAP',
          }),
        );
        const batch = base(txs);
        const xml = buildPain001(batch);
        expect(buildPain001(structuredClone(batch))).toBe(xml);
        const root = at(tree(xml), 'CstmrCdtTrfInitn');
        const total = rows.reduce((s, r) => s + BigInt(r.amount), 0n);
        expect(textAt(root, 'GrpHdr/NbOfTxs')).toBe(String(rows.length));
        expect(textAt(root, 'GrpHdr/CtrlSum')).toBe(total.toString());
        const seen = new Map<string, { amount: string; bin: string; name: string; acct: string }>();
        let n = 0;
        let sum = 0n;
        for (const pi of children(root, 'PmtInf')) {
          const ts = children(pi, 'CdtTrfTxInf');
          expect(textAt(pi, 'NbOfTxs')).toBe(String(ts.length));
          const piSum = ts.reduce((s, t) => s + BigInt(textAt(t, 'Amt/InstdAmt')), 0n);
          expect(textAt(pi, 'CtrlSum')).toBe(piSum.toString());
          sum += piSum;
          for (const t of ts) {
            n++;
            seen.set(textAt(t, 'PmtId/EndToEndId'), {
              amount: textAt(t, 'Amt/InstdAmt'),
              bin: textAt(t, 'CdtrAgt/FinInstnId/ClrSysMmbId/MmbId'),
              name: textAt(t, 'Cdtr/Nm'),
              acct: textAt(t, 'CdtrAcct/Id/Othr/Id'),
            });
          }
        }
        expect(n).toBe(rows.length);
        expect(sum).toBe(total);
        rows.forEach((r, i) => {
          expect(seen.get(`E2E-${i}`)).toEqual({
            amount: String(r.amount),
            bin: r.bin,
            name: toBankName(r.name),
            acct: r.acct,
          });
          expect(seen.get(`E2E-${i}`)?.name).toMatch(/^[A-Z ]+$/);
        });
      }),
      { numRuns: 60 },
    );
  });

  it('is byte-identical for the same batch regardless of object key order', () => {
    const a = base([tx(1), tx(2)]);
    const b: Pain001Batch = JSON.parse(
      JSON.stringify({
        transactions: a.transactions,
        debtor: a.debtor,
        createdAt: a.createdAt,
        messageId: a.messageId,
      }),
    );
    expect(buildPain001(b)).toBe(buildPain001(a));
  });

  it('accepts bigint amounts beyond the safe-integer range up to 15 digits', () => {
    const xml = buildPain001(
      base([tx(1, { amountVnd: 999_999_999_999_999n }), tx(3, { amountVnd: 999_999_999_999_999n })]),
    );
    expect(textAt(at(tree(xml), 'CstmrCdtTrfInitn'), 'GrpHdr/CtrlSum')).toBe('1999999999999998');
  });
});
