import { describe, expect, test } from '@jest/globals';
import { readCsv } from '../../../../functions/beneficiary-lists/file-formats/csv-reader.js';
import { writeXlsx } from '../../../../functions/beneficiary-lists/file-formats/writers.js';
import { readXlsx } from '../../../../functions/beneficiary-lists/file-formats/xlsx-reader.js';
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

describe('memory and throughput', () => {
  test('200,000-row CSV streams with bounded heap', async () => {
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    let n = 0;
    const t0 = performance.now();
    for await (const r of readCsv(generatedCsv(200_000))) {
      n++;
      if (n % 10_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
      if (n === 200_000) expect(r.line).toBe(200_001);
    }
    const secs = (performance.now() - t0) / 1000;
    expect(n).toBe(200_000);
    expect(peak - before).toBeLessThan(60 * 1024 * 1024);
    console.log(`CSV: ${Math.round(n / secs)} rows/s, heap growth ${Math.round((peak - before) / 1048576)} MiB`);
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
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    let n = 0;
    const t0 = performance.now();
    for await (const _ of readXlsx(
      (async function* () {
        for (const p of parts) yield p;
      })(),
    )) {
      if (++n % 10_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    const secs = (performance.now() - t0) / 1000;
    expect(n).toBe(100_000);
    expect(peak - before).toBeLessThan(80 * 1024 * 1024);
    console.log(
      `XLSX: ${Math.round(n / secs)} rows/s (${parts.reduce((a, p) => a + p.length, 0)} bytes), heap growth ${Math.round((peak - before) / 1048576)} MiB`,
    );
  });
});
