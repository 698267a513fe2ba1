/**
 * Calendar months as `YYYY-MM` strings (civil months in Asia/Ho_Chi_Minh; no clock is read here, so no
 * time zone arithmetic happens: callers pass periods already expressed in Vietnamese civil time).
 */

const YEAR_MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const ISO_DATE = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export function isYearMonth(value: string): boolean {
  return YEAR_MONTH.test(value);
}

/** A real calendar date `YYYY-MM-DD` (2025-02-29 is not). */
export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** Months since year 0: `2025-01` → 2025 × 12. Throws on anything that is not `YYYY-MM`. */
export function monthIndex(month: string): number {
  const m = YEAR_MONTH.exec(month);
  if (!m) throw new RangeError(`not a YYYY-MM month: ${JSON.stringify(month)}`);
  return Number(m[1]) * 12 + Number(m[2]) - 1;
}

export function monthFromIndex(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0 || index >= 10000 * 12) throw new RangeError(`month index ${index}`);
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

export function addMonths(month: string, delta: number): string {
  return monthFromIndex(monthIndex(month) + delta);
}

/** The month a `YYYY-MM-DD` date falls in. */
export function monthOf(isoDate: string): string {
  if (!isIsoDate(isoDate)) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(isoDate)}`);
  return isoDate.slice(0, 7);
}
