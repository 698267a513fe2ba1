/**
 * A 10,000-row list (XLSX, 10 chunks of 1,000) from the synthetic population with known injected defects:
 * every row's verdict must equal the one the generator computed, with zero wrong accepts and zero wrong
 * rejects: cells as spreadsheets write them (invisible characters, keep-as-text apostrophes, dates with a
 * time) are accepted, and a category the registry age does not fit is refused, to the day of the birthday. Two smaller lists prove the other encodings end to end (UTF-16LE tab-separated "Unicode text",
 * and semicolon CSV).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeXlsxBytes } from '../../functions/codecs/writers.js';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import { allListRows, finishedList, uploadBody } from '../support/list-api.js';
import { compareRows, describeComparison } from '../support/list-expectations.js';
import {
  countByOutcome,
  type DefectKind,
  type GeneratedList,
  ListGenerator,
  toSemicolonCsv,
  toUnicodeText,
} from '../support/list-generator.js';
import { api, demoUser, startTestPlatform } from '../support/platform.js';
import { type Citizen, LIST_HEADER, loadPopulation, toExcelCsv } from '../support/population.js';

let platform: LocalPlatform;
let officer: string;
let gen: ListGenerator;
let enrolled: Citizen[] = [];

beforeAll(async () => {
  process.env.ANSINH_LIST_CHUNK_ROWS = '1000';
  platform = await startTestPlatform();
  officer = await platform.identityProvider.tokenFor(demoUser('labor_officer', '79'));
  gen = new ListGenerator(loadPopulation(), '79');
}, 60_000);
afterAll(async () => {
  await platform?.stop();
  delete process.env.ANSINH_LIST_CHUNK_ROWS;
});

const PLAN_10K: Partial<Record<DefectKind, number>> = {
  accepted_upper_spaces: 300,
  accepted_nfd: 300,
  accepted_tone: 200,
  accepted_invisible_chars: 150,
  accepted_apostrophe_numbers: 150,
  accepted_date_with_time: 150,
  age_ineligible: 150,
  age_edge_day_before_80: 30,
  age_edge_on_80th_birthday: 30,
  name_mismatch_u_horn: 60,
  name_mismatch_o_horn: 60,
  name_mismatch_a_circumflex: 60,
  name_mismatch_a_breve: 60,
  name_mismatch_d_stroke: 60,
  name_review_no_diacritics: 100,
  dob_mismatch: 300,
  deceased: 300,
  not_in_registry: 300,
  duplicate_in_file: 200,
  id_leading_zero_lost: 150,
  id_old_cmnd: 100,
  id_gender_digit: 150,
  invalid_category: 60,
  invalid_date: 60,
  invalid_name_missing: 60,
  invalid_commune: 60,
  invalid_bank_bin: 60,
  already_enrolled: 20,
};
PLAN_10K.accepted_plain = 10_000 - Object.values(PLAN_10K).reduce((s, n) => s + (n ?? 0), 0);

const SMALL_PLAN: Partial<Record<DefectKind, number>> = {
  accepted_plain: 12,
  accepted_upper_spaces: 2,
  accepted_nfd: 2,
  accepted_tone: 2,
  accepted_invisible_chars: 2,
  accepted_apostrophe_numbers: 1,
  accepted_date_with_time: 3,
  age_ineligible: 2,
  age_edge_day_before_80: 1,
  age_edge_on_80th_birthday: 1,
  name_mismatch_u_horn: 1,
  name_mismatch_d_stroke: 1,
  name_review_no_diacritics: 1,
  dob_mismatch: 1,
  deceased: 1,
  not_in_registry: 1,
  duplicate_in_file: 1,
  id_leading_zero_lost: 1,
  id_old_cmnd: 1,
  id_gender_digit: 1,
  invalid_category: 1,
  invalid_bank_bin: 1,
};

/** Runs a generated list end to end and checks every row and the totals. */
async function runAndCheck(list: GeneratedList, body: string | Uint8Array, fileName: string, contentType: string) {
  const submitted = await uploadBody(platform, officer, body, { fileName, contentType });
  expect(submitted.status).toBe(202);
  const done = await finishedList(platform, officer, submitted.body.listId, 300_000); // a loaded CI machine; speed is the bench's business
  expect({ status: done.status, failure: done.failure }).toEqual({ status: 'COMPLETED', failure: undefined });
  const { rows } = await allListRows(platform, officer, done.listId, { limit: 500 });
  const cmp = compareRows(list.expected, rows);
  const report = describeComparison(cmp);
  expect({ mismatches: cmp.mismatches.length, wrongAccepts: cmp.wrongAccepts, wrongRejects: cmp.wrongRejects }).toEqual(
    { mismatches: 0, wrongAccepts: 0, wrongRejects: 0 },
  );
  if (cmp.missingCode.length || cmp.wrongFlag.length || cmp.extraRows.length) throw new Error(report);
  expect(rows).toHaveLength(list.expected.length);

  const counts = countByOutcome(list.expected);
  expect(done.totals.rows).toBe(list.expected.length);
  expect(done.totals.byOutcome).toEqual(counts);
  expect(done.totals.accountsOpened).toBe(counts.ACCEPTED ?? 0);
  expect(done.totals.flagged).toBe(list.expected.filter((e) => e.flagged).length);
  return { done, rows };
}

describe('onboarding a 10,000-row list with known defects', () => {
  it('enrols a first small list (the people a later list repeats)', async () => {
    const first = gen.build({ accepted_plain: 20 });
    const res = await uploadBody(platform, officer, toExcelCsv(first.rows), { fileName: 'dot-1.csv' });
    expect(res.status).toBe(202);
    const done = await finishedList(platform, officer, res.body.listId);
    expect(done.status).toBe('COMPLETED');
    expect(done.totals.byOutcome).toEqual({ ACCEPTED: 20 });
    expect(done.totals.accountsOpened).toBe(20);
    enrolled = first.accepted;
  });

  it('gives each of 10,000 rows (XLSX, 10 chunks) exactly the expected verdict', async () => {
    expect(enrolled).toHaveLength(20);
    const started = Date.now();
    const list = gen.build(PLAN_10K, enrolled);
    expect(list.expected).toHaveLength(10_000);
    const xlsx = writeXlsxBytes([
      {
        name: 'Danh sách',
        columns: LIST_HEADER.map((header) => ({ header, kind: 'text' as const })),
        rows: list.rows.slice(1),
      },
    ]);
    expect(xlsx.length).toBeLessThanOrEqual(6 * 1024 * 1024);
    const { done } = await runAndCheck(
      list,
      xlsx,
      'danh-sach-10000.xlsx',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    // Every kind of defect is present, and the whole run stays within budget.
    const counts = countByOutcome(list.expected);
    for (const outcome of [
      'ACCEPTED',
      'NAME_MISMATCH',
      'NAME_REVIEW',
      'DATE_OF_BIRTH_MISMATCH',
      'DECEASED',
      'NOT_IN_REGISTRY',
      'DUPLICATE_IN_FILE',
      'INVALID_IDENTITY_NUMBER',
      'INVALID_ROW',
      'ALREADY_ENROLLED',
      'CATEGORY_AGE_MISMATCH',
    ]) {
      expect(counts[outcome]).toBeGreaterThan(0);
    }
    expect(done.totals.flagged).toBeGreaterThan(0);
    console.log(
      `10k list: ${xlsx.length} bytes XLSX, ${Date.now() - started} ms, totals ${JSON.stringify(done.totals)}`,
    );
  }, 330_000);

  it('reads Excel "Unicode text" (UTF-16LE, tab-separated) end to end', async () => {
    const list = gen.build(SMALL_PLAN);
    const body = toUnicodeText(list.rows);
    expect([body[0], body[1]]).toEqual([0xff, 0xfe]);
    await runAndCheck(list, body, 'danh-sach.txt', 'text/plain');
  }, 90_000);

  it('reads a semicolon-separated CSV end to end', async () => {
    const list = gen.build(SMALL_PLAN);
    await runAndCheck(list, toSemicolonCsv(list.rows), 'danh-sach-champhay.csv', 'text/csv');
    expect((await api(platform, 'GET', '/v1/health')).status).toBe(200);
  }, 90_000);
});
