/**
 * The two ways the definition is run stand side by side: the CDK app (infra/cdk) and the local runtime
 * (infra/local) never import each other. What both need (the console's security headers) lives above them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

const INFRA = fileURLToPath(new URL('../../../infra/', import.meta.url));
const IMPORT = /(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g;

const importsOf = (dir: string): [string, string][] =>
  readdirSync(join(INFRA, dir))
    .filter((f) => f.endsWith('.ts'))
    .flatMap((f) =>
      [...readFileSync(join(INFRA, dir, f), 'utf8').matchAll(IMPORT)].map(
        (m) => [`${dir}/${f}`, m[1] as string] as [string, string],
      ),
    );

describe('infra/cdk and infra/local', () => {
  it('the check sees an import for what it is', () => {
    expect([..."import { x } from '../local/gateway.js';".matchAll(IMPORT)].map((m) => m[1])).toEqual([
      '../local/gateway.js',
    ]);
  });

  it('the CDK app imports nothing of the local runtime', () => {
    const cdk = importsOf('cdk');
    expect(cdk.length).toBeGreaterThan(10);
    expect(cdk.filter(([, target]) => target.includes('/local/'))).toEqual([]);
  });

  it('the local runtime imports nothing of the CDK app', () => {
    const local = importsOf('local');
    expect(local.length).toBeGreaterThan(10);
    expect(local.filter(([, target]) => target.includes('/cdk/'))).toEqual([]);
  });
});
