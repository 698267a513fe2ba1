/**
 * A beneficiary list through the whole onboarding run on the local runtime: upload → parse → verify
 * against the population registry in chunks → open accounts → summarise, with every outcome present.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import { ageAtDecision, categoryForAge } from '../support/categories.js';
import { api, demoUser, eventually, startTestPlatform } from '../support/platform.js';
import { type Citizen, LIST_HEADER, listRow, loadPopulation, toExcelCsv } from '../support/population.js';

/** A list row with a category that fits the citizen's age (the verify step checks it). */
const row = (c: Citizen, i: number, overrides: Partial<Record<string, string>> = {}) =>
  listRow(c, i, { category: categoryForAge(c.dateOfBirth), ...overrides });

let platform: LocalPlatform;
let officer: string;
let people: Citizen[];

beforeAll(async () => {
  process.env.ANSINH_LIST_CHUNK_ROWS = '7';
  platform = await startTestPlatform();
  officer = await platform.identityProvider.tokenFor(demoUser('labor_officer', '79'));
  people = loadPopulation(3000);
});
afterAll(async () => {
  await platform?.stop();
  delete process.env.ANSINH_LIST_CHUNK_ROWS;
});

async function upload(csv: string, fileName = 'danh-sach.csv') {
  const res = await fetch(`${platform.url}/v1/beneficiary-lists`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${officer}`,
      'content-type': 'text/csv',
      'x-file-name': encodeURIComponent(fileName),
    },
    body: csv,
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function finished(listId: string) {
  return eventually(async () => {
    const got = await api(platform, 'GET', `/v1/beneficiary-lists/${listId}`, { token: officer });
    return ['COMPLETED', 'FAILED'].includes(got.body.status) ? got.body : undefined;
  }, 60_000);
}

async function rowsOf(listId: string) {
  const rows: { line: number; outcome: string; findings: { code: string; message: { vi: string; en: string } }[] }[] =
    [];
  let cursor: string | undefined;
  do {
    const page = await api(
      platform,
      'GET',
      `/v1/beneficiary-lists/${listId}/rows?limit=50${cursor ? `&cursor=${cursor}` : ''}`,
      {
        token: officer,
      },
    );
    rows.push(...page.body.rows);
    cursor = page.body.nextCursor;
  } while (cursor);
  return new Map(rows.map((r) => [r.line, r]));
}

describe('beneficiary list onboarding', () => {
  it('gives every row its verdict and opens accounts for the accepted ones', async () => {
    const alive = people.filter((p) => p.status === 'alive');
    const deceased = people.find((p) => p.status === 'deceased');
    if (!deceased) throw new Error('population has no deceased person');
    const withHoa = alive.find((p) => /Hòa|Thủy|Thúy/.test(p.fullName));
    const withU = alive.find((p) => /ư/.test(p.fullName) && !/Hòa|Thủy|Thúy/.test(p.fullName));
    if (!withHoa || !withU) throw new Error('population lacks the names this test needs');
    const a = alive.filter((p) => p !== withHoa && p !== withU).slice(0, 6); // each person on one line only
    // Two more people, unused above: one too young for the category declared, one typed as Excel leaves cells.
    const rest = alive.filter((p) => !a.includes(p) && p !== withHoa && p !== withU && ageAtDecision(p) >= 1);
    const young = rest.find((p) => ageAtDecision(p) < 60);
    const excel = rest.find((p) => p !== young && /\S{3,} \S+$/.test(p.fullName));
    if (!young || !excel) throw new Error('population lacks the people this test needs');
    const [y, m, d] = excel.dateOfBirth.split('-');
    const given = excel.fullName.split(' ').at(-1) as string;
    const unknownId = `${(a[3] as Citizen).personalId.slice(0, 6)}999999`;
    const rows = [
      LIST_HEADER,
      row(a[0] as Citizen, 0), // line 2 ACCEPTED
      row(a[1] as Citizen, 1, {
        fullName: (a[1] as Citizen).fullName.toUpperCase().replace(/ /g, '  '),
        phone: '12345',
      }), // 3 ACCEPTED, phone flagged
      row(withHoa, 2, {
        fullName: withHoa.fullName
          .replace('Hòa', 'Hoà')
          .replace('Thủy', 'Thuỷ')
          .replace('Thúy', 'Thuý')
          .normalize('NFD'),
      }), // 4 ACCEPTED
      row(withU, 3, { fullName: withU.fullName.replace(/ư/g, 'u') }), // 5 NAME_MISMATCH
      row(a[2] as Citizen, 4, {
        dateOfBirth:
          `${(a[2] as Citizen).dateOfBirth.slice(0, 4)}-01-01` === (a[2] as Citizen).dateOfBirth
            ? `02/01/${(a[2] as Citizen).dateOfBirth.slice(0, 4)}`
            : `01/01/${(a[2] as Citizen).dateOfBirth.slice(0, 4)}`,
      }), // 6 DOB
      row(deceased, 5), // 7 DECEASED
      row(a[3] as Citizen, 6, { personalId: unknownId }), // 8 NOT_IN_REGISTRY (if the id happens to exist, it mismatches)
      row(a[0] as Citizen, 7), // 9 DUPLICATE_IN_FILE
      row(a[4] as Citizen, 8, { personalId: (a[4] as Citizen).personalId.replace(/^0/, '') }), // 10 leading zero lost
      row(a[5] as Citizen, 9, { personalId: '123456789' }), // 11 old CMND
      row(a[5] as Citizen, 10, { category: 'KHONG_CO' }), // 12 INVALID_ROW
      row(a[5] as Citizen, 11, { fullName: '=HYPERLINK("http://evil","x")' }), // 13 INVALID_ROW (formula as a name)
      row(young, 12, { category: 'NCT_NGHEO_80' }), // 14 CATEGORY_AGE_MISMATCH (registry age under 60)
      row(excel, 13, {
        // 15 ACCEPTED: a BOM inside the family name, a zero-width space in the given name, NBSP between words,
        // a leading apostrophe on the numbers, dates with a midnight time part as Excel writes them to CSV.
        fullName: excel.fullName
          .replace(/^(\S)/, '$1\uFEFF')
          .replace(/ /, '\u00A0')
          .replace(new RegExp(`${given}$`), `${given.slice(0, -1)}\u200B${given.slice(-1)}`),
        personalId: `'${excel.personalId}`,
        dateOfBirth: `${Number(d)}/${Number(m)}/${y} 0:00`,
        decisionDate: '15/03/2025 00:00:00',
        account: `'0011${String(excel.personalId).slice(-6)}`,
        phone: "'0912345678",
      }),
    ];
    const submitted = await upload(toExcelCsv(rows));
    expect(submitted.status).toBe(202);
    const list = await finished(submitted.body.listId);
    expect(list.status).toBe('COMPLETED');
    const verdicts = await rowsOf(list.listId);
    const outcome = (line: number) => verdicts.get(line)?.outcome;
    expect([2, 3, 4].map(outcome)).toEqual(['ACCEPTED', 'ACCEPTED', 'ACCEPTED']);
    expect((verdicts.get(3) as unknown as { flags: { code: string }[] }).flags.map((f) => f.code)).toContain(
      'ROW_PHONE_INVALID',
    );
    expect(outcome(5)).toBe('NAME_MISMATCH');
    expect(outcome(6)).toBe('DATE_OF_BIRTH_MISMATCH');
    expect(outcome(7)).toBe('DECEASED');
    expect(outcome(8)).toBe('NOT_IN_REGISTRY');
    expect(outcome(9)).toBe('DUPLICATE_IN_FILE');
    expect(outcome(10)).toBe('INVALID_IDENTITY_NUMBER');
    expect(verdicts.get(10)?.findings.map((f) => f.code)).toContain('ID_LEADING_ZERO_LOST');
    expect(verdicts.get(11)?.findings.map((f) => f.code)).toContain('ID_OLD_CMND');
    expect(outcome(12)).toBe('INVALID_ROW');
    expect(outcome(13)).toBe('INVALID_ROW');
    expect(outcome(14)).toBe('CATEGORY_AGE_MISMATCH');
    const ageFinding = verdicts.get(14)?.findings.find((f) => f.code === 'CATEGORY_AGE_MISMATCH');
    expect(ageFinding?.message.vi).toContain(`${ageAtDecision(young)} tuổi`);
    expect(ageFinding?.message.en).toContain('NCT_NGHEO_80');
    expect(outcome(15)).toBe('ACCEPTED');
    expect(verdicts.get(15)?.findings).toEqual([]);
    expect((verdicts.get(15) as unknown as { flags: { code: string }[] }).flags.map((f) => f.code)).not.toContain(
      'ROW_PHONE_INVALID',
    );
    expect(list.totals.rows).toBe(14);
    expect(list.totals.accountsOpened).toBe(4);
    expect(list.totals.byOutcome.ACCEPTED).toBe(4);
    expect(list.totals.byOutcome.CATEGORY_AGE_MISMATCH).toBe(1);

    // The same file again is the same list.
    const again = await upload(toExcelCsv(rows), 'ban-sao.csv');
    expect(again.status).toBe(200);
    expect(again.body.listId).toBe(list.listId);
    expect(again.body.duplicate).toBe(true);

    // Another list with an enrolled person: recognised, no second account.
    const second = await upload(
      toExcelCsv([LIST_HEADER, row(a[0] as Citizen, 0), row(a[1] as Citizen, 1, { phone: '' })]),
    );
    const secondList = await finished(second.body.listId);
    expect(secondList.totals.byOutcome.ALREADY_ENROLLED).toBe(2);
    expect(secondList.totals.accountsOpened).toBe(0);
  });

  it('rejects an unusable file with a clear reason and keeps serving', async () => {
    const junk = await fetch(`${platform.url}/v1/beneficiary-lists`, {
      method: 'POST',
      headers: { authorization: `Bearer ${officer}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256)),
    });
    const body = (await junk.json()) as any;
    const list = await finished(body.listId);
    expect(list.status).toBe('FAILED');
    expect(list.failure.code).toBe('UNKNOWN_FORMAT');
    expect(list.failure.message.vi.length).toBeGreaterThan(10);
    expect((await api(platform, 'GET', '/v1/health')).status).toBe(200);
  });

  it('serves the template, and the result file as a download link', async () => {
    const template = await fetch(`${platform.url}/v1/beneficiary-lists/template?format=csv`, {
      headers: { authorization: `Bearer ${officer}` },
    });
    expect(template.status).toBe(200);
    expect(await template.text()).toContain('Số định danh cá nhân');
  });
});
