/** A cycle's draft instructions, as JSON lines in the uploads bucket, chunked for dispatch. */
import type { PaymentInstruction } from '../payment-ledger/ledger-store.js';
import { readJsonLines, writeObject } from '../shared/objects.js';

export const DRAFT_CHUNK = Number(process.env.ANSINH_PAYMENT_CHUNK ?? 2000);

export function draftKey(cycleId: string, hash: string, index: number): string {
  return `cycles/${cycleId}/draft-${hash.replace(/^sha256:/, '').slice(0, 16)}/${String(index).padStart(5, '0')}.jsonl`;
}

export async function writeDraftChunk(key: string, instructions: PaymentInstruction[]): Promise<void> {
  await writeObject(key, `${instructions.map((i) => JSON.stringify(i)).join('\n')}\n`, 'application/x-ndjson');
}

export async function readDraftChunk(key: string): Promise<PaymentInstruction[]> {
  const out: PaymentInstruction[] = [];
  for await (const i of readJsonLines<PaymentInstruction>(key)) out.push(i);
  return out;
}
