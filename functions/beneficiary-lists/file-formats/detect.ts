/**
 * Format detection for uploaded lists: sniffs the first bytes and hands the stream to the XLSX or CSV reader.
 * XLSX: "PK\x03\x04" (also an empty zip "PK\x05\x06"). CSV: a BOM, or text. Legacy .xls (OLE2, D0 CF 11 E0)
 * and binary junk (NULs/control bytes in the first 4 KiB without a UTF-16 BOM, or known binary magic such
 * as PDF/gzip/images) → UNKNOWN_FORMAT. The file name and content type are hints only: bytes decide.
 */
import type { RawRow } from '../../../schemas/beneficiary-lists.js';
import { fileErrors } from '../../codecs/errors.js';
import { firstBytes } from '../../codecs/head.js';
import { type ListLimits, resolveLimits } from '../../codecs/limits.js';
import { type CsvReadOptions, readCsv } from './csv-reader.js';
import { readXlsx } from './xlsx-reader.js';

export type ListFormat = 'xlsx' | 'csv';

export interface ReadListOptions extends CsvReadOptions {
  fileName?: string;
  contentType?: string;
  onDetected?: (format: ListFormat) => void;
}

const SNIFF_BYTES = 4096;

const startsWith = (b: Uint8Array, sig: readonly number[]) => sig.every((x, i) => b[i] === x);

/** What the first bytes say; throws UNKNOWN_FORMAT for .xls and binary files. */
export function sniffFormat(head: Uint8Array): ListFormat {
  if (head.length === 0) throw fileErrors.empty();
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) return 'xlsx';
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) throw fileErrors.legacyXls();
  if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff]) || startsWith(head, [0xef, 0xbb, 0xbf])) {
    return 'csv';
  }
  const binaryMagic: readonly (readonly number[])[] = [
    [0x25, 0x50, 0x44, 0x46, 0x2d], // %PDF-
    [0x1f, 0x8b], // gzip
    [0x89, 0x50, 0x4e, 0x47], // PNG
    [0xff, 0xd8, 0xff], // JPEG
    [0x52, 0x61, 0x72, 0x21], // RAR
    [0x37, 0x7a, 0xbc, 0xaf], // 7z
    [0x50, 0x4b], // other zip-like
  ];
  if (binaryMagic.some((m) => startsWith(head, m))) throw fileErrors.unknownFormat();
  const n = Math.min(head.length, SNIFF_BYTES);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = head[i] as number;
    if (b === 0) throw fileErrors.unknownFormat();
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) control++;
  }
  if (control > Math.max(2, n / 100)) throw fileErrors.unknownFormat();
  return 'csv';
}

async function* prepend(head: readonly Uint8Array[], rest: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield* head;
  for (;;) {
    const r = await rest.next();
    if (r.done) return;
    yield r.value;
  }
}

/**
 * Reads an uploaded list whatever its format. `source` is called once (it is a factory so callers can pass
 * an S3 reader lazily). Rows stream out; any FileFormatError rejects the whole file.
 */
export async function* readList(
  source: () => AsyncIterable<Uint8Array>,
  limits?: Partial<ListLimits>,
  options: ReadListOptions = {},
): AsyncGenerator<RawRow> {
  const resolved = resolveLimits(limits);
  const it = source()[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let have = 0;
  try {
    while (have < SNIFF_BYTES) {
      const r = await it.next();
      if (r.done) break;
      head.push(r.value);
      have += r.value.length;
      if (have > resolved.maxFileBytes) throw fileErrors.tooLarge(resolved.maxFileBytes);
    }
    const first = firstBytes(head, SNIFF_BYTES);
    const format = sniffFormat(first);
    options.onDetected?.(format);
    const stream = prepend(head, it);
    if (format === 'xlsx') yield* readXlsx(stream, resolved, options);
    else yield* readCsv(stream, resolved, options);
  } finally {
    await it.return?.();
  }
}
