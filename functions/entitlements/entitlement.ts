/**
 * What one person is owed in one payment cycle of the monthly social allowance: a pure function of the
 * person's enrolment, account history, the ledger's already-paid months and the rule data. No clock, no I/O.
 *
 * Semantics (Decree 20/2021/NĐ-CP as amended by Decree 76/2024/NĐ-CP; see `data/` for every number):
 * - a category pays from the month its decision is signed (`startMonth`, never before the decision's month)
 *   through `endMonth` (inclusive, the last month of eligibility) when one is set;
 * - a person in several categories gets ONE allowance a month, at the highest coefficient among the
 *   categories active that month (ties: the smaller category code, so input order never matters);
 * - the amount of a month is the standard in force in the jurisdiction on the first day of that month ×
 *   coefficient: arrears are paid at the level of the month owed, advances at the level of the month advanced;
 * - death: the month of death is paid, nothing after it; funeral support once = multiplier × the standard in
 *   force in the month of death, if the person was a beneficiary that month (ledger marker `FUNERAL`);
 * - termination (thôi hưởng) stops payment permanently from its month (that month is not paid);
 * - suspension (tạm dừng) holds the months in its range; once resumed they are either owed again (paid as
 *   arrears) or forfeited. While a person is suspended now, nothing is paid in the cycle (all held);
 * - unpaid entitled months before the period are paid as ARREARS, looking back at most the policy's number
 *   of months (older ones are reported, not paid); months of the cycle after the period are ADVANCE;
 * - age (when the date of birth is given): each month uses the person's age in that month, the age on the
 *   last day of the month before, so a birthday changes the category from the month AFTER the birthday's
 *   month (`eligibility.ts`, README "Age over time"): under 4 → 4-16, 60-80 poor → 80+, and a 4-16 child's
 *   allowance ends after the month of the 16th birthday unless studying is recorded (then 16-22). Every
 *   such change within the months computed is listed in `ageChanges` and in the AGE_CHANGE finding.
 */
import { z } from 'zod';
import type { Finding } from '../../schemas/messages.js';
import { formatDateVi } from '../shared/vi-format.js';
import { categoryInMonth } from './eligibility.js';
import { addMonths, isIsoDate, isYearMonth, monthIndex, monthOf } from './months.js';
import {
  applyTenths,
  arrearsLookBackMonths,
  coefficientTenths,
  funeralRule,
  isKnownCategory,
  isKnownProvince,
  rulesVersion,
  standardLevel,
} from './rules.js';

/** The key the ledger uses for the funeral support payment in `alreadyPaidMonths`. */
export const FUNERAL_MARKER = 'FUNERAL';

export type EntitlementKind = 'MONTHLY' | 'ARREARS' | 'ADVANCE' | 'FUNERAL';
/** Mirrors `AccountStatus` of `functions/accounts/account-store.ts` (not imported: that module uses AWS). */
export type EntitlementAccountStatus = 'ACTIVE' | 'SUSPENDED' | 'CLOSED';
export type SuspensionResolution = 'RESUMED_WITH_ARREARS' | 'RESUMED_WITHOUT_ARREARS';

export interface EntitlementCategory {
  code: string;
  /** YYYY-MM-DD, the day the decision was signed. */
  decisionDate: string;
  /** YYYY-MM, first month paid (the month of the decision). */
  startMonth: string;
  /** YYYY-MM, last month paid for this category (inclusive), if eligibility ended. */
  endMonth?: string;
  /** A studying extension is recorded (Decree 20/2021 Art. 5(2)): past 16 the category continues to 22. */
  studyingRecorded?: boolean;
}

export interface Suspension {
  /** First suspended month. */
  from: string;
  /** Last suspended month (inclusive); absent while open-ended. */
  to?: string;
  /** Absent: still suspended (months held). Set only once the suspension has been lifted (`to` required). */
  resolution?: SuspensionResolution;
}

export interface Termination {
  /** First month no longer paid. */
  from: string;
  reason: string;
}

export interface EntitlementInput {
  /** The cycle's own month, YYYY-MM. */
  period: string;
  /** The months this cycle pays: `[period]`, or `[period, …later months]` for Tet/flood advance payments. */
  months: string[];
  /** Today's 2-digit province code of the paying jurisdiction. */
  province: string;
  categories: EntitlementCategory[];
  accountStatus: EntitlementAccountStatus;
  suspensions?: Suspension[];
  termination?: Termination;
  /** YYYY-MM-DD. */
  dateOfDeath?: string;
  /** YYYY-MM-DD, the registry's. Absent: no age changes are applied (every category as enrolled). */
  dateOfBirth?: string;
  /** Months the ledger has already paid (any kind), plus `FUNERAL` once funeral support was paid. */
  alreadyPaidMonths: string[];
}

export interface EntitlementLine {
  /** The month owed (for FUNERAL: the month of death). */
  month: string;
  categoryCode: string;
  /** Coefficient × 10 (for FUNERAL: multiplier × 10). */
  coefficientTenths: number;
  /** Standard level (VND) in force on the first day of `month` in the jurisdiction. */
  standard: number;
  /** Integer VND = standard × coefficientTenths / 10. */
  amount: number;
  kind: EntitlementKind;
  legalBasis: string;
  /** Data entries used: the standard's id, for FUNERAL `<funeral id>+<standard id>`. */
  ruleId: string;
  rulesVersion: string;
}

export type WithheldCode =
  | 'NOT_STARTED'
  | 'CATEGORY_ENDED'
  | 'ALREADY_PAID'
  | 'ACCOUNT_CLOSED'
  | 'SUSPENDED'
  | 'SUSPENDED_WITHOUT_ARREARS'
  | 'TERMINATED'
  | 'DECEASED'
  | 'AGED_OUT'
  | 'ARREARS_CAPPED';

export interface WithheldMonth {
  month: string;
  code: WithheldCode;
}

/** A category changed by age, from `month` on (the month after the birthday's month). */
export interface AgeChange {
  /** First month under the new category (or the first month not paid, when it ended). */
  month: string;
  /** The category as enrolled. */
  enrolledCode: string;
  from: string;
  /** Absent: the allowance ended at this age. */
  to?: string;
  /** The age that governs `month`. */
  age: number;
  /** Coefficient × 10 of `to`; 0 when it ended. */
  coefficientTenths: number;
}

export interface EntitlementResult {
  period: string;
  /** Ordered by month, then ARREARS, MONTHLY, ADVANCE, FUNERAL. */
  lines: EntitlementLine[];
  /** Integer VND, the sum of the lines. */
  total: number;
  /** One finding per code, in the order of `ENTITLEMENT_FINDING_CODES`. */
  findings: Finding[];
  /**
   * Months not paid and why: every month of the cycle that is not paid, arrears months held or forfeited by
   * a suspension, and entitled unpaid months beyond the look-back. Ordered by month.
   */
  withheld: WithheldMonth[];
  /**
   * Changes by age that take effect within the months computed (arrears window to the last month), by month.
   * Always set by `computeEntitlement`; optional for results stored before ages were applied.
   */
  ageChanges?: AgeChange[];
  rulesVersion: string;
}

export const ENTITLEMENT_FINDING_CODES = [
  'NO_CATEGORY',
  'UNKNOWN_CATEGORY',
  'START_BEFORE_DECISION',
  'NOT_STARTED',
  'CATEGORY_ENDED',
  'ALREADY_PAID',
  'ACCOUNT_CLOSED',
  'STATUS_MISMATCH',
  'SUSPENDED',
  'SUSPENDED_WITHOUT_ARREARS',
  'TERMINATED',
  'DECEASED',
  'AGED_OUT',
  'AGE_CHANGE',
  'PAID_AFTER_END',
  'ARREARS_CAPPED',
  'FUNERAL_ALREADY_PAID',
  'FUNERAL_NOT_ELIGIBLE',
] as const;
export type EntitlementFindingCode = (typeof ENTITLEMENT_FINDING_CODES)[number];

// ---------------------------------------------------------------------------------------------------------
// Input validation: a malformed input is a programming or data error, never a silent zero.
// ---------------------------------------------------------------------------------------------------------

const Month = z.string().refine(isYearMonth, 'must be YYYY-MM');
const Day = z.string().refine(isIsoDate, 'must be a YYYY-MM-DD date');

const Input = z
  .object({
    period: Month,
    months: z.array(Month).min(1),
    province: z.string().refine(isKnownProvince, 'must be a 2-digit province code (2025 codes)'),
    categories: z.array(
      z
        .object({
          code: z.string().min(1),
          decisionDate: Day,
          startMonth: Month,
          endMonth: Month.optional(),
          studyingRecorded: z.boolean().optional(),
        })
        .refine((c) => c.endMonth === undefined || c.endMonth >= c.startMonth, 'endMonth before startMonth'),
    ),
    accountStatus: z.enum(['ACTIVE', 'SUSPENDED', 'CLOSED']),
    suspensions: z
      .array(
        z
          .object({
            from: Month,
            to: Month.optional(),
            resolution: z.enum(['RESUMED_WITH_ARREARS', 'RESUMED_WITHOUT_ARREARS']).optional(),
          })
          .refine((s) => s.to === undefined || s.to >= s.from, 'suspension ends before it starts')
          .refine((s) => s.resolution === undefined || s.to !== undefined, 'a resolved suspension needs `to`'),
      )
      .optional(),
    termination: z.object({ from: Month, reason: z.string().min(1) }).optional(),
    dateOfDeath: Day.optional(),
    dateOfBirth: Day.optional(),
    alreadyPaidMonths: z.array(z.string().refine((m) => m === FUNERAL_MARKER || isYearMonth(m), 'YYYY-MM or FUNERAL')),
  })
  .refine((i) => i.months.includes(i.period), 'months must include the period')
  .refine((i) => i.months.every((m) => m >= i.period), 'months before the period are arrears, computed, not asked for')
  .refine((i) => new Set(i.months).size === i.months.length, 'months must not repeat');

// ---------------------------------------------------------------------------------------------------------

const KIND_ORDER: Record<EntitlementKind, number> = { ARREARS: 0, MONTHLY: 1, ADVANCE: 2, FUNERAL: 3 };

type Assessment = { ok: true; categoryCode: string; tenths: number } | { ok: false; code: WithheldCode };

interface EffectiveCategory {
  code: string;
  tenths: number;
  from: number;
  to: number;
  studying: boolean;
}

const viMonth = (m: string) => `${m.slice(5, 7)}/${m.slice(0, 4)}`;

/** `2024-01, 2024-02, 2024-03, 2024-05` → `2024-01…2024-03, 2024-05` (and in Vietnamese, 01/2024…03/2024). */
function monthRanges(months: string[], fmt: (m: string) => string): string {
  const sorted = [...new Set(months)].sort();
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && monthIndex(sorted[j + 1] as string) === monthIndex(sorted[j] as string) + 1) j++;
    const [a, b] = [sorted[i] as string, sorted[j] as string];
    parts.push(a === b ? fmt(a) : `${fmt(a)}…${fmt(b)}`);
    i = j + 1;
  }
  return parts.join(', ');
}

/** Computes one person's lines for one cycle. Throws ZodError / RangeError on malformed input or rule gaps. */
export function computeEntitlement(rawInput: EntitlementInput): EntitlementResult {
  const input = Input.parse(rawInput);
  const { period, province } = input;
  const periodIdx = monthIndex(period);
  const version = rulesVersion();
  const findings = new Map<EntitlementFindingCode, Finding['message']>();
  const note = (code: EntitlementFindingCode, vi: string, en: string) => {
    if (!findings.has(code)) findings.set(code, { vi, en });
  };

  // Categories, effective ranges in month indexes.
  const unknown = new Set<string>();
  const startFixed = new Set<string>();
  const effective: EffectiveCategory[] = [];
  for (const c of input.categories) {
    if (!isKnownCategory(c.code)) {
      unknown.add(c.code);
      continue;
    }
    const decisionMonth = monthOf(c.decisionDate);
    if (c.startMonth < decisionMonth) startFixed.add(c.code);
    const from = Math.max(monthIndex(c.startMonth), monthIndex(decisionMonth));
    const to = c.endMonth === undefined ? Number.POSITIVE_INFINITY : monthIndex(c.endMonth);
    if (from <= to) {
      effective.push({ code: c.code, tenths: coefficientTenths(c.code), from, to, studying: !!c.studyingRecorded });
    }
  }
  if (unknown.size > 0) {
    const codes = [...unknown].sort().join(', ');
    note('UNKNOWN_CATEGORY', `Mã đối tượng không có trong danh mục: ${codes}`, `Unknown category code: ${codes}`);
  }
  if (startFixed.size > 0) {
    const codes = [...startFixed].sort().join(', ');
    note(
      'START_BEFORE_DECISION',
      `Tháng bắt đầu hưởng trước tháng ký quyết định (${codes}): chi từ tháng ký quyết định`,
      `Start month before the month the decision was signed (${codes}): paid from the decision's month`,
    );
  }
  if (input.categories.length === 0 || (effective.length === 0 && unknown.size === 0)) {
    note('NO_CATEGORY', 'Không có đối tượng hưởng trợ cấp', 'No allowance category');
  }
  const earliestStart = effective.reduce((min, c) => Math.min(min, c.from), Number.POSITIVE_INFINITY);

  const deathMonth = input.dateOfDeath === undefined ? undefined : monthOf(input.dateOfDeath);
  const deathIdx = deathMonth === undefined ? Number.POSITIVE_INFINITY : monthIndex(deathMonth);
  const terminationIdx = input.termination ? monthIndex(input.termination.from) : Number.POSITIVE_INFINITY;
  const paid = new Set(input.alreadyPaidMonths);

  const suspensions = (input.suspensions ?? []).map((s) => ({
    from: monthIndex(s.from),
    to: s.to === undefined ? Number.POSITIVE_INFINITY : monthIndex(s.to),
    resolution: s.resolution,
  }));
  const heldBy = (idx: number) => suspensions.some((s) => s.resolution === undefined && s.from <= idx && idx <= s.to);
  const forfeitedBy = (idx: number) =>
    suspensions.some((s) => s.resolution === 'RESUMED_WITHOUT_ARREARS' && s.from <= idx && idx <= s.to);

  // Account status against history. Status and history each can only withhold, never add.
  const historySuspendedNow = heldBy(periodIdx);
  const suspendedNow = input.accountStatus === 'SUSPENDED' || historySuspendedNow;
  const hasEnd = deathIdx <= periodIdx || terminationIdx <= periodIdx;
  const closedWithoutCause = input.accountStatus === 'CLOSED' && !hasEnd;
  if (input.accountStatus === 'SUSPENDED' && !historySuspendedNow) {
    note(
      'STATUS_MISMATCH',
      'Tài khoản ở trạng thái tạm dừng nhưng không có quyết định tạm dừng đang hiệu lực: không chi',
      'Account is SUSPENDED but no open suspension covers the period: nothing paid',
    );
  } else if (
    input.accountStatus === 'ACTIVE' &&
    (historySuspendedNow || deathIdx < periodIdx || terminationIdx <= periodIdx)
  ) {
    note(
      'STATUS_MISMATCH',
      'Tài khoản đang hoạt động nhưng lịch sử cho thấy tạm dừng, thôi hưởng hoặc đã chết',
      'Account is ACTIVE but its history shows a suspension, termination or death',
    );
  }
  if (closedWithoutCause) {
    note(
      'ACCOUNT_CLOSED',
      'Tài khoản đã đóng mà không có quyết định thôi hưởng hoặc thông tin chết: không chi',
      'Account CLOSED without a termination or a death on record: nothing paid',
    );
  }

  const dob = input.dateOfBirth;
  /** The enrolled category as it stands in month `idx` by age; `undefined` when it ended by age. */
  const byAge = (c: EffectiveCategory, idx: number) => {
    if (dob === undefined) return { ok: true as const, code: c.code, age: undefined };
    return categoryInMonth(c.code, dob, addMonths(period, idx - periodIdx), c.studying);
  };
  let agedOut = false;
  const bestCategory = (idx: number): { code: string; tenths: number } | undefined => {
    let best: { code: string; tenths: number } | undefined;
    agedOut = false;
    for (const c of effective) {
      if (c.from > idx || idx > c.to) continue;
      const now = byAge(c, idx);
      if (!now.ok) {
        agedOut = true;
        continue;
      }
      const tenths = now.code === c.code ? c.tenths : coefficientTenths(now.code);
      if (!best || tenths > best.tenths || (tenths === best.tenths && now.code < best.code)) {
        best = { code: now.code, tenths };
      }
    }
    return best;
  };

  const assess = (month: string): Assessment => {
    const idx = monthIndex(month);
    if (idx > deathIdx) return { ok: false, code: 'DECEASED' };
    if (idx >= terminationIdx) return { ok: false, code: 'TERMINATED' };
    const best = bestCategory(idx);
    if (!best)
      return { ok: false, code: idx < earliestStart ? 'NOT_STARTED' : agedOut ? 'AGED_OUT' : 'CATEGORY_ENDED' };
    if (paid.has(month)) return { ok: false, code: 'ALREADY_PAID' };
    if (closedWithoutCause) return { ok: false, code: 'ACCOUNT_CLOSED' };
    if (suspendedNow || heldBy(idx)) return { ok: false, code: 'SUSPENDED' };
    if (forfeitedBy(idx)) return { ok: false, code: 'SUSPENDED_WITHOUT_ARREARS' };
    return { ok: true, categoryCode: best.code, tenths: best.tenths };
  };

  const lines: EntitlementLine[] = [];
  const withheld: WithheldMonth[] = [];
  const monthLine = (month: string, a: { categoryCode: string; tenths: number }, kind: EntitlementKind) => {
    const std = standardLevel(province, month);
    lines.push({
      month,
      categoryCode: a.categoryCode,
      coefficientTenths: a.tenths,
      standard: std.amount,
      amount: applyTenths(std.amount, a.tenths),
      kind,
      legalBasis: std.legalBasis,
      ruleId: std.ruleId,
      rulesVersion: version,
    });
  };

  // Arrears: entitled unpaid months before the period, within the look-back window.
  const windowStart = periodIdx - arrearsLookBackMonths();
  const capped: string[] = [];
  if (Number.isFinite(earliestStart)) {
    for (let idx = earliestStart; idx < periodIdx; idx++) {
      const month = addMonths(period, idx - periodIdx);
      const a = assess(month);
      if (idx < windowStart) {
        if (a.ok) capped.push(month);
        continue;
      }
      if (a.ok) monthLine(month, a, 'ARREARS');
      else if (a.code === 'SUSPENDED' || a.code === 'SUSPENDED_WITHOUT_ARREARS' || a.code === 'ACCOUNT_CLOSED') {
        withheld.push({ month, code: a.code });
      }
    }
  }
  for (const month of capped) withheld.push({ month, code: 'ARREARS_CAPPED' });
  if (capped.length > 0) {
    note(
      'ARREARS_CAPPED',
      `Truy lĩnh quá ${arrearsLookBackMonths()} tháng không được chi tự động, cần xem xét: ${monthRanges(capped, viMonth)}`,
      `Arrears older than ${arrearsLookBackMonths()} months are not paid automatically, review needed: ${monthRanges(capped, (m) => m)}`,
    );
  }

  // The cycle's own months.
  for (const month of [...input.months].sort()) {
    const a = assess(month);
    if (a.ok) monthLine(month, a, month === period ? 'MONTHLY' : 'ADVANCE');
    else withheld.push({ month, code: a.code });
  }

  // Funeral support.
  if (deathMonth !== undefined && input.dateOfDeath !== undefined) {
    const deathIdxFinite = monthIndex(deathMonth);
    const best = deathIdxFinite < terminationIdx ? bestCategory(deathIdxFinite) : undefined;
    if (paid.has(FUNERAL_MARKER)) {
      note('FUNERAL_ALREADY_PAID', 'Hỗ trợ chi phí mai táng đã được chi', 'Funeral support already paid');
    } else if (!best) {
      note(
        'FUNERAL_NOT_ELIGIBLE',
        `Không đang hưởng trợ cấp trong tháng ${viMonth(deathMonth)}: không có hỗ trợ mai táng`,
        `Not a beneficiary in ${deathMonth}, the month of death: no funeral support`,
      );
    } else {
      const std = standardLevel(province, deathMonth);
      const rule = funeralRule(deathMonth);
      const tenths = rule.multiplier * 10;
      lines.push({
        month: deathMonth,
        categoryCode: best.code,
        coefficientTenths: tenths,
        standard: std.amount,
        amount: applyTenths(std.amount, tenths),
        kind: 'FUNERAL',
        legalBasis: `${rule.legalBasis}; ${std.legalBasis}`,
        ruleId: `${rule.ruleId}+${std.ruleId}`,
        rulesVersion: version,
      });
    }
  }

  // Changes by age within the months computed: the arrears window through the cycle's last month.
  const ageChanges: AgeChange[] = [];
  if (dob !== undefined) {
    const lastIdx = Math.max(...input.months.map(monthIndex));
    for (const c of effective) {
      for (let idx = Math.max(c.from + 1, windowStart); idx <= Math.min(c.to, lastIdx); idx++) {
        const [before, now] = [byAge(c, idx - 1), byAge(c, idx)];
        if (!before.ok || (now.ok && now.code === before.code)) continue;
        ageChanges.push({
          month: addMonths(period, idx - periodIdx),
          enrolledCode: c.code,
          from: before.code,
          ...(now.ok ? { to: now.code } : {}),
          age: now.age as number,
          coefficientTenths: now.ok ? coefficientTenths(now.code) : 0,
        });
      }
    }
    ageChanges.sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : a.from < b.from ? -1 : 1));
  }
  if (ageChanges.length > 0) {
    note(
      'AGE_CHANGE',
      ageChanges.map((a) => describeAgeChange(a).vi).join('; '),
      ageChanges.map((a) => describeAgeChange(a).en).join('; '),
    );
  }

  // Findings for the months withheld, one per code.
  const byCode = new Map<WithheldCode, string[]>();
  for (const w of withheld) byCode.set(w.code, [...(byCode.get(w.code) ?? []), w.month]);
  const listed = (code: WithheldCode) => {
    const months = byCode.get(code) ?? [];
    return { vi: monthRanges(months, viMonth), en: monthRanges(months, (m) => m) };
  };
  if (byCode.has('NOT_STARTED')) {
    const l = listed('NOT_STARTED');
    note('NOT_STARTED', `Chưa đến tháng bắt đầu hưởng: ${l.vi}`, `Before the first month of entitlement: ${l.en}`);
  }
  if (byCode.has('CATEGORY_ENDED')) {
    const l = listed('CATEGORY_ENDED');
    note('CATEGORY_ENDED', `Không còn thuộc đối tượng hưởng: ${l.vi}`, `No longer in an eligible category: ${l.en}`);
  }
  if (byCode.has('ALREADY_PAID')) {
    const l = listed('ALREADY_PAID');
    note('ALREADY_PAID', `Đã chi trước đó: ${l.vi}`, `Already paid: ${l.en}`);
  }
  if (byCode.has('SUSPENDED')) {
    const l = listed('SUSPENDED');
    note('SUSPENDED', `Đang tạm dừng chi trả, giữ lại: ${l.vi}`, `Payment suspended, months held: ${l.en}`);
  }
  if (byCode.has('SUSPENDED_WITHOUT_ARREARS')) {
    const l = listed('SUSPENDED_WITHOUT_ARREARS');
    note(
      'SUSPENDED_WITHOUT_ARREARS',
      `Tháng tạm dừng không được truy lĩnh: ${l.vi}`,
      `Suspended months not paid on resumption: ${l.en}`,
    );
  }
  if (byCode.has('TERMINATED') && input.termination) {
    const t = input.termination;
    const l = listed('TERMINATED');
    note(
      'TERMINATED',
      `Thôi hưởng từ tháng ${viMonth(t.from)} (${t.reason}): không chi ${l.vi}`,
      `Terminated from ${t.from} (${t.reason}): not paid ${l.en}`,
    );
  }
  if (byCode.has('AGED_OUT')) {
    const l = listed('AGED_OUT');
    note(
      'AGED_OUT',
      `Đã quá độ tuổi của đối tượng hưởng (không có quyết định tiếp tục hưởng khi đang học): không chi ${l.vi}`,
      `Past the age of the category (no studying extension recorded): not paid ${l.en}`,
    );
  }
  if (byCode.has('DECEASED') && input.dateOfDeath) {
    const l = listed('DECEASED');
    note(
      'DECEASED',
      `Đã chết ngày ${formatDateVi(input.dateOfDeath)}: dừng chi từ tháng sau, không chi ${l.vi}`,
      `Died on ${input.dateOfDeath}: payment stops from the next month, not paid ${l.en}`,
    );
  }
  const paidAfterEnd = [...paid].filter(
    (m) => m !== FUNERAL_MARKER && (monthIndex(m) > deathIdx || monthIndex(m) >= terminationIdx),
  );
  if (paidAfterEnd.length > 0) {
    note(
      'PAID_AFTER_END',
      `Đã chi cho tháng sau khi chết hoặc thôi hưởng, cần xem xét thu hồi: ${monthRanges(paidAfterEnd, viMonth)}`,
      `Paid for months after death or termination, recovery to review: ${monthRanges(paidAfterEnd, (m) => m)}`,
    );
  }

  lines.sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : KIND_ORDER[a.kind] - KIND_ORDER[b.kind]));
  withheld.sort((a, b) =>
    a.month < b.month ? -1 : a.month > b.month ? 1 : a.code < b.code ? -1 : a.code > b.code ? 1 : 0,
  );

  let total = 0;
  for (const line of lines) {
    total += line.amount;
    if (!Number.isSafeInteger(total)) throw new RangeError('entitlement total is not a safe integer');
  }

  return {
    period,
    lines,
    total,
    findings: ENTITLEMENT_FINDING_CODES.filter((c) => findings.has(c)).map((code) => ({
      code,
      message: findings.get(code) as Finding['message'],
    })),
    withheld,
    ageChanges,
    rulesVersion: version,
  };
}

const tenthsVi = (t: number) => `${Math.floor(t / 10)},${t % 10}`;
const tenthsEn = (t: number) => `${Math.floor(t / 10)}.${t % 10}`;

/** "từ tháng 05/2026: hệ số 2,0 vì đủ 80 tuổi (NCT_NGHEO_60_80 → NCT_NGHEO_80)", English alongside. */
export function describeAgeChange(a: AgeChange): { vi: string; en: string } {
  if (a.to === undefined) {
    return {
      vi: `từ tháng ${viMonth(a.month)}: thôi hưởng ${a.from} vì đủ ${a.age} tuổi`,
      en: `from ${viMonth(a.month)}: ${a.from} ends, aged ${a.age}`,
    };
  }
  return {
    vi: `từ tháng ${viMonth(a.month)}: hệ số ${tenthsVi(a.coefficientTenths)} vì đủ ${a.age} tuổi (${a.from} → ${a.to})`,
    en: `from ${viMonth(a.month)}: coefficient ${tenthsEn(a.coefficientTenths)}, aged ${a.age} (${a.from} → ${a.to})`,
  };
}
