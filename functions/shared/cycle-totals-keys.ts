/**
 * Where a cycle's maintained totals sit (the ledger's TOTALS#, the booked BOOKED#): one owner per table writes
 * them, both read them the same way.
 *
 * A cycle's totals items are its own shards, `<PREFIX>#<cycleId>#<n>`, sort key `<commune>#<category>` (a
 * commune code is digits, so the first `#` splits them): a reader queries the shards, whatever the province's communes (a
 * progress poll was a query per commune and shard, 16 per commune, about 2,700 for Hồ Chí Minh City).
 * Drafts computed before that kept them per commune, `<PREFIX>#<cycleId>#<commune>#<0..15>`, sort key the
 * category; a writer that saw such a draft's payments may have used either, so their readers sum both.
 */
import { createHash } from 'node:crypto';
import { itemsOfPartitions } from './dynamo-batch.js';

const LEGACY_SHARDS = 16;

/** The sort key of a cell in a cycle shard. */
export const totalsCellSortKey = (communeCode: string, categoryCode: string) => `${communeCode}#${categoryCode}`;

/**
 * A cell (cycle × commune × category) whichever shard a write takes it to: a transaction writes each cell once,
 * its payments' changes summed.
 */
export const totalsCellId = (cycleId: string, communeCode: string, categoryCode: string) =>
  `${cycleId}|${communeCode}|${categoryCode}`;

/** One of `shards` by the hash of a payment id: the same payment, the same shard. */
export const shardOfPayment = (paymentId: string, shards: number): number =>
  createHash('sha256').update(paymentId).digest().readUInt32BE(0) % shards;

/** Where one owner keeps a cycle's totals: its table, partition key attribute, key prefix and shards. */
export interface CycleTotalsPlace {
  table: string;
  partitionKey: string;
  prefix: string;
  shards: number;
}

/**
 * Every totals item of a cycle, read consistently, with the cell (commune × category) it counts in: the cycle's
 * shards, and the per-commune partitions of `legacyCommunes` (a draft computed before: cycle-store.ts
 * `legacyTotalsCommunes`).
 */
export async function itemsOfCycleTotals(
  place: CycleTotalsPlace,
  cycleId: string,
  legacyCommunes: readonly string[],
  onItem: (cell: { communeCode: string; categoryCode: string }, item: Record<string, unknown>) => void,
): Promise<void> {
  /** Partition key → the commune of a per-commune partition (whose sort key is the category alone), or none. */
  const legacyCommuneOf = new Map<string, string | undefined>();
  for (let n = 0; n < place.shards; n++) legacyCommuneOf.set(`${place.prefix}#${cycleId}#${n}`, undefined);
  for (const commune of legacyCommunes) {
    for (let n = 0; n < LEGACY_SHARDS; n++) legacyCommuneOf.set(`${place.prefix}#${cycleId}#${commune}#${n}`, commune);
  }
  await itemsOfPartitions(place.table, place.partitionKey, [...legacyCommuneOf.keys()], (key, item) => {
    const sk = item.sk as string;
    const legacyCommune = legacyCommuneOf.get(key);
    if (legacyCommune !== undefined) return onItem({ communeCode: legacyCommune, categoryCode: sk }, item);
    const at = sk.indexOf('#');
    onItem({ communeCode: sk.slice(0, at), categoryCode: sk.slice(at + 1) }, item);
  });
}
