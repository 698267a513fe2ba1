/**
 * The `ansinh` CLI as a script would run it: a child process (bin/ansinh.js) against a started local platform,
 * tokens from the local identity provider (--user) or ANSINH_TOKEN. Covers the whole story (list → cycle →
 * submit → approve and pay → statement → reconciliation) and the exit codes scripts rely on.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EXIT } from '../../cli/main.js';
import { vietnamDate } from '../../functions/reconciliation/banking-days.js';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import { agedAtLeast } from '../support/categories.js';
import { accountNumberFor, BANK_BIN } from '../support/disbursement.js';
import { startTestPlatform } from '../support/platform.js';
import { type Citizen, LIST_HEADER, listRow, loadPopulation, toExcelCsv } from '../support/population.js';

const BIN = new URL('../../bin/ansinh.js', import.meta.url).pathname;
let platform: LocalPlatform;
let dir: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI asynchronously: the platform serves it from this very process. */
function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { PATH: process.env.PATH ?? '', ANSINH_URL: platform.url, ...env }, timeout: 120_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const json = (r: Run) => JSON.parse(r.stdout);

beforeAll(async () => {
  process.env.ANSINH_SETTLEMENT_CUTOFF_MINUTES = '1';
  platform = await startTestPlatform();
  dir = mkdtempSync(join(tmpdir(), 'ansinh-cli-'));
});
afterAll(async () => {
  await platform?.stop();
  delete process.env.ANSINH_SETTLEMENT_CUTOFF_MINUTES;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('ansinh CLI', () => {
  let hash: string;
  let listId: string;
  let importId: string;
  const period = '2026-04';

  it('prints its help and refuses bad usage with exit 2', async () => {
    const help = await cli(['help']);
    expect(help.code).toBe(EXIT.OK);
    expect(help.stdout).toContain('Exit codes');
    expect((await cli(['cycles', 'create', 'tháng-tư', '--user', 'ketoan.lap'])).code).toBe(EXIT.USAGE);
    expect((await cli(['--bogus'])).code).toBe(EXIT.USAGE);
  });

  it('exit 3 without a token or for an unknown user, 10 when the API is unreachable', async () => {
    expect((await cli(['lists', 'show', 'bl-aaaaaaaaaaaaaaaaaaaaaaaaaa'])).code).toBe(EXIT.AUTH);
    expect((await cli(['lists', 'show', 'bl-aaaaaaaaaaaaaaaaaaaaaaaaaa', '--user', 'nobody'])).code).toBe(EXIT.AUTH);
    const down = await cli([
      'lists',
      'show',
      'bl-aaaaaaaaaaaaaaaaaaaaaaaaaa',
      '--url',
      'http://127.0.0.1:9',
      '--user',
      'canbo.hcm',
    ]);
    expect(down.code).toBe(EXIT.UNREACHABLE);
  });

  it('downloads the template and uploads a list with progress, waiting for verification (exit 0)', async () => {
    const tpl = join(dir, 'mau.csv');
    expect((await cli(['lists', 'template', '--format', 'csv', '-o', tpl, '--user', 'canbo.hcm'])).code).toBe(EXIT.OK);
    expect(readFileSync(tpl, 'utf8')).toContain('Số định danh cá nhân');

    // Aged 80+: the rows' category is NCT_80.
    const people = loadPopulation(4000)
      .filter((p) => p.status === 'alive' && p.residenceProvinceCode === '79' && agedAtLeast(80)(p))
      .slice(0, 3);
    const file = join(dir, 'danh-sach.csv');
    writeFileSync(
      file,
      toExcelCsv([
        LIST_HEADER,
        ...people.map((p, i) => listRow(p, i, { method: 'Ngân hàng', bin: BANK_BIN, account: accountNumberFor(i) })),
      ]),
    );
    const token = (await cli(['login', '--user', 'canbo.hcm', '--json'])).stdout;
    const up = await cli(['lists', 'upload', file, '--json'], { ANSINH_TOKEN: JSON.parse(token).access_token });
    expect(up.stderr).toMatch(/Tải lên.*100%/);
    expect(up.code).toBe(EXIT.OK);
    expect(json(up)).toMatchObject({ status: 'COMPLETED', totals: { rows: 3, accountsOpened: 3 } });
    listId = json(up).listId;
    // No identity number or name on the terminal.
    for (const p of people) expect(up.stdout + up.stderr).not.toContain(p.personalId);
    expect((await cli(['lists', 'show', 'bl-aaaaaaaaaaaaaaaaaaaaaaaaaa', '--user', 'canbo.hcm'])).code).toBe(
      EXIT.NOT_FOUND,
    );
  });

  it('creates a cycle and shows its draft; the wrong role is refused with exit 3', async () => {
    const created = await cli(['cycles', 'create', period, '--json', '--user', 'ketoan.lap']);
    expect(created.code).toBe(EXIT.OK);
    const draft = json(created);
    expect(draft).toMatchObject({ status: 'DRAFT', totals: { payees: 3 } });
    hash = draft.contentHash;
    expect(hash).toMatch(/^sha256:/);
    expect((await cli(['cycles', 'create', period, '--user', 'canbo.hcm'])).code).toBe(EXIT.AUTH);
  });

  it('approving needs the exact hash: none is usage (2), a wrong one or the maker is refused (5 / 3)', async () => {
    expect((await cli(['cycles', 'approve', period, '--user', 'ketoan.duyet'])).code).toBe(EXIT.USAGE);
    expect((await cli(['cycles', 'submit', period, '--user', 'ketoan.lap'])).code).toBe(EXIT.OK);
    const wrong = `sha256:${'0'.repeat(64)}`;
    expect((await cli(['cycles', 'approve', period, '--hash', wrong, '--user', 'ketoan.duyet'])).code).toBe(
      EXIT.REFUSED,
    );
    expect((await cli(['cycles', 'approve', period, '--hash', hash, '--user', 'ketoan.lap'])).code).toBe(EXIT.AUTH);
  });

  it('approves, returns once the files are sent, then waits until the cycle closes, balanced (exit 0)', async () => {
    const approved = await cli(['cycles', 'approve', period, '--hash', hash, '--json', '--user', 'ketoan.duyet']);
    expect(approved.code).toBe(EXIT.OK);
    expect(approved.stderr).toContain('Chi trả');
    const sent = json(approved);
    expect(['COLLECTING', 'CLOSED']).toContain(sent.status);
    expect(sent.approvedHash).toBe(hash);
    const waited = await cli(['cycles', 'wait', period, '--json', '--user', 'ketoan.duyet']);
    expect(waited.code).toBe(EXIT.OK);
    const closed = json(waited);
    expect(closed.status).toBe('CLOSED');
    expect(closed.closing.SETTLED.count).toBe(3);
    expect(closed.closing.balanced).toEqual({ count: true, amount: true });
  }, 120_000);

  it('imports the bank statement and prints a balanced reconciliation (exit 0)', async () => {
    await platform.bank.idle();
    const day = vietnamDate(Date.now());
    platform.bank.advanceClock(24 * 3600_000);
    const file = join(dir, 'sao-ke.xml');
    writeFileSync(file, platform.bank.statement(day) as string);
    const imported = await cli(['statements', 'import', file, '--json', '--user', 'ketoan.lap']);
    expect(imported.code).toBe(EXIT.OK);
    importId = json(imported).importId;
    const outcomes = json(imported).outcomes as { outcome: string; count: number; severity: number }[];
    expect(outcomes.find((o) => o.outcome === 'MATCHED')?.count).toBe(3);
    expect(outcomes.every((o) => o.severity < 3)).toBe(true);

    const summary = await cli(['reconciliation', period, '--user', 'ketoan.lap', '--lang', 'en']);
    expect(summary.code).toBe(EXIT.OK);
    expect(summary.stdout).toContain('Matched');
    expect(summary.stdout).toContain('Balanced: OK');
    // Outcomes by category: every payee of the list is in one category here, all three matched.
    expect(summary.stdout).toMatch(/By category:\n {2}\S.*\s3\s+[\d.]+ ₫ {2}MATCHED 3$/m);
    expect(existsSync(file)).toBe(true);
  });

  it('downloads the list result, a commune cash list and the reconciliation report (links on *.s3.localhost)', async () => {
    // This child process has no DNS interception: the links resolve as they do for `npx ansinh` after `npm start`.
    const saved = async (args: string[], file: string) => {
      const r = await cli([...args, '-o', file, '--json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(EXIT.OK);
      expect(json(r)).toEqual({ file, bytes: readFileSync(file).length });
      return readFileSync(file);
    };
    const resultCsv = await saved(
      ['lists', 'result', listId, '--format', 'csv', '--user', 'canbo.hcm'],
      join(dir, 'ket-qua.csv'),
    );
    expect(resultCsv.toString('utf8').trim().split(/\r?\n/)).toHaveLength(4); // header + the 3 people
    const resultXlsx = await saved(['lists', 'result', listId, '--user', 'canbo.hcm'], join(dir, 'ket-qua.xlsx'));
    expect(resultXlsx.subarray(0, 2).toString('latin1')).toBe('PK');

    // Nobody in this cycle is paid in cash: the commune's list is its header alone, still a real file.
    const cash = await saved(
      ['cycles', 'cash-list', period, '26737', '--format', 'csv', '--user', 'ketoan.lap'],
      join(dir, 'tien-mat.csv'),
    );
    expect(cash.toString('utf8')).toContain('Mã thanh toán / Payment id');
    const cashXlsx = await saved(
      ['cycles', 'cash-list', period, '26737', '--user', 'ketoan.duyet'],
      join(dir, 'tm.xlsx'),
    );
    expect(cashXlsx.subarray(0, 2).toString('latin1')).toBe('PK');

    const report = await saved(
      ['statements', 'report', importId, '--format', 'csv', '--user', 'ketoan.lap'],
      join(dir, 'doi-chieu.csv'),
    );
    expect(report.toString('utf8')).toContain('MATCHED');
    const reportXlsx = await saved(['statements', 'report', importId, '--user', 'ketoan.lap'], join(dir, 'dc.xlsx'));
    expect(reportXlsx.subarray(0, 2).toString('latin1')).toBe('PK');
  }, 60_000);

  it('ls prints the jurisdiction lists, cycles and statements as tables or JSON, pages by cursor', async () => {
    const listsTable = await cli(['lists', 'ls', '--user', 'canbo.hcm']);
    expect(listsTable.code).toBe(EXIT.OK);
    const [head, row] = listsTable.stdout.trim().split('\n');
    expect(head).toMatch(/^Ngày tải\s+Mã\s+Trạng thái\s+Số dòng\s+Hợp lệ\s+Tệp$/);
    expect(row).toMatch(/^\d{2}\/\d{2}\/\d{4}\s+bl-\w+\s+COMPLETED\s+3\s+3\s+danh-sach\.csv$/);
    const mine = json(await cli(['lists', 'ls', '--mine', '--status', 'COMPLETED', '--json', '--user', 'canbo.hcm']));
    expect(mine).toMatchObject({ jurisdiction: '79', items: [{ status: 'COMPLETED', rows: 3 }] });
    expect(json(await cli(['lists', 'ls', '--json', '--user', 'canbo.hanoi']))).toEqual({
      jurisdiction: '01',
      items: [],
    });

    const cycles = await cli(['cycles', 'ls', '--period', period, '--status', 'CLOSED', '--user', 'ketoan.duyet']);
    expect(cycles.code).toBe(EXIT.OK);
    expect(cycles.stdout).toMatch(/04\/2026\s+dc-tcxh_hang_thang-2026-04-79\s+CLOSED\s+3\s+[\d.]+ ₫/);
    const none = await cli(['cycles', 'ls', '--status', 'DRAFT', '--user', 'ketoan.lap', '--lang', 'en']);
    expect(none.stdout).toContain('Nothing here (jurisdiction 79)');

    const statements = json(await cli(['statements', 'ls', '--json', '--user', 'ketoan.lap']));
    expect(statements.items).toEqual([expect.objectContaining({ status: 'COMPLETED', fileName: 'sao-ke.xml' })]);

    // An auditor names the jurisdiction (exit 5 without one); --limit 1 leaves a cursor for the next page.
    expect((await cli(['cycles', 'ls', '--user', 'thanhtra'])).code).toBe(EXIT.REFUSED);
    await cli(['cycles', 'create', '2026-05', '--no-wait', '--user', 'ketoan.lap']);
    const first = await cli(['cycles', 'ls', '--jurisdiction', '79', '--limit', '1', '--user', 'thanhtra']);
    const next = /--cursor (\S+)/.exec(first.stderr)?.[1] as string;
    expect(first.stdout).toContain('dc-tcxh_hang_thang-2026-05-79');
    const second = await cli([
      'cycles',
      'ls',
      '--jurisdiction',
      '79',
      '--limit',
      '1',
      '--cursor',
      next,
      '--user',
      'thanhtra',
    ]);
    expect(second.stdout).toContain('dc-tcxh_hang_thang-2026-04-79');
    const all = json(
      await cli(['cycles', 'ls', '--jurisdiction', '79', '--limit', '1', '--all', '--json', '--user', 'thanhtra']),
    );
    expect(all.items.map((x: { cycleId: string }) => x.cycleId)).toEqual([
      'dc-tcxh_hang_thang-2026-05-79',
      'dc-tcxh_hang_thang-2026-04-79',
    ]);
    // A cursor that is not ours is refused by the API: exit 5, its message in both languages, Vietnamese first.
    const bad = await cli(['cycles', 'ls', '--cursor', 'bogus', '--user', 'ketoan.lap', '--lang', 'en']);
    expect(bad.code).toBe(EXIT.REFUSED);
    expect(bad.stderr).toMatch(/^Con trỏ trang không hợp lệ.* \/ Invalid page cursor.*\(INVALID_CURSOR\)$/m);
    expect((await cli(['statements', 'ls', '--user', 'canbo.hcm'])).code).toBe(EXIT.AUTH);
  }, 60_000);

  it('a list with rejected rows is done but needs attention (exit 7)', async () => {
    const [person] = loadPopulation(400)
      .filter((p) => p.status === 'alive' && p.residenceProvinceCode === '79')
      .slice(5);
    const file = join(dir, 'sai.csv');
    writeFileSync(file, toExcelCsv([LIST_HEADER, listRow({ ...(person as Citizen), personalId: '79132108434' }, 0)]));
    const r = await cli(['lists', 'upload', file, '--json', '--user', 'canbo.hcm']);
    expect(r.code).toBe(EXIT.ATTENTION);
    expect(json(r).totals.byOutcome.ACCEPTED ?? 0).toBe(0);
  });
});
