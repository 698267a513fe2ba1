/**
 * The web console in a real browser (Debian's Chromium through playwright-core), against the local platform:
 * the whole story through the UI — a labour officer uploads a list and sees it verified, a finance officer
 * creates and submits the cycle, another approves exactly what was submitted and follows the payments, the
 * bank's statement is loaded and reconciled, and the beneficiary sees the payment on a 360-px phone. Every
 * page is photographed into test-artifacts/screenshots/. Then: no role reaches another role's pages or actions.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Locator, Page } from 'playwright-core';
import { vietnamDate } from '../../functions/reconciliation/banking-days.js';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import { launchChromium, shot, signedIn } from '../support/browser.js';
import { accountNumberFor, BANK_BIN } from '../support/disbursement.js';
import { startTestPlatform } from '../support/platform.js';
import { LIST_HEADER, listRow, loadPopulation, toExcelCsv } from '../support/population.js';

const PERIOD = '2026-05';
let platform: LocalPlatform;
let browser: Browser;

/** Waits until the element's text matches (Playwright's own assertions belong to @playwright/test). */
async function textOf(locator: Locator, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    last = ((await locator.textContent({ timeout: timeoutMs }).catch(() => '')) ?? '').trim();
    if (pattern.test(last)) return last;
    if (Date.now() > deadline) throw new Error(`text ${JSON.stringify(last)} never matched ${pattern}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function download(page: Page, click: () => Promise<void>) {
  const [file] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), click()]);
  const path = await file.path();
  return { name: file.suggestedFilename(), path };
}

beforeAll(async () => {
  process.env.ANSINH_SETTLEMENT_CUTOFF_MINUTES = '1';
  browser = await launchChromium(); // fails (not skips) without Chromium
  platform = await startTestPlatform();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
  delete process.env.ANSINH_SETTLEMENT_CUTOFF_MINUTES;
});

describe('the whole story through the console', () => {
  // The demo beneficiary (nguoihuong) is the first of these people.
  const people = () =>
    loadPopulation(400)
      .filter((p) => p.status === 'alive' && p.residenceProvinceCode === '79')
      .slice(0, 4);
  let cycleId = '';
  let submittedHash = '';

  it('a labour officer downloads the template, uploads a list with progress and sees it verified', async () => {
    const { page, context } = await signedIn(browser, platform.url, 'canbo.hcm', { screenshot: '01-sign-in' });
    await page.locator('#list-file').waitFor();
    await shot(page, '02-officer-lists');

    const template = await download(page, () => page.getByRole('button', { name: 'Tải mẫu Excel (.xlsx)' }).click());
    expect(template.name).toBe('mau-danh-sach-tro-cap.xlsx');

    const rows = people().map((p, i) =>
      listRow(p, i, { method: 'Ngân hàng', bin: BANK_BIN, account: accountNumberFor(i) }),
    );
    const bad = listRow({ ...(people()[3] as ReturnType<typeof people>[number]), personalId: '79130796635' }, 4);
    await page.locator('#list-file').setInputFiles({
      name: 'danh-sach-thang-5.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(toExcelCsv([LIST_HEADER, ...rows, bad])),
    });
    await page.getByRole('button', { name: 'Tải lên', exact: true }).click();
    await page.waitForURL(/#\/lists\/bl-/);
    await textOf(page.locator('#list-status'), /Đã xử lý xong/);
    expect(await page.locator('#verify-progress').getAttribute('value')).toBe('100');
    expect(await textOf(page.locator('#accounts-opened'), /\d/)).toBe('4');
    // Filter to the rejected row: its reason is shown, and its identity number only masked.
    await page.locator('button[data-outcome="INVALID_IDENTITY_NUMBER"]').click();
    await textOf(page.locator('table caption'), /Số định danh không hợp lệ/);
    const table = await page.locator('tbody').textContent();
    expect(table).toMatch(/Số định danh không hợp lệ/);
    expect(await page.locator('tbody tr').count()).toBe(1);
    await shot(page, '03-officer-list-outcomes');

    const result = await download(page, () => page.locator('#download-result').click());
    expect(result.name).toMatch(/\.xlsx$/);

    // Back on the lists page, the list is among the jurisdiction's uploaded lists, with its status and date.
    await page.locator('nav').getByRole('link', { name: 'Danh sách người hưởng' }).click();
    const uploaded = page.getByRole('table', { name: /Danh sách đã tải/ });
    await textOf(uploaded.locator('tbody tr').first(), /danh-sach-thang-5\.csv.*Đã xử lý xong/);
    expect(await uploaded.locator('tbody tr').first().locator('td').first().textContent()).toMatch(
      /^\d{2}\/\d{2}\/\d{4}$/,
    );
    await page.locator('#lists-mine').check();
    await page.locator('#lists-filters button[type=submit]').click();
    await textOf(uploaded.locator('tbody tr').first(), /danh-sach-thang-5\.csv/);
    await context.close();
  }, 120_000);

  it('a finance preparer creates the cycle, reviews its totals and submits exactly its hash', async () => {
    const { page, context } = await signedIn(browser, platform.url, 'ketoan.lap');
    await page.locator('#period').fill(PERIOD);
    await shot(page, '04-finance-cycles');
    await page.locator('#create-cycle').click();
    await page.waitForURL(/#\/cycles\/dc-/);
    cycleId = decodeURIComponent(page.url().split('#/cycles/')[1] ?? '');
    await textOf(page.locator('#cycle-status'), /Bản nháp/);
    expect(await page.locator('#total-payees').textContent()).toBe('4');
    expect(await page.locator('#total-amount').textContent()).toMatch(/^\d{1,3}(\.\d{3})+\s₫$/);
    await page.getByRole('table', { name: 'Theo xã/phường' }).waitFor();
    await shot(page, '05-finance-cycle-draft');
    submittedHash = ((await page.locator('.panel .hash').textContent()) ?? '').trim();
    expect(submittedHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    await page.locator('#submit-cycle').click();
    await textOf(page.locator('#cycle-status'), /Đã gửi, chờ phê duyệt/);
    // The preparer has no approve action, even on a submitted cycle.
    expect(await page.locator('#approve-cycle').count()).toBe(0);
    await context.close();
  }, 120_000);

  it('another officer approves exactly the submitted hash and totals, then follows the payments live', async () => {
    // The bank will also book a debit that is not ours: the reconciliation must find it.
    await fetch(`${platform.bank.url}/control/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reset: true, foreignDebits: [123_456] }),
    });
    const { page, context } = await signedIn(browser, platform.url, 'ketoan.duyet');
    // The approver picks the submitted cycle from the jurisdiction's cycles, filtered by status.
    await page.goto(`${platform.url}/#/cycles`);
    await page.locator('#cycles-status').selectOption('SUBMITTED');
    await page.locator('#cycles-filters button[type=submit]').click();
    await page.locator(`a[data-cycle="${cycleId}"]`).click();
    await page.waitForURL(new RegExp(`#/cycles/${cycleId}$`));
    expect(await textOf(page.locator('#approve-hash'), /sha256:/)).toBe(submittedHash);
    expect(await page.locator('#approve-payees').textContent()).toBe('4');
    expect(await page.locator('#approve-cycle').isDisabled()).toBe(true);
    await shot(page, '06-finance-approve');
    await page.locator('#confirm-approve').check();
    await page.locator('#approve-cycle').click();
    await textOf(page.locator('#dispatch-status'), /khoản đã có kết quả/);
    await shot(page, '07-finance-dispatch-live');
    await textOf(page.locator('#cycle-status'), /Đã kết thúc/, 90_000);
    expect(await page.locator('#dispatch-status').textContent()).toMatch(/^4\/4/);
    await shot(page, '08-finance-cycle-closed');
    await context.close();
  }, 150_000);

  it('the bank statement is loaded and reconciled, with drill-down to the mismatch and export', async () => {
    await platform.bank.idle();
    const day = vietnamDate(Date.now());
    platform.bank.advanceClock(24 * 3600_000);
    const xml = platform.bank.statement(day) as string;
    expect(xml).toContain('<Ntry>');

    const { page, context } = await signedIn(browser, platform.url, 'ketoan.lap');
    await page.locator('nav').getByRole('link', { name: 'Sao kê & đối soát' }).click();
    await page
      .locator('#statement-file')
      .setInputFiles({ name: 'sao-ke.xml', mimeType: 'application/xml', buffer: Buffer.from(xml) });
    await shot(page, '09-finance-statements');
    await page.locator('#load-statement').click();
    await page.waitForURL(/#\/statements\/st-/);
    await textOf(page.locator('#import-status'), /Đã đối chiếu xong/);
    await page.locator('svg.chart').first().waitFor();
    await page.locator('button[data-outcome="NOT_OURS"]').click();
    await textOf(page.locator('#lines-h'), /Giao dịch không thuộc hệ thống/);
    expect(await page.locator('section[aria-labelledby="lines-h"] tbody').textContent()).toMatch(/123\.456\s₫/);
    await shot(page, '10-finance-statement-reconciled');
    const report = await download(page, () => page.locator('#export-xlsx').click());
    expect(report.name).toMatch(/\.xlsx$/);

    // The statement is among the jurisdiction's loaded statements.
    await page.locator('nav').getByRole('link', { name: 'Sao kê & đối soát' }).click();
    await textOf(page.locator('#statements-table tbody tr').first(), /sao-ke\.xml.*Đã đối chiếu xong/);

    await page.goto(`${platform.url}/#/reconciliation/${cycleId}`);
    await textOf(page.locator('#balanced'), /^Khớp$/);
    await page.locator('#trend svg').waitFor();
    await shot(page, '11-finance-reconciliation-dashboard');
    await context.close();
  }, 120_000);

  it('the beneficiary sees the payment on a 360-px phone, in plain words, in Vietnamese or English', async () => {
    const { page, context } = await signedIn(browser, platform.url, 'nguoihuong', { width: 360, height: 780 });
    const latest = page.locator('#latest-payment');
    await textOf(latest, /05\/2026/);
    const text = (await latest.textContent()) ?? '';
    expect(text).toMatch(/\d{1,3}(\.\d{3})+\s₫/);
    expect(text).toContain('Đã chuyển vào tài khoản');
    expect(text).toMatch(/\d{2}\/\d{2}\/\d{4}/);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await shot(page, '12-beneficiary-payments-vi');
    await page.locator('#lang-switch').click();
    await textOf(page.locator('#latest-payment'), /Paid into your bank account/);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await shot(page, '13-beneficiary-payments-en');
    await context.close();
  }, 60_000);
});

describe('the auditor', () => {
  it('picks a cycle from a jurisdiction list (no id to type), on a 360-px screen', async () => {
    const { page, context } = await signedIn(browser, platform.url, 'thanhtra', { width: 360, height: 780 });
    await page.goto(`${platform.url}/#/cycles`);
    await page.locator('#cycles-jurisdiction').fill('79');
    await page.locator('#cycles-period').fill(PERIOD);
    await page.locator('#cycles-filters button[type=submit]').click();
    const link = page.locator('a[data-cycle="dc-tcxh_hang_thang-2026-05-79"]');
    await textOf(link, /05\/2026/);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await shot(page, '15-auditor-cycles');
    await link.click();
    await textOf(page.locator('#cycle-status'), /Đã kết thúc/);
    await context.close();
  }, 60_000);
});

describe('each role reaches only its own pages and actions', () => {
  const denied = async (page: Page, route: string, forbidden: string[]) => {
    await page.goto(`${platform.url}/#/${route}`);
    await textOf(page.locator('h1'), /Không có quyền truy cập/);
    expect(await page.locator('main[data-denied]').count()).toBe(1);
    for (const sel of forbidden)
      expect({ route, sel, n: await page.locator(sel).count() }).toEqual({ route, sel, n: 0 });
  };
  const navLinks = async (page: Page) => (await page.locator('nav a').allTextContents()).map((t) => t.trim());

  it('the beneficiary sees only their payments', async () => {
    const { page, context } = await signedIn(browser, platform.url, 'nguoihuong', { width: 360, height: 780 });
    expect(await navLinks(page)).toEqual(['Tiền trợ cấp của tôi']);
    await denied(page, 'lists', ['#list-file']);
    await shot(page, '14-denied-beneficiary-on-lists');
    await denied(page, 'cycles', ['#create-cycle', '#period']);
    await denied(page, `cycles/dc-tcxh_hang_thang-${PERIOD}-79`, ['#approve-cycle', '#submit-cycle']);
    await denied(page, 'statements', ['#statement-file']);
    await denied(page, `reconciliation/dc-tcxh_hang_thang-${PERIOD}-79`, ['svg.chart']);
    await context.close();
  }, 60_000);

  it('the labour officer cannot reach finance or beneficiary pages', async () => {
    const { page, context } = await signedIn(browser, platform.url, 'canbo.hcm');
    expect(await navLinks(page)).toEqual(['Danh sách người hưởng']);
    await denied(page, 'cycles', ['#create-cycle']);
    await denied(page, `cycles/dc-tcxh_hang_thang-${PERIOD}-79`, ['#approve-cycle', '#total-amount']);
    await denied(page, 'statements', ['#statement-file']);
    await denied(page, 'me', ['#latest-payment']);
    await context.close();
  }, 60_000);

  it('finance officers cannot reach the lists or a beneficiary page; the approver cannot create, the preparer cannot approve', async () => {
    const approver = await signedIn(browser, platform.url, 'ketoan.duyet');
    expect(await navLinks(approver.page)).toEqual(['Kỳ chi trả', 'Sao kê & đối soát']);
    await denied(approver.page, 'lists', ['#list-file']);
    await denied(approver.page, 'me', ['#latest-payment']);
    await approver.page.goto(`${platform.url}/#/cycles`);
    await approver.page.locator('#cycles-filters').waitFor();
    expect(await approver.page.locator('#create-cycle').count()).toBe(0);
    await approver.context.close();

    const preparer = await signedIn(browser, platform.url, 'ketoan.lap');
    await denied(preparer.page, 'lists', ['#list-file']);
    await preparer.page.goto(`${platform.url}/#/cycles/dc-tcxh_hang_thang-${PERIOD}-79`);
    await textOf(preparer.page.locator('#cycle-status'), /Đã kết thúc/);
    expect(await preparer.page.locator('#approve-cycle, #confirm-approve').count()).toBe(0);
    await preparer.context.close();
  }, 60_000);

  it('signed out, every page leads to sign-in', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${platform.url}/#/cycles`);
    await page.locator('#signin').waitFor();
    expect(await page.locator('nav').count()).toBe(0);
    await context.close();
  });
});
