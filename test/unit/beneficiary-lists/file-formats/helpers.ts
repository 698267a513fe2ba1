import { TEMPLATE_COLUMNS } from '../../../../functions/beneficiary-lists/file-formats/template.js';

export const enc = new TextEncoder();

export async function* chunks(bytes: Uint8Array, size = 7): AsyncGenerator<Uint8Array> {
  for (let o = 0; o < bytes.length; o += size) yield bytes.subarray(o, o + size);
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

export async function failure(
  it: AsyncIterable<unknown>,
): Promise<{ code?: string; text?: { vi: string; en: string } }> {
  try {
    for await (const _ of it) {
    }
  } catch (e) {
    return e as { code?: string };
  }
  throw new Error('expected a failure');
}

export const HEADERS = TEMPLATE_COLUMNS.map((c) => c.vi);
export const ROW = [
  '1',
  'Nguyễn Văn A',
  '05/01/1950',
  'Nam',
  '079130796635',
  'NCT_80',
  '15/07/2025',
  'Bưu điện',
  '',
  '',
  '26734',
  '',
];

export function utf16le(s: string): Uint8Array {
  const out = new Uint8Array(2 + s.length * 2);
  out[0] = 0xff;
  out[1] = 0xfe;
  for (let i = 0; i < s.length; i++) {
    out[2 + i * 2] = s.charCodeAt(i) & 0xff;
    out[3 + i * 2] = s.charCodeAt(i) >> 8;
  }
  return out;
}
export function utf16be(s: string): Uint8Array {
  const out = new Uint8Array(2 + s.length * 2);
  out[0] = 0xfe;
  out[1] = 0xff;
  for (let i = 0; i < s.length; i++) {
    out[3 + i * 2] = s.charCodeAt(i) & 0xff;
    out[2 + i * 2] = s.charCodeAt(i) >> 8;
  }
  return out;
}
