/**
 * Dates as they appear in lists: Vietnam writes day first (dd/mm/yyyy), always. Excel cells may hold a
 * serial number (1900 date system), and a date cell saved to CSV carries a time part ("28/4/2018 0:00",
 * "16/12/2015 00:00:00"): the date part is the date, whatever the time. Two-digit years are refused
 * (ambiguous century).
 */
import { cleanCell } from '../../shared/cell-text.js';

export type ParsedListDate = { ok: true; iso: string } | { ok: false };

const FAIL: ParsedListDate = { ok: false };

/** Excel's largest serial: 9999-12-31. */
export const MAX_EXCEL_SERIAL = 2_958_465;

function isValid(y: number, m: number, d: number): boolean {
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  const days = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return d <= (days[m - 1] ?? 0);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const iso = (y: number, m: number, d: number) => `${pad(y, 4)}-${pad(m)}-${pad(d)}`;

// A clock time as spreadsheets write it: 0:00, 00:00:00, 13:45:07.123, 12:30 PM / SA / CH (Vietnamese locale).
const TIME = String.raw`\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?: ?(?:[AaPp][Mm]|SA|CH|sa|ch))?`;
const DAY_FIRST = new RegExp(String.raw`^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:,? ${TIME})?$`);
// ISO date, optionally with a time and a UTC offset; with an offset the date is the one in Vietnam (UTC+7).
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const SERIAL = /^(\d{1,7})(?:\.\d+)?$/;

/** Excel 1900 serial → ISO date. Serial 60 is Excel's fictitious 1900-02-29 (reported as such: refused). */
export function excelSerialToIso(serial: number): string | undefined {
  const whole = Math.floor(serial);
  if (!Number.isFinite(serial) || whole < 1 || whole > MAX_EXCEL_SERIAL) return undefined;
  if (whole === 60) return undefined; // 1900-02-29 does not exist
  // Serial 1 = 1900-01-01; from 61 on, Excel counts the fake leap day, so shift by one.
  const offset = whole < 60 ? whole - 1 : whole - 2;
  const ms = Date.UTC(1900, 0, 1) + offset * 86_400_000;
  const dt = new Date(ms);
  return iso(dt.getUTCFullYear(), dt.getUTCMonth() + 1, dt.getUTCDate());
}

/** ISO date → Excel 1900 serial (inverse of excelSerialToIso). */
export function isoToExcelSerial(isoDate: string): number {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  const days = Math.round((Date.UTC(y, m - 1, d) - Date.UTC(1900, 0, 1)) / 86_400_000);
  return days < 59 ? days + 1 : days + 2;
}

/** What the officer is told when a date cell cannot be read (Vietnamese first). */
export const ACCEPTED_DATE_FORMS = {
  vi:
    'dạng được chấp nhận: ngày/tháng/năm như 28/04/2018 hoặc 28/4/2018 (có thể kèm giờ, ví dụ 28/4/2018 0:00), ' +
    'năm-tháng-ngày như 2018-04-28, hoặc ô định dạng Ngày (Date) của Excel; năm phải đủ 4 chữ số',
  en:
    'accepted forms: day/month/year such as 28/04/2018 or 28/4/2018 (a time may follow, e.g. 28/4/2018 0:00), ' +
    'year-month-day such as 2018-04-28, or an Excel Date cell; the year must have 4 digits',
} as const;

const VIETNAM_OFFSET_MINUTES = 7 * 60;

function offsetMinutes(zone: string): number {
  if (zone === 'Z') return 0;
  const digits = zone.replace(':', '');
  const minutes = Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5));
  return digits[0] === '-' ? -minutes : minutes;
}

/**
 * Parses dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy (always day first), ISO yyyy-mm-dd, each optionally
 * followed by a time (ignored: the date part is the date), and Excel serial numbers (integer 1..2958465, a
 * fractional time part ignored). An ISO timestamp with a UTC offset gives the date in Vietnam. Invisible
 * characters and no-break spaces are cleaned first (as in every cell). Refuses impossible dates, two-digit
 * years and Excel's fictitious 1900-02-29 (serial 60).
 */
export function parseListDate(text: string): ParsedListDate {
  const s = cleanCell(text);
  if (s === '') return FAIL;
  let m = DAY_FIRST.exec(s);
  if (m) {
    const d = Number(m[1]);
    const mo = Number(m[2]);
    const y = Number(m[3]);
    return isValid(y, mo, d) ? { ok: true, iso: iso(y, mo, d) } : FAIL;
  }
  m = ISO.exec(s);
  if (m) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    const d = Number(m[3]);
    if (!isValid(y, mo, d)) return FAIL;
    const [hh, mm, zone] = [Number(m[4] ?? 0), Number(m[5] ?? 0), m[6]];
    if (hh > 23 || mm > 59) return FAIL;
    if (zone === undefined) return { ok: true, iso: iso(y, mo, d) };
    const local = new Date(Date.UTC(y, mo - 1, d, hh, mm) + (VIETNAM_OFFSET_MINUTES - offsetMinutes(zone)) * 60_000);
    return { ok: true, iso: iso(local.getUTCFullYear(), local.getUTCMonth() + 1, local.getUTCDate()) };
  }
  m = SERIAL.exec(s);
  if (m) {
    const out = excelSerialToIso(Number(m[1]));
    return out ? { ok: true, iso: out } : FAIL;
  }
  return FAIL;
}

export { formatDateVi } from '../../shared/vi-format.js';
