/**
 * Vietnamese first, English on request. Each text is written in both languages where it is used
 * (`L('Tải lên', 'Upload')`), so no key can be missing in one of them. Money and dates always read the
 * Vietnamese way: `1.250.000 ₫`, `dd/mm/yyyy` (Vietnam time), whatever the language.
 */

export type Lang = 'vi' | 'en';
const LANG_KEY = 'ansinh.lang';

let lang: Lang = (localStorage.getItem(LANG_KEY) as Lang | null) === 'en' ? 'en' : 'vi';

export const currentLang = (): Lang => lang;

export function setLang(next: Lang): void {
  lang = next;
  localStorage.setItem(LANG_KEY, next);
  document.documentElement.lang = next;
}
document.documentElement.lang = lang;

export const L = (vi: string, en: string): string => (lang === 'en' ? en : vi);

/** A bilingual text from the API ({vi, en}). */
export const loc = (m: { vi: string; en: string } | undefined | null): string => (m ? m[lang] : '');

const vnd = new Intl.NumberFormat('vi-VN', { style: 'currency', currency: 'VND', maximumFractionDigits: 0 });
const num = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 0 });
/** `1.250.000 ₫` (integer VND). */
export const money = (amount: number | undefined): string => vnd.format(amount ?? 0);
export const count = (n: number | undefined): string => num.format(n ?? 0);

const dateFmt = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Ho_Chi_Minh',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
});
const timeFmt = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Ho_Chi_Minh',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** dd/mm/yyyy in Vietnam time, from an ISO timestamp or a `YYYY-MM-DD` date. */
export function date(iso: string | undefined): string {
  if (!iso) return '';
  const plain = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (plain) return `${plain[3]}/${plain[2]}/${plain[1]}`;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateFmt.format(d);
}

/** dd/mm/yyyy hh:mm (Vietnam time). */
export const dateTime = (iso: string | undefined): string =>
  iso && !Number.isNaN(new Date(iso).getTime()) ? `${date(iso)} ${timeFmt.format(new Date(iso))}` : '';

/** `2026-01` → `01/2026`. */
export const period = (p: string | undefined): string => (p ? `${p.slice(5, 7)}/${p.slice(0, 4)}` : '');
