/** A cycle's draft instructions, as JSON lines in the uploads bucket, chunked for dispatch. */
import type { PaymentInstruction } from '../payment-ledger/ledger-store.js';
import { readJsonLines, readObject, writeObject } from '../shared/objects.js';
import type { ShardResult } from './compute-shards.js';

export const DRAFT_CHUNK = Number(process.env.ANSINH_PAYMENT_CHUNK ?? 2000);

export function draftKey(cycleId: string, hash: string, index: number): string {
  return `cycles/${cycleId}/draft-${hash.replace(/^sha256:/, '').slice(0, 16)}/${String(index).padStart(5, '0')}.jsonl`;
}

/**
 * A sharded compute's files, under the cycle's version when the compute was planned (`v<version>`): a retried
 * shard overwrites its own files with the same content, and a later compute of the cycle (recompute, retry)
 * writes elsewhere, so the files an approved draft names are never rewritten by another compute.
 */
export const computeIdOf = (cycle: { version: number }) => `v${cycle.version}`;

const shardFolder = (cycleId: string, computeId: string, shard: number) =>
  `cycles/${cycleId}/compute-${computeId}/shard-${String(shard).padStart(5, '0')}`;

export const shardChunkKey = (cycleId: string, computeId: string, shard: number, index: number) =>
  `${shardFolder(cycleId, computeId, shard)}/${String(index).padStart(5, '0')}.jsonl`;

export const shardResultKey = (cycleId: string, computeId: string, shard: number) =>
  `${shardFolder(cycleId, computeId, shard)}.json`;

export async function writeDraftChunk(key: string, instructions: PaymentInstruction[]): Promise<void> {
  await writeObject(key, `${instructions.map((i) => JSON.stringify(i)).join('\n')}\n`, 'application/x-ndjson');
}

export async function readDraftChunk(key: string): Promise<PaymentInstruction[]> {
  const out: PaymentInstruction[] = [];
  for await (const i of readJsonLines<PaymentInstruction>(key)) out.push(i);
  return out;
}

/** A shard's result (partial totals and its chunk files), written after those files. */
export async function writeShardResult(key: string, result: ShardResult): Promise<void> {
  await writeObject(key, JSON.stringify(result), 'application/json');
}

/** A shard's result, or undefined when the shard has not finished. */
export async function readShardResult(key: string): Promise<ShardResult | undefined> {
  const decoder = new TextDecoder();
  let text = '';
  try {
    for await (const bytes of readObject(key)) text += decoder.decode(bytes, { stream: true });
  } catch (err) {
    if ((err as { name?: string }).name === 'NoSuchKey') return undefined;
    throw err;
  }
  return JSON.parse(text + decoder.decode()) as ShardResult;
}
