/**
 * Accessibility checks for the browser tests: axe-core's WCAG 2.0/2.1/2.2 A and AA rules run in the page as
 * it is (its source evaluated through the DevTools protocol, so the console's CSP stays on), failing on any
 * violation with the rule, its impact, the elements and the help text; and the keyboard focus indicator.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

// The functions handed to page.evaluate run in the browser, where these exist (the tests' types have no DOM).
declare const window: any;
declare const document: any;
declare const getComputedStyle: (el: unknown) => { outlineStyle: string; outlineWidth: string; boxShadow: string };

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  targets: string[];
}

/** Audits the page as shown now; throws with every violation found. */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async (tags: string[]) => {
    const axe = window.axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return (result.violations as any[]).map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      helpUrl: v.helpUrl,
      targets: (v.nodes as any[]).map((n) => [n.target].flat(2).join(' ')),
    }));
  }, WCAG_TAGS);
  if (!violations.length) return;
  const lines = (violations as Violation[]).map(
    (v) => `- ${v.id} (${v.impact}): ${v.help} — ${v.targets.slice(0, 5).join(', ')} — ${v.helpUrl}`,
  );
  throw new Error(
    `${where}: ${violations.length} accessibility violation(s) [${WCAG_TAGS.join(', ')}]\n${lines.join('\n')}`,
  );
}

/** The focused element's outline (or box shadow): a visible focus indicator is at least 2 px. */
export async function focusIndicator(page: Page): Promise<{ element: string; visible: boolean }> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { element: 'body', visible: false };
    const cs = getComputedStyle(el);
    const outline = cs.outlineStyle !== 'none' && Number.parseFloat(cs.outlineWidth) >= 2;
    const shadow = cs.boxShadow !== 'none';
    const label = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} "${(el.textContent ?? '').trim().slice(0, 40)}"`;
    return { element: label, visible: outline || shadow };
  });
}

/**
 * Presses Tab until the focused element matches `target` (a CSS selector, or a pattern for its text), at most
 * `limit` times, and checks that each element passed on the way shows where the focus is.
 */
export async function tabTo(page: Page, target: string | RegExp, limit = 40): Promise<void> {
  const [selector, text] = typeof target === 'string' ? [target, null] : ['*', target.source];
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const focus = await focusIndicator(page);
    if (!focus.visible) throw new Error(`no visible focus indicator on ${focus.element}`);
    const reached = await page.evaluate(
      ([s, t]) => {
        const el = document.activeElement;
        return !!el && el.matches(s as string) && (t === null || new RegExp(t).test(el.textContent ?? ''));
      },
      [selector, text] as const,
    );
    if (reached) return;
  }
  throw new Error(`${target} was not reached with ${limit} presses of Tab`);
}
