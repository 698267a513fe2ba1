/**
 * The large-file path (presigned upload URL → PUT → submit by uploadId), its idempotency and ownership,
 * the result file (CSV and XLSX) read back line by line, who may read a list, and paging by outcome.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import { allListRows, finishedList } from '../support/list-api.js';
import { compareRows, describeComparison } from '../support/list-expectations.js';
import { countByOutcome, type ExpectedRow, ListGenerator } from '../support/list-generator.js';
import { api, demoUser, startTestPlatform } from '../support/platform.js';
import { loadPopulation, toExcelCsv } from '../support/population.js';
import { downloadResult, fetchLocal, parseCsv, xlsxRows } from '../support/result-files.js';

let platform: LocalPlatform;
let officer: string;
let officerHanoi: string;
let auditor: string;
let beneficiary: string;
let expected: ExpectedRow[];
let csv: string;
let uploadId: string;
let listId: string;

const FORMULA_NAME = '=HYPERLINK("http://evil.example/steal","Bấm vào đây")';

beforeAll(async () => {
  process.env.ANSINH_LIST_CHUNK_ROWS = '5';
  platform = await startTestPlatform();
  const idp = platform.identityProvider;
  officer = await idp.tokenFor(demoUser('labor_officer', '79'));
  officerHanoi = await idp.tokenFor(demoUser('labor_officer', '01'));
  auditor = await idp.tokenFor(demoUser('auditor'));
  beneficiary = await idp.tokenFor(demoUser('beneficiary'));
  const gen = new ListGenerator(loadPopulation(20_000), '79', 7);
  const list = gen.build({
    accepted_plain: 7,
    accepted_nfd: 1,
    name_mismatch_u_horn: 1,
    dob_mismatch: 1,
    deceased: 1,
    not_in_registry: 1,
    duplicate_in_file: 1,
    id_old_cmnd: 1,
    invalid_bank_bin: 1,
  });
  // One more row whose name is a formula: refused as a row, never evaluated.
  const formulaRow = [...(list.rows[1] as string[])];
  formulaRow[0] = String(list.rows.length);
  formulaRow[1] = FORMULA_NAME;
  expected = [
    ...list.expected,
    {
      line: list.rows.length + 1,
      kind: 'invalid_name_missing',
      outcome: 'INVALID_ROW',
      code: 'ROW_NAME_INVALID',
      flagged: false,
      personalId: '',
    },
  ];
  csv = toExcelCsv([...list.rows, formulaRow]);
}, 60_000);
afterAll(async () => {
  await platform?.stop();
  delete process.env.ANSINH_LIST_CHUNK_ROWS;
});

async function newUpload(token: string) {
  const res = await api(platform, 'POST', '/v1/beneficiary-lists/uploads', { token });
  expect(res.status).toBe(201);
  expect(res.body.method).toBe('PUT');
  return res.body as { uploadId: string; uploadUrl: string };
}

describe('a list uploaded through a presigned URL', () => {
  it('PUTs the file to the upload URL, submits it by uploadId and completes it', async () => {
    const upload = await newUpload(officer);
    uploadId = upload.uploadId;
    const host = new URL(upload.uploadUrl).hostname;
    expect(host.endsWith('localhost')).toBe(true);
    // Plain fetch: the runtime's *.localhost DNS interception covers Node's fetch (undici) too.
    const put = await fetch(upload.uploadUrl, { method: 'PUT', body: csv });
    expect(put.status).toBe(200);

    const submitted = await api(platform, 'POST', '/v1/beneficiary-lists', {
      token: officer,
      body: { uploadId, fileName: 'danh-sach-lon.csv' },
    });
    expect(submitted.status).toBe(202);
    listId = submitted.body.listId;
    const list = await finishedList(platform, officer, listId);
    expect(list.status).toBe('COMPLETED');
    expect(list.fileName).toBe('danh-sach-lon.csv');

    const { rows } = await allListRows(platform, officer, listId);
    const cmp = compareRows(expected, rows);
    if (cmp.mismatches.length || cmp.missingCode.length || cmp.wrongFlag.length) {
      throw new Error(describeComparison(cmp));
    }
    expect(list.totals.byOutcome).toEqual(countByOutcome(expected));
    expect(list.totals.accountsOpened).toBe(countByOutcome(expected).ACCEPTED);
  });

  it('answers 200 with the same list for the same upload again', async () => {
    const again = await api(platform, 'POST', '/v1/beneficiary-lists', {
      token: officer,
      body: { uploadId, fileName: 'danh-sach-lon.csv' },
    });
    expect(again.status).toBe(200);
    expect(again.body.duplicate).toBe(true);
    expect(again.body.listId).toBe(listId);
  });

  it('answers 404 for an unknown uploadId and for another jurisdiction’s upload', async () => {
    const unknown = await api(platform, 'POST', '/v1/beneficiary-lists', {
      token: officer,
      body: { uploadId: randomUUID(), fileName: 'x.csv' },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('UPLOAD_NOT_FOUND');
    expect(unknown.body.error.message.vi.length).toBeGreaterThan(10);

    // A fresh province-79 upload (not yet submitted), claimed by the Hà Nội officer.
    const upload = await newUpload(officer);
    expect((await fetchLocal(upload.uploadUrl, { method: 'PUT', body: csv.replace('danh', 'Danh') })).status).toBe(200);
    const foreign = await api(platform, 'POST', '/v1/beneficiary-lists', {
      token: officerHanoi,
      body: { uploadId: upload.uploadId, fileName: 'x.csv' },
    });
    expect(foreign.status).toBe(404);
    const theirs = await api(platform, 'POST', '/v1/beneficiary-lists', {
      token: officerHanoi,
      body: { uploadId, fileName: 'x.csv' },
    });
    expect(theirs.status).toBe(404);
  });

  it('gives a CSV result file with one line per row, outcome and reasons in Vietnamese and English', async () => {
    const res = await downloadResult(platform, officer, listId, 'csv');
    expect(res.status).toBe(200);
    expect(res.body.format).toBe('csv');
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(res.bytes);
    expect(text.startsWith('\uFEFF')).toBe(true);
    checkResultTable(parseCsv(text));
    expect(text).not.toMatch(/(^|[,\n"])=HYPERLINK/);
  });

  it('gives an XLSX result file with the same lines', async () => {
    const res = await downloadResult(platform, officer, listId, 'xlsx');
    expect(res.status).toBe(200);
    const bytes = res.bytes as Uint8Array;
    expect([bytes[0], bytes[1]]).toEqual([0x50, 0x4b]);
    checkResultTable(await xlsxRows(bytes));
  });

  it('hides the list from another province, lets an auditor read it, refuses a beneficiary', async () => {
    for (const path of [`/v1/beneficiary-lists/${listId}`, `/v1/beneficiary-lists/${listId}/rows`]) {
      expect((await api(platform, 'GET', path, { token: officerHanoi })).status).toBe(404);
      expect((await api(platform, 'GET', path, { token: auditor })).status).toBe(200);
      expect((await api(platform, 'GET', path, { token: beneficiary })).status).toBe(403);
    }
    expect(
      (await api(platform, 'GET', `/v1/beneficiary-lists/${listId}/result?format=csv`, { token: officerHanoi })).status,
    ).toBe(404);
    const audited = await api(platform, 'GET', `/v1/beneficiary-lists/${listId}`, { token: auditor });
    expect(audited.body.totals.rows).toBe(expected.length);
  });

  it('pages through every accepted row two at a time', async () => {
    const accepted = expected.filter((e) => e.outcome === 'ACCEPTED');
    const { rows, pages } = await allListRows(platform, officer, listId, { outcome: 'ACCEPTED', limit: 2 });
    expect(rows.map((r) => r.line).sort((a, b) => a - b)).toEqual(accepted.map((e) => e.line).sort((a, b) => a - b));
    expect(rows.every((r) => r.outcome === 'ACCEPTED' && /^\d{12}$/.test(r.personalId ?? ''))).toBe(true);
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(accepted.length / 2));
  });
});

/** Header + one line per data row, each with its outcome, and reasons in both languages when rejected. */
function checkResultTable(table: string[][]) {
  const [header, ...lines] = table;
  expect(header?.[0]).toBe('Dòng / Line');
  expect(lines).toHaveLength(expected.length);
  const byLine = new Map(lines.map((l) => [Number(l[0]), l]));
  for (const e of expected) {
    const l = byLine.get(e.line);
    expect(l?.[1]).toBe(e.outcome);
    expect(l?.[2]?.length).toBeGreaterThan(3);
    if (e.outcome === 'ACCEPTED') {
      expect(l?.[3] ?? '').toBe('');
    } else {
      expect(l?.[3]?.length).toBeGreaterThan(10);
      expect(l?.[4]?.length).toBeGreaterThan(10);
      expect(l?.[3]).not.toEqual(l?.[4]);
    }
    if (e.flagged) expect(l?.[5]).toContain('RESIDENT_OUTSIDE_JURISDICTION');
  }
  for (const cell of table.flat()) {
    expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(cell).not.toContain(FORMULA_NAME);
  }
}
