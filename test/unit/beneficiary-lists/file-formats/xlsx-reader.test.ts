import { describe, expect, test } from '@jest/globals';
import { strToU8, zipSync } from 'fflate';
import { readList } from '../../../../functions/beneficiary-lists/file-formats/detect.js';
import { readXlsx } from '../../../../functions/beneficiary-lists/file-formats/xlsx-reader.js';
import type { FileFormatError } from '../../../../functions/codecs/errors.js';
import { writeXlsx, writeXlsxBytes } from '../../../../functions/codecs/writers.js';
import { xlsxWithDtd } from '../../../support/hostile-files.js';
import { chunks, collect as collectAll, enc, failure, HEADERS, ROW } from './helpers.js';

const cols = HEADERS.map((h) => ({ header: h, kind: 'text' as const }));

/** A hand-made workbook in Excel's entry order (sheet before sharedStrings) with formulas, booleans, errors. */
function excelLike(order: 'excel' | 'sstFirst' = 'excel'): Uint8Array {
  const ct = `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`;
  const wb = `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Ẩn" sheetId="1" state="hidden" r:id="rId2"/><sheet name="DS" sheetId="2" r:id="rId1"/></sheets></workbook>`;
  const rels = `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet2.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`;
  const strings = [...HEADERS, 'Nguyễn Văn A & "B" <C>', 'Nam', 'Bưu điện'];
  const sst = `<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><!-- c --><si><t>${strings
    .map((s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;'))
    .join(
      '</t></si><si><t>',
    )}</t></si><si><r><t>Phú</t></r><r><t xml:space="preserve"> Yên</t></r><rPh><t>x</t></rPh></si></sst>`;
  const h = HEADERS.map((_, i) => `<c r="${String.fromCharCode(65 + i)}3" t="s"><v>${i}</v></c>`).join('');
  const sheet = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>DANH SÁCH</t></is></c></row><row r="3">${h}</row><row r="5"><c r="A5"><f>ROW()-4</f><v>1</v></c><c r="B5" t="s"><v>12</v></c><c r="C5" s="2"><v>45292</v></c><c r="D5" t="s"><v>13</v></c><c r="E5"><v>79130796635</v></c><c r="F5" t="str"><f>"NCT_"&amp;"80"</f><v>NCT_80</v></c><c r="G5" t="inlineStr"><is><t>15/07/2025</t></is></c><c r="H5" t="s"><v>14</v></c><c r="I5" t="e"><v>#N/A</v></c><c r="J5" t="b"><v>1</v></c><c r="K5" t="inlineStr"><is><t>=HYPERLINK("http://x","y")</t></is></c><c r="L5"><f>1+1</f><v>2</v></c></row><row r="6"><c r="B6" t="s"><v>15</v></c><c r="E6" t="inlineStr"><is><t>&#48;79_x000D_</t></is></c></row><row r="7"/></sheetData></worksheet>`;
  const other = `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>`;
  const files: [string, string][] =
    order === 'excel'
      ? [
          ['[Content_Types].xml', ct],
          ['xl/workbook.xml', wb],
          ['xl/_rels/workbook.xml.rels', rels],
          ['xl/worksheets/sheet1.xml', sheet],
          ['xl/worksheets/sheet2.xml', other],
          ['xl/sharedStrings.xml', sst],
        ]
      : [
          ['xl/worksheets/sheet2.xml', other],
          ['xl/sharedStrings.xml', sst],
          ['xl/worksheets/sheet1.xml', sheet],
          ['xl/_rels/workbook.xml.rels', rels],
          ['xl/workbook.xml', wb],
        ];
  return zipSync(Object.fromEntries(files.map(([n, c]) => [n, strToU8(c)])));
}

describe('readXlsx', () => {
  test.each(['excel', 'sstFirst'] as const)(
    'Excel-like workbook (%s order): cached values, never evaluated',
    async (order) => {
      const rows = await collectAll(readXlsx(chunks(excelLike(order), 1000)));
      expect(rows).toHaveLength(2);
      expect(rows[0]).toEqual({
        line: 5,
        cells: {
          stt: '1',
          fullName: 'Nguyễn Văn A & "B" <C>',
          dateOfBirth: '45292',
          gender: 'Nam',
          personalId: '79130796635',
          categoryCode: 'NCT_80',
          decisionDate: '15/07/2025',
          paymentMethod: 'Bưu điện',
          bankBin: '#N/A',
          accountNumber: 'TRUE',
          communeCode: '=HYPERLINK("http://x","y")',
          phone: '2',
        },
      });
      expect(rows[1]?.line).toBe(6);
      expect(rows[1]?.cells.fullName).toBe('Phú Yên');
      expect(rows[1]?.cells.personalId).toBe('079'); // _x000D_ decoded to CR, then trimmed;
    },
  );

  test('writer → reader round trip (streamed, many rows, numbers, formula-looking text)', async () => {
    async function* rows() {
      for (let i = 0; i < 3000; i++)
        yield [
          i + 1,
          `Lê Thị ${i}`,
          '01/02/1950',
          'Nữ',
          `0${String(79130796635 + i)}`,
          'NCT_80',
          '=1+1',
          'BANK',
          '970436',
          '-5',
          '26734',
          i % 2 ? null : '',
        ];
    }
    const bytes: Uint8Array[] = [];
    for await (const c of writeXlsx([{ name: 'DS', columns: cols, rows: rows() }])) bytes.push(c);
    const got = await collectAll(
      readXlsx(
        (async function* () {
          yield* bytes;
        })(),
      ),
    );
    expect(got).toHaveLength(3000);
    expect(got[0]?.line).toBe(2);
    expect(got[2999]?.cells).toMatchObject({
      stt: '3000',
      fullName: 'Lê Thị 2999',
      personalId: '079130799634',
      decisionDate: "'=1+1",
      accountNumber: "'-5",
      phone: '',
    });
  });

  test('XLSX_CORRUPT: truncated in half, bad XML, an undeclared entity', async () => {
    const good = writeXlsxBytes([{ name: 'DS', columns: cols, rows: [ROW, ROW] }]);
    expect((await failure(readXlsx(chunks(good.subarray(0, good.length >> 1), 100)))).code).toBe('XLSX_CORRUPT');
    const wb = `<workbook><sheets><sheet name="a" r:id="rId1"/></sheets></workbook>`;
    const rels = `<Relationships><Relationship Id="rId1" Type="x/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`;
    const z = (sheet: string) =>
      zipSync({
        'xl/workbook.xml': strToU8(wb),
        'xl/_rels/workbook.xml.rels': strToU8(rels),
        'xl/worksheets/sheet1.xml': strToU8(sheet),
      });
    expect(
      (await failure(readXlsx(chunks(z('<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row'), 64))))
        .code,
    ).toBe('XLSX_CORRUPT');
    expect(
      (
        await failure(
          readXlsx(
            chunks(
              z(
                '<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&nbsp;</t></is></c></row></sheetData></worksheet>',
              ),
              64,
            ),
          ),
        )
      ).code,
    ).toBe('XLSX_CORRUPT');
    // `<!` that is neither a comment, CDATA nor a declaration is broken markup, not an attack.
    expect((await failure(readXlsx(chunks(z('<worksheet><!bogus-markup-here/></worksheet>'), 64)))).code).toBe(
      'XLSX_CORRUPT',
    );
  });

  test.each([
    ['billion-laughs', 'xl/worksheets/sheet1.xml'],
    ['xxe', 'xl/sharedStrings.xml'],
    ['doctype', 'xl/workbook.xml'],
  ] as const)('XLSX_XML_DECLARATIONS: a DTD (%s) is refused as what it is, naming the part', async (kind, part) => {
    for (const size of [7, 64, 1 << 20]) {
      const e = (await failure(readXlsx(chunks(xlsxWithDtd(kind), size)))) as FileFormatError;
      expect(e.code).toBe('XLSX_XML_DECLARATIONS');
      expect(e.details).toEqual({ part });
      expect(e.text.vi).toContain('DOCTYPE/ENTITY');
      expect(e.text.en).toMatch(/XXE.*billion laughs/);
      expect(e.text.en).not.toMatch(/damaged|interrupted/);
    }
    // The same through format detection (what the parse task calls).
    expect((await failure(readList(() => chunks(xlsxWithDtd(kind), 512)))).code).toBe('XLSX_XML_DECLARATIONS');
  });

  test('XLSX_NO_SHEET: a zip without a workbook (e.g. .docx-like) or with no sheets', async () => {
    expect((await failure(readXlsx(chunks(zipSync({ 'word/document.xml': strToU8('<w/>') }))))).code).toBe(
      'XLSX_NO_SHEET',
    );
    const noSheets = zipSync({
      'xl/workbook.xml': strToU8('<workbook><sheets/></workbook>'),
      'xl/_rels/workbook.xml.rels': strToU8('<Relationships/>'),
    });
    expect(await failure(readXlsx(chunks(noSheets)))).toMatchObject({ code: 'XLSX_NO_SHEET' });
  });

  test('XLSX_TOO_LARGE_UNCOMPRESSED: 200 MB of zeros refused fast with small memory', async () => {
    const zeros = new Uint8Array(200 * 1024 * 1024);
    const bomb = zipSync({ 'xl/worksheets/sheet1.xml': zeros }, { level: 9 });
    expect(bomb.length).toBeLessThan(1024 * 1024);
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const t0 = Date.now();
    async function* src() {
      for (let o = 0; o < bomb.length; o += 65536) {
        peak = Math.max(peak, process.memoryUsage().rss);
        yield bomb.subarray(o, o + 65536);
      }
    }
    const e = await failure(readXlsx(src(), { maxUncompressedBytes: 50 * 1024 * 1024 }));
    expect(e.code).toBe('XLSX_TOO_LARGE_UNCOMPRESSED');
    expect(peak - before).toBeLessThan(100 * 1024 * 1024);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  test('FILE_TOO_LARGE and TOO_MANY_ROWS', async () => {
    const good = writeXlsxBytes([{ name: 'DS', columns: cols, rows: [ROW, ROW, ROW] }]);
    expect((await failure(readXlsx(chunks(good, 100), { maxFileBytes: 500 }))).code).toBe('FILE_TOO_LARGE');
    expect((await failure(readXlsx(chunks(good, 100), { maxRows: 2 }))).code).toBe('TOO_MANY_ROWS');
  });
});

describe('readList format detection', () => {
  const src = (b: Uint8Array) => () => chunks(b, 1000);
  test('XLSX and CSV by content, whatever the name', async () => {
    const x = writeXlsxBytes([{ name: 'DS', columns: cols, rows: [ROW] }]);
    const formats: string[] = [];
    expect(
      await collectAll(readList(src(x), undefined, { fileName: 'a.csv', onDetected: (f) => formats.push(f) })),
    ).toHaveLength(1);
    const c = enc.encode(`${HEADERS.join(';')}\n${ROW.join(';')}\n`);
    expect(await collectAll(readList(src(c), undefined, { onDetected: (f) => formats.push(f) }))).toHaveLength(1);
    expect(formats).toEqual(['xlsx', 'csv']);
  });
  test('UNKNOWN_FORMAT: random bytes, legacy .xls (with Save As advice), PDF; FILE_EMPTY', async () => {
    const junk = new Uint8Array(8192);
    for (let i = 0; i < junk.length; i++) junk[i] = Math.floor(Math.random() * 256);
    junk[0] = 0x41;
    expect((await failure(readList(src(junk)))).code).toBe('UNKNOWN_FORMAT');
    const xls = Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0]);
    const e = await failure(readList(src(xls)));
    expect(e.code).toBe('UNKNOWN_FORMAT');
    expect(e.text?.vi).toContain('.xlsx');
    expect(e.text?.en).toContain('CSV UTF-8');
    expect((await failure(readList(src(enc.encode('%PDF-1.7\n...'))))).code).toBe('UNKNOWN_FORMAT');
    expect((await failure(readList(src(new Uint8Array(0))))).code).toBe('FILE_EMPTY');
  });
});
