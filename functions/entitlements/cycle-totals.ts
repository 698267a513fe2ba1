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

/**
 * The cycle's content hash: SHA-256 over the canonical JSON of `{ period, payees }`, payees being every
 * person with at least one line, sorted by personId, each with communeCode, channel and the lines sorted by
 * month and kind (every field of a line, including rule ids and version). Findings and people without lines
 * do not change what is paid, so they do not change the hash; input order never does.
 */
export function cycleContentHash(period: string, people: readonly PersonEntitlement[]): string {
  const payees = people
    .filter((p) => p.result.lines.length > 0)
    .map((p) => ({
      personId: p.personId,
      communeCode: p.communeCode,
      channel: p.channel,
      lines: [...p.result.lines].sort(lineOrder),
    }))
    .sort((a, b) => (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0));
  // Streamed: the same bytes as canonicalJson({ payees, period }) without building one national-size string.
  const hash = createHash('sha256');
  hash.update('{"payees":[', 'utf8');
  payees.forEach((p, i) => {
    hash.update(i === 0 ? canonicalJson(p) : `,${canonicalJson(p)}`, 'utf8');
  });
  hash.update(`],"period":${JSON.stringify(period)}}`, 'utf8');
  return `sha256:${hash.digest('hex')}`;
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

/** Aggregates the person results of one cycle. Throws RangeError on inconsistent input. */
export function cycleTotals(period: string, people: readonly PersonEntitlement[]): CycleTotals {
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
    period,
    rulesVersion: [...versions][0],
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
    contentHash: cycleContentHash(period, people),
  };
}
