/**
 * Banking days in Vietnam: Monday to Friday, except the public holidays in data/bank-holidays.json. "Sent but
 * not booked after N banking days" counts these, so a payment sent before Tet is not flagged during it.
 */
import calendar from './data/bank-holidays.json' with { type: 'json' };

const HOLIDAYS: ReadonlySet<string> = new Set(calendar.holidays);
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function parse(date: string): Date {
  if (!ISO_DATE.test(date)) throw new RangeError(`not an ISO date: ${date}`);
  return new Date(`${date}T00:00:00Z`);
}

const iso = (d: Date) => d.toISOString().slice(0, 10);

export function isBankingDay(date: string, holidays: ReadonlySet<string> = HOLIDAYS): boolean {
  const day = parse(date).getUTCDay();
  return day !== 0 && day !== 6 && !holidays.has(date);
}

/** Banking days strictly after `from` up to and including `to` (0 when `to` is not after `from`). */
export function bankingDaysBetween(from: string, to: string, holidays: ReadonlySet<string> = HOLIDAYS): number {
  const end = parse(to);
  let n = 0;
  for (const d = parse(from); d < end; ) {
    d.setUTCDate(d.getUTCDate() + 1);
    if (isBankingDay(iso(d), holidays)) n++;
  }
  return n;
}

/** The calendar date in Vietnam (UTC+7, no daylight saving) of an instant. */
export function vietnamDate(at: string | number | Date): string {
  return iso(new Date(new Date(at).getTime() + 7 * 3600_000));
}
