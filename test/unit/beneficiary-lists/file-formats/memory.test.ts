import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, test } from '@jest/globals';
import { readCsv } from '../../../../functions/beneficiary-lists/file-formats/csv-reader.js';
import { readXlsx } from '../../../../functions/beneficiary-lists/file-formats/xlsx-reader.js';
import { writeXlsx } from '../../../../functions/codecs/writers.js';
import { enc, HEADERS } from './helpers.js';

const row = (i: number) => [
  String(i),
  `Nguyễn Thị Hồng ${i}`,
  '05/01/1950',
  'Nữ',
  String(79130000000 + i).padStart(12, '0'),
  'NCT_80',
  '15/07/2025',
  'Ngân hàng',
  '970436',
  String(1000000 + i),
  '26734',
  '0912345678',
];

async function* generatedCsv(rows: number): AsyncGenerator<Uint8Array> {
  yield enc.encode(`\uFEFF${HEADERS.join(',')}\r\n`);
  let batch = '';
  for (let i = 1; i <= rows; i++) {
    batch += `${row(i).join(',')}\r\n`;
    if (batch.length > 60_000) {
      yield enc.encode(batch);
      batch = '';
    }
  }
  if (batch) yield enc.encode(batch);
}

/**
 * Retained heap after full collections, sampled along the file: what the readers keep must not grow with the
 * rows read (garbage not yet collected depends on machine load, so peaks are not asserted). Rows/s are printed
 * for information only; performance is asserted in benchmarks, not tests.
 */
const gc: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

const retainedMb = (before: number) => {
  gc();
  return (process.memoryUsage().heapUsed - before) / 1048576;
};

describe('memory and throughput', () => {
  test('200,000-row CSV streams with bounded heap', async () => {
    gc();
    const before = process.memoryUsage().heapUsed;
    const retained: number[] = [];
    let n = 0;
    const t0 = performance.now();
    for await (const r of readCsv(generatedCsv(200_000))) {
      n++;
      if (n % 50_000 === 0) retained.push(retainedMb(before));
      if (n === 200_000) expect(r.line).toBe(200_001);
    }
    const secs = (performance.now() - t0) / 1000;
    expect(n).toBe(200_000);
    expect(Math.max(...retained)).toBeLessThan(20);
    expect((retained.at(-1) ?? 0) - (retained[0] ?? 0)).toBeLessThan(5);
    console.log(
      `CSV: ${Math.round(n / secs)} rows/s, retained heap ${retained.map((m) => m.toFixed(1)).join(' / ')} MiB`,
    );
  });

  test('100,000-row XLSX written and read back streaming', async () => {
    async function* rows() {
      for (let i = 1; i <= 100_000; i++) yield row(i);
    }
    const parts: Uint8Array[] = [];
    for await (const c of writeXlsx([
      { name: 'DS', columns: HEADERS.map((h) => ({ header: h, kind: 'text' as const })), rows: rows() },
    ]))
      parts.push(c);
    gc();
    const before = process.memoryUsage().heapUsed;
    const retained: number[] = [];
    let n = 0;
    const t0 = performance.now();
    for await (const _ of readXlsx(
      (async function* () {
        for (const p of parts) yield p;
      })(),
    )) {
      if (++n % 25_000 === 0) retained.push(retainedMb(before));
    }
    const secs = (performance.now() - t0) / 1000;
    expect(n).toBe(100_000);
    // The reader holds the shared strings and one row at a time, whatever the number of rows.
    expect(Math.max(...retained)).toBeLessThan(30);
    expect((retained.at(-1) ?? 0) - (retained[0] ?? 0)).toBeLessThan(5);
    console.log(
      `XLSX: ${Math.round(n / secs)} rows/s (${parts.reduce((a, p) => a + p.length, 0)} bytes), retained heap ${retained.map((m) => m.toFixed(1)).join(' / ')} MiB`,
    );
  });
});
