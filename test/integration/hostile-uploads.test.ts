/**
 * Hostile and broken files through the API (file in the body): each is refused with a clear bilingual
 * reason — the list FAILED with a FileFormatError code, or an HTTP 4xx — formula cells are never evaluated
 * and never come back unprefixed, and afterwards the platform still serves and completes a normal list.
 */
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { zipSync } from 'fflate';
import { writeXlsxBytes } from '../../functions/codecs/writers.js';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import { categoryForAge } from '../support/categories.js';
import { binaryJunk, legacyXls, toWindows1258, xlsxWithDtd } from '../support/hostile-files.js';
import { allListRows, finishedList, uploadBody } from '../support/list-api.js';
import { isClean } from '../support/list-generator.js';
import { api, demoUser, startTestPlatform } from '../support/platform.js';
import { type Citizen, LIST_HEADER, listRow, loadPopulation, toExcelCsv } from '../support/population.js';
import { downloadResult, parseCsv, xlsxRows } from '../support/result-files.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

let platform: LocalPlatform;
let officer: string;
let people: Citizen[];
let next = 0;
const person = () => people[next++] as Citizen;
/** A list row with a category that fits the citizen's age (the verify step checks it). */
const row = (c: Citizen, i: number, overrides: Partial<Record<string, string>> = {}) =>
  listRow(c, i, { category: categoryForAge(c.dateOfBirth), ...overrides });

let bomb: Uint8Array;

beforeAll(async () => {
  // Built before the platform starts: compressing 200 MB blocks the event loop for seconds, long enough for
  // idle keep-alive connections to be reset under it.
  bomb = zipSync({ 'xl/worksheets/sheet1.xml': new Uint8Array(200 * 1024 * 1024) }, { level: 9 });
  platform = await startTestPlatform();
  officer = await platform.identityProvider.tokenFor(demoUser('labor_officer', '79'));
  people = loadPopulation(3000).filter((p) => p.status === 'alive' && isClean(p));
}, 180_000); // the compression alone takes a minute on a loaded 2-core machine
afterAll(async () => {
  await platform?.stop();
});

const bilingual = (m: { vi: string; en: string } | undefined) => {
  expect(m?.vi.length).toBeGreaterThan(10);
  expect(m?.en.length).toBeGreaterThan(10);
  expect(m?.vi).not.toEqual(m?.en);
};

/** Uploads a file that must be refused while parsing: the list FAILED with `code`. */
async function refused(body: string | Uint8Array, code: string, contentType = 'text/csv', fileName = 'x.csv') {
  const res = await uploadBody(platform, officer, body, { contentType, fileName });
  expect(res.status).toBe(202);
  const list = await finishedList(platform, officer, res.body.listId, 30_000);
  expect({ status: list.status, code: list.failure?.code }).toEqual({ status: 'FAILED', code });
  bilingual(list.failure?.message);
  return list;
}

const smallList = (n: number) => [LIST_HEADER, ...Array.from({ length: n }, (_, i) => row(person(), i))];
const smallXlsx = (rows: string[][]) =>
  writeXlsxBytes([
    {
      name: 'Danh sách',
      columns: LIST_HEADER.map((header) => ({ header, kind: 'text' as const })),
      rows: rows.slice(1),
    },
  ]);

describe('hostile uploads', () => {
  it('refuses a truncated XLSX (a valid one cut in half)', async () => {
    const whole = smallXlsx(smallList(30));
    await refused(whole.subarray(0, Math.floor(whole.length / 2)), 'XLSX_CORRUPT', XLSX_TYPE, 'cut.xlsx');
  });

  it('refuses an XLSX whose XML declares a DTD (billion laughs, XXE) as such, not as a damaged file', async () => {
    for (const [kind, name] of [
      ['billion-laughs', 'laughs.xlsx'],
      ['xxe', 'xxe.xlsx'],
    ] as const) {
      const list = await refused(xlsxWithDtd(kind), 'XLSX_XML_DECLARATIONS', XLSX_TYPE, name);
      expect(list.failure.message.vi).toContain('DOCTYPE/ENTITY');
      expect(list.failure.message.en).toContain('XXE');
      expect(list.failure.message.en).not.toMatch(/damaged|interrupted/);
    }
  });

  it('refuses a zip bomb (200 MB of zeros as the worksheet) without inflating it', async () => {
    expect(bomb.length).toBeLessThan(1024 * 1024);
    await refused(bomb, 'XLSX_TOO_LARGE_UNCOMPRESSED', XLSX_TYPE, 'bomb.xlsx');
  }, 60_000);

  it('refuses binary junk', async () => {
    await refused(binaryJunk(20_000), 'UNKNOWN_FORMAT', 'application/octet-stream', 'junk.bin');
  });

  it('refuses a 1 MB line', async () => {
    const csv = `${toExcelCsv([LIST_HEADER])}${'A'.repeat(1024 * 1024)}\r\n`;
    await refused(csv, 'LINE_TOO_LONG');
  });

  it('refuses Windows-1258 (legacy encoding) bytes', async () => {
    const rows = smallList(3);
    const text = rows.map((r) => r.join(',')).join('\r\n');
    const bytes = toWindows1258(text);
    expect(Buffer.from(bytes).toString('latin1')).not.toEqual(text);
    await refused(bytes, 'ENCODING_INVALID', 'text/csv', 'ansi.csv');
    // Latin-1 bytes too (é = 0xE9 followed by ASCII is not UTF-8).
    const asciiHeader = LIST_HEADER.map((h) => h.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd')).join(',');
    await refused(Buffer.from(`${asciiHeader}\r\n1,José Nguyên,01/01/1950\r\n`, 'latin1'), 'ENCODING_INVALID');
  });

  it('refuses a legacy .xls (OLE2 signature), saying how to save as .xlsx', async () => {
    const list = await refused(legacyXls(), 'UNKNOWN_FORMAT', 'application/vnd.ms-excel', 'cu.xls');
    expect(list.failure.message.vi).toContain('.xls');
    expect(list.failure.message.en).toContain('.xlsx');
  });

  it('refuses an empty body with 400', async () => {
    const res = await uploadBody(platform, officer, new Uint8Array(0));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('FILE_EMPTY');
    bilingual({ vi: `${res.body.error.message.vi} .........`, en: `${res.body.error.message.en} .........` });
  });

  it('answers 400 to an x-file-name that does not decode (100%), before anything is stored', async () => {
    const s3 = new S3Client({});
    const stored = async (prefix: string) => {
      const out = await s3.send(new ListObjectsV2Command({ Bucket: platform.name('uploads'), Prefix: prefix }));
      return new Set((out.Contents ?? []).map((o) => o.Key));
    };
    const preparer = await platform.identityProvider.tokenFor(demoUser('finance_preparer', '79'));
    for (const [path, token, prefix, body] of [
      ['/v1/beneficiary-lists', officer, 'incoming/79/', toExcelCsv(smallList(1))],
      ['/v1/statements', preparer, 'incoming-statements/79/', 'Ngày,Số tiền\r\n01/04/2026,1000\r\n'],
    ] as const) {
      const before = await stored(prefix);
      for (const fileName of ['100%', '%E0%A4%A.csv', 'a%0Ab.csv']) {
        const res = await fetch(`${platform.url}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', 'x-file-name': fileName },
          body,
        });
        expect(res.status).toBe(400);
        const answer = (await res.json()) as { error: { code: string; message: { vi: string; en: string } } };
        expect(answer.error.code).toBe('INVALID_FILE_NAME');
        bilingual(answer.error.message);
      }
      const after = await stored(prefix);
      expect([...after].filter((k) => !before.has(k))).toEqual([]);
    }
    s3.destroy();
  });

  it('refuses a header-only file', async () => {
    await refused(toExcelCsv([LIST_HEADER]), 'FILE_EMPTY');
    await refused(smallXlsx([LIST_HEADER]), 'FILE_EMPTY', XLSX_TYPE, 'header.xlsx');
  });

  it('refuses a file missing required columns', async () => {
    const keep = LIST_HEADER.map((h, i) => [h, i] as const).filter(
      ([h]) => h !== 'Số định danh cá nhân' && h !== 'Ngày sinh',
    );
    const rows = smallList(3).map((r) => keep.map(([, i]) => r[i] as string));
    const list = await refused(toExcelCsv(rows), 'HEADER_REQUIRED_MISSING');
    expect(list.failure.message.vi).toContain('Số định danh cá nhân');
    expect(list.failure.message.en).toContain('Personal ID');
  });

  it('answers 413 for a body over 6 MB, pointing to the upload URL in both languages', async () => {
    const big = `${toExcelCsv([LIST_HEADER])}${`${'x'.repeat(1000)}\r\n`.repeat(6.5 * 1024)}`;
    expect(big.length).toBeGreaterThan(6 * 1024 * 1024);
    const res = await uploadBody(platform, officer, big, { fileName: 'lon.csv' });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('FILE_TOO_LARGE');
    expect(res.body.error.message.vi).toContain('/v1/beneficiary-lists/uploads');
    expect(res.body.error.message.en).toContain('/v1/beneficiary-lists/uploads');
    bilingual(res.body.error.message);
  });

  it('never evaluates formula cells, and the result file carries none unprefixed', async () => {
    const formulas = ['=HYPERLINK("http://evil.example/x","Bấm vào đây")', '+1', '-1', '@SUM(A1:A9)', '=1+1'];
    const rows = [
      LIST_HEADER,
      ...formulas.map((f, i) => row(person(), i, { fullName: f })),
      // Formulas in cells that are not checked as names: kept as text, never a number or a link.
      row(person(), 7, { stt: '=1+1' }),
      row(person(), 8, { commune: '=HYPERLINK("http://evil.example")' }),
    ];
    const res = await uploadBody(platform, officer, toExcelCsv(rows), { fileName: 'cong-thuc.csv' });
    expect(res.status).toBe(202);
    const list = await finishedList(platform, officer, res.body.listId, 30_000);
    expect(list.status).toBe('COMPLETED');
    const { rows: got } = await allListRows(platform, officer, list.listId);
    const byLine = new Map(got.map((r) => [r.line, r]));
    for (let line = 2; line <= 6; line++) {
      expect(byLine.get(line)?.outcome).toBe('INVALID_ROW');
      expect(byLine.get(line)?.findings.map((f) => f.code)).toContain('ROW_NAME_INVALID');
    }
    expect(byLine.get(7)?.outcome).toBe('ACCEPTED');
    expect(byLine.get(8)?.outcome).toBe('INVALID_ROW');
    expect(byLine.get(8)?.findings.map((f) => f.code)).toContain('ROW_COMMUNE_INVALID');

    const csv = await downloadResult(platform, officer, list.listId, 'csv');
    const table = parseCsv(new TextDecoder().decode(csv.bytes));
    const xlsx = await downloadResult(platform, officer, list.listId, 'xlsx');
    const sheet = await xlsxRows(xlsx.bytes as Uint8Array);
    for (const t of [table, sheet]) {
      expect(t).toHaveLength(rows.length);
      for (const cell of t.flat()) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    }
  });

  it('still serves, and completes a normal list, after all of that', async () => {
    expect((await api(platform, 'GET', '/v1/health')).status).toBe(200);
    const rows = smallList(5);
    const res = await uploadBody(platform, officer, toExcelCsv(rows), { fileName: 'binh-thuong.csv' });
    expect(res.status).toBe(202);
    const list = await finishedList(platform, officer, res.body.listId);
    expect(list.status).toBe('COMPLETED');
    expect(list.totals.byOutcome).toEqual({ ACCEPTED: 5 });
    expect(list.totals.accountsOpened).toBe(5);
  });
});
