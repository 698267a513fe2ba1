/**
 * `npm run bench -- parse-memory [--rows 100000,1000000]`: the onboarding parse step's loop (chunk-list.ts:
 * read the CSV, check each row, find duplicates in the file, cut chunks of JSON lines) on generated lists of
 * each size, read from disk in its own process each, the chunk bodies counted and dropped (the onboarding
 * bench runs the same loop through S3, whose emulator keeps every chunk in this process's memory). Prints,
 * per size, the heap retained after a full collection every 50,000 rows (first, last, most), the peak heap
 * and RSS, and how the most retained grows from the smallest size to the largest. The only state that must
 * see the whole list is the duplicate set (12 bytes a row, id-set.ts): the rest should not grow.
 * Exits with BrokenInvariant when a run reads another number of rows than written.
 *
 * A list of 1,000,000 rows of this shape is about 105 MB, over the 50 MiB an upload may be
 * (codecs/limits.ts): the bench lifts that cap for its own runs only.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cutIntoChunks } from '../../functions/beneficiary-lists/chunk-list.js';
import { chunkRows, todayInVietnam } from '../../functions/beneficiary-lists/onboarding-config.js';
import { writeList } from './onboarding.js';
import { BrokenInvariant, fmt, gc, MB, mb, printTable } from './support.js';

export const description =
  'parse-memory [--rows 100000,1000000]: the onboarding parse loop on lists of each size, heap retained along the list';

const RETAINED_EVERY_ROWS = 50_000;

interface Outcome {
  rows: number;
  chunks: number;
  seconds: number;
  retained: number[];
  peakHeap: number;
  peakRss: number;
}

async function child(path: string): Promise<void> {
  gc();
  const base = process.memoryUsage();
  const baseUsed = base.heapUsed + base.arrayBuffers;
  let peakHeap = baseUsed;
  let peakRss = base.rss;
  const sample = () => {
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapUsed + m.arrayBuffers);
    peakRss = Math.max(peakRss, m.rss);
  };
  const timer = setInterval(sample, 10);
  const retained: number[] = [];
  let rowsSinceSample = 0;
  const t0 = performance.now();
  const out = await cutIntoChunks({
    source: () => createReadStream(path, { highWaterMark: 64 * 1024 }),
    fileName: 'danh-sach.csv',
    today: todayInVietnam(),
    chunkRows: chunkRows(),
    limits: { maxFileBytes: 4096 * MB },
    writeChunk: async (chunk) => {
      rowsSinceSample += chunk.rows;
      if (rowsSinceSample >= RETAINED_EVERY_ROWS) {
        rowsSinceSample = 0;
        sample();
        gc();
        const m = process.memoryUsage();
        retained.push(m.heapUsed + m.arrayBuffers - baseUsed);
      }
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  sample();
  const result: Outcome = {
    rows: out.rows,
    chunks: out.chunks.length,
    seconds,
    retained,
    peakHeap: peakHeap - baseUsed,
    peakRss,
  };
  console.log(`RESULT ${JSON.stringify(result)}`);
}

export async function run(args: string[]): Promise<void> {
  if (args[0] === '--child') return child(args[1] as string);
  const at = args.indexOf('--rows');
  const sizes = (at >= 0 ? (args[at + 1] ?? '') : '100000,1000000')
    .split(',')
    .map(Number)
    .sort((a, b) => a - b);
  if (!sizes.length || sizes.some((n) => !Number.isSafeInteger(n) || n < 1000))
    throw new Error('--rows takes sizes of at least 1,000 rows, comma-separated (e.g. 100000,1000000)');
  const dir = mkdtempSync(join(tmpdir(), 'ansinh-parse-memory-'));
  const runTs = join(fileURLToPath(new URL('.', import.meta.url)), 'run.ts');
  const results: (Outcome & { fileMb: number })[] = [];
  try {
    for (const rows of sizes) {
      const path = join(dir, `danh-sach-${rows}.csv`);
      await writeList(path, rows, Math.ceil(rows * 1.5), 20251);
      const fileMb = statSync(path).size / MB;
      console.log(`${fmt(rows)} rows (${fmt(fileMb, 1)} MB) written; parsing in a process of its own…`);
      const r = spawnSync(process.execPath, ['--import', 'tsx', runTs, 'parse-memory', '--child', path], {
        encoding: 'utf8',
        maxBuffer: 16 * MB,
        env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'WARN' },
      });
      const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('RESULT '));
      if (!line) throw new Error(`the parse of ${fmt(rows)} rows failed: ${r.stderr || r.error?.message}`);
      const outcome = JSON.parse(line.slice(7)) as Outcome;
      if (outcome.rows !== rows) throw new BrokenInvariant(`parsed ${fmt(outcome.rows)} rows of ${fmt(rows)}`);
      results.push({ ...outcome, fileMb });
      rmSync(path);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const most = (o: Outcome) => Math.max(0, ...o.retained);
  const rowsOf = results.map((o) => [
    `${fmt(o.rows)} rows (${fmt(o.fileMb, 1)} MB, ${fmt(o.chunks)} chunks)`,
    `${fmt(o.seconds, 1)} s (${fmt(o.rows / o.seconds)} rows/s); retained first ${mb(o.retained[0] ?? 0)} / last ${mb(o.retained.at(-1) ?? 0)} / most ${mb(most(o))} MB; peak heap +${mb(o.peakHeap)} MB; peak RSS ${mb(o.peakRss)} MB`,
  ]) as [string, string][];
  const [small, large] = [results[0], results.at(-1)];
  const growth: [string, string][] =
    small && large && large !== small
      ? [
          [
            `growth ${fmt(small.rows)} → ${fmt(large.rows)} rows`,
            `retained +${mb(most(large) - most(small))} MB (${fmt((most(large) - most(small)) / (large.rows - small.rows), 1)} bytes a row; the duplicate set is 12 bytes a row at most, doubled as it grows); peak RSS ×${fmt(large.peakRss / small.peakRss, 2)}`,
          ],
        ]
      : [];
  printTable('Onboarding parse loop: memory by list size (chunk-list.ts, from disk, chunks dropped)', [
    ...rowsOf,
    ...growth,
  ]);
  console.log(
    JSON.stringify({
      bench: 'parse-memory',
      sizes: results.map((o) => ({
        rows: o.rows,
        fileMb: o.fileMb,
        seconds: o.seconds,
        retainedMb: o.retained.map(mb),
        peakHeapMb: mb(o.peakHeap),
        peakRssMb: mb(o.peakRss),
      })),
    }),
  );
}
