/**
 * Text as spreadsheets and copy-paste leave it in a cell, cleaned in ONE place before any other check.
 * Pure: no I/O.
 *
 * Order matters: JavaScript's `\s` matches U+FEFF and NBSP, so a whitespace collapse run first would turn
 * "Tr\uFEFFần" into "Tr ần". Invisible characters are therefore removed first, space-like ones made plain
 * spaces, and only then are runs of spaces collapsed.
 */

/** Zero-width characters (ZWSP, ZWNJ, ZWJ, word joiner, BOM/ZWNBSP): they carry nothing, so they go. */
export const INVISIBLE_CHARS = /[\u200B-\u200D\u2060\uFEFF]/gu;
/** No-break and fixed-width spaces (NBSP, figure space, narrow NBSP): a space to a reader, so a space here. */
const SPACE_LIKE = /[\u00A0\u2007\u202F]/gu;
const SPACES = /\s+/gu;

/**
 * Invisible characters removed, every run of whitespace one plain space, trimmed, then NFC (after the
 * removal, so a zero-width character between a letter and its combining mark cannot block composition).
 */
export function cleanCell(text: string | undefined): string {
  if (typeof text !== 'string') return '';
  return text.replace(INVISIBLE_CHARS, '').replace(SPACE_LIKE, ' ').replace(SPACES, ' ').trim().normalize('NFC');
}

/**
 * Drops the one leading apostrophe a spreadsheet user types to keep a number as text ("'024188159906"
 * keeps its leading zero). Only for number-like columns (identity, account, phone): in a name an apostrophe
 * is part of the name ("H'Hen Niê"). Typographic apostrophes count, since editors auto-correct "'" to them.
 */
export function dropTextPrefix(text: string): string {
  return /^['\u2018\u2019]/u.test(text) ? text.slice(1) : text;
}
