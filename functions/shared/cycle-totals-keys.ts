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
export interface TotalsPartition {
  key: string;
  /** The commune of a per-commune (earlier) partition, whose sort key is the category alone. */
  legacyCommune?: string;
}

const LEGACY_SHARDS = 16;

/** The sort key of a cell in a cycle shard. */
export const totalsCellSortKey = (communeCode: string, categoryCode: string) => `${communeCode}#${categoryCode}`;

export function cycleTotalsPartitions(
  prefix: string,
  cycleId: string,
  shards: number,
  legacyCommunes: readonly string[],
): TotalsPartition[] {
  return [
    ...Array.from({ length: shards }, (_, n) => ({ key: `${prefix}#${cycleId}#${n}` })),
    ...[...new Set(legacyCommunes)].flatMap((commune) =>
      Array.from({ length: LEGACY_SHARDS }, (_, n) => ({
        key: `${prefix}#${cycleId}#${commune}#${n}`,
        legacyCommune: commune,
      })),
    ),
  ];
}

/** The commune and category of a totals item of the partition given (from its sort key). */
export function cellOf(
  partition: TotalsPartition,
  item: Record<string, unknown>,
): { communeCode: string; categoryCode: string } {
  const sk = item.sk as string;
  if (partition.legacyCommune !== undefined) return { communeCode: partition.legacyCommune, categoryCode: sk };
  const at = sk.indexOf('#');
  return { communeCode: sk.slice(0, at), categoryCode: sk.slice(at + 1) };
}
