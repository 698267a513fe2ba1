/**
 * The local population registry on its own:
 *   node --import tsx infra/local/population-registry/main.ts [--file path | --generate 2000000 --seed 1] [--port 3100]
 * or, to write a big synthetic population file and exit:
 *   node --import tsx infra/local/population-registry/main.ts --write-generated out.csv --count 1000000 [--seed 1]
 */
import { parseArgs } from 'node:util';
import { intOption, serveUntilSignal } from '../service-cli.js';
import { writePopulationCsv } from './population-index.js';
import { startRegistryServer } from './registry-server.js';

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
  const seed = intOption('seed', values.seed, 1);

  if (values['write-generated']) {
    const count = intOption('count', values.count, 1_000_000);
    const t0 = performance.now();
    await writePopulationCsv(values['write-generated'], count, seed);
    console.log(`Wrote ${count} people to ${values['write-generated']} in ${Math.round(performance.now() - t0)} ms`);
    process.exit(0);
  }

  const t0 = performance.now();
  const server = await startRegistryServer({
    port: intOption('port', values.port, 3100),
    ...(values.file ? { populationFile: values.file } : {}),
    ...(values.generate ? { generated: { count: intOption('generate', values.generate, 0), seed } } : {}),
  });
  const mb = (server.index.byteLength / 1048576).toFixed(1);
  console.log(
    `Population registry on ${server.url} (POST /v1/people:batchGet): ${server.index.size} people, ` +
      `index ${mb} MiB, loaded in ${Math.round(performance.now() - t0)} ms`,
  );
  return server;
}

serveUntilSignal(main);
