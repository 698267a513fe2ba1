import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { cleanCell, dropTextPrefix } from '../../../functions/shared/cell-text.js';

describe('cleanCell', () => {
  it.each([
    ['U+FEFF inside a word', 'Tr\uFEFFần Văn An', 'Trần Văn An'],
    ['U+200B at the end of a word', 'Nguyễn Tiến Dũn\u200Bg', 'Nguyễn Tiến Dũng'],
    ['U+200C and U+200D', 'Lê\u200C Thị\u200D Hoa', 'Lê Thị Hoa'],
    ['U+2060 (word joiner)', 'Hoa\u2060', 'Hoa'],
    ['NBSP between words', 'Phạm\u00A0Văn\u00A0\u00A0Bình', 'Phạm Văn Bình'],
    ['narrow NBSP and figure space', '12\u202F345\u2007678', '12 345 678'],
    ['a leading BOM and trailing NBSP', '\uFEFF 0912345678\u00A0', '0912345678'],
    ['tabs, newlines and runs of spaces', '  Hoàng \t Minh\r\n Ánh ', 'Hoàng Minh Ánh'],
  ])('%s', (_, raw, clean) => expect(cleanCell(raw)).toBe(clean));

  it('removes an invisible character between a letter and its combining mark, then composes (NFC)', () => {
    const nfd = 'Trần'.normalize('NFD'); // T r a ̀ n with a combining grave
    const broken = `${nfd.slice(0, 3)}\u200B${nfd.slice(3)}`;
    expect(cleanCell(broken)).toBe('Trần'.normalize('NFC'));
  });

  it('undefined and non-strings are empty', () => {
    expect(cleanCell(undefined)).toBe('');
  });

  it('is idempotent and leaves no invisible characters, no double spaces, NFC (property)', () => {
    const piece = fc.constantFrom('a', 'ầ', 'Đ', ' ', '\t', '\u00A0', '\u200B', '\u200C', '\u200D', '\uFEFF', '\u0300');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (parts) => {
        const out = cleanCell(parts.join(''));
        expect(cleanCell(out)).toBe(out);
        expect(out).not.toMatch(/[\u200B-\u200D\u2060\uFEFF\u00A0]|\s{2}|^\s|\s$/u);
        expect(out.normalize('NFC')).toBe(out);
      }),
      { numRuns: 500 },
    );
  });
});

describe('dropTextPrefix', () => {
  it.each([
    ["'024188159906", '024188159906'],
    ['\u2019024188159906', '024188159906'],
    ['\u2018024188159906', '024188159906'],
    ["''024188159906", "'024188159906"], // only the one prefix: a second apostrophe is data, and an error
    ['024188159906', '024188159906'],
    ["0241'88", "0241'88"],
    ['', ''],
  ])('%p → %p', (raw, out) => expect(dropTextPrefix(raw)).toBe(out));
});
