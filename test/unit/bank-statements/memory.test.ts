import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from '@jest/globals';
import { parseBankCsv } from '../../../functions/bank-statements/bank-csv.js';
import { readStatement } from '../../../functions/bank-statements/detect.js';
import { parseMt940 } from '../../../functions/bank-statements/mt940.js';
import type { StatementEvent } from '../../../functions/iso20022/camt.js';

/**
 * Retained heap after full collections, sampled along a million-entry statement: what the parsers keep must
 * not grow with the entries read (garbage not yet collected depends on machine load, so peaks are not
 * asserted). Throughput is printed for information only; performance belongs to benchmarks.
 */
const gc: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

const N = 1_000_000;
const SAMPLE_EVERY = 250_000;
const enc = new TextEncoder();
const amountOf = (i: number) => 1_000_000 + (i % 997) * 1000;

/** One MT940 statement with N :61: lines (each with an :86:), as 64 KiB byte chunks. */
async function* mt940(n: number): AsyncGenerator<Uint8Array> {
  let closing = 0n;
  for (let i = 1; i <= n; i++) closing += BigInt(amountOf(i));
  let buf = '{1:F01BIDVVNVXAXXX0000000000}{2:O9401200250301BIDVVNVXAXXX00000000002503011200N}{4:\r\n';
  buf += ':20:ANSINH-MEM\r\n:25:BIDVVNVX/12010000123456\r\n:28C:1/1\r\n:60F:C250301VND0,\r\n';
  for (let i = 1; i <= n; i++) {
    buf += `:61:2503010301C${amountOf(i)},NTRFE2E-${i}//FT${i}\r\n:86:/EREF/E2E-${i}/REMI/USTD//Tro cap thang 3\r\n`;
    if (buf.length >= 64 * 1024) {
      yield enc.encode(buf);
      buf = '';
    }
  }
  yield enc.encode(`${buf}:62F:C250301VND${closing},\r\n-}`);
}

/** A bank CSV export with N rows, as 64 KiB byte chunks. */
async function* csv(n: number): AsyncGenerator<Uint8Array> {
  let buf =
    '\uFEFFSố tài khoản:;12010000123456\r\nSố dư đầu kỳ:;0\r\n' +
    'STT;Ngày giao dịch;Số tham chiếu;Mã giao dịch;Nội dung;Ghi nợ;Ghi có;Số dư\r\n';
  let balance = 0;
  for (let i = 1; i <= n; i++) {
    balance += amountOf(i);
    buf += `${i};01/03/2025;FT${i};E2E-${i};Tro cap thang 3;;${amountOf(i).toLocaleString('de-DE')};${balance}\r\n`;
    if (buf.length >= 64 * 1024) {
      yield enc.encode(buf);
      buf = '';
    }
  }
  yield enc.encode(`${buf};;;;Số dư cuối kỳ;;;${balance}\r\n`);
}

async function measure(
  name: string,
  events: AsyncIterable<StatementEvent>,
): Promise<{ count: number; sum: bigint; retained: number[]; problems: number }> {
  gc();
  const before = process.memoryUsage().heapUsed;
  const retained: number[] = [];
  let count = 0;
  let problems = 0;
  let sum = 0n;
  const t0 = performance.now();
  for await (const e of events) {
    if (e.type === 'problem') problems++;
    if (e.type !== 'entry') continue;
    count++;
    sum += e.amount.minor;
    if (e.transactions[0]?.endToEndId !== `E2E-${count}`) throw new Error(`order broken at ${count}`);
    if (count % SAMPLE_EVERY === 0) {
      gc();
      retained.push((process.memoryUsage().heapUsed - before) / 1048576);
    }
  }
  const secs = (performance.now() - t0) / 1000;
  console.info(
    `${name}: ${count} entries in ${secs.toFixed(1)} s (${Math.round(count / secs)}/s); retained heap ${retained.map((m) => m.toFixed(1)).join(' / ')} MiB`,
  );
  return { count, sum, retained, problems };
}

describe('a million entries stream with flat retained heap', () => {
  let expectedSum = 0n;
  for (let i = 1; i <= N; i++) expectedSum += BigInt(amountOf(i));

  it('MT940: 1,000,000 :61: lines', async () => {
    const r = await measure('MT940', parseMt940(mt940(N)));
    expect(r.count).toBe(N);
    expect(r.sum).toBe(expectedSum);
    expect(r.problems).toBe(0); // the closing balance matches: nothing lost or repeated
    expect(Math.max(...r.retained)).toBeLessThan(20);
    expect((r.retained.at(-1) ?? 0) - (r.retained[0] ?? 0)).toBeLessThan(5);
  });

  it('bank CSV: 1,000,000 rows, through the format detector', async () => {
    const read = await readStatement(csv(N), 'sao-ke.csv');
    expect(read.format).toBe('csv');
    if (!('events' in read)) throw new Error('no events');
    const r = await measure('CSV', read.events);
    expect(r.count).toBe(N);
    expect(r.sum).toBe(expectedSum);
    expect(r.problems).toBe(0);
    expect(Math.max(...r.retained)).toBeLessThan(20);
    expect((r.retained.at(-1) ?? 0) - (r.retained[0] ?? 0)).toBeLessThan(5);
  });

  it('the generators agree with the parsers on a small file', async () => {
    const small: StatementEvent[] = [];
    for await (const e of parseBankCsv(csv(3))) small.push(e);
    expect(small.map((e) => e.type)).toEqual(['header', 'entry', 'entry', 'entry', 'end']);
  });
});
