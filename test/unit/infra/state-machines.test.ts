/**
 * Every state machine definition is valid Amazon States Language (asl-validator, with path and ARN checks),
 * both as stored (with `${Placeholder}` DefinitionSubstitutions) and as deployed (placeholders replaced by
 * Lambda function ARNs).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { system } from '../../../infra/system.js';

interface ValidationResult {
  isValid: boolean;
  errors: { 'Error code': string; Message: string }[];
  errorsText: (separator?: string) => string;
}
// asl-validator is CommonJS and ships no type declarations.
const validator = createRequire(import.meta.url)('asl-validator') as (
  definition: unknown,
  opts?: { checkPaths?: boolean; checkArn?: boolean },
) => ValidationResult;

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DIR = resolve(REPO_ROOT, 'state-machines');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.asl.json'));
const OPTIONS = { checkPaths: true, checkArn: true };

/** The validator annotates the definition it is given (QueryLanguage): always hand it a fresh copy. */
const validate = (definition: unknown) => validator(structuredClone(definition), OPTIONS);
const read = (file: string) => readFileSync(resolve(DIR, file), 'utf8');

/** What CloudFormation's DefinitionSubstitutions produce: a Lambda function ARN per placeholder. */
function substitute(file: string): unknown {
  const sm = Object.values(system.stateMachines).find((s) => s.definitionFile === `state-machines/${file}`);
  if (!sm) throw new Error(`${file} belongs to no state machine of infra/system.ts`);
  const text = read(file).replace(/\$\{(\w+)\}/g, (_, key: string) => {
    const fn = sm.functions[key];
    if (!fn) throw new Error(`${file}: no substitution for \${${key}}`);
    return `arn:aws:lambda:ap-southeast-1:123456789012:function:Ansinh-${fn[0]?.toUpperCase()}${fn.slice(1)}Fn-Q3rT8vWx2YzA`;
  });
  return JSON.parse(text);
}

describe('asl-validator', () => {
  it('finds the state machine files', () => {
    expect(FILES.length).toBeGreaterThan(0);
  });

  it('rejects a broken definition (so a pass below means something)', () => {
    const definition = JSON.parse(read(FILES[0] as string));
    const [first] = Object.keys(definition.States);
    definition.States[first as string].Next = 'NoSuchState';
    delete definition.States[first as string].End;
    const result = validate(definition);
    expect(result.isValid).toBe(false);
    expect(result.errorsText()).toMatch(/NoSuchState/);
  });

  it('rejects a malformed path and a malformed Lambda ARN', () => {
    const task = (extra: Record<string, unknown>) => ({
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true, ...extra } },
    });
    expect(validate(task({})).isValid).toBe(true);
    expect(validate(task({ OutputPath: 'Payload' })).errorsText()).toMatch(/OutputPath is invalid/);
    expect(validate(task({ Resource: 'not-an-arn' })).errorsText()).toMatch(/Resource is invalid/);
  });
});

describe.each(FILES)('%s', (file) => {
  it('is valid as stored, with placeholders', () => {
    const result = validate(JSON.parse(read(file)));
    expect(result.errorsText()).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('is valid once its placeholders are replaced with Lambda ARNs', () => {
    const definition = substitute(file);
    expect(JSON.stringify(definition)).toMatch(/arn:aws:lambda:ap-southeast-1:123456789012:function:/);
    const result = validate(definition);
    expect(result.errorsText()).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('retries transient Lambda faults on every task, including those inside Map and Parallel states', () => {
    const tasks: [string, Record<string, unknown>][] = [];
    const walk = (states: Record<string, Record<string, any>>) => {
      for (const [name, state] of Object.entries(states)) {
        if (state.Type === 'Task') tasks.push([name, state]);
        const processor = state.ItemProcessor ?? state.Iterator;
        if (processor) walk(processor.States);
        for (const branch of state.Branches ?? []) walk(branch.States);
      }
    };
    walk((substitute(file) as { States: Record<string, Record<string, any>> }).States);
    expect(tasks.length).toBeGreaterThan(0);
    for (const [name, state] of tasks) {
      const retried = ((state.Retry as { ErrorEquals: string[] }[] | undefined) ?? []).flatMap((r) => r.ErrorEquals);
      const covered = retried.some((e) => e === 'States.ALL' || e === 'Lambda.ServiceException');
      expect(covered ? name : `${name} (no retry of Lambda faults)`).toBe(name);
    }
  });
});
