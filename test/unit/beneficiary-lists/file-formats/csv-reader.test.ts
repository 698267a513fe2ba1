import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { csvRecords, readCsv } from '../../../../functions/beneficiary-lists/file-formats/csv-reader.js';
import { toCsv } from '../../../../functions/codecs/writers.js';
import { chunks, collect, enc, failure, HEADERS, ROW, utf16be, utf16le } from './helpers.js';

const csv = (rows: string[][], d = ',', eol = '\r\n') => rows.map((r) => r.join(d)).join(eol) + eol;

describe('readCsv encodings and delimiters', () => {
  const text = (d: string) => csv([HEADERS, ROW], d);
  test.each([
    ['utf-8 BOM, comma', enc.encode(`\uFEFF${text(',')}`)],
    ['utf-8 no BOM, semicolon', enc.encode(text(';'))],
    ['utf-8, tab', enc.encode(text('\t'))],
    ['utf-16le BOM, tab (Excel Unicode text)', utf16le(text('\t'))],
    ['utf-16be BOM, comma', utf16be(text(','))],
  ])('%s', async (_, bytes) => {
    for (const size of [1, 3, 1000]) {
      const rows = await collect(readCsv(chunks(bytes, size)));
      expect(rows).toHaveLength(1);
      expect(rows[0]?.line).toBe(2);
      expect(rows[0]?.cells.fullName).toBe('Nguyễn Văn A');
      expect(rows[0]?.cells.personalId).toBe('079130796635');
      expect(rows[0]?.cells.bankBin).toBe('');
    }
  });

  test('sep= hint honoured and not counted as a record', async () => {
    const bytes = enc.encode(`sep=;\r\n${csv([HEADERS, ROW.map((c) => c.replace('Nguyễn Văn A', 'A,B'))], ';')}`);
    const rows = await collect(readCsv(chunks(bytes)));
    expect(rows[0]).toMatchObject({ line: 2, cells: { fullName: 'A,B' } });
  });

  test('LF, CR and CRLF line endings; quotes with delimiters and newlines; trailing blank lines', async () => {
    const r2 = [...ROW];
    r2[1] = '"Trần ""Bé"", Thị\r\nB"';
    for (const eol of ['\n', '\r', '\r\n']) {
      const bytes = enc.encode(csv([HEADERS, r2, ROW, ['', '', ''], []], ',', eol) + eol + eol);
      const rows = await collect(readCsv(chunks(bytes, 2)));
      expect(rows.map((r) => r.line)).toEqual([2, 3]);
      expect(rows[0]?.cells.fullName).toBe('Trần "Bé", Thị\r\nB');
    }
  });

  test('title rows before the header; trimming; formula-looking and numeric text kept as is', async () => {
    const r = [...ROW];
    r[1] = '  =HYPERLINK("http://x","y")  ';
    r[4] = '7.9130796635E+10';
    r[11] = '+84912345678';
    r[9] = '@SUM(A1)';
    r[10] = '-26734';
    const body = `DANH SÁCH ĐỐI TƯỢNG,,,\r\n,,,\r\n${csv([HEADERS, r.map((c) => (c.includes(',') || c.includes('"') ? `"${c.replaceAll('"', '""')}"` : c))])}`;
    const rows = await collect(readCsv(chunks(enc.encode(body))));
    expect(rows[0]?.line).toBe(4);
    expect(rows[0]?.cells).toMatchObject({
      fullName: '=HYPERLINK("http://x","y")',
      personalId: '7.9130796635E+10',
      phone: '+84912345678',
      accountNumber: '@SUM(A1)',
      communeCode: '-26734',
    });
  });

  test('header variants: upper case, no diacritics, English, parenthesised notes, unknown columns reported', async () => {
    const variants = [
      [
        'STT',
        'HỌ VÀ TÊN',
        'ngay sinh',
        'Giới tính',
        'SỐ ĐỊNH DANH CÁ NHÂN (12 số)',
        'Category code',
        'Decision date',
        'Payment method',
        'NAPAS BIN',
        'Account number',
        'Mã  xã',
        'Ghi chú',
      ],
      [
        'No.',
        'Full name',
        'Date of birth',
        'Gender',
        'CCCD',
        'Mã đối tượng',
        'Ngày quyết định (dd/mm/yyyy)',
        'Phuong thuc nhan',
        'Bank BIN',
        'so tai khoan',
        'Commune code',
        'Phone',
      ],
    ];
    for (const h of variants) {
      let unknown: string[] = [];
      const rows = await collect(
        readCsv(chunks(enc.encode(csv([h, ROW]))), {}, { onHeader: (m) => (unknown = m.unknown) }),
      );
      expect(rows[0]?.cells.personalId).toBe('079130796635');
      expect(rows[0]?.cells.communeCode).toBe('26734');
      expect(unknown).toEqual(h[11] === 'Ghi chú' ? ['Ghi chú'] : []);
    }
  });

  test('csvRecords numbers physical records; a record with quoted newline counts once', async () => {
    const recs = await collect(csvRecords(chunks(enc.encode('a,b\r\n"x\r\ny",z\r\n\r\nq,w'))));
    expect(recs.map((r) => r.line)).toEqual([1, 2, 3, 4]);
    expect(recs[1]?.cells).toEqual(['x\r\ny', 'z']);
  });
});

describe('readCsv errors', () => {
  const code = async (bytes: Uint8Array, limits = {}) => (await failure(readCsv(chunks(bytes, 4096), limits))).code;
  test('FILE_EMPTY', async () => {
    expect(await code(new Uint8Array(0))).toBe('FILE_EMPTY');
    expect(await code(enc.encode('\uFEFF\r\n  \r\n\r\n'))).toBe('FILE_EMPTY');
  });
  test('FILE_TOO_LARGE counted while streaming', async () => {
    expect(await code(enc.encode(csv([HEADERS, ROW, ROW, ROW])), { maxFileBytes: 300 })).toBe('FILE_TOO_LARGE');
  });
  test('TOO_MANY_ROWS', async () => {
    expect(await code(enc.encode(csv([HEADERS, ROW, ROW, ROW])), { maxRows: 2 })).toBe('TOO_MANY_ROWS');
  });
  test('LINE_TOO_LONG: a 1 MB line without newline fails before reading it all', async () => {
    let pulled = 0;
    async function* oneMb() {
      yield enc.encode(`${HEADERS.join(',')}\r\n`);
      for (let i = 0; i < 16; i++) {
        pulled += 65536;
        yield enc.encode('x'.repeat(65536));
      }
    }
    expect((await failure(readCsv(oneMb()))).code).toBe('LINE_TOO_LONG');
    expect(pulled).toBeLessThanOrEqual(3 * 65536);
    expect(await code(enc.encode(`${'y'.repeat(2_000_000)}`))).toBe('LINE_TOO_LONG');
    const quoted = `${HEADERS.join(',')}\r\n"${'z\n'.repeat(40_000)}"`;
    expect(await code(enc.encode(quoted))).toBe('LINE_TOO_LONG');
  });
  test('ENCODING_INVALID: Windows-1258 / latin1 bytes, truncated sequence', async () => {
    const latin1 = Uint8Array.from(Buffer.from(csv([HEADERS, ['1', 'Nguyễn Văn Ánh']]), 'latin1'));
    expect(await code(latin1)).toBe('ENCODING_INVALID');
    // "Đoàn" in Windows-1258: D0 6F E0 6E
    const cp1258 = Uint8Array.from([...enc.encode(`${HEADERS.join(',')}\r\n1,`), 0xd0, 0x6f, 0xe0, 0x6e, 0x0d, 0x0a]);
    expect(await code(cp1258)).toBe('ENCODING_INVALID');
    expect(await code(Uint8Array.from([...enc.encode(`${HEADERS.join(',')}\r\n`), 0xe1, 0xbb]))).toBe(
      'ENCODING_INVALID',
    );
  });
  test('UNKNOWN_FORMAT: NUL characters (UTF-16 without BOM)', async () => {
    const noBom = utf16le(
      csv([
        ['STT', 'Full name', 'Gender'],
        ['1', 'A', 'M'],
      ]),
    ).subarray(2);
    expect(await code(noBom)).toBe('UNKNOWN_FORMAT');
    expect(await code(utf16le(csv([HEADERS, ROW])).subarray(2))).toMatch(/^(UNKNOWN_FORMAT|ENCODING_INVALID)$/);
  });
  test('HEADER_MISSING, HEADER_DUPLICATE, HEADER_REQUIRED_MISSING', async () => {
    expect(await code(enc.encode(csv(Array.from({ length: 30 }, () => ['a', 'b', 'c']))))).toBe('HEADER_MISSING');
    expect(await code(enc.encode(csv([['a', 'b']])))).toBe('HEADER_MISSING');
    const dup = [...HEADERS, 'CCCD'];
    const e1 = await failure(readCsv(chunks(enc.encode(csv([dup, ROW])))));
    expect(e1.code).toBe('HEADER_DUPLICATE');
    expect(e1.text?.vi).toContain('Số định danh cá nhân');
    const missing = HEADERS.filter((h) => h !== 'Mã xã' && h !== 'Ngày sinh');
    const e2 = await failure(readCsv(chunks(enc.encode(csv([missing, ROW])))));
    expect(e2.code).toBe('HEADER_REQUIRED_MISSING');
    expect(e2.text?.vi).toContain('"Mã xã"');
    expect(e2.text?.vi).toContain('"Ngày sinh"');
    expect(e2.text?.en).toContain('"Commune code"');
    expect(e2.text?.en).toContain('"Date of birth"');
  });
});

describe('toCsv → readCsv round trip (property)', () => {
  const cell = fc.oneof(
    fc.string({
      unit: fc.constantFrom('a', 'Đ', 'ễ', 'ư', ',', ';', '\t', '"', '\n', '\r', ' ', '0', '=', '+', "'", 'x'),
    }),
    fc.string(),
  );
  test('any table of strings reads back (cells trimmed, safeCell applied, empty rows skipped)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(cell, { minLength: 12, maxLength: 12 }), { maxLength: 8 }),
        fc.constantFrom<',' | ';' | '\t'>(',', ';', '\t'),
        fc.integer({ min: 1, max: 64 }),
        async (rows, delimiter, size) => {
          // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL and lone surrogates are what the reader drops
          const clean = rows.map((r) => r.map((c) => c.replace(/[\u0000\uD800-\uDFFF]/g, '')));
          const text = toCsv([HEADERS, ...clean], { delimiter });
          const got = await collect(readCsv(chunks(enc.encode(text), size)));
          const safe = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s).trim();
          const expected = clean
            .map((r, i) => ({ line: i + 2, cells: r.map(safe) }))
            .filter((r) => r.cells.some((c) => c !== ''));
          expect(got.map((g) => g.line)).toEqual(expected.map((e) => e.line));
          got.forEach((g, i) => {
            expect(Object.values(g.cells)).toEqual(expected[i]?.cells);
          });
        },
      ),
      { numRuns: 150 },
    );
  });
});
