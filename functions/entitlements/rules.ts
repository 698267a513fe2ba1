/**
 * Rule data of the monthly social allowance (trợ cấp xã hội hằng tháng), loaded and validated once at
 * import: a malformed data file fails the process at start, never a payment cycle half way through.
 *
 * - `data/standard-levels.json`: the standard social assistance level (mức chuẩn), national and provincial,
 *   each with its effective date and legal basis; funeral support multipliers; the arrears look-back policy.
 * - `data/allowance-categories.json`: the groups (Decree 20/2021/NĐ-CP Art. 5) and their coefficients (Art. 6).
 *
 * Money is integer VND. Coefficients are decimals with one digit ("2.5") and are handled in tenths (25), so
 * amount = standard × tenths / 10 is exact: every standard is a multiple of 10 (checked here).
 */
import { z } from 'zod';
import provincesJson from '../population/data/provinces-2025.json' with { type: 'json' };
import categoriesJson from './data/allowance-categories.json' with { type: 'json' };
import levelsJson from './data/standard-levels.json' with { type: 'json' };
import { isIsoDate, isYearMonth } from './months.js';

export type RuleStatus = 'confirmed' | 'partly confirmed' | 'unconfirmed';

const Status = z.enum(['confirmed', 'partly confirmed', 'unconfirmed']);
const IsoDate = z.string().refine(isIsoDate, 'effectiveFrom must be a YYYY-MM-DD date');
const Vnd = z
  .number()
  .int()
  .positive()
  .refine((n) => Number.isSafeInteger(n) && n % 10 === 0, 'amounts are integer VND, multiples of 10');
const RuleId = z.string().regex(/^[A-Z0-9][A-Z0-9-]*$/);
const Version = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])(\.\d+)?$/);

const LevelEntry = z.object({
  id: RuleId,
  effectiveFrom: IsoDate,
  amount: Vnd,
  legalBasis: z.string().min(1),
  status: Status,
  note: z.string().optional(),
});

const StandardLevelsFile = z.object({
  id: z.string().min(1),
  version: Version,
  programme: z.string().min(1),
  currency: z.literal('VND'),
  national: z.array(LevelEntry).min(1),
  provincial: z.array(LevelEntry.extend({ province: z.string().regex(/^\d{2}$/), provinceName: z.string().min(1) })),
  funeral: z
    .array(
      z.object({
        id: RuleId,
        effectiveFrom: IsoDate,
        multiplier: z.number().int().positive(),
        legalBasis: z.string().min(1),
        status: Status,
        note: z.string().optional(),
      }),
    )
    .min(1),
  policy: z.object({ arrearsLookBackMonths: z.number().int().positive().max(240), basis: z.string().min(1) }),
});

const CategoryCode = z.string().regex(/^[A-Z][A-Z0-9_]*$/);
const Age = z.number().int().min(0).max(150);
const Localised = z.object({ vi: z.string().min(1), en: z.string().min(1) });

const CategoriesFile = z.object({
  id: z.string().min(1),
  version: Version,
  programme: z.string().min(1),
  legalBasis: z.string().min(1),
  conventions: z.string().min(1),
  declaredConditions: z.record(z.string().regex(/^[A-Z][A-Z_]*$/), Localised),
  categories: z
    .array(
      z.object({
        code: CategoryCode,
        coefficient: z.string().regex(/^\d{1,2}\.\d$/, 'a coefficient has exactly one decimal digit, e.g. "2.5"'),
        status: Status,
        name: Localised,
        legalBasis: z.string().min(1),
        /** Whole years, inclusive; `to` absent: no upper bound. Absent: the decree sets no age. */
        ageBands: z
          .array(z.object({ from: Age, to: Age.optional() }).refine((b) => b.to === undefined || b.from <= b.to))
          .min(1)
          .optional(),
        declared: z.array(z.string()).default([]),
        /** The category the person moves to after the birthday that ends this band. */
        next: CategoryCode.optional(),
        /** The category that continues this one past its band when studying is recorded. */
        studyingExtension: CategoryCode.optional(),
      }),
    )
    .min(1),
});

const levels = StandardLevelsFile.parse(levelsJson);
const categories = CategoriesFile.parse(categoriesJson);

if (levels.programme !== categories.programme) {
  throw new Error(`rule data: programme ${levels.programme} ≠ ${categories.programme}`);
}

function assertAscending(entries: { id: string; effectiveFrom: string }[], what: string): void {
  for (let i = 1; i < entries.length; i++) {
    const [prev, cur] = [entries[i - 1], entries[i]];
    if (prev && cur && !(prev.effectiveFrom < cur.effectiveFrom)) {
      throw new Error(`rule data: ${what} entries must be in strictly ascending effectiveFrom (${cur.id})`);
    }
  }
}

const allIds = [...levels.national, ...levels.provincial, ...levels.funeral].map((e) => e.id);
if (new Set(allIds).size !== allIds.length) throw new Error('rule data: duplicate rule ids');

assertAscending(levels.national, 'national standard');
assertAscending(levels.funeral, 'funeral');

const KNOWN_PROVINCES = new Set(provincesJson.provinces.map((p) => p.code));
const provincialByCode = new Map<string, typeof levels.provincial>();
for (const entry of levels.provincial) {
  if (!KNOWN_PROVINCES.has(entry.province)) {
    throw new Error(`rule data: ${entry.id} names unknown province ${entry.province}`);
  }
  provincialByCode.set(entry.province, [...(provincialByCode.get(entry.province) ?? []), entry]);
}
for (const [code, entries] of provincialByCode) assertAscending(entries, `province ${code}`);

const TENTHS = new Map<string, number>();
const CATEGORY_CODES = new Set(categories.categories.map((c) => c.code));
for (const c of categories.categories) {
  if (TENTHS.has(c.code)) throw new Error(`rule data: duplicate category ${c.code}`);
  for (const code of c.declared) {
    if (!(code in categories.declaredConditions)) throw new Error(`rule data: ${c.code} declares unknown ${code}`);
  }
  for (const target of [c.next, c.studyingExtension]) {
    if (target !== undefined && !CATEGORY_CODES.has(target)) {
      throw new Error(`rule data: ${c.code} moves to unknown category ${target}`);
    }
  }
  // A move by age only makes sense out of a band with an upper bound, into a band that starts right after it.
  const last = c.ageBands?.at(-1);
  for (const target of [c.next, c.studyingExtension]) {
    const first = categories.categories.find((t) => t.code === target)?.ageBands?.[0];
    if (target !== undefined && (last?.to === undefined || first?.from !== last.to + 1)) {
      throw new Error(`rule data: ${c.code} → ${target} does not continue the age band`);
    }
  }
  const [whole, tenth] = c.coefficient.split('.');
  const tenths = Number(whole) * 10 + Number(tenth);
  if (tenths <= 0) throw new Error(`rule data: category ${c.code} has a zero coefficient`);
  TENTHS.set(c.code, tenths);
}

const VERSION = `${levels.id}@${levels.version}+${categories.id}@${categories.version}`;

// ---------------------------------------------------------------------------------------------------------

export interface StandardLevel {
  /** Integer VND per month, coefficient 1.0. */
  amount: number;
  legalBasis: string;
  /** The id of the data entry used, e.g. `VN-STD-2024-07` or `01-STD-2026-01`. */
  ruleId: string;
  scope: 'NATIONAL' | 'PROVINCIAL';
  effectiveFrom: string;
  status: RuleStatus;
}

export interface FuneralRule {
  multiplier: number;
  legalBasis: string;
  ruleId: string;
  status: RuleStatus;
}

/** The entry in force on `date` (YYYY-MM-DD): the last one whose effectiveFrom is on or before it. */
function inForce<T extends { effectiveFrom: string }>(entries: readonly T[], date: string): T | undefined {
  let found: T | undefined;
  for (const e of entries) if (e.effectiveFrom <= date) found = e;
  return found;
}

function firstDay(period: string): string {
  if (!isYearMonth(period)) throw new RangeError(`not a YYYY-MM period: ${JSON.stringify(period)}`);
  return `${period}-01`;
}

/** Whether a 2-digit code is one of today's (2025-07-01) 34 provinces. */
export function isKnownProvince(code: string): boolean {
  return KNOWN_PROVINCES.has(code);
}

/**
 * The standard level in force on the first day of `period` for a person paid by `jurisdictionProvince`
 * (today's 2-digit province code). A province's own level applies only when it is higher than the national
 * level in force on the same day. Throws RangeError for an unknown province or a period before any rule.
 */
export function standardLevel(jurisdictionProvince: string, period: string): StandardLevel {
  const day = firstDay(period);
  if (!KNOWN_PROVINCES.has(jurisdictionProvince)) {
    throw new RangeError(`unknown province code: ${JSON.stringify(jurisdictionProvince)} (2 digits, 2025 codes)`);
  }
  const national = inForce(levels.national, day);
  if (!national) throw new RangeError(`no standard level in force on ${day}`);
  const provincial = inForce(provincialByCode.get(jurisdictionProvince) ?? [], day);
  const chosen = provincial && provincial.amount > national.amount ? provincial : national;
  return {
    amount: chosen.amount,
    legalBasis: chosen.legalBasis,
    ruleId: chosen.id,
    scope: chosen === national ? 'NATIONAL' : 'PROVINCIAL',
    effectiveFrom: chosen.effectiveFrom,
    status: chosen.status,
  };
}

/** Funeral support rule in force on the first day of `period` (the month of death). */
export function funeralRule(period: string): FuneralRule {
  const day = firstDay(period);
  const rule = inForce(levels.funeral, day);
  if (!rule) throw new RangeError(`no funeral support rule in force on ${day}`);
  return { multiplier: rule.multiplier, legalBasis: rule.legalBasis, ruleId: rule.id, status: rule.status };
}

export interface AgeBand {
  /** Whole years, inclusive. */
  from: number;
  /** Whole years, inclusive; absent: no upper bound. */
  to?: number;
}

export interface CategoryRule {
  code: string;
  name: { vi: string; en: string };
  legalBasis: string;
  coefficientTenths: number;
  status: RuleStatus;
  /** Absent: no age condition. */
  ageBands?: readonly AgeBand[];
  /** Conditions declared by the officer, not checkable by the platform (recorded as declared). */
  declared: readonly { code: string; vi: string; en: string }[];
  next?: string;
  studyingExtension?: string;
}

const CATEGORY_RULES: ReadonlyMap<string, CategoryRule> = new Map(
  categories.categories.map((c) => [
    c.code,
    Object.freeze({
      code: c.code,
      name: c.name,
      legalBasis: c.legalBasis,
      coefficientTenths: TENTHS.get(c.code) as number,
      status: c.status,
      ...(c.ageBands ? { ageBands: c.ageBands.map((b) => (b.to === undefined ? { from: b.from } : { ...b })) } : {}),
      declared: c.declared.map((code) => ({
        code,
        ...(categories.declaredConditions[code] as { vi: string; en: string }),
      })),
      ...(c.next ? { next: c.next } : {}),
      ...(c.studyingExtension ? { studyingExtension: c.studyingExtension } : {}),
    }),
  ]),
);

/** Every category of the data file, in its order. */
export function categoryRules(): CategoryRule[] {
  return [...CATEGORY_RULES.values()];
}

/** Everything the data file says about a category, or undefined for an unknown code. */
export function categoryRule(categoryCode: string): CategoryRule | undefined {
  return CATEGORY_RULES.get(categoryCode);
}

/** The category's name as the decree words it (Vietnamese, English), or undefined for an unknown code. */
export function categoryName(categoryCode: string): { vi: string; en: string } | undefined {
  return categories.categories.find((c) => c.code === categoryCode)?.name;
}

export function isKnownCategory(categoryCode: string): boolean {
  return TENTHS.has(categoryCode);
}

/** The category's coefficient in tenths ("2.5" → 25). Throws RangeError for an unknown category. */
export function coefficientTenths(categoryCode: string): number {
  const tenths = TENTHS.get(categoryCode);
  if (tenths === undefined) throw new RangeError(`unknown allowance category: ${JSON.stringify(categoryCode)}`);
  return tenths;
}

/** How many months before the cycle's period unpaid months are still paid as arrears (platform policy). */
export function arrearsLookBackMonths(): number {
  return levels.policy.arrearsLookBackMonths;
}

/** Pins both data files: `standard-levels@2026-01+allowance-categories@2026-01`. */
export function rulesVersion(): string {
  return VERSION;
}

/** Exact integer VND for `standard × tenths / 10`; throws if the product is not a safe integer. */
export function applyTenths(standard: number, tenths: number): number {
  const product = standard * tenths;
  if (!Number.isSafeInteger(standard) || !Number.isSafeInteger(tenths) || !Number.isSafeInteger(product)) {
    throw new RangeError(`amount out of range: ${standard} × ${tenths}/10`);
  }
  if (product % 10 !== 0) throw new RangeError(`amount is not whole VND: ${standard} × ${tenths}/10`);
  return product / 10;
}
