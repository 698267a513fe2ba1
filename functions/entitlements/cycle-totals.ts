/**
 * Totals of a payment cycle (by category, commune, payment channel and kind of line) and a content hash that
 * pins exactly who is paid what, where and on which rules, so an approval can refer to one content and a
 * changed list can never ride on an earlier approval.
 *
 * Sums are accumulated as bigint and returned as numbers asserted to be safe integers (national scale:
 * 3.5 million people × a few million VND ≈ 10^13, far below 2^53 ≈ 9 × 10^15).
 */
import { createHash } from 'node:crypto';
import type { EntitlementKind, EntitlementLine, EntitlementResult } from './entitlement.js';

export type PaymentChannel = 'BANK' | 'POST_OFFICE';

export interface PersonEntitlement {
  personId: string;
  communeCode: string;
  channel: PaymentChannel;
  result: EntitlementResult;
}

export interface TotalsRow {
  key: string;
  /** People with at least one line under this key. */
  people: number;
  lines: number;
  /** Integer VND. */
  amount: number;
}

export interface CycleTotals {
  period: string;
  /** The rules every line was computed with (a cycle never mixes rule versions). */
  rulesVersion: string | undefined;
  /** People considered, paid or not. */
  people: number;
  /** People with at least one line. */
  payees: number;
  lines: number;
  amount: number;
  /** Rows sorted by key. */
  byCategory: TotalsRow[];
  byCommune: TotalsRow[];
  byChannel: TotalsRow[];
  byKind: TotalsRow[];
  /**
   * Changes by age that take effect in the cycle's own month (e.g. NCT_NGHEO_60_80 → NCT_NGHEO_80 for those
   * whose 80th birthday fell in the month before), people per transition, sorted by key; `to` absent: ended.
   */
  byAgeChange: { key: string; from: string; to?: string; people: number }[];
  /** `sha256:<64 hex>` over the canonical JSON of the cycle's payable content (see `cycleContentHash`). */
  contentHash: string;
}

const CHANNELS: readonly PaymentChannel[] = ['BANK', 'POST_OFFICE'];
const KIND_ORDER: Record<EntitlementKind, number> = { ARREARS: 0, MONTHLY: 1, ADVANCE: 2, FUNERAL: 3 };

function toSafeNumber(sum: bigint, what: string): number {
  const n = Number(sum);
  if (!Number.isSafeInteger(n) || BigInt(n) !== sum) throw new RangeError(`${what} is not a safe integer: ${sum}`);
  return n;
}

function checkPerson(period: string, p: PersonEntitlement): void {
  if (!p.personId) throw new RangeError('personId is required');
  if (!CHANNELS.includes(p.channel)) throw new RangeError(`unknown payment channel for ${p.personId}: ${p.channel}`);
  if (!p.communeCode) throw new RangeError(`communeCode is required (${p.personId})`);
  if (p.result.period !== period) {
    throw new RangeError(`${p.personId}: result for ${p.result.period}, cycle is ${period}`);
  }
  let sum = 0n;
  for (const line of p.result.lines) {
    if (!Number.isSafeInteger(line.amount) || line.amount <= 0) {
      throw new RangeError(`${p.personId}: line amount must be a positive safe integer (${line.amount})`);
    }
    sum += BigInt(line.amount);
  }
  if (sum !== BigInt(p.result.total)) throw new RangeError(`${p.personId}: total ≠ sum of its lines`);
}

/** JSON with object keys sorted at every level; only plain data (strings, safe integers, arrays, objects). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`canonical JSON holds safe integers only: ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new TypeError(`canonical JSON cannot hold ${typeof value}`);
}

const lineOrder = (a: EntitlementLine, b: EntitlementLine) =>
  a.month < b.month ? -1 : a.month > b.month ? 1 : KIND_ORDER[a.kind] - KIND_ORDER[b.kind];

/** SHAKE256 output per payee: 1,024 16-bit words (LtHash16, see `contentDigest`). */
const LTHASH_BYTES = 2048;

/**
 * The order-independent digest of a set of payees, the part of the content hash a shard of a compute can
 * produce alone: each payee's canonical JSON (personId, communeCode, channel, the lines sorted by month and
 * kind with every field, rule ids and version included) is expanded by SHAKE256 to 1,024 16-bit words, and
 * the payees' vectors are added word by word modulo 2^16 (LtHash16, Lewi et al., "Securing Update Propagation
 * with Homomorphic Hashing", 2019: collision resistance rests on the SIS lattice problem, about 200 bits for
 * these parameters; a plain sum or XOR of SHA-256 digests would not be collision resistant). Addition is
 * commutative and associative, so the digest of a province is the same whatever the shards and their order.
 * Each person is one account, in exactly one shard, so no payee is added twice.
 */
export interface ContentDigest {
  /** People with at least one line. */
  payees: number;
  /** base64 of the 2,048-byte LtHash16 vector (little-endian words). */
  lthash: string;
}

function payeeElement(p: PersonEntitlement): string {
  return canonicalJson({
    personId: p.personId,
    communeCode: p.communeCode,
    channel: p.channel,
    lines: [...p.result.lines].sort(lineOrder),
  });
}

const WORDS = LTHASH_BYTES / 2;

/** Adds the little-endian words of `v` into `into` (a Uint16Array wraps modulo 2^16 by itself). */
function addVector(into: Uint16Array, v: Uint8Array): void {
  for (let i = 0; i < WORDS; i++)
    into[i] = (into[i] as number) + (v[2 * i] as number) + ((v[2 * i + 1] as number) << 8);
}

/** The words as little-endian bytes, base64: the same text on any machine. */
function vectorText(sum: Uint16Array): string {
  const bytes = Buffer.alloc(LTHASH_BYTES);
  for (let i = 0; i < WORDS; i++) bytes.writeUInt16LE(sum[i] as number, 2 * i);
  return bytes.toString('base64');
}

/** The digest of these people's payable content (people without lines add nothing). */
export function contentDigest(people: readonly PersonEntitlement[]): ContentDigest {
  const sum = new Uint16Array(WORDS);
  let payees = 0;
  for (const p of people) {
    if (p.result.lines.length === 0) continue;
    payees += 1;
    addVector(sum, createHash('shake256', { outputLength: LTHASH_BYTES }).update(payeeElement(p), 'utf8').digest());
  }
  return { payees, lthash: vectorText(sum) };
}

/** The digest of the union of disjoint sets of payees, from theirs (any order, any grouping). */
export function combineDigests(digests: readonly ContentDigest[]): ContentDigest {
  const sum = new Uint16Array(WORDS);
  let payees = 0;
  for (const d of digests) {
    const v = Buffer.from(d.lthash, 'base64');
    if (v.length !== LTHASH_BYTES) throw new RangeError(`a content digest holds ${LTHASH_BYTES} bytes`);
    addVector(sum, v);
    payees += d.payees;
  }
  return { payees, lthash: vectorText(sum) };
}

/** `sha256:<64 hex>` over the canonical JSON of `{ lthash, payees, period }`: what an approval names. */
export function contentHashOf(period: string, digest: ContentDigest): string {
  const hash = createHash('sha256').update(canonicalJson({ period, payees: digest.payees, lthash: digest.lthash }));
  return `sha256:${hash.digest('hex')}`;
}

/**
 * The cycle's content hash: the period and the digest of its payees (`contentDigest`). Findings and people
 * without lines do not change what is paid, so they do not change the hash; input order and the way a
 * compute splits the province into shards never do.
 */
export function cycleContentHash(period: string, people: readonly PersonEntitlement[]): string {
  return contentHashOf(period, contentDigest(people));
}

/**
 * The one allowance category a payment is reported under: the category carrying the most VND of its lines
 * (ties: the smaller code, so line order never matters). One category per payment, not a list, because a
 * payment is one transfer whose outcome (matched, returned…) is the outcome of all its money: counts and VND
 * by category then add up exactly to the cycle's outcome totals. A person is paid one allowance a month at
 * the highest coefficient among their categories, so several categories meet in one payment only when a
 * category changed between the months it pays (arrears under the old one, the period under the new one);
 * such a payment counts wholly under its main category, which is why reconciliation by category can differ
 * slightly from the draft's line-level `byCategory` for those few people.
 */
export function mainCategory(lines: readonly Pick<EntitlementLine, 'categoryCode' | 'amount'>[]): string | undefined {
  const byCode = new Map<string, number>();
  for (const l of lines) byCode.set(l.categoryCode, (byCode.get(l.categoryCode) ?? 0) + l.amount);
  let best: [string, number] | undefined;
  for (const [code, amount] of byCode) {
    if (!best || amount > best[1] || (amount === best[1] && code < best[0])) best = [code, amount];
  }
  return best?.[0];
}

class Bucket {
  people = new Set<string>();
  lines = 0;
  amount = 0n;
}

function rows(buckets: Map<string, Bucket>, what: string): TotalsRow[] {
  return [...buckets.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, b]) => ({
      key,
      people: b.people.size,
      lines: b.lines,
      amount: toSafeNumber(b.amount, `${what} ${key} amount`),
    }));
}

/**
 * The totals of a part of a cycle's people (a compute shard): every count is additive across disjoint parts,
 * people included (a person is in one part only), so `combineTotals` sums them in any order.
 */
export interface PartialTotals extends Omit<CycleTotals, 'period' | 'rulesVersion' | 'contentHash'> {
  /** The rule versions of the part's lines (one at most; a cycle never mixes them). */
  rulesVersions: string[];
  digest: ContentDigest;
}

/** Aggregates the person results of one part of a cycle. Throws RangeError on inconsistent input. */
export function partialTotals(period: string, people: readonly PersonEntitlement[]): PartialTotals {
  const seen = new Set<string>();
  const versions = new Set<string>();
  const byCategory = new Map<string, Bucket>();
  const byCommune = new Map<string, Bucket>();
  const byChannel = new Map<string, Bucket>();
  const byKind = new Map<string, Bucket>();
  const add = (map: Map<string, Bucket>, key: string, personId: string, amount: number) => {
    let b = map.get(key);
    if (!b) {
      b = new Bucket();
      map.set(key, b);
    }
    b.people.add(personId);
    b.lines += 1;
    b.amount += BigInt(amount);
  };

  let amount = 0n;
  let lines = 0;
  let payees = 0;
  for (const p of people) {
    checkPerson(period, p);
    if (seen.has(p.personId)) throw new RangeError(`person ${p.personId} appears twice in the cycle`);
    seen.add(p.personId);
    if (p.result.lines.length > 0) payees += 1;
    for (const line of p.result.lines) {
      versions.add(line.rulesVersion);
      add(byCategory, line.categoryCode, p.personId, line.amount);
      add(byCommune, p.communeCode, p.personId, line.amount);
      add(byChannel, p.channel, p.personId, line.amount);
      add(byKind, line.kind, p.personId, line.amount);
      amount += BigInt(line.amount);
      lines += 1;
    }
  }
  const ageChanges = new Map<string, { from: string; to?: string; people: Set<string> }>();
  for (const p of people) {
    for (const a of p.result.ageChanges ?? []) {
      if (a.month !== period) continue;
      const key = `${a.from}→${a.to ?? 'END'}`;
      const row = ageChanges.get(key) ?? { from: a.from, ...(a.to ? { to: a.to } : {}), people: new Set<string>() };
      row.people.add(p.personId);
      ageChanges.set(key, row);
    }
  }
  if (versions.size > 1) throw new RangeError(`a cycle mixes rule versions: ${[...versions].sort().join(', ')}`);

  return {
    rulesVersions: [...versions],
    people: people.length,
    payees,
    lines,
    amount: toSafeNumber(amount, 'cycle amount'),
    byCategory: rows(byCategory, 'category'),
    byCommune: rows(byCommune, 'commune'),
    byChannel: rows(byChannel, 'channel'),
    byKind: rows(byKind, 'kind'),
    byAgeChange: [...ageChanges.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, r]) => ({ key, from: r.from, ...(r.to ? { to: r.to } : {}), people: r.people.size })),
    digest: contentDigest(people),
  };
}

const byKey = <T extends { key: string }>(a: T, b: T) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

function sumRows(parts: readonly TotalsRow[][], what: string): TotalsRow[] {
  const sums = new Map<string, { people: number; lines: number; amount: bigint }>();
  for (const part of parts) {
    for (const r of part) {
      const s = sums.get(r.key) ?? { people: 0, lines: 0, amount: 0n };
      s.people += r.people;
      s.lines += r.lines;
      s.amount += BigInt(r.amount);
      sums.set(r.key, s);
    }
  }
  return [...sums.entries()]
    .map(([key, s]) => ({
      key,
      people: s.people,
      lines: s.lines,
      amount: toSafeNumber(s.amount, `${what} ${key} amount`),
    }))
    .sort(byKey);
}

/**
 * The cycle's totals from the totals of disjoint parts of its people: sums, rows merged by key and sorted,
 * the content hash from the combined digest. Any order and any split of the same people give the same result.
 */
export function combineTotals(period: string, parts: readonly PartialTotals[]): CycleTotals {
  const versions = new Set(parts.flatMap((p) => p.rulesVersions));
  if (versions.size > 1) throw new RangeError(`a cycle mixes rule versions: ${[...versions].sort().join(', ')}`);
  const ages = new Map<string, { key: string; from: string; to?: string; people: number }>();
  for (const part of parts) {
    for (const a of part.byAgeChange) {
      const row = ages.get(a.key) ?? { ...a, people: 0 };
      row.people += a.people;
      ages.set(a.key, row);
    }
  }
  // Sums in BigInt, refused past Number.MAX_SAFE_INTEGER; rows merged by key.
  const sum = (f: (p: PartialTotals) => number, what: string) =>
    toSafeNumber(
      parts.reduce((s, p) => s + BigInt(f(p)), 0n),
      what,
    );
  const rows = (f: (p: PartialTotals) => PartialTotals['byCategory'], what: string) => sumRows(parts.map(f), what);
  return {
    period,
    rulesVersion: [...versions][0],
    people: sum((p) => p.people, 'people'),
    payees: sum((p) => p.payees, 'payees'),
    lines: sum((p) => p.lines, 'lines'),
    amount: sum((p) => p.amount, 'cycle amount'),
    byCategory: rows((p) => p.byCategory, 'category'),
    byCommune: rows((p) => p.byCommune, 'commune'),
    byChannel: rows((p) => p.byChannel, 'channel'),
    byKind: rows((p) => p.byKind, 'kind'),
    byAgeChange: [...ages.values()].sort(byKey),
    contentHash: contentHashOf(period, combineDigests(parts.map((p) => p.digest))),
  };
}

/** Aggregates the person results of one cycle computed in one piece. Throws RangeError on inconsistent input. */
export function cycleTotals(period: string, people: readonly PersonEntitlement[]): CycleTotals {
  return combineTotals(period, [partialTotals(period, people)]);
}
