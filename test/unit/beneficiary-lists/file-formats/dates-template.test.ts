import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { readCsv } from '../../../../functions/beneficiary-lists/file-formats/csv-reader.js';
import {
  ACCEPTED_DATE_FORMS,
  formatDateVi,
  isoToExcelSerial,
  parseListDate,
} from '../../../../functions/beneficiary-lists/file-formats/dates.js';
import {
  fieldForHeader,
  TEMPLATE_COLUMNS,
  templateCsv,
  templateXlsx,
} from '../../../../functions/beneficiary-lists/file-formats/template.js';
import { readXlsx } from '../../../../functions/beneficiary-lists/file-formats/xlsx-reader.js';
import { safeCell, toCsv } from '../../../../functions/codecs/writers.js';
import { xlsxRecords } from '../../../../functions/codecs/xlsx.js';
import { chunks, collect, enc } from './helpers.js';

describe('parseListDate', () => {
  test.each([
    ['05/01/1930', '1930-01-05'],
    ['5/1/1930', '1930-01-05'],
    ['05-01-1930', '1930-01-05'],
    ['05.01.1930', '1930-01-05'],
    ['1930-01-05', '1930-01-05'],
    ['29/02/2000', '2000-02-29'],
    ['03/04/2020', '2020-04-03'],
    ['45292', '2024-01-01'],
    ['45292.75', '2024-01-01'],
    ['1', '1900-01-01'],
    ['59', '1900-02-28'],
    ['61', '1900-03-01'],
    ['2958465', '9999-12-31'],
    // Date cells saved to CSV by Excel/LibreOffice carry a time part: the date part is the date.
    ['28/4/2018 0:00', '2018-04-28'],
    ['16/12/2015 00:00:00', '2015-12-16'],
    ['16/12/2015 23:59:59', '2015-12-16'],
    ['07/03/1950 12:30 PM', '1950-03-07'],
    ['07/03/1950 8:05 SA', '1950-03-07'],
    ['7-3-1950 00:00', '1950-03-07'],
    ['1950-03-07 00:00:00', '1950-03-07'],
    ['1950-03-07T00:00', '1950-03-07'],
    ['1950-03-07 13:45:07.123', '1950-03-07'],
    ['1950-03-07T00:00:00Z', '1950-03-07'],
    // A UTC timestamp is read as the day in Vietnam (UTC+7): 17:00Z on the 6th is midnight on the 7th.
    ['1950-03-06T17:00:00Z', '1950-03-07'],
    ['1950-03-06T16:59:59Z', '1950-03-06'],
    ['1950-03-07T00:00:00+07:00', '1950-03-07'],
    ['\uFEFF28/4/2018\u00A00:00\u200B', '2018-04-28'],
    [' 33335 ', '1991-04-07'],
  ])('%s → %s', (text, iso) => expect(parseListDate(text)).toEqual({ ok: true, iso }));
  test.each([
    '31/02/2000',
    '29/02/1900',
    '05/01/30',
    '2000-13-01',
    '0',
    '60',
    '2958466',
    'abc',
    '',
    '12/31/2020',
    '1/1/19',
    '28/4/2018 0',
    '28/4/2018 noon',
    '28/4/2018T00:00',
    '1950-03-07 25:00',
    '1950-03-07 00:00 +07:00 extra',
    '31/02/2000 00:00',
  ])('refuses %p', (text) => expect(parseListDate(text).ok).toBe(false));
  test('dd/mm/yyyy and serials round trip (property)', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1900-03-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }),
        (d) => {
          const iso = d.toISOString().slice(0, 10);
          expect(parseListDate(formatDateVi(iso))).toEqual({ ok: true, iso });
          expect(parseListDate(String(isoToExcelSerial(iso)))).toEqual({ ok: true, iso });
        },
      ),
    );
  });
});

test('ACCEPTED_DATE_FORMS names every accepted form, in both languages', () => {
  for (const text of [ACCEPTED_DATE_FORMS.vi, ACCEPTED_DATE_FORMS.en]) {
    for (const example of ['28/04/2018', '28/4/2018 0:00', '2018-04-28', 'Excel']) expect(text).toContain(example);
  }
  expect(ACCEPTED_DATE_FORMS.vi).toContain('Ngày');
  expect(ACCEPTED_DATE_FORMS.en).toContain('Date');
});

describe('template', () => {
  test('header keys: case, diacritics, Đ, spaces, punctuation, trailing note', () => {
    for (const h of [
      'SỐ ĐỊNH DANH CÁ NHÂN',
      'so dinh danh ca nhan',
      'Số định danh cá nhân (12 số)',
      ' Số  định-danh cá nhân ',
      'CCCD',
      'Identity number',
      'Personal ID',
    ]) {
      expect(fieldForHeader(h)).toBe('personalId');
    }
    expect(fieldForHeader('Họ và tên *')).toBe('fullName');
    expect(fieldForHeader('Mã ngân hàng (NAPAS BIN)')).toBe('bankBin');
    expect(fieldForHeader('Ghi chú')).toBeUndefined();
    expect(TEMPLATE_COLUMNS.map((c) => c.field)).toEqual([
      'stt',
      'fullName',
      'dateOfBirth',
      'gender',
      'personalId',
      'categoryCode',
      'decisionDate',
      'paymentMethod',
      'bankBin',
      'accountNumber',
      'communeCode',
      'phone',
    ]);
  });
  test('templateCsv: BOM, CRLF, quoted id, parses back with every column', async () => {
    const text = templateCsv();
    expect(text.startsWith('\uFEFFSTT,Họ và tên,')).toBe(true);
    expect(text).toContain('"079132108434"');
    expect(text.split('\r\n')).toHaveLength(4);
    let columns: unknown[] = [];
    const rows = await collect(readCsv(chunks(enc.encode(text)), {}, { onHeader: (h) => (columns = h.columns) }));
    expect(columns).toEqual(TEMPLATE_COLUMNS.map((c) => c.field));
    expect(rows.map((r) => r.cells.personalId)).toEqual(['079132108434', '051216975805']);
  });
  test('templateXlsx: text format on id column, guide sheet, parses back', async () => {
    const bytes = templateXlsx();
    const rows = await collect(readXlsx(chunks(bytes, 512)));
    expect(rows.map((r) => [r.line, r.cells.personalId, r.cells.fullName, r.cells.stt])).toEqual([
      [2, '079132108434', 'Nguyễn Thu Minh Yến', '1'],
      [3, '051216975805', 'Bùi Xuân Nghĩa', '2'],
    ]);
    const { unzipSync, strFromU8 } = await import('fflate');
    const files = unzipSync(bytes);
    expect(strFromU8(files['xl/workbook.xml'] as Uint8Array)).toContain('name="Hướng dẫn"');
    expect(strFromU8(files['xl/styles.xml'] as Uint8Array)).toContain('numFmtId="49"');
    const guide = strFromU8(files['xl/worksheets/sheet2.xml'] as Uint8Array);
    for (const s of ['Nam / Nữ / M / F', 'Ngân hàng / Bưu điện / BANK / POST_OFFICE', 'dd/mm/yyyy'])
      expect(guide).toContain(s);
    const recs = await collect(xlsxRecords(chunks(bytes)));
    expect(recs[0]?.cells).toEqual(TEMPLATE_COLUMNS.map((c) => c.vi));
  });
});

describe('writers', () => {
  test('safeCell prefixes = + - @ TAB CR', () => {
    expect(['=1+1', '+84', '-5', '@x', '\tx', '\rx', 'ok', "'x", ''].map(safeCell)).toEqual([
      "'=1+1",
      "'+84",
      "'-5",
      "'@x",
      "'\tx",
      "'\rx",
      'ok',
      "'x",
      '',
    ]);
  });
  test('toCsv quoting and streaming form', async () => {
    expect(toCsv([['a,b', 'c"d', 'e\nf', ' g', '=SUM(A1)', 5]])).toBe(
      '\uFEFF"a,b","c""d","e\nf"," g",\'=SUM(A1),5\r\n',
    );
    async function* rows() {
      yield ['x', 'y'];
      yield ['1', '2'];
    }
    const parts = await collect(toCsv(rows()));
    expect(Buffer.concat(parts).toString('utf8')).toBe('\uFEFFx,y\r\n1,2\r\n');
  });
});
