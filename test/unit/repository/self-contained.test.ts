/**
 * A clone is all a user gets: no tracked file outside the docs may reach beside the repository (the domain
 * reference the project was built from lives there on the developers' machines, never on a user's).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function trackedFiles(): string[] {
  try {
    return execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  } catch (err) {
    throw new Error(`This test lists tracked files with git: install git (apt-get install git). ${String(err)}`);
  }
}

const DOCS = /\.md$/;
// Spelled in parts so that this file does not match itself.
const SIBLING_DATA = new RegExp(['shared', 'domain'].join('/'));
/** A relative path that climbs: `../shared/x`, `../../../shared`, as imports and `new URL(…, import.meta.url)` write them. */
const CLIMBING = /(?:\.\.\/)+[\w.-]+/g;

/** Why a line reaches outside the repository, or undefined. `functions/x/../shared/` is inside: resolve first. */
function outside(file: string, line: string): string | undefined {
  if (SIBLING_DATA.test(line)) return 'names the sibling domain folder';
  for (const [path] of line.matchAll(CLIMBING)) {
    const target = relative(ROOT, resolve(ROOT, dirname(file), path));
    if (target.startsWith('..')) return `${path} resolves outside the repository`;
  }
  return undefined;
}

describe('the repository stands alone', () => {
  it('the check sees a climbing path for what it is', () => {
    expect(outside('functions/a/b.ts', "import x from '../shared/y.js';")).toBeUndefined();
    expect(outside('test/a.ts', "new URL('../../shared/population.csv', import.meta.url)")).toMatch(/outside/);
    expect(outside('README.txt', 'cat ../shared/x')).toMatch(/outside/);
  });

  it('no tracked file outside the docs refers to ../shared or anything else beside the repository', () => {
    const files = trackedFiles();
    expect(files.length).toBeGreaterThan(100);
    const offenders: string[] = [];
    for (const file of files) {
      if (DOCS.test(file)) continue;
      const text = readFileSync(join(ROOT, file), 'latin1');
      for (const [i, line] of text.split('\n').entries()) {
        const why = outside(file, line);
        if (why) offenders.push(`${file}:${i + 1}: ${why}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('no test skips itself or is left as a todo', () => {
    const skip = new RegExp(['\\b(describe|it|test)\\.(skip|todo)\\(', '\\bx(it|describe|test)\\(', 'SKIP'].join('|'));
    const offenders = trackedFiles()
      .filter((f) => f.startsWith('test/') && f.endsWith('.ts') && !f.endsWith('self-contained.test.ts'))
      .flatMap((f) =>
        readFileSync(join(ROOT, f), 'utf8')
          .split('\n')
          .flatMap((line, i) => (skip.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [])),
      );
    expect(offenders).toEqual([]);
  });
});
