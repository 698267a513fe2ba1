/**
 * npm run simulate -- [--seed S] [--runs N]   N sequences from seed S (default: a random seed, 10,000 runs)
 * npm run simulate -- --replay FILE           one sequence (as written on a failure), step by step
 *
 * Exits 1 on a broken invariant, after printing the seed and the shortest failing sequence, which it also
 * writes to <tmpdir>/ansinh-simulation-failure-<seed>.json for --replay.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { describeFailure, runMany, runSequence } from './simulate.js';
import type { Sequence } from './world.js';

const { values } = parseArgs({
  options: { seed: { type: 'string' }, runs: { type: 'string' }, replay: { type: 'string' } },
});

if (values.replay) {
  const seq = JSON.parse(readFileSync(values.replay, 'utf8')) as Sequence;
  const { failure } = runSequence(seq, { trace: (line) => console.log(line) });
  console.log(failure ? `FAILED at step ${failure.step}: ${failure.message}` : 'every invariant holds');
  process.exit(failure ? 1 : 0);
}

const seed = values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
const runs = values.runs !== undefined ? Number(values.runs) : 10_000;
if (!Number.isSafeInteger(seed) || !Number.isSafeInteger(runs) || runs < 1) {
  console.error('--seed and --runs take whole numbers (runs ≥ 1)');
  process.exit(2);
}
const started = performance.now();
const result = runMany(seed, runs);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
if (result.failure) {
  const file = join(tmpdir(), `ansinh-simulation-failure-${result.failure.seed}.json`);
  writeFileSync(file, `${JSON.stringify(result.failure.shrunk, null, 2)}\n`);
  console.error(describeFailure(result.failure, file));
  process.exit(1);
}
console.log(`${runs} sequences from seed ${seed}: every invariant held (${seconds} s)`);
console.log(`endings: ${JSON.stringify(result.endings)}`);
