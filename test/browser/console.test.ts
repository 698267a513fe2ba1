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
import { DEMO_USERS } from '../../infra/local/demo-users.js';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import { launchChromium, shot, signedIn } from '../support/browser.js';
import { agedAtLeast } from '../support/categories.js';
import { accountNumberFor, BANK_BIN } from '../support/disbursement.js';
import { api, demoUser, startTestPlatform } from '../support/platform.js';
import { LIST_HEADER, listRow, loadPopulation, toExcelCsv } from '../support/population.js';
import { expectAccessible, focusIndicator, tabTo } from './a11y.js';

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

/** A screenshot and an accessibility audit (WCAG 2 A/AA) of the page as it is now. */
async function look(page: Page, name: string): Promise<void> {
  await shot(page, name);
  await expectAccessible(page, name);
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

describe('sign-in through the identity provider (authorization code + PKCE)', () => {
  const session = (page: Page) => page.evaluate("sessionStorage.getItem('ansinh.session')");

  it('signs in through the provider as two different roles, each seeing their own pages; sign-out forgets the session', async () => {
    for (const [user, nav] of [
      ['canbo.hcm', ['Danh sách người hưởng', 'Hồ sơ cần xử lý']],
      ['ketoan.duyet', ['Kỳ chi trả', 'Sao kê & đối soát']],
    ] as const) {
      let provider = '';
      const { page, context } = await signedIn(browser, platform.url, user, {
        onProvider: async (p) => {
          provider = p.url();
          await look(p, `00-provider-sign-in-${user}`);
        },
      });
      const asked = new URL(provider).searchParams;
      expect(Object.fromEntries([...asked].filter(([k]) => k !== 'state' && k !== 'code_challenge'))).toEqual({
        response_type: 'code',
        client_id: 'ansinh-console-local',
        redirect_uri: `${platform.url}/`,
        scope: 'openid',
        code_challenge_method: 'S256',
      });
      expect(asked.get('code_challenge')).toMatch(/^[\w-]{43}$/);
      // Back on the console: the code and state are gone from the address, the session is this user's.
      expect(page.url()).not.toMatch(/[?&](code|state)=/);
      expect((await page.locator('nav a').allTextContents()).map((t) => t.trim())).toEqual(nav);
      expect(await page.locator('#who').textContent()).toContain(user === 'canbo.hcm' ? 'Cán bộ' : 'Lãnh đạo duyệt');
      expect(await page.evaluate("sessionStorage.getItem('ansinh.oidc.pending')")).toBeNull();
      // Sign-out: the token is forgotten; the provider keeps no session, so it asks for a user again.
      await page.locator('#signout').click();
      await page.locator('#signin').waitFor();
      expect(await session(page)).toBeNull();
      await page.locator('#signin').click();
      await page.waitForURL(/\/local\/oidc\/authorize\?/);
      await page.locator('button[name="user"]').first().waitFor();
      await context.close();
    }
  }, 60_000);

  it('a response whose state was tampered with is refused: a bilingual error and no session', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${platform.url}/#/signin`);
    await look(page, '00-console-sign-in');
    await page.locator('#signin').click();
    await page.waitForURL(/\/local\/oidc\/authorize\?/);
    // The provider sends back whatever state it was given: change it on its page, as an attacker's link would.
    await page.locator('input[name="state"]').evaluate((el) => {
      (el as unknown as { value: string }).value = 'forged-state';
    });
    await page.locator('button[name="user"][value="ketoan.lap"]').click();
    const alert = page.locator('main [role="alert"]');
    expect(await textOf(alert, /state/)).toMatch(/^Phản hồi đăng nhập không khớp/);
    expect(page.url()).not.toMatch(/[?&](code|state)=/);
    expect(await session(page)).toBeNull();
    expect(await page.locator('#signout').count()).toBe(0);
    await look(page, '00-console-sign-in-refused');
    await page.locator('#lang-switch').click();
    expect(await textOf(page.locator('main [role="alert"]'), /state/)).toMatch(/^The sign-in response does not match/);
    expect(await session(page)).toBeNull();
    await context.close();
  }, 60_000);

  it('when the token expires the console returns to sign-in, says why, and keeps no session', async () => {
    const preparer = DEMO_USERS.find((u) => u.username === 'ketoan.lap') as (typeof DEMO_USERS)[number];
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${platform.url}/#/signin`);
    // 40 s: the console treats a token as expired 30 s early, so this one lasts about 10 s on the page. Issued
    // once the console is loaded, so that a slow first load on a busy machine does not use it up.
    const token = await platform.identityProvider.tokenFor(preparer, { expiresInSeconds: 40 });
    await page.evaluate(
      `sessionStorage.setItem('ansinh.session', ${JSON.stringify(token)}); location.hash = '#/cycles'`,
    );
    await page.locator('#list-h').waitFor();
    await page.locator('#signin').waitFor({ timeout: 25_000 });
    expect(await textOf(page.locator('main [role="status"]'), /hết hạn/)).toBe(
      'Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại.',
    );
    expect(await session(page)).toBeNull();
    expect(page.url()).toMatch(/#\/cycles$/); // signing in again comes back here
    await context.close();
  }, 60_000);
});

describe('keyboard only', () => {
  it('signs in and downloads the list template with Tab, Enter and Space, the focus always visible', async () => {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(`${platform.url}/#/signin`);
    await page.locator('#signin').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.className')).toBe('skip'); // skip link comes first
    await tabTo(page, '#signin');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/local\/oidc\/authorize\?/);
    await tabTo(page, 'button[value="canbo.hcm"]');
    await page.keyboard.press('Enter');
    await page.locator('#signout').waitFor();
    await tabTo(page, /^Tải mẫu Excel \(\.xlsx\)$/);
    const template = await download(page, () => page.keyboard.press('Space'));
    expect(template.name).toBe('mau-danh-sach-tro-cap.xlsx');
    expect((await focusIndicator(page)).visible).toBe(true);
    await context.close();
  }, 60_000);
});

describe('the whole story through the console', () => {
  // The demo beneficiary (nguoihuong) is the first of these people, so the last steps can sign in as them.
  const demo = DEMO_USERS.find((u) => u.username === 'nguoihuong')?.personalId;
  const people = () => {
    // Aged 80+ (the demo beneficiary is 94), so that NCT_80 and KT_NANG both fit every one of them.
    const all = loadPopulation(4000).filter(
      (p) => p.status === 'alive' && p.residenceProvinceCode === '79' && agedAtLeast(80)(p),
    );
    const first = all.find((p) => p.personalId === demo);
    if (!first) throw new Error('the demo beneficiary is not among the first 4,000 people of the population');
    return [first, ...all.filter((p) => p !== first)].slice(0, 4);
  };
  let cycleId = '';
  let submittedHash = '';

  it('a labour officer downloads the template, uploads a list with progress and sees it verified', async () => {
    const { page, context } = await signedIn(browser, platform.url, 'canbo.hcm', { screenshot: '01-sign-in' });
    await page.locator('#list-file').waitFor();
    await look(page, '02-officer-lists');

    const template = await download(page, () => page.getByRole('button', { name: 'Tải mẫu Excel (.xlsx)' }).click());
    expect(template.name).toBe('mau-danh-sach-tro-cap.xlsx');

    // Two allowance categories: the second person is paid as severely disabled, the others as aged 80+.
    const rows = people().map((p, i) =>
      listRow(p, i, {
        method: 'Ngân hàng',
        bin: BANK_BIN,
        account: accountNumberFor(i),
        category: i === 1 ? 'KT_NANG' : 'NCT_80',
      }),
    );
    const bad = listRow({ ...(people()[3] as ReturnType<typeof people>[number]), personalId: '79132108434' }, 4);
    await page.locator('#list-file').setInputFiles({
      name: 'danh-sach-thang-5.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(toExcelCsv([LIST_HEADER, ...rows, bad])),
    });
    // The file goes straight to storage through a presigned link (CORS preflight, then PUT), as on AWS.
    const stored = page.waitForResponse((r) => /\.s3\.localhost:\d+\//.test(r.url()) && r.request().method() === 'PUT');
    await page.getByRole('button', { name: 'Tải lên', exact: true }).click();
    expect((await stored).status()).toBe(200);
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
    await look(page, '03-officer-list-outcomes');

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
    await look(page, '04-finance-cycles');
    await page.locator('#create-cycle').click();
    await page.waitForURL(/#\/cycles\/dc-/);
    cycleId = decodeURIComponent(page.url().split('#/cycles/')[1] ?? '');
    await textOf(page.locator('#cycle-status'), /Bản nháp/);
    expect(await page.locator('#total-payees').textContent()).toBe('4');
    expect(await page.locator('#total-amount').textContent()).toMatch(/^\d{1,3}(\.\d{3})+\s₫$/);
    await page.getByRole('table', { name: 'Theo xã/phường' }).waitFor();
    await look(page, '05-finance-cycle-draft');
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
    await look(page, '06-finance-approve');
    await page.locator('#confirm-approve').check();
    await page.locator('#approve-cycle').click();
    await textOf(page.locator('#dispatch-status'), /khoản đã có kết quả/);
    await shot(page, '07-finance-dispatch-live');
    await textOf(page.locator('#cycle-status'), /Đã kết thúc/, 90_000);
    expect(await page.locator('#dispatch-status').textContent()).toMatch(/^4\/4/);
    await look(page, '08-finance-cycle-closed');
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
    await look(page, '09-finance-statements');
    await page.locator('#load-statement').click();
    await page.waitForURL(/#\/statements\/st-/);
    await textOf(page.locator('#import-status'), /Đã đối chiếu xong/);
    await page.locator('svg.chart').first().waitFor();
    await page.locator('button[data-outcome="NOT_OURS"]').click();
    await textOf(page.locator('#lines-h'), /Giao dịch không thuộc hệ thống/);
    expect(await page.locator('section[aria-labelledby="lines-h"] tbody').textContent()).toMatch(/123\.456\s₫/);
    await look(page, '10-finance-statement-reconciled');
    const report = await download(page, () => page.locator('#export-xlsx').click());
    expect(report.name).toMatch(/\.xlsx$/);

    // The statement is among the jurisdiction's loaded statements.
    await page.locator('nav').getByRole('link', { name: 'Sao kê & đối soát' }).click();
    await textOf(page.locator('#statements-table tbody tr').first(), /sao-ke\.xml.*Đã đối chiếu xong/);

    await page.goto(`${platform.url}/#/reconciliation/${cycleId}`);
    await textOf(page.locator('#balanced'), /^Khớp$/);
    await page.locator('#trend svg').waitFor();
    await look(page, '11-finance-reconciliation-dashboard');

    // What the API says, to compare the screen with (every payment was booked: all matched).
    const token = await platform.identityProvider.tokenFor(demoUser('finance_preparer'));
    const truth = (await api(platform, 'GET', `/v1/disbursement-cycles/${cycleId}/reconciliation`, { token })).body;
    const vnd = (n: number) => new RegExp(`${n.toLocaleString('vi-VN').replace(/\./g, '\\.')}\\s₫`);
    const cats = truth.byCategory as { category: string; count: number; amount: number }[];
    expect(cats.map((c) => [c.category, c.count])).toEqual([
      ['KT_NANG', 1],
      ['NCT_80', 3],
    ]);
    expect(cats.reduce((s, c) => s + c.amount, 0)).toBe(truth.approved.amount);

    // The category chart and its table: one row per category with its count and VND, one cell per outcome.
    const section = page.locator('#by-category');
    expect(await section.locator('svg.chart').getAttribute('aria-label')).toMatch(/Người khuyết tật nặng/);
    const tableRows = section.getByRole('region', { name: 'Theo đối tượng' }).locator('tbody tr');
    expect(await tableRows.count()).toBe(2);
    for (const [i, c] of cats.entries()) {
      const cells = tableRows.nth(i).locator('td');
      expect(await cells.nth(1).textContent()).toBe(String(c.count));
      expect(await cells.nth(2).textContent()).toMatch(vnd(c.amount));
      expect(await cells.nth(3).textContent()).toMatch(new RegExp(`Khớp: ${c.count} · `));
    }
    expect(await tableRows.nth(0).locator('td').first().textContent()).toBe('Người khuyết tật nặng');

    // Drill-down from the cell (keyboard): the one severely disabled person's payment, and only it.
    await section.locator('button[data-category="KT_NANG"][data-outcome="MATCHED"]').focus();
    await page.keyboard.press('Enter');
    await textOf(page.locator('#drill-h'), /Người khuyết tật nặng · Khớp/);
    expect(await page.evaluate('document.activeElement?.id')).toBe('drill-h');
    const drilled = page.locator('section[aria-labelledby="drill-h"] tbody tr');
    expect(await drilled.count()).toBe(1);
    expect(await drilled.first().textContent()).toMatch(vnd(cats[0]?.amount ?? 0));

    // Paid vs settled over time: this month's approved, paid (bank status) and settled (statement) are all of it.
    const trendRow = page.locator('#trend tbody tr').last();
    const trendCells = await trendRow.locator('td').allTextContents();
    expect(trendCells[0]).toBe(PERIOD.split('-').reverse().join('/'));
    for (const cell of trendCells.slice(1, 4)) expect(cell).toMatch(vnd(truth.approved.amount));
    await look(page, '11b-finance-reconciliation-by-category');

    // The period by province, reached from the dashboard; then the same in English on a 360-px screen.
    await page.locator('#to-period').click();
    await page.waitForURL(/#\/reconciliation\/period\/2026-05$/);
    const provinces = page.getByRole('region', { name: 'Theo tỉnh', exact: true }).locator('tbody tr');
    await textOf(provinces.first(), /TP\. Hồ Chí Minh/);
    expect(await provinces.count()).toBe(1);
    expect(await provinces.first().locator('td').nth(2).textContent()).toMatch(vnd(truth.approved.amount));
    expect(await page.locator('#by-province svg.chart').getAttribute('aria-label')).toMatch(/TP\. Hồ Chí Minh/);
    await look(page, '11c-finance-reconciliation-by-province');
    await page.setViewportSize({ width: 360, height: 780 });
    await page.locator('#lang-switch').click();
    await textOf(page.locator('#prov-h'), /^Outcomes by province$/);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await page.goBack();
    await textOf(page.locator('#cat-h'), /^Outcomes by category$/);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await look(page, '11d-finance-reconciliation-by-category-en-360');
    await page.locator('#lang-switch').click();
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
    await look(page, '12-beneficiary-payments-vi');
    await page.locator('#lang-switch').click();
    await textOf(page.locator('#latest-payment'), /Paid into your bank account/);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await look(page, '13-beneficiary-payments-en');
    await context.close();
  }, 60_000);
});

describe('the auditor', () => {
  it('picks a cycle from a jurisdiction list (no id to type), on a 360-px screen', async () => {
    const { page, context } = await signedIn(browser, platform.url, 'thanhtra', { width: 360, height: 780 });
    await page.goto(`${platform.url}/#/cycles`);
    // The provinces are offered by name; the auditor may still type a commune's code.
    expect(await page.locator('#cycles-provinces option').count()).toBe(34);
    expect(await page.locator('#cycles-provinces option[value="79"]').getAttribute('label')).toBe(
      '79 · TP. Hồ Chí Minh',
    );
    await page.locator('#cycles-jurisdiction').fill('79');
    await page.locator('#cycles-period').fill(PERIOD);
    await page.locator('#cycles-filters button[type=submit]').click();
    const link = page.locator('a[data-cycle="dc-tcxh_hang_thang-2026-05-79"]');
    await textOf(link, /05\/2026/);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await look(page, '15-auditor-cycles');
    await link.click();
    await textOf(page.locator('#cycle-status'), /Đã kết thúc/);
    await context.close();
  }, 60_000);

  it("a payee the population registry no longer knows is held in the next month's draft, with the reason", async () => {
    // The third person of the list the labour officer uploaded (see 'the whole story through the console').
    const [, , third] = loadPopulation(4000).filter(
      (p) => p.status === 'alive' && p.residenceProvinceCode === '79' && agedAtLeast(80)(p),
    );
    platform.registry.removePerson(third?.personalId as string);
    const { page, context } = await signedIn(browser, platform.url, 'ketoan.lap');
    await page.locator('#period').fill('2026-06');
    await page.locator('#create-cycle').click();
    await page.waitForURL(/#\/cycles\/dc-/);
    await textOf(page.locator('#cycle-status'), /Bản nháp/);
    expect(await page.locator('#total-payees').textContent()).toBe('3');
    expect(await textOf(page.locator('#total-held'), /Tạm giữ/)).toMatch(
      /^Tạm giữ, không chi: 1 · \d{1,3}(\.\d{3})+\s₫ — Không còn trong CSDL quốc gia về dân cư: 1 \(/,
    );
    await look(page, '16-finance-cycle-held');
    await context.close();
  }, 60_000);

  it('a cycle that failed before approval shows why, and the preparer computes it again', async () => {
    platform.registry.setFaults({ failNext: 1_000_000 });
    const { page, context } = await signedIn(browser, platform.url, 'ketoan.lap');
    await page.locator('#period').fill('2026-07');
    await page.locator('#create-cycle').click();
    await page.waitForURL(/#\/cycles\/dc-/);
    await textOf(page.locator('#cycle-status'), /Thất bại/);
    await textOf(page.locator('#failure'), /^CSDL quốc gia về dân cư không trả lời/);
    expect(await page.locator('#failed-panel .meta').textContent()).toMatch(/^Registry(Unavailable|CircuitOpen)/);
    await look(page, '17-finance-cycle-failed');
    // The registry is back and the client's circuit breaker has cooled down (30 s).
    platform.registry.setFaults({});
    await new Promise((r) => setTimeout(r, 31_000));
    await page.locator('#retry-cycle').click();
    await textOf(page.locator('#cycle-status'), /Bản nháp/);
    expect(await page.locator('#failed-panel').count()).toBe(0);
    expect(await page.locator('#total-payees').textContent()).toBe('3');
    await context.close();
  }, 90_000);
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
    await look(page, '14-denied-beneficiary-on-lists');
    await denied(page, 'cycles', ['#create-cycle', '#period']);
    await denied(page, `cycles/dc-tcxh_hang_thang-${PERIOD}-79`, ['#approve-cycle', '#submit-cycle']);
    await denied(page, 'statements', ['#statement-file']);
    await denied(page, `reconciliation/dc-tcxh_hang_thang-${PERIOD}-79`, ['svg.chart']);
    await context.close();
  }, 60_000);

  it('the labour officer cannot reach finance or beneficiary pages', async () => {
    const { page, context } = await signedIn(browser, platform.url, 'canbo.hcm');
    expect(await navLinks(page)).toEqual(['Danh sách người hưởng', 'Hồ sơ cần xử lý']);
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
