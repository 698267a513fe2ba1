/**
 * The house rules on arrows, read from the source: nothing under functions/ imports infra/ (the deployment
 * reaches a function only through its environment, functions/shared/platform-env.ts); each table has one
 * owner module, the only one that touches the DynamoDB SDK for it, names its table and spells its keys; and
 * no module reaches itself through its imports. A small import-graph walker, no dependency: each check is a
 * pure function of { path → source }, proven able to fail on a synthetic tree below.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { system } from '../../../infra/system.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The one owner of each table of the definition: its keys, queries, conditional writes, batches and retries. */
const TABLE_OWNERS: Record<string, string> = {
  jobs: 'functions/jobs/job-store.ts',
  listRows: 'functions/beneficiary-lists/list-store.ts',
  accounts: 'functions/accounts/account-store.ts',
  cycles: 'functions/disbursement-cycles/cycle-store.ts',
  payments: 'functions/payment-ledger/ledger-store.ts',
  reconciliation: 'functions/reconciliation/reconciliation-store.ts',
  cases: 'functions/cases/case-store.ts',
  notifications: 'functions/notifications/outbox-store.ts',
  rateLimits: 'functions/shared/rate-limit.ts',
  callbackReceipts: 'functions/payments/callback-receipts.ts',
};

/**
 * Not owners, but allowed the SDK: the client factory (and the health check's DescribeTable through it), the
 * one BatchGet/BatchWrite with retries, and the newest-first page reader the owners' listings share.
 */
const SDK_PLUMBING = [
  'functions/shared/aws-clients.ts',
  'functions/shared/dynamo-batch.ts',
  'functions/shared/listing.ts',
];

/** Key prefixes, each spelled only by its table's owner. */
const KEY_PREFIXES: Record<string, string[]> = {
  // ENROL#: enrolments are in the account or an item of their own; only the owner reads both (enrolmentsOfAccounts).
  accounts: ['PERSON#', 'PID#', 'ACCT#', 'J#', 'LOOKUPS#', 'OPENED#', 'ENROL#'],
  payments: ['BATCH#', 'CHUNK#', 'CURSOR#', 'CUTOFF#', 'TOTALS#'],
  cycles: ['CYCLE#', 'BUDGET#', 'TURN#'],
  reconciliation: ['BOOK#', 'BOOKED#', 'RETURN#', 'IMPORT#', 'ACCOUNT#'],
};

const DYNAMODB_SDK = new Set(['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb']);

type Tree = Map<string, string>;

function sourceTree(dir: string): Tree {
  const tree: Tree = new Map();
  const walk = (d: string) => {
    for (const entry of readdirSync(join(ROOT, d), { withFileTypes: true })) {
      const path = `${d}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (/\.tsx?$/.test(entry.name)) tree.set(path, readFileSync(join(ROOT, path), 'utf8'));
    }
  };
  walk(dir);
  return tree;
}

/** Every module specifier of a file: static imports and re-exports (type-only too), and dynamic imports. */
function specifiers(source: string): string[] {
  const found: string[] = [];
  const patterns = [
    /^\s*(?:import|export)\s[^;]*?\sfrom\s+['"]([^'"]+)['"]/gms,
    /^\s*import\s+['"]([^'"]+)['"]/gm,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const m of source.matchAll(pattern)) found.push(m[1] as string);
  return found;
}

/** A relative specifier as a repository path (`./x.js` → `dir/x.ts`); packages stay as they are. */
function resolveSpecifier(from: string, spec: string): string {
  if (!spec.startsWith('.')) return spec;
  return normalize(join(dirname(from), spec))
    .replace(/\\/g, '/')
    .replace(/\.js$/, '.ts');
}

/** Files under functions/ that import anything under infra/. */
function importsOfInfra(tree: Tree): string[] {
  const out: string[] = [];
  for (const [file, source] of tree) {
    if (!file.startsWith('functions/')) continue;
    for (const spec of specifiers(source)) {
      if (resolveSpecifier(file, spec).startsWith('infra/')) out.push(`${file} → ${spec}`);
    }
  }
  return out;
}

/** Files that import the DynamoDB SDK without being a table owner or the shared plumbing. */
function sdkOutsideOwners(tree: Tree, allowed: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const [file, source] of tree) {
    if (allowed.has(file)) continue;
    for (const spec of specifiers(source)) if (DYNAMODB_SDK.has(spec)) out.push(`${file} → ${spec}`);
  }
  return out;
}

/** Code lines only: a comment may name a key format, only code spells it. */
const codeOf = (source: string) =>
  source
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .split('\n')
    .map((line) => line.replace(/^\s*\/\/.*$/, ''))
    .join('\n');

/** `resources.table('x')` outside x's owner, and a key prefix spelled outside its table's owner. */
function tablesOutsideOwners(tree: Tree, owners: Record<string, string>, prefixes: Record<string, string[]>) {
  const out: string[] = [];
  for (const [file, source] of tree) {
    const code = codeOf(source);
    for (const m of code.matchAll(/resources\.table\(\s*['"]([A-Za-z0-9]+)['"]\s*\)/g)) {
      if (owners[m[1] as string] !== file) out.push(`${file} names table ${m[1]}`);
    }
    for (const [table, list] of Object.entries(prefixes)) {
      if (owners[table] === file) continue;
      for (const prefix of list) {
        if (new RegExp(`['\`]${prefix.replace('#', '\\#')}`).test(code)) out.push(`${file} spells ${prefix}`);
      }
    }
  }
  return out;
}

/** Import circles among the tree's files (each as a path a → … → a), by depth-first search. */
function importCircles(tree: Tree): string[][] {
  const edges = new Map<string, string[]>();
  for (const [file, source] of tree) {
    edges.set(
      file,
      specifiers(source)
        .map((s) => resolveSpecifier(file, s))
        .filter((target) => tree.has(target)),
    );
  }
  const circles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of edges.get(file) ?? []) {
      if (state.get(next) === 'open') circles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of [...tree.keys()].sort()) if (!state.has(file)) visit(file);
  return circles;
}

describe('the checks can fail', () => {
  const synthetic: Tree = new Map([
    ['functions/a/one.ts', "import { two } from './two.js';\nexport const one = () => two;"],
    ['functions/a/two.ts', "import type { one } from './one.js';\nexport const two = 2;"],
    ['functions/b/up.ts', "import { system } from '../../infra/system.js';"],
    ['functions/b/lazy.ts', "const m = await import('../../infra/local/runtime.js');"],
    ['functions/b/handler.ts', "import {\n  GetCommand,\n} from '@aws-sdk/lib-dynamodb';\nresources.table('jobs');"],
    ['functions/b/keys.ts', 'const key = `PERSON#` + id; // PERSON# in a comment is fine'],
    ['functions/b/owner.ts', "import { QueryCommand } from '@aws-sdk/lib-dynamodb';\nresources.table('jobs');"],
  ]);

  it('finds an import of infra/, static or dynamic', () => {
    expect(importsOfInfra(synthetic)).toEqual([
      'functions/b/up.ts → ../../infra/system.js',
      'functions/b/lazy.ts → ../../infra/local/runtime.js',
    ]);
  });

  it('finds the DynamoDB SDK outside the declared owners, over several lines', () => {
    expect(sdkOutsideOwners(synthetic, new Set(['functions/b/owner.ts']))).toEqual([
      'functions/b/handler.ts → @aws-sdk/lib-dynamodb',
    ]);
  });

  it('finds a table named, or a key spelled, outside its owner', () => {
    expect(
      tablesOutsideOwners(synthetic, { jobs: 'functions/b/owner.ts', accounts: 'x.ts' }, { accounts: ['PERSON#'] }),
    ).toEqual(['functions/b/handler.ts names table jobs', 'functions/b/keys.ts spells PERSON#']);
  });

  it('finds an import circle, type-only imports included', () => {
    expect(importCircles(synthetic)).toEqual([['functions/a/one.ts', 'functions/a/two.ts', 'functions/a/one.ts']]);
  });
});

describe('the house', () => {
  const functions = sourceTree('functions');

  it('every table of the definition has exactly one owner module, and it exists', () => {
    expect(Object.keys(TABLE_OWNERS).sort()).toEqual(Object.keys(system.tables).sort());
    for (const owner of Object.values(TABLE_OWNERS)) expect(functions.has(owner)).toBe(true);
  });

  it('nothing under functions/ imports infra/', () => {
    expect(importsOfInfra(functions)).toEqual([]);
  });

  it('only the table owners (and the shared plumbing) import the DynamoDB SDK', () => {
    expect(sdkOutsideOwners(functions, new Set([...Object.values(TABLE_OWNERS), ...SDK_PLUMBING]))).toEqual([]);
  });

  it('a table is named, and its keys spelled, by its owner only', () => {
    expect(tablesOutsideOwners(functions, TABLE_OWNERS, KEY_PREFIXES)).toEqual([]);
  });

  it('no import circles under functions/ and schemas/', () => {
    const tree = new Map([...functions, ...sourceTree('schemas')]);
    expect(importCircles(tree)).toEqual([]);
  });

  it('the walker sees the real tree (over 150 files with imports)', () => {
    const withImports = [...functions].filter(([, s]) => specifiers(s).length > 0).map(([f]) => f);
    expect(withImports.length).toBeGreaterThan(150);
  });
});
