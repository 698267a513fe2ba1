/**
 * A failed payment comes back within the month (issue 17), walked through the console in a real browser: the
 * bank rejects a payment with AC04 → the labour officer finds the case in the inbox → the person was told (the
 * local notification page) → one officer proposes a new bank account, a second officer (of the payee's commune)
 * confirms it after the bank's name check → a finance officer prepares the supplementary cycle, another approves
 * it → the re-issued payment settles → the case closes; the beneficiary follows it on a phone and reports a month
 * not received, and hears back; the trace timeline shows every step. Every page is photographed into
 * test-artifacts/screenshots/ and audited with axe (WCAG 2 A/AA).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Locator, Page } from 'playwright-core';
import { type AccountRecord, getAccountByPersonalId } from '../../functions/accounts/account-store.js';
import { toBankName } from '../../functions/iso20022/text.js';
import { maskDigits } from '../../functions/shared/pii.js';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import { launchChromium, shot, signedIn } from '../support/browser.js';
import { accountNumberFor, BANK_BIN, type Harness, harness, runCycle } from '../support/disbursement.js';
import { api, demoUser, startTestPlatform } from '../support/platform.js';
import { expectAccessible } from './a11y.js';

const NEW_ACCOUNT = '0099887766';
const SUPPLEMENTARY = 'dc-tcxh_hang_thang_bs1-2026-01-79';
let platform: LocalPlatform;
let browser: Browser;
let h: Harness;
let account: AccountRecord;
let caseId = '';
let rejectedId = '';

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

async function look(page: Page, name: string): Promise<void> {
  await shot(page, name);
  await expectAccessible(page, name);
}

/** Nothing on the page names the person's identity number or their bank accounts in full. */
async function expectNoPii(page: Page) {
  const text = (await page.locator('body').textContent()) ?? '';
  expect(text).not.toContain(account.personalId);
  expect(text).not.toContain(accountNumberFor(0));
  expect(text).not.toContain(NEW_ACCOUNT);
  expect(text).not.toContain(account.fullName);
}

/** The i-th enrolled person signed in on their own page (a 360-px phone), with a token of the local provider. */
async function beneficiary(i: number) {
  const token = await platform.identityProvider.tokenFor({
    username: `nguoihuong.${i}`,
    displayName: `Người hưởng ${i}`,
    role: 'beneficiary',
    personalId: (h.people[i] as { personalId: string }).personalId,
  });
  const context = await browser.newContext({ viewport: { width: 360, height: 780 } });
  const page = await context.newPage();
  await page.goto(`${platform.url}/#/signin`);
  await page.evaluate(`sessionStorage.setItem('ansinh.session', ${JSON.stringify(token)}); location.hash = '#/me'`);
  await page.locator('#hist-h').waitFor();
  return { page, context };
}

async function openCase(page: Page, state: RegExp) {
  await page.goto(`${platform.url}/#/cases/${caseId}`);
  await textOf(page.locator('#case-state'), state);
}

beforeAll(async () => {
  process.env.ANSINH_SETTLEMENT_CUTOFF_MINUTES = '1';
  // The test may run at night in Vietnam: quiet hours are tested in the unit tests of message.ts.
  process.env.ANSINH_NOTIFY_QUIET_HOURS = 'none';
  browser = await launchChromium(); // fails (not skips) without Chromium
  platform = await startTestPlatform();
  h = await harness(platform, 2);
  account = (await getAccountByPersonalId((h.people[0] as { personalId: string }).personalId)) as AccountRecord;
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
  delete process.env.ANSINH_SETTLEMENT_CUTOFF_MINUTES;
  delete process.env.ANSINH_NOTIFY_QUIET_HOURS;
});

describe('a payment rejected with AC04, worked through the console until it is paid', () => {
  it('the bank rejects the January payment of the first person: the case is in the officer’s inbox', async () => {
    // December pays everyone their months so far; in January the first person's bank account is closed. The
    // cycles are run as the integration tests run them (console.test.ts walks a cycle through the pages).
    expect((await runCycle(h, '2025-12')).closed.closing.SETTLED.count).toBe(2);
    platform.bank.accounts.set(BANK_BIN, accountNumberFor(0), { status: 'CLOSED' });
    const january = await runCycle(h, '2026-01');
    expect(january.closed.closing.REJECTED.count).toBe(1);

    const { page, context } = await signedIn(browser, platform.url, 'canbo.hcm');
    await page.locator('nav').getByRole('link', { name: 'Hồ sơ cần xử lý' }).click();
    const rows = page.locator('#cases-table tbody tr');
    await textOf(rows.first(), /Tài khoản ngân hàng đã bị đóng \(AC04\)/);
    expect(await rows.count()).toBe(1);
    const cells = (await rows.first().locator('td').allTextContents()).map((t) => t.trim());
    expect(cells[0]).toBe('Tháng 01/2026');
    expect(cells[1]).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
    expect(cells.slice(3, 5)).toEqual(['Mới mở', '0/5 ngày làm việc']);
    caseId = (await rows.first().locator('a[data-case]').getAttribute('data-case')) as string;
    expect(caseId).toMatch(/^CSP202601/);
    await look(page, 'c01-officer-case-inbox');

    // Filters: none is past the service level; the open ones, oldest first, hold it.
    await page.locator('#cases-age').selectOption('overdue');
    await page.locator('#cases-filters button[type=submit]').click();
    await textOf(page.locator('#cases-table tbody'), /Không có dữ liệu/);
    await page.locator('#cases-age').selectOption('');
    await page.locator('#cases-state').selectOption('OPEN');
    await page.locator('#cases-order').selectOption('oldest');
    await page.locator('#cases-filters button[type=submit]').click();
    await textOf(page.locator('#cases-table tbody tr').first(), /AC04/);

    await page.locator(`a[data-case="${caseId}"]`).click();
    await textOf(page.locator('#case-state'), /^Mới mở$/);
    rejectedId = ((await page.locator('#case-payment').textContent()) ?? '').trim();
    expect(rejectedId).toMatch(/^P202601[A-Z2-7]{24}$/);
    expect(await page.locator('#case-reason').textContent()).toBe('Tài khoản ngân hàng đã bị đóng (AC04)');
    await expectNoPii(page);
    await look(page, 'c02-officer-case-open');
    await context.close();
  }, 240_000);

  it('the person was told once, in plain Vietnamese, without identity or account numbers (local notification page)', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${platform.notifications.url}/`);
    const rows = page.locator('tbody tr');
    await textOf(rows.first(), /chưa chuyển được/);
    expect(await rows.count()).toBe(1);
    expect(await rows.first().locator('td').last().textContent()).toBe(
      'Khoản trợ cấp tháng 01/2026 chưa chuyển được vì tài khoản ngân hàng đã đóng. Vui lòng đến UBND xã, phường nơi nhận trợ cấp để cập nhật.',
    );
    await expectNoPii(page);
    await look(page, 'c03-notification-sent');
    await context.close();
  }, 60_000);

  it('one officer proposes the new bank account from the case; the officer of the commune confirms it after the bank’s name check', async () => {
    // The person opened a new account at the bank, in their own name.
    const opened = await fetch(`${platform.bank.url}/control/accounts/${BANK_BIN}/${NEW_ACCOUNT}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'OPEN', holderName: toBankName(account.fullName) }),
    });
    expect(opened.status).toBe(200);

    const first = await signedIn(browser, platform.url, 'canbo.hcm');
    await openCase(first.page, /^Mới mở$/);
    await first.page.locator('#change-bin').fill(BANK_BIN);
    await first.page.locator('#change-account').fill(NEW_ACCOUNT);
    expect(await first.page.locator('#change-commune').inputValue()).toBe('26734');
    await first.page.locator('#change-reason').fill('Tài khoản cũ đã đóng (AC04), người hưởng mở tài khoản mới');
    await first.page.locator('#propose-change').click();
    await textOf(first.page.locator('#case-message'), /^Đã ghi đề xuất/);
    expect(await first.page.locator('#change-pending').textContent()).toContain(`${BANK_BIN} · 00******66`);
    // The proposer cannot confirm their own proposal.
    expect(await first.page.locator('#confirm-change').count()).toBe(0);
    await expectNoPii(first.page);
    await look(first.page, 'c04-officer-change-proposed');
    await first.context.close();

    // Another province's officer does not even see the proposals.
    const hanoi = await platform.identityProvider.tokenFor(demoUser('labor_officer', '01'));
    const path = `/v1/accounts/${account.accountNumber}/payment-method`;
    expect((await api(platform, 'GET', path, { token: hanoi })).status).toBe(404);

    // The commune officer (canbo.xa, commune 26734) sees their commune's case, and confirms.
    const second = await signedIn(browser, platform.url, 'canbo.xa');
    await second.page.locator('nav').getByRole('link', { name: 'Hồ sơ cần xử lý' }).click();
    await textOf(second.page.locator(`a[data-case="${caseId}"]`), /01\/2026/);
    await second.page.locator(`a[data-case="${caseId}"]`).click();
    await textOf(second.page.locator('#case-state'), /^Mới mở$/);
    await second.page.locator('#confirm-change').click();
    expect(await textOf(second.page.locator('#case-message'), /Đã xác nhận/)).toBe(
      'Đã xác nhận thay đổi. Ngân hàng xác nhận đúng tên chủ tài khoản.',
    );
    // Confirming recorded what was done on the case: it waits for the supplementary cycle.
    await textOf(second.page.locator('#case-state'), /^Đã xử lý, chờ chi lại$/);
    expect(await second.page.locator('#change-last').textContent()).toMatch(/00\*{6}66 — đã xác nhận \(MATCH\)/);
    await expectNoPii(second.page);
    await look(second.page, 'c05-second-officer-confirmed');
    await second.context.close();
  }, 120_000);

  it('a finance officer prepares the supplementary cycle, another approves it, and the re-issue settles', async () => {
    const preparer = await signedIn(browser, platform.url, 'ketoan.lap');
    await preparer.page.locator('#period').fill('2026-01');
    await preparer.page.locator('#cycle-kind').selectOption('SUPPLEMENTARY');
    await look(preparer.page, 'c06-finance-supplementary-create');
    await preparer.page.locator('#create-cycle').click();
    await preparer.page.waitForURL(new RegExp(`#/cycles/${SUPPLEMENTARY}$`));
    await textOf(preparer.page.locator('#cycle-status'), /Bản nháp/);
    expect(await preparer.page.locator('h1').textContent()).toBe('Kỳ chi bổ sung 01/2026');
    expect(await preparer.page.locator('#total-payees').textContent()).toBe('1');
    await look(preparer.page, 'c07-finance-supplementary-draft');
    await preparer.page.locator('#submit-cycle').click();
    await textOf(preparer.page.locator('#cycle-status'), /Đã gửi, chờ phê duyệt/);
    expect(await preparer.page.locator('#approve-cycle').count()).toBe(0);
    await preparer.context.close();

    const approver = await signedIn(browser, platform.url, 'ketoan.duyet');
    await approver.page.goto(`${platform.url}/#/cycles/${SUPPLEMENTARY}`);
    await textOf(approver.page.locator('#approve-hash'), /sha256:/);
    expect(await approver.page.locator('#approve-payees').textContent()).toBe('1');
    await approver.page.locator('#confirm-approve').check();
    await approver.page.locator('#approve-cycle').click();
    await textOf(approver.page.locator('#cycle-status'), /Đã kết thúc/, 120_000);
    await textOf(approver.page.locator('.notice.ok').last(), /khớp với số đã phê duyệt/);
    await look(approver.page, 'c08-finance-supplementary-closed');
    await approver.context.close();
  }, 240_000);

  it('the case closes, and the trace shows every step of both payments in order, the identity number masked', async () => {
    const { page, context } = await signedIn(browser, platform.url, 'canbo.hcm');
    await openCase(page, /^Đã đóng$/);
    const steps = (await page.locator('main table tbody tr td:nth-child(2)').allTextContents()).map((t) => t.trim());
    expect(steps).toEqual([
      'Mở hồ sơ',
      'Cán bộ ghi nhận xử lý',
      'Đưa vào kỳ chi bổ sung',
      'Khoản chi lại đã đến, đóng hồ sơ',
    ]);
    // A closed case offers no action.
    expect(await page.locator('#record-action, #propose-change, #propose-write-off').count()).toBe(0);
    const reissueId = ((await page.locator('#case-reissue').textContent()) ?? '').trim();
    expect(reissueId).toMatch(/^R202601[A-Z2-7]{24}$/);
    await look(page, 'c09-officer-case-closed');

    await page.locator('#to-trace').click();
    await textOf(page.locator('h1'), new RegExp(rejectedId));
    const stepIds = await page
      .locator('#trace-steps > li')
      .evaluateAll((els) => els.map((el) => (el as unknown as { dataset: { step: string } }).dataset.step));
    expect(stepIds).toEqual([
      'LIST_ROW',
      'ACCOUNT',
      'ENTITLEMENT',
      'CYCLE',
      'PAIN001',
      'STATUSES',
      'STATEMENT_LINES',
      'RECONCILIATION',
      'CASE',
      'NOTIFICATIONS',
    ]);
    const step = (id: string) => page.locator(`#trace-steps > li[data-step="${id}"]`);
    expect(await step('ACCOUNT').textContent()).toContain(maskDigits(account.personalId));
    expect(await step('ACCOUNT').textContent()).toMatch(/PAYMENT_METHOD_CHANGE_PROPOSED[\s\S]*PAYMENT_METHOD_CHANGED/);
    expect(await step('PAIN001').textContent()).toMatch(/MsgId.+PmtInfId/);
    expect(await step('STATUSES').textContent()).toMatch(/Bị từ chối.*RJCT AC04/);
    expect(await step('CASE').textContent()).toContain('Đã đóng');
    expect(await step('NOTIFICATIONS').textContent()).toContain('chưa chuyển được vì tài khoản ngân hàng đã đóng');
    await expectNoPii(page);
    await look(page, 'c10-trace-rejected-payment');

    // From the case step to the re-issue's own trace: it replaces the rejected payment, and settled.
    await step('CASE').getByRole('link', { name: reissueId }).click();
    await textOf(page.locator('h1'), new RegExp(reissueId));
    await textOf(page.locator('#trace-state'), /^Đã chi trả$/);
    expect(await step('CYCLE').textContent()).toMatch(/Bổ sung \(chi lại\)/);
    expect(await step('CYCLE').getByRole('link', { name: rejectedId }).count()).toBe(1);
    expect(await step('STATUSES').textContent()).toContain('Đã chi trả');
    expect(await step('ACCOUNT').textContent()).toContain('******7766');
    await expectNoPii(page);
    await look(page, 'c11-trace-reissued-payment');
    await context.close();
  }, 120_000);

  it('the beneficiary follows the case on a phone: what happened, its progress and what they were told', async () => {
    const { page, context } = await beneficiary(0);
    // The month's latest payment is the re-issue that arrived, not the rejected one it replaced.
    await textOf(page.locator('#latest-payment .status'), /^Đã chuyển vào tài khoản/);
    const mine = page.locator('#my-cases li[data-case-period="2026-01"]');
    await textOf(mine.locator('.status'), /^Đã xong$/);
    expect(await mine.locator('ol.progress li').count()).toBe(4);
    expect(await mine.locator('ol.progress li').last().textContent()).toMatch(
      /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2} · Đã nhận được tiền, hồ sơ đóng$/,
    );
    expect(await page.locator('#my-messages').textContent()).toContain(
      'chưa chuyển được vì tài khoản ngân hàng đã đóng',
    );
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await look(page, 'c12-beneficiary-case-vi');
    await page.locator('#lang-switch').click();
    await textOf(page.locator('#cases-h'), /^Payments that did not reach you$/);
    await textOf(mine.locator('.status'), /^Done$/);
    await look(page, 'c13-beneficiary-case-en');
    await context.close();
  }, 60_000);

  it('"Tôi chưa nhận được": the report opens a case, the officer answers, and the answer is on the person’s page', async () => {
    const person = await beneficiary(1);
    await person.page.locator('button[data-grievance="2026-01"]').click();
    await textOf(person.page.locator('#me-message'), /^Đã gửi phản ánh về khoản tháng 01\/2026/);
    const mine = person.page.locator('#my-cases li[data-case-period="2026-01"]');
    await textOf(mine.locator('.status'), /^Đã ghi nhận, đang chờ cán bộ xử lý$/);
    expect(await person.page.locator('#my-messages').textContent()).toContain(
      'Chúng tôi đã nhận phản ánh của bạn về khoản trợ cấp tháng 01/2026',
    );
    await look(person.page, 'c14-beneficiary-grievance-sent');

    const officer = await signedIn(browser, platform.url, 'canbo.hcm');
    await officer.page.goto(`${platform.url}/#/cases`);
    await officer.page.locator('#cases-state').selectOption('OPEN');
    await officer.page.locator('#cases-filters button[type=submit]').click();
    const row = officer.page.locator('#cases-table tbody tr').first();
    await textOf(row, /Người hưởng báo chưa nhận được tiền \(GRIEVANCE\)/);
    await row.locator('a[data-case]').click();
    await textOf(officer.page.locator('#case-state'), /^Mới mở$/);
    await officer.page.locator('#action-note').fill('Đã đối chiếu sao kê: tiền đã vào tài khoản');
    await officer.page.locator('#record-action').click();
    await textOf(officer.page.locator('#case-state'), /^Đã xử lý, chờ chi lại$/);
    await look(officer.page, 'c15-officer-grievance-answered');
    await officer.context.close();

    await person.page.reload();
    await textOf(mine.locator('ol.progress li').last(), /Cán bộ đã xử lý$/);
    expect(await person.page.locator('#my-messages').textContent()).toContain(
      'Phản ánh của bạn về khoản trợ cấp tháng 01/2026 đã được cán bộ UBND xã, phường xử lý.',
    );
    // Never the officer's note.
    expect(await person.page.locator('main').textContent()).not.toContain('Đã đối chiếu sao kê');
    await look(person.page, 'c16-beneficiary-grievance-answered');
    await person.context.close();
  }, 90_000);

  it('the auditor reads the case and its trace, and has no action; the beneficiary reaches neither page', async () => {
    const auditor = await signedIn(browser, platform.url, 'thanhtra');
    await auditor.page.goto(`${platform.url}/#/cases`);
    await auditor.page.locator('#cases-jurisdiction').fill('79');
    await auditor.page.locator('#cases-filters button[type=submit]').click();
    await textOf(auditor.page.locator(`a[data-case="${caseId}"]`), /01\/2026/);
    await look(auditor.page, 'c17-auditor-cases');
    await auditor.page.locator(`a[data-case="${caseId}"]`).click();
    await textOf(auditor.page.locator('#case-state'), /^Đã đóng$/);
    expect(await auditor.page.locator('#record-action, #change-panel, #propose-write-off').count()).toBe(0);
    await auditor.page.locator('#to-trace').click();
    await textOf(auditor.page.locator('#trace-state'), /^Bị từ chối$/);
    await auditor.context.close();

    const person = await beneficiary(0);
    for (const route of [`cases/${caseId}`, `trace/${rejectedId}`]) {
      await person.page.goto(`${platform.url}/#/${route}`);
      await textOf(person.page.locator('h1'), /Không có quyền truy cập/);
      expect(await person.page.locator('#case-state, #trace-steps').count()).toBe(0);
    }
    await person.context.close();
  }, 60_000);
});
