/**
 * Benchmarks of the platform on the local runtime (not tests: they print figures, they assert nothing).
 *   npm run bench                 lists the benchmarks
 *   npm run bench -- <name> ...   runs one (its own options follow the name, e.g. `--rows 20000`)
 * A benchmark is a module in test/bench/ exporting `description` and `run(args)`, registered below.
 */
import { LOCAL_POWERTOOLS_ENV } from '../../infra/local/powertools-env.js';

export interface Benchmark {
  description: string;
  run(args: string[]): Promise<void>;
}

const BENCHMARKS: Record<string, () => Promise<Benchmark>> = {
  onboarding: () => import('./onboarding.js'),
  disbursement: () => import('./disbursement.js'),
  status: () => import('./status.js'),
  reconciliation: () => import('./reconciliation.js'),
  codecs: () => import('./codecs.js'),
  'parse-memory': () => import('./parse-memory.js'),
  'index-cost': () => import('./index-cost.js'),
};

// Before any handler module builds its Powertools logger: chunk-by-chunk info logs would bury the figures.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
Object.assign(process.env, LOCAL_POWERTOOLS_ENV);
process.env.POWERTOOLS_SERVICE_NAME ??= 'ansinh-bench';

const [name, ...args] = process.argv.slice(2);
const load = name ? BENCHMARKS[name] : undefined;
if (!load) {
  if (name) console.error(`Unknown benchmark "${name}".`);
  console.log('Benchmarks (npm run bench -- <name> [options]):');
  for (const [id, loadOne] of Object.entries(BENCHMARKS)) {
    console.log(`  ${id.padEnd(16)} ${(await loadOne()).description}`);
  }
  process.exit(name ? 1 : 0);
}
const bench = await load();
try {
  await bench.run(args);
} catch (err) {
  // The figures printed so far stay; the exit code tells a script the run is not to be trusted.
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : err);
  process.exit(1);
}
// Emulators and pooled sockets may keep the loop alive; the figures are printed, so leave.
process.exit(0);
