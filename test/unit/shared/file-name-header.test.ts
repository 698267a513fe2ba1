/** `x-file-name`: percent-encoded UTF-8 is decoded; what cannot be decoded is a 400, never a URIError (500). */
import { describe, expect, it } from '@jest/globals';
import { fileNameHeader, HttpError } from '../../../functions/shared/http.js';

const refusal = (value: string) => {
  try {
    fileNameHeader({ 'x-file-name': value }, 'danh-sach');
  } catch (e) {
    return e;
  }
  throw new Error(`accepted ${JSON.stringify(value)}`);
};

describe('fileNameHeader', () => {
  it('decodes percent-encoded UTF-8, as the console and the CLI send it', () => {
    expect(fileNameHeader({ 'x-file-name': encodeURIComponent('Danh sách tháng 1.xlsx') }, 'x')).toBe(
      'Danh sách tháng 1.xlsx',
    );
    expect(fileNameHeader({ 'x-file-name': 'plain.csv' }, 'x')).toBe('plain.csv');
    expect(fileNameHeader({ 'x-file-name': '100%25.csv' }, 'x')).toBe('100%.csv');
  });

  it('falls back when the header is absent or blank', () => {
    expect(fileNameHeader({}, 'danh-sach')).toBe('danh-sach');
    expect(fileNameHeader({ 'x-file-name': '  ' }, 'sao-ke')).toBe('sao-ke');
    expect(fileNameHeader({ 'x-file-name': '%20' }, 'sao-ke')).toBe('sao-ke');
  });

  it.each([
    '100%',
    '%',
    '%zz.csv',
    '%E0%A4%A', // truncated UTF-8 sequence
    '%C3%28', // invalid UTF-8
    'a%00b.csv', // NUL
    'a%0D%0Ab.csv', // CR LF (header injection into logs / Content-Disposition)
  ])('refuses %j with 400 INVALID_FILE_NAME, in both languages', (value) => {
    const e = refusal(value);
    expect(e).toBeInstanceOf(HttpError);
    expect(e).toMatchObject({ status: 400, code: 'INVALID_FILE_NAME' });
    const { vi, en } = (e as HttpError).text;
    expect(vi).toContain('x-file-name');
    expect(en).toContain('x-file-name');
    expect(vi).not.toEqual(en);
  });
});
