/**
 * The 12-digit personal identification number (số định danh cá nhân, Circular 59/2021/TT-BCA): checked for
 * shape and against the declared gender and birth year before any registry call. Pure: no I/O.
 *
 * Digits 1-3: province (or, when the first digit is not 0, country) where the birth was registered;
 * digit 4: gender and century; digits 5-6: last two digits of the birth year; 7-12: random.
 * There is no check digit, so nothing here ever rejects on a checksum.
 */

import type { Finding } from '../../schemas/messages.js';
import { dropTextPrefix, INVISIBLE_CHARS } from '../shared/cell-text.js';
import { maskDigits } from '../shared/pii.js';
// Reference data kept in the repository (origin and licence: SOURCES.md).
import idProvinceData from './data/id-province-codes.json' with { type: 'json' };
import provinces2025Data from './data/provinces-2025.json' with { type: 'json' };

export type Gender = 'M' | 'F';

export type BirthPlace =
  | { kind: 'province'; idProvinceCode: string; name: string }
  | { kind: 'abroad'; countryCode: string };

export interface DeclaredPerson {
  /** ISO `yyyy-mm-dd`; only the year is compared. */
  dateOfBirth?: string;
  gender?: Gender;
}

export const IDENTITY_FINDING_CODES = [
  'ID_MISSING',
  'ID_EXCEL_SCIENTIFIC',
  'ID_NOT_DIGITS',
  'ID_OLD_CMND',
  'ID_LEADING_ZERO_LOST',
  'ID_WRONG_LENGTH',
  'ID_PROVINCE_UNKNOWN',
  'ID_GENDER_MISMATCH',
  'ID_CENTURY_MISMATCH',
  'ID_BIRTH_YEAR_MISMATCH',
] as const;
export type IdentityFindingCode = (typeof IDENTITY_FINDING_CODES)[number];
export type IdentityFinding = Finding & { code: IdentityFindingCode };

export type IdentityCheck =
  | {
      ok: true;
      personalId: string;
      birthPlace: BirthPlace;
      /** Read from digit 4. */
      gender: Gender;
      /** Read from digits 4-6. */
      birthYear: number;
    }
  | { ok: false; finding: IdentityFinding };

// ---------------------------------------------------------------------------------------------------------
// Reference data
// ---------------------------------------------------------------------------------------------------------

const ID_PROVINCES: ReadonlyMap<string, string> = new Map(Object.entries(idProvinceData.codes));

/** The 63 three-digit province codes that can open an identity number (Circular 07/2016/TT-BCA). */
export const ID_PROVINCE_CODES: readonly string[] = Object.freeze([...ID_PROVINCES.keys()]);

/** Name of a 3-digit province code inside identity numbers (the 63 provinces before the 2025 merger). */
export function idProvinceName(idProvinceCode: string): string | undefined {
  return ID_PROVINCES.get(idProvinceCode);
}

export function isKnownIdProvinceCode(idProvinceCode: string): boolean {
  return ID_PROVINCES.has(idProvinceCode);
}

export interface Province2025 {
  /** 2-digit code of the provincial unit from 2025-07-01 (Decision 19/2025/QĐ-TTg). */
  readonly code: string;
  readonly name: string;
  /** The identity-number province codes of the old provinces merged into it. */
  readonly formedFromIdProvinceCodes: readonly string[];
}

export const PROVINCES_2025: readonly Province2025[] = Object.freeze(
  provinces2025Data.provinces.map((p) =>
    Object.freeze({
      code: p.code,
      name: p.name,
      formedFromIdProvinceCodes: Object.freeze([...p.formedFromIdProvinceCodes]),
    }),
  ),
);

const PROVINCE_2025_BY_CODE: ReadonlyMap<string, Province2025> = new Map(PROVINCES_2025.map((p) => [p.code, p]));
const CROSSWALK_ID_TO_2025: ReadonlyMap<string, string> = new Map(
  PROVINCES_2025.flatMap((p) => p.formedFromIdProvinceCodes.map((id): [string, string] => [id, p.code])),
);

export function provinceName2025(code: string): string | undefined {
  return PROVINCE_2025_BY_CODE.get(code)?.name;
}

export function isKnownProvince2025(code: string): boolean {
  return PROVINCE_2025_BY_CODE.has(code);
}

/**
 * The 2025 province that absorbed the old province of birth registration. For old lists only: the birth
 * province says nothing about where a person lives or is paid, so never use this for jurisdiction.
 */
export function crosswalkIdProvinceTo2025(idProvinceCode: string): string | undefined {
  return CROSSWALK_ID_TO_2025.get(idProvinceCode);
}

// ---------------------------------------------------------------------------------------------------------
// Masking
// ---------------------------------------------------------------------------------------------------------

/** `079130796635` → `07********35`. Fewer than 6 characters: all masked (nothing useful to keep). */
export const maskIdentityNumber = maskDigits;

// ---------------------------------------------------------------------------------------------------------
// Check
// ---------------------------------------------------------------------------------------------------------

// Whitespace (incl. NBSP) carries no digits: drop it, as the zero-width characters (shared/cell-text).
const SPACES = /\s+/gu;
// What Excel shows for a long number in a General cell: 7.9E+10, 7,91308E+10 (Vietnamese locale).
const SCIENTIFIC = /^[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+$/;
const DIGITS = /^\d+$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function finding(code: IdentityFindingCode, vi: string, en: string): { ok: false; finding: IdentityFinding } {
  return { ok: false, finding: { code, message: { vi, en } } };
}

function centuryRange(start: number): string {
  return `${start}–${start + 99}`;
}

/** Declared year of birth, or undefined when none was declared. Throws on a malformed date: validate first. */
function declaredYear(declared: DeclaredPerson | undefined): number | undefined {
  const dob = declared?.dateOfBirth;
  if (dob === undefined) return undefined;
  const m = ISO_DATE.exec(dob);
  if (!m) throw new RangeError('declared.dateOfBirth must be an ISO date yyyy-mm-dd');
  return Number(m[1]);
}

export function checkIdentityNumber(raw: string, declared?: DeclaredPerson): IdentityCheck {
  // Parsed first so that a malformed declared date always throws, whatever the number looks like.
  const year = declaredYear(declared);
  // A leading apostrophe is the spreadsheet's "keep as text" prefix ('024188159906), not part of the number.
  const value = typeof raw === 'string' ? dropTextPrefix(raw.replace(INVISIBLE_CHARS, '').replace(SPACES, '')) : '';
  if (value === '') {
    return finding(
      'ID_MISSING',
      'Chưa có số định danh cá nhân (12 chữ số).',
      'The personal identification number (12 digits) is missing.',
    );
  }
  if (SCIENTIFIC.test(value)) {
    return finding(
      'ID_EXCEL_SCIENTIFIC',
      'Excel đã đổi số định danh cá nhân sang dạng số mũ (ví dụ 7,9E+10) nên đã mất chữ số. Hãy định dạng cột là ' +
        'Văn bản (Text), nhập lại đủ 12 chữ số theo thẻ căn cước rồi xuất lại tệp.',
      'Excel turned the personal identification number into scientific notation (e.g. 7.9E+10), so digits were ' +
        'lost. Format the column as Text, re-enter all 12 digits from the identity card and export the file again.',
    );
  }
  if (!DIGITS.test(value)) {
    // The value itself is not echoed: it may be anything, including someone's name.
    return finding(
      'ID_NOT_DIGITS',
      'Số định danh cá nhân chỉ gồm chữ số, nhưng giá trị này có chữ cái hoặc ký tự khác.',
      'A personal identification number has digits only, but this value contains letters or other characters.',
    );
  }

  const masked = maskIdentityNumber(value);
  const n = value.length;
  if (n === 9) {
    return finding(
      'ID_OLD_CMND',
      `Số ${masked} có 9 chữ số: đây là số chứng minh nhân dân (CMND) cũ, không phải số định danh cá nhân. ` +
        'Cần số định danh cá nhân 12 chữ số in trên thẻ căn cước; hệ thống không tự chuyển đổi.',
      `${masked} has 9 digits: it is an old identity card (CMND) number, not a personal identification number. ` +
        'The 12-digit number printed on the chip identity card is needed; the system does not convert it.',
    );
  }
  // Excel drops every leading zero: "0xx…" loses one digit, "00x…" (Hà Nội 001, Hà Giang 002, …) loses two.
  if ((n === 10 || n === 11) && ID_PROVINCES.has(value.padStart(12, '0').slice(0, 3))) {
    return finding(
      'ID_LEADING_ZERO_LOST',
      `Số ${masked} chỉ có ${n} chữ số: có lẽ Excel đã xoá chữ số 0 ở đầu. Hãy định dạng cột là Văn bản (Text), ` +
        'nhập lại đủ 12 chữ số (bắt đầu bằng 0) theo thẻ căn cước rồi xuất lại tệp; hệ thống không tự thêm số 0.',
      `${masked} has only ${n} digits: Excel probably stripped the leading zero. Format the column as Text, ` +
        're-enter all 12 digits (starting with 0) from the identity card and export the file again; the system ' +
        'does not add the zero itself.',
    );
  }
  if (n !== 12) {
    return finding(
      'ID_WRONG_LENGTH',
      `Số ${masked} có ${n} chữ số; số định danh cá nhân phải có đúng 12 chữ số.`,
      `${masked} has ${n} digits; a personal identification number has exactly 12 digits.`,
    );
  }

  const placeCode = value.slice(0, 3);
  let birthPlace: BirthPlace;
  if (value[0] === '0') {
    const name = ID_PROVINCES.get(placeCode);
    if (name === undefined) {
      return finding(
        'ID_PROVINCE_UNKNOWN',
        `Số ${masked}: ${placeCode} không phải mã tỉnh nơi đăng ký khai sinh. ` +
          'Hãy đối chiếu ba chữ số đầu với thẻ căn cước.',
        `${masked}: ${placeCode} is not a province code of birth registration. Check the first three digits ` +
          'against the identity card.',
      );
    }
    birthPlace = { kind: 'province', idProvinceCode: placeCode, name };
  } else {
    // A first digit other than 0 is a country code: the birth was registered abroad.
    birthPlace = { kind: 'abroad', countryCode: placeCode };
  }

  const d4 = Number(value[3]);
  const gender: Gender = d4 % 2 === 0 ? 'M' : 'F';
  const century = 1900 + Math.floor(d4 / 2) * 100;
  const birthYear = century + Number(value.slice(4, 6));

  if (declared?.gender !== undefined && declared.gender !== gender) {
    const [vi, en] = gender === 'M' ? ['nam', 'male'] : ['nữ', 'female'];
    const [dvi, den] = declared.gender === 'M' ? ['nam', 'male'] : ['nữ', 'female'];
    return finding(
      'ID_GENDER_MISMATCH',
      `Số ${masked}: chữ số thứ 4 (${d4}) là giới tính ${vi}, nhưng giới tính khai báo là ${dvi}. ` +
        'Hãy đối chiếu số định danh và giới tính với thẻ căn cước.',
      `${masked}: digit 4 (${d4}) means ${en}, but the declared gender is ${den}. ` +
        'Check the number and the gender against the identity card.',
    );
  }

  if (year !== undefined) {
    const declaredCentury = Math.floor(year / 100) * 100;
    if (declaredCentury !== century) {
      return finding(
        'ID_CENTURY_MISMATCH',
        `Số ${masked}: chữ số thứ 4 (${d4}) là người sinh trong các năm ${centuryRange(century)}, nhưng năm sinh ` +
          `khai báo là ${year}. Hãy đối chiếu số định danh và ngày sinh với thẻ căn cước.`,
        `${masked}: digit 4 (${d4}) means born in ${centuryRange(century)}, but the declared year of birth is ` +
          `${year}. Check the number and the date of birth against the identity card.`,
      );
    }
    if (year !== birthYear) {
      // The number's own year digits are not echoed: with the mask they would reveal half the number.
      return finding(
        'ID_BIRTH_YEAR_MISMATCH',
        `Số ${masked}: chữ số thứ 5-6 (hai số cuối của năm sinh) không khớp với năm sinh khai báo ${year}. ` +
          'Hãy đối chiếu số định danh và ngày sinh với thẻ căn cước.',
        `${masked}: digits 5-6 (the last two digits of the year of birth) do not match the declared year of ` +
          `birth ${year}. Check the number and the date of birth against the identity card.`,
      );
    }
  }

  return { ok: true, personalId: value, birthPlace, gender, birthYear };
}
