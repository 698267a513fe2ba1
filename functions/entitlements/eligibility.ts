/**
 * Age conditions of the allowance categories (`data/allowance-categories.json`): whole years of age from the
 * population registry's date of birth. Pure: no clock, no I/O.
 *
 * - Whole years: the birthday itself counts (on the 80th birthday a person is 80). A 29 February birthday
 *   falls on 28 February in a common year (by analogy with the Civil Code 2015's rule that a period ends on
 *   the month's last day when the month has no corresponding day; an assumption, stated in the README).
 * - Onboarding: the age on the decision date must fall in one of the category's bands.
 * - Month by month (`ageForMonth`): the age on the last day of the month before, so that a change caused by
 *   a birthday takes effect from the month after the birthday's month (see the README, "Age over time").
 */
import type { Finding } from '../../schemas/messages.js';
import { formatDateVi } from '../shared/vi-format.js';
import { addMonths } from './months.js';
import { type AgeBand, categoryRule, categoryRules } from './rules.js';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parts(iso: string): [number, number, number] {
  const m = ISO_DATE.exec(iso);
  if (!m) throw new RangeError(`not an ISO date: ${JSON.stringify(iso)}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Whole years of age on `onDate` for a person born on `dateOfBirth` (both ISO). Negative before birth. */
export function ageOn(dateOfBirth: string, onDate: string): number {
  const [by, bm, bd] = parts(dateOfBirth);
  const [y, m, d] = parts(onDate);
  // This year's birthday: 29 February becomes 28 February in a common year.
  const birthdayDay = bm === 2 && bd === 29 && !isLeap(y) ? 28 : bd;
  const hadBirthday = m > bm || (m === bm && d >= birthdayDay);
  return y - by - (hadBirthday ? 0 : 1);
}

/** The last day of the month before `month` (YYYY-MM), ISO. */
function lastDayBefore(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const dt = new Date(Date.UTC(y, m - 1, 0));
  return dt.toISOString().slice(0, 10);
}

/**
 * The age that governs month `month` (YYYY-MM): the age on the last day of the month before. A person whose
 * 80th birthday falls in April 2026 (any day, the 1st included) is 79 for April and 80 from May 2026.
 */
export function ageForMonth(dateOfBirth: string, month: string): number {
  return ageOn(dateOfBirth, lastDayBefore(month));
}

export const inBand = (age: number, b: AgeBand): boolean => age >= b.from && (b.to === undefined || age <= b.to);

/** "dưới 4 tuổi" / "từ 4 đến 15 tuổi" / "từ đủ 80 tuổi", joined by "hoặc"; English alongside. */
export function describeAgeBands(bands: readonly AgeBand[]): { vi: string; en: string } {
  const one = (b: AgeBand) => {
    if (b.to === undefined) return { vi: `từ đủ ${b.from} tuổi trở lên`, en: `aged ${b.from} or over` };
    if (b.from === 0) return { vi: `dưới ${b.to + 1} tuổi`, en: `under ${b.to + 1}` };
    return { vi: `từ đủ ${b.from} đến ${b.to} tuổi`, en: `aged ${b.from} to ${b.to}` };
  };
  const all = bands.map(one);
  return { vi: all.map((x) => x.vi).join(' hoặc '), en: all.map((x) => x.en).join(' or ') };
}

export type CategoryAgeCheck =
  | { ok: true; age: number }
  | { ok: false; age: number; finding: Finding & { code: 'CATEGORY_AGE_MISMATCH' } };

/**
 * Does the person's age on the decision date fit the category? A category without an age condition, or
 * an unknown code (refused earlier, by the row checks), always fits here.
 */
export function checkCategoryAge(categoryCode: string, dateOfBirth: string, decisionDate: string): CategoryAgeCheck {
  const age = ageOn(dateOfBirth, decisionDate);
  const rule = categoryRule(categoryCode);
  if (!rule?.ageBands || rule.ageBands.some((b) => inBand(age, b))) return { ok: true, age };
  const band = describeAgeBands(rule.ageBands);
  const on = formatDateVi(decisionDate);
  return {
    ok: false,
    age,
    finding: {
      code: 'CATEGORY_AGE_MISMATCH',
      message: {
        vi:
          `Theo ngày sinh trong cơ sở dữ liệu quốc gia về dân cư, người này ${age} tuổi vào ngày quyết định ${on}; ` +
          `đối tượng ${rule.code} (${rule.name.vi}) chỉ dành cho người ${band.vi}. Hãy kiểm tra lại mã đối tượng.`,
        en:
          `By the date of birth in the national population database, this person was ${age} on the decision date ` +
          `${on}; category ${rule.code} (${rule.name.en}) is for people ${band.en} only. Check the category code.`,
      },
    },
  };
}

/**
 * The category an enrolment pays under in `month`, by the age that governs that month (`ageForMonth`):
 * past the top of its band a category moves to its `next` (TE_DUOI_4 → TE_4_16, NCT_NGHEO_60_80 →
 * NCT_NGHEO_80), or to its `studyingExtension` when studying is recorded (TE_4_16 → TN_16_22), or ends
 * (`ok: false`). Never backwards: below its band (the decision month before a birthday that the decision
 * date already counted) or between two bands, a category stays as enrolled.
 */
export type MonthCategory = { ok: true; code: string; age: number } | { ok: false; code: string; age: number };

export function categoryInMonth(
  categoryCode: string,
  dateOfBirth: string,
  month: string,
  studyingRecorded = false,
): MonthCategory {
  const age = ageForMonth(dateOfBirth, month);
  let code = categoryCode;
  // The data file's chains are short (TE_DUOI_4 → TE_4_16 → TN_16_22); the bound only guards a bad file.
  for (let hop = 0; hop < 8; hop++) {
    const bands = categoryRule(code)?.ageBands;
    if (!bands || bands.some((b) => inBand(age, b))) return { ok: true, code, age };
    const tops = bands.map((b) => b.to);
    if (tops.some((t) => t === undefined) || age <= Math.max(...(tops as number[]))) return { ok: true, code, age };
    const rule = categoryRule(code);
    const next = rule?.next ?? (studyingRecorded ? rule?.studyingExtension : undefined);
    if (next === undefined) return { ok: false, code, age };
    code = next;
  }
  throw new RangeError(`category chain from ${categoryCode} is too long`);
}

/**
 * For a payment made under `categoryCode` for `months`: the change by age that made it that category in one
 * of those months (NCT_NGHEO_60_80 → NCT_NGHEO_80 from the month after the 80th birthday), if any. Lets a
 * beneficiary's history say "từ tháng 05/2026: hệ số 2,0 vì đủ 80 tuổi" from the payment and the birth date.
 */
export function ageChangeInto(
  categoryCode: string,
  dateOfBirth: string,
  months: readonly string[],
): { month: string; from: string; to: string; age: number } | undefined {
  const sources = categoryRules().filter((r) => r.next === categoryCode || r.studyingExtension === categoryCode);
  for (const month of [...months].sort()) {
    for (const from of sources) {
      const top = from.ageBands?.at(-1)?.to;
      if (top === undefined) continue;
      const [before, now] = [ageForMonth(dateOfBirth, addMonths(month, -1)), ageForMonth(dateOfBirth, month)];
      if (before <= top && now > top) return { month, from: from.code, to: categoryCode, age: now };
    }
  }
  return undefined;
}
