/**
 * Debian's Chromium driven by playwright-core for the console's browser tests. There is no fallback: a
 * machine without /usr/bin/chromium fails these tests with the install command (.ci/run installs it).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.ANSINH_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = new URL('../../test-artifacts/screenshots/', import.meta.url).pathname;

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: the browser tests need it. Install it with ` +
        '`apt-get install -y chromium` (bash .ci/run does this on a clean machine).',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * A fresh browser profile signed in as a demo user the way a person does it: the console's sign-in button,
 * the identity provider's page (the local one lists the demo users), and back with a code the console redeems.
 * `onProvider` looks at the provider's page before the user is picked.
 */
export async function signedIn(
  browser: Browser,
  baseUrl: string,
  username: string,
  opts: { width?: number; height?: number; screenshot?: string; onProvider?: (page: Page) => Promise<void> } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(err.message));
  await page.goto(`${baseUrl}/#/signin`);
  await page.locator('#signin').click();
  await page.waitForURL(/\/local\/oidc\/authorize\?/);
  if (opts.screenshot) await shot(page, opts.screenshot);
  await opts.onProvider?.(page);
  await page.locator(`button[name="user"][value="${username}"]`).click();
  await page.locator('#signout').waitFor();
  if (problems.length) throw new Error(`page errors: ${problems.join('; ')}`);
  return { context, page };
}
