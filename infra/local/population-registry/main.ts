/**
 * The local population registry on its own:
 *   node --import tsx infra/local/population-registry/main.ts [--file path | --generate 2000000 --seed 1] [--port 3100]
 * or, to write a big synthetic population file and exit:
 *   node --import tsx infra/local/population-registry/main.ts --write-generated out.csv --count 1000000 [--seed 1]
 */
import { parseArgs } from 'node:util';
import { serveUntilSignal } from '../serve-until-signal.js';
import { writePopulationCsv } from './population-index.js';
import { startRegistryServer } from './registry-server.js';

function int(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer`);
  return n;
}

async function main(): Promise<{ stop(): Promise<void> }> {
  const { values } = parseArgs({
    options: {
      file: { type: 'string' },
      generate: { type: 'string' },
      seed: { type: 'string' },
      port: { type: 'string' },
      'write-generated': { type: 'string' },
      count: { type: 'string' },
    },
    strict: true,
  });
  const seed = int('seed', values.seed, 1);

  if (values['write-generated']) {
    const count = int('count', values.count, 1_000_000);
    const t0 = performance.now();
    await writePopulationCsv(values['write-generated'], count, seed);
    console.log(`Wrote ${count} people to ${values['write-generated']} in ${Math.round(performance.now() - t0)} ms`);
    process.exit(0);
  }

  const t0 = performance.now();
  const server = await startRegistryServer({
    port: int('port', values.port, 3100),
    ...(values.file ? { populationFile: values.file } : {}),
    ...(values.generate ? { generated: { count: int('generate', values.generate, 0), seed } } : {}),
  });
  const mb = (server.index.byteLength / 1048576).toFixed(1);
  console.log(
    `Population registry on ${server.url} (POST /v1/people:batchGet): ${server.index.size} people, ` +
      `index ${mb} MiB, loaded in ${Math.round(performance.now() - t0)} ms`,
  );
  return server;
}

serveUntilSignal(main);
