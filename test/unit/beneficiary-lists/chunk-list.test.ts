/**
 * The parse step's loop (chunk-list.ts): rows cut into chunks of JSON lines in file order, a bad row decided
 * on the spot, a repeated identity number refused with the line it first appeared on, and a file that is
 * not a list rejected whole.
 */
import { describe, expect, it } from '@jest/globals';
import { type CutChunk, cutIntoChunks } from '../../../functions/beneficiary-lists/chunk-list.js';
import { FileFormatError } from '../../../functions/codecs/errors.js';

const HEADER =
  'STT,Họ và tên,Ngày sinh,Giới tính,Số định danh cá nhân,Mã đối tượng,Ngày quyết định,Phương thức nhận,Mã ngân hàng,Số tài khoản,Mã xã,Số điện thoại';
const row = (stt: number, personalId: string) =>
  `${stt},Hoàng Thanh Minh Ánh,12/05/1930,Nữ,${personalId},NCT_80,15/03/2025,Ngân hàng,970436,00110012345${stt},26734,`;

async function cut(text: string, chunkRows: number) {
  const written: { chunk: CutChunk; lines: Record<string, unknown>[] }[] = [];
  const out = await cutIntoChunks({
    source: async function* () {
      yield new TextEncoder().encode(text);
    },
    fileName: 'danh-sach.csv',
    today: '2026-11-23',
    chunkRows,
    writeChunk: async (chunk, body) => {
      expect(body.endsWith('\n')).toBe(true);
      written.push({
        chunk,
        lines: body
          .trimEnd()
          .split('\n')
          .map((l) => JSON.parse(l)),
      });
    },
  });
  return { ...out, written };
}

describe('cutIntoChunks', () => {
  it('cuts rows into chunks in file order, each written once, with its first and last line', async () => {
    const text = [HEADER, row(1, '079130796635'), row(2, '079130796636'), row(3, '079130796637')].join('\r\n');
    const out = await cut(text, 2);
    expect(out.rows).toBe(3);
    expect(out.chunks).toEqual([
      { index: 0, firstLine: 2, lastLine: 3, rows: 2 },
      { index: 1, firstLine: 4, lastLine: 4, rows: 1 },
    ]);
    expect(out.written.map((w) => w.chunk)).toEqual(out.chunks);
    expect(out.written.flatMap((w) => w.lines.map((l) => (l.candidate as { line: number }).line))).toEqual([2, 3, 4]);
  });

  it('decides a bad row and a repeated identity number on the spot, and goes on', async () => {
    const text = [HEADER, row(1, '079130796635'), row(2, '79130796635'), row(3, '079130796635')].join('\n');
    const { written, rows } = await cut(text, 10);
    expect(rows).toBe(3);
    const [first, bad, repeated] = written[0]?.lines ?? [];
    expect(first).toHaveProperty('candidate');
    expect(bad).toMatchObject({ verdict: { line: 3, outcome: 'INVALID_IDENTITY_NUMBER' } });
    expect(repeated).toMatchObject({ verdict: { line: 4, outcome: 'DUPLICATE_IN_FILE' } });
    expect(JSON.stringify(repeated)).toContain('already appears on line 2 of the file');
  });

  it('writes nothing for a file without data rows, and refuses a file that is not a list', async () => {
    expect(await cut(`${HEADER}\n`, 10)).toMatchObject({ rows: 0, chunks: [], written: [] });
    await expect(cut('\u0000\u0001PK not a list at all', 10)).rejects.toBeInstanceOf(FileFormatError);
  });
});
