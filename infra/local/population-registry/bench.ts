/**
 * Ad-hoc measurements of the local registry (not a test):
 *   node --expose-gc --import tsx infra/local/population-registry/bench.ts [--generate 1000000] [--lookups 100000]
 *     [--concurrency 4] [--seed 1]
 * Prints the index size (bytes per person, exact and as measured by the process) and client+server lookups/s.
 */

import { parseArgs } from 'node:util';
import { HttpPopulationRegistry } from '../../../functions/population/registry/registry-client.js';
import { DEFAULT_POPULATION, populationLines } from './population-index.js';
import { loadPopulation, startRegistryServer } from './registry-server.js';

const { values } = parseArgs({
  options: {
    generate: { type: 'string' },
    seed: { type: 'string' },
    lookups: { type: 'string' },
    concurrency: { type: 'string' },
  },
});
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const used = () => {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

const before = used();
const t0 = performance.now();
const generated = values.generate
  ? { count: Number(values.generate), seed: Number(values.seed ?? 1) }
  : { ...DEFAULT_POPULATION };
const index = await loadPopulation({ generated });
const loadMs = performance.now() - t0;
const measured = used() - before;
console.log(
  `index: ${index.size} people loaded in ${Math.round(loadMs)} ms; structures ${index.byteLength} B ` +
    `(${(index.byteLength / index.size).toFixed(1)} B/person); process growth ${measured} B ` +
    `(${(measured / index.size).toFixed(1)} B/person)`,
);

const server = await startRegistryServer({ index });
const lookups = Number(values.lookups ?? 100_000);
const concurrency = Number(values.concurrency ?? 4);
// Ids to look up: the first people of the source (distinct), every 10th replaced by an unknown id.
const ids: string[] = [];
for (const line of populationLines(Math.min(generated.count, lookups), generated.seed)) {
  if (line.startsWith('personal_id')) continue;
  // 0019…: century digit 9 (born in the 2300s), so nobody has it.
  ids.push(ids.length % 10 === 9 ? `0019${String(ids.length).padStart(8, '0')}` : line.slice(0, 12));
  if (ids.length >= lookups) break;
}

const client = new HttpPopulationRegistry({ baseUrl: server.url, concurrency });
await client.lookup(ids.slice(0, 1000)); // warm-up (connections, JIT)
server.resetStats();
const t1 = performance.now();
const result = await client.lookup(ids);
const ms = performance.now() - t1;
const found = [...result.values()].filter((p) => p !== null).length;
console.log(
  `lookups: ${result.size} distinct ids (${found} found) in ${Math.round(ms)} ms = ` +
    `${Math.round((result.size / ms) * 1000)} lookups/s; ${server.stats.requests} requests, ` +
    `max in flight ${server.stats.maxInFlight} (concurrency ${concurrency})`,
);
await server.stop();
