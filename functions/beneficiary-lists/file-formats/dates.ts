/**
 * Dates as they appear in lists: Vietnam writes day first (dd/mm/yyyy), always. Excel cells may hold a
 * serial number (1900 date system). Two-digit years are refused (ambiguous century).
 */

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

const DAY_FIRST = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]00:00(?::00(?:\.0+)?)?Z?)?$/;
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

/**
 * Parses dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy (always day first), ISO yyyy-mm-dd, and Excel serial
 * numbers (integer 1..2958465, a fractional time part ignored). Refuses impossible dates, two-digit years and
 * Excel's fictitious 1900-02-29 (serial 60).
 */
export function parseListDate(text: string): ParsedListDate {
  const s = text.trim();
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
    return isValid(y, mo, d) ? { ok: true, iso: iso(y, mo, d) } : FAIL;
  }
  m = SERIAL.exec(s);
  if (m) {
    const out = excelSerialToIso(Number(m[1]));
    return out ? { ok: true, iso: out } : FAIL;
  }
  return FAIL;
}

export { formatDateVi } from '../../shared/vi-format.js';
