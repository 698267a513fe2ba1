// The README is a front page that sends readers into docs/: every relative link there and in docs/ must
// lead to a file of the repository, or the front page points at nothing.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from '@jest/globals';

const root = resolve(import.meta.dirname, '../../..');
const pages = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** Relative link targets of a markdown text, outside code blocks, without their #anchor. */
function relativeLinks(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1] ?? '')
    .filter((href) => !/^[a-z]+:/i.test(href) && !href.startsWith('#'))
    .map((href) => href.replace(/#.*$/, ''));
}

describe('documentation links', () => {
  it('finds the relative links of a page, not the web ones or those in code', () => {
    expect(relativeLinks('[a](docs/x.md#y) [b](https://x) [c](#top)\n```\n[d](no.md)\n```')).toEqual(['docs/x.md']);
  });

  it.each(pages)('%s links only to files that exist', (page) => {
    const missing = relativeLinks(readFileSync(join(root, page), 'utf8')).filter(
      (href) => !existsSync(resolve(dirname(join(root, page)), href)),
    );
    expect(missing).toEqual([]);
  });
});
