/**
 * `npm run bench -- index-cost [--seconds 10] [--rounds 3]`: what a table's indexes cost DynamoDB Local on writes
 * of items that no index holds. The same 100-item transactions of conditional puts (rawTransaction100Rate, 8 in
 * flight, at least 5 s each; the items carry no index key, as a totals cell, a mark or an identity guard) go into
 * scratch tables that differ only in their indexes: none, one (ALL, then KEYS_ONLY), and the payments table's as
 * defined. Prints items/s and the JVM's CPU milliseconds an item for each, round after round (the first round
 * also warms the JIT). On AWS such items write no index at all; the flow benches' "bound on the … table as
 * defined" is this cost (docs/scale-model.md).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.js';
import { freePort } from '../../infra/local/free-port.js';
import { system } from '../../infra/system.js';
import type { TableDef } from '../../infra/system-model.js';
import { fmt, jvmMemory, numberOption, printTable, rawTransaction100Rate } from './support.js';

export const description = "what a table's indexes cost DynamoDB Local on writes of items no index holds";

/** CPU seconds the process has used, all its threads (from /proc; clock ticks are 1/100 s on Linux). */
function cpuSeconds(pid: number): number {
  let ticks = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      const fields = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8')
        .replace(/^.*\) /, '')
        .split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch {
      // The thread ended while we looked.
    }
  }
  return ticks / 100;
}

export async function run(args: string[]): Promise<void> {
  const seconds = numberOption(args, 'seconds', 10);
  const rounds = numberOption(args, 'rounds', 3);
  const payments = system.tables.payments as TableDef;
  const byCycleState = payments.indexes?.find((ix) => ix.name === 'byCycleState');
  if (!byCycleState) throw new Error('the payments table has no byCycleState index');
  const variants: [string, TableDef][] = [
    ['no index', { ...payments, indexes: [] }],
    ['one index (byCycleState, ALL)', { ...payments, indexes: [byCycleState] }],
    ['one index (byCycleState, KEYS_ONLY)', { ...payments, indexes: [{ ...byCycleState, projection: 'KEYS_ONLY' }] }],
    [`payments as defined (${payments.indexes?.length ?? 0} indexes)`, payments],
  ];
  const port = await freePort();
  const ddb = await startDynamoDbLocal({ port });
  try {
    const pid = jvmMemory(port)?.pid;
    if (!pid) throw new Error('DynamoDB Local JVM not found');
    const rows: [string, string][] = [];
    for (let round = 1; round <= rounds; round++) {
      for (const [i, [label, def]] of variants.entries()) {
        const cpu = cpuSeconds(pid);
        const r = await rawTransaction100Rate(ddb.client, `indexcost-${round}-${i}`, seconds, def);
        const items = r.itemsPerSecond * r.seconds;
        rows.push([
          `round ${round}: ${label}`,
          `${fmt(r.itemsPerSecond)} items/s, JVM ${fmt(((cpuSeconds(pid) - cpu) * 1000) / Math.max(items, 1), 3)} ms CPU an item`,
        ]);
      }
    }
    printTable('DynamoDB Local: 100-item transactions of items no index holds, by the table’s indexes', rows);
  } finally {
    await ddb.stop();
  }
}
