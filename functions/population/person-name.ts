/**
 * Vietnamese personal names. The same name arrives in NFC or NFD, with the tone mark on different vowels
 * ("Hòa"/"Hoà", "Thủy"/"Thuỷ"), in any case and with stray spaces; different diacritics are different names
 * ("Hùng" ≠ "Hưng", "Đào" ≠ "Dao"). So: normalise, then compare exactly; a near miss goes to a person, never
 * silently through. Pure: no I/O.
 */
import type { Finding } from '../../schemas/messages.js';
import { INVISIBLE_CHARS } from '../shared/cell-text.js';

/**
 * The tone-placement convention names are normalised to: 'old' puts the tone on the first vowel of an open
 * "oa", "oe", "uy" ("hòa", "khỏe", "thủy"), as in official place names (Hòa Bình, Thanh Hóa, Khánh Hòa).
 */
export const TONE_PLACEMENT = 'old' as const;

// The five tone marks, as combining characters (NFD). U+0340/U+0341 fold into U+0300/U+0301 under NFD.
const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/gu;
const WHITESPACE = /\s+/gu;
const APOSTROPHES = /[\u2018\u2019\u02BC]/gu;
// A Vietnamese syllable without its tone: initial consonant, 1-3 vowels, final consonant (lower case, NFC).
// "qu" and "gi" are initials, so their u/i never take the tone ("quý", "già"); "gì" falls back to g + i.
const SYLLABLE =
  /^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|đ|g|h|k|l|m|n|p|q|r|s|t|v|x)?([aăâeêioôơuưy]{1,3})(ch|ng|nh|c|m|n|p|t)?$/u;
const MARKED_VOWELS = new Set(['ă', 'â', 'ê', 'ô', 'ơ', 'ư']);
const OA_OE_UY = new Set(['oa', 'oe', 'uy']);

/** Which vowel of the cluster carries the tone (index into the cluster). */
function tonePosition(vowels: readonly string[], hasFinal: boolean): number {
  // A vowel with a quality mark takes it; in "ươ" the second ("người", "rượu").
  for (let i = vowels.length - 1; i >= 0; i--) {
    if (MARKED_VOWELS.has(vowels[i] as string)) return i;
  }
  if (hasFinal) return vowels.length - 1; // hoàng, huỳnh, toán
  if (vowels.length === 3) return 1; // ngoài, khuỷu, ngoẹo
  if (vowels.length === 2 && OA_OE_UY.has(vowels.join(''))) return TONE_PLACEMENT === 'old' ? 0 : 1;
  return 0; // hài, mía, múa, túi, hóa (old style)
}

/** Re-places the tone of one lower-case word; anything that is not one Vietnamese syllable is left alone. */
function placeTone(word: string): string {
  const nfd = word.normalize('NFD');
  const tones = nfd.match(TONE_MARKS);
  if (tones?.length !== 1) return word;
  const base = nfd.replace(TONE_MARKS, '').normalize('NFC');
  const m = SYLLABLE.exec(base);
  if (!m) return word;
  const initial = m[1] ?? '';
  const vowels = [...(m[2] as string)];
  const at = tonePosition(vowels, m[3] !== undefined);
  vowels[at] = `${vowels[at]}${tones[0]}`.normalize('NFC');
  return `${initial}${vowels.join('')}${m[3] ?? ''}`;
}

/**
 * The comparison form of a name: NFC, lower case (Vietnamese rules), one tone placement, single spaces.
 * Also folds Ð (U+00D0, from legacy-encoding conversions) into Đ and typographic apostrophes into "'"
 * (ethnic-minority names such as "H'Hen Niê").
 */
export function normalizeName(s: string): string {
  return s
    .normalize('NFD')
    .replace(INVISIBLE_CHARS, '')
    .replace(/\u00D0/gu, '\u0110')
    .replace(/\u00F0/gu, '\u0111')
    .replace(APOSTROPHES, "'")
    .toLocaleLowerCase('vi')
    .replace(WHITESPACE, ' ')
    .trim()
    .normalize('NFC')
    .replace(/[\p{L}\p{M}]+/gu, placeTone)
    .normalize('NFC');
}

/** Upper-case ASCII key, as bank account holder names are written ("NGUYEN VAN A"). Not a name comparison. */
export function asciiKey(s: string): string {
  return s
    .normalize('NFD')
    .replace(INVISIBLE_CHARS, '')
    .replace(/\p{M}/gu, '')
    .replace(/[\u0111\u00F0]/gu, 'd') // đ and look-alike ð do not decompose under NFD
    .replace(/[\u0110\u00D0]/gu, 'D')
    .toUpperCase()
    .replace(WHITESPACE, ' ')
    .trim();
}

/** True when the text carries any diacritic (tone or quality mark, or đ). */
export function hasDiacritics(s: string): boolean {
  return /[\p{M}\u0110\u0111\u00D0\u00F0]/u.test(s.normalize('NFD'));
}

export const NAME_FINDING_CODES = [
  'NAME_MISSING',
  'NAME_MISMATCH',
  'NAME_DIACRITIC_MISMATCH',
  'NAME_NO_DIACRITICS_REVIEW',
] as const;
export type NameFindingCode = (typeof NAME_FINDING_CODES)[number];
export type NameFinding = Finding & { code: NameFindingCode };

export type NameComparison =
  | { verdict: 'MATCH' }
  | { verdict: 'MISMATCH'; finding: NameFinding }
  | { verdict: 'REVIEW'; finding: NameFinding };

// Messages never quote the names: findings travel to logs and reports, and names are personal data.
const FINDINGS: Record<NameFindingCode, NameFinding> = {
  NAME_MISSING: {
    code: 'NAME_MISSING',
    message: {
      vi: 'Thiếu họ tên nên không thể đối chiếu.',
      en: 'A full name is missing, so the names cannot be compared.',
    },
  },
  NAME_MISMATCH: {
    code: 'NAME_MISMATCH',
    message: {
      vi: 'Họ tên khai báo không khớp với họ tên trong cơ sở dữ liệu dân cư.',
      en: 'The declared full name does not match the name in the population database.',
    },
  },
  NAME_DIACRITIC_MISMATCH: {
    code: 'NAME_DIACRITIC_MISMATCH',
    message: {
      vi:
        'Họ tên khai báo chỉ khác họ tên trong cơ sở dữ liệu dân cư ở dấu (ví dụ Hùng và Hưng, Đào và Dao), ' +
        'nên có thể là hai người khác nhau. Cần cán bộ đối chiếu với giấy tờ gốc (thẻ căn cước, giấy khai sinh).',
      en:
        'The declared full name differs from the name in the population database only in diacritics (e.g. Hùng ' +
        'and Hưng, Đào and Dao), so these may be two different people. An officer must check the source ' +
        'document (identity card, birth certificate).',
    },
  },
  NAME_NO_DIACRITICS_REVIEW: {
    code: 'NAME_NO_DIACRITICS_REVIEW',
    message: {
      vi:
        'Họ tên khai báo được gõ không dấu. Bỏ dấu thì trùng với họ tên trong cơ sở dữ liệu dân cư, nhưng như ' +
        'vậy chưa chứng minh là cùng một người. Cần cán bộ đối chiếu với giấy tờ gốc hoặc nhập lại họ tên có dấu.',
      en:
        'The declared full name was typed without diacritics. Without diacritics it equals the name in the ' +
        'population database, but that does not prove it is the same person. An officer must check the source ' +
        'document, or the name must be re-entered with diacritics.',
    },
  },
};

function found(verdict: 'MISMATCH' | 'REVIEW', code: NameFindingCode): NameComparison {
  const f = FINDINGS[code];
  return { verdict, finding: { code: f.code, message: { ...f.message } } };
}

/**
 * Declared name against the population registry's. MATCH only on equal normal forms; a name that differs
 * only in diacritics is a mismatch for a person to look at, except a declared name typed with no diacritics
 * at all, which goes to review.
 */
export function compareNames(declared: string, registry: string): NameComparison {
  const d = normalizeName(declared);
  const r = normalizeName(registry);
  if (d === '' || r === '') return found('MISMATCH', 'NAME_MISSING');
  if (d === r) return { verdict: 'MATCH' };
  if (asciiKey(d) === asciiKey(r)) {
    if (!hasDiacritics(d) && hasDiacritics(r)) return found('REVIEW', 'NAME_NO_DIACRITICS_REVIEW');
    return found('MISMATCH', 'NAME_DIACRITIC_MISMATCH');
  }
  return found('MISMATCH', 'NAME_MISMATCH');
}

/**
 * Bank account holder name against the person's full name, on the ASCII key. Warning level only: an ASCII
 * key equates different names (Hùng/Hưng), so a MATCH here is never proof of identity.
 */
export function compareBankHolderName(holder: string, fullName: string): 'MATCH' | 'MISMATCH' {
  const h = asciiKey(holder);
  return h !== '' && h === asciiKey(fullName) ? 'MATCH' : 'MISMATCH';
}
