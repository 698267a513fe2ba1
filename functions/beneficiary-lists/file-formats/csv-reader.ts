/**
 * Streaming CSV reader for beneficiary lists as offices export them: UTF-8 (with or without BOM), UTF-16LE/BE
 * with BOM (Excel "Unicode text", tab-separated); comma, semicolon or tab; RFC 4180 quoting; `sep=` hint.
 * Memory is bounded by one input slice (64 KiB) plus one record (≤ maxCellChars), whatever the file size.
 */
import { TextDecoder } from 'node:util';
import type { RawRow } from '../../../schemas/beneficiary-lists.js';
import { type ListLimits, resolveLimits } from '../../codecs/limits.js';
import { fileErrors } from './errors.js';
import {
  bestHeaderScore,
  HEADER_SEARCH_ROWS,
  type PhysicalRecord,
  type ReadOptions,
  recordsToRows,
} from './template.js';

export type CsvEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';
export type CsvDelimiter = ',' | ';' | '\t';

export interface CsvReadOptions extends ReadOptions {
  /** Called once the encoding and delimiter are known. */
  onFormat?: (format: { encoding: CsvEncoding; bom: boolean; delimiter: CsvDelimiter; sepHint: boolean }) => void;
}

/** Input is decoded in slices of at most this many bytes, so one huge chunk never becomes one huge string. */
const SLICE = 64 * 1024;

function sniffEncoding(head: Uint8Array): { encoding: CsvEncoding; bom: boolean } {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: true };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: true };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: true };
  return { encoding: 'utf-8', bom: false };
}

/**
 * Bytes → text, counting bytes as they stream (FILE_TOO_LARGE) and refusing invalid sequences
 * (ENCODING_INVALID) and NUL characters (UNKNOWN_FORMAT). The BOM is removed.
 */
export async function* decodeText(
  source: AsyncIterable<Uint8Array>,
  limits: Pick<ListLimits, 'maxFileBytes'>,
  onEncoding?: (e: { encoding: CsvEncoding; bom: boolean }) => void,
): AsyncGenerator<string> {
  let total = 0;
  let head = new Uint8Array(0);
  let decoder: TextDecoder | undefined;
  const decode = (bytes: Uint8Array, stream: boolean): string => {
    let text: string;
    try {
      text = (decoder as TextDecoder).decode(bytes, { stream });
    } catch {
      throw fileErrors.encodingInvalid();
    }
    if (text.includes('\u0000')) throw fileErrors.unknownFormat();
    return text;
  };
  const start = (bytes: Uint8Array) => {
    const enc = sniffEncoding(bytes);
    onEncoding?.(enc);
    decoder = new TextDecoder(enc.encoding, { fatal: true, ignoreBOM: false });
  };
  for await (const chunk of source) {
    total += chunk.length;
    if (total > limits.maxFileBytes) throw fileErrors.tooLarge(limits.maxFileBytes);
    let data = chunk;
    if (!decoder) {
      const joined = new Uint8Array(head.length + chunk.length);
      joined.set(head);
      joined.set(chunk, head.length);
      if (joined.length < 3) {
        head = joined;
        continue;
      }
      start(joined);
      data = joined;
    }
    for (let o = 0; o < data.length; o += SLICE) {
      const text = decode(data.subarray(o, Math.min(o + SLICE, data.length)), true);
      if (text !== '') yield text;
    }
  }
  if (total === 0) throw fileErrors.empty();
  if (!decoder) {
    start(head);
    const text = decode(head, true);
    if (text !== '') yield text;
  }
  const rest = decode(new Uint8Array(0), false);
  if (rest !== '') yield rest;
}

/** RFC 4180 record parser, push-based, lenient with stray quotes like Excel. */
export class CsvRecordParser {
  private cells: string[] = [];
  private field = '';
  private quoted = false;
  private afterQuote = false;
  private wasQuoted = false;
  private skipLf = false;
  private recordChars = 0;
  /** Records emitted so far (= the number of the last one). */
  line: number;
  private readonly delim: number;

  constructor(
    delimiter: string,
    private readonly maxChars: number,
    firstLine = 1,
  ) {
    this.delim = delimiter.charCodeAt(0);
    this.line = firstLine - 1;
  }

  private append(s: string): void {
    this.field += s;
    this.recordChars += s.length;
    if (this.field.length > this.maxChars || this.recordChars > this.maxChars) {
      throw fileErrors.lineTooLong(this.maxChars, this.line + 1);
    }
  }

  private endField(): void {
    this.cells.push(this.field);
    this.field = '';
    this.wasQuoted = false;
  }

  private endRecord(out: PhysicalRecord[]): void {
    this.line++;
    out.push({ line: this.line, cells: this.cells });
    this.cells = [];
    this.recordChars = 0;
  }

  push(text: string, out: PhysicalRecord[] = []): PhysicalRecord[] {
    const n = text.length;
    const delim = this.delim;
    let i = 0;
    if (this.skipLf && n > 0) {
      if (text.charCodeAt(0) === 10) i = 1;
      this.skipLf = false;
    }
    while (i < n) {
      if (this.quoted) {
        if (this.afterQuote) {
          this.afterQuote = false;
          if (text.charCodeAt(i) === 34) {
            this.append('"');
            i++;
            continue;
          }
          this.quoted = false; // closing quote; what follows is read unquoted
          continue;
        }
        const j = text.indexOf('"', i);
        if (j < 0) {
          this.append(text.slice(i));
          break;
        }
        if (j > i) this.append(text.slice(i, j));
        this.afterQuote = true;
        i = j + 1;
        continue;
      }
      let j = i;
      for (; j < n; j++) {
        const c = text.charCodeAt(j);
        if (c === delim || c === 10 || c === 13 || c === 34) break;
      }
      const run = j > i ? text.slice(i, j) : '';
      if (j >= n) {
        if (run) this.append(run);
        break;
      }
      const c = text.charCodeAt(j);
      if (c === 34) {
        if (!this.wasQuoted && (this.field + run).trim() === '') {
          this.recordChars -= this.field.length;
          this.field = '';
          this.quoted = true;
          this.wasQuoted = true;
        } else {
          this.append(`${run}"`);
        }
        i = j + 1;
        continue;
      }
      if (run) this.append(run);
      this.endField();
      if (c !== delim) {
        this.endRecord(out);
        if (c === 13) {
          if (j + 1 < n) {
            if (text.charCodeAt(j + 1) === 10) j++;
          } else {
            this.skipLf = true;
          }
        }
      }
      i = j + 1;
    }
    return out;
  }

  /** Flushes the last record (a file need not end with a newline; an unterminated quote ends at EOF). */
  end(out: PhysicalRecord[] = []): PhysicalRecord[] {
    if (this.cells.length > 0 || this.field !== '' || this.wasQuoted) {
      this.endField();
      this.endRecord(out);
    }
    return out;
  }
}

const DELIMITERS: readonly CsvDelimiter[] = [',', ';', '\t'];

function chooseDelimiter(prefix: string, maxChars: number): CsvDelimiter {
  let best: { d: CsvDelimiter; score: number; width: number } | undefined;
  for (const d of DELIMITERS) {
    let records: PhysicalRecord[];
    try {
      const p = new CsvRecordParser(d, maxChars);
      records = p.end(p.push(prefix));
    } catch {
      continue;
    }
    const nonEmpty = records.filter((r) => r.cells.some((c) => c.trim() !== '')).slice(0, HEADER_SEARCH_ROWS);
    const score = bestHeaderScore(nonEmpty.map((r) => r.cells));
    const width = Math.max(0, ...nonEmpty.map((r) => r.cells.length));
    if (!best || score > best.score || (score === best.score && width > best.width)) best = { d, score, width };
  }
  return best?.d ?? ',';
}

function countLineBreaks(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10 || (c === 13 && s.charCodeAt(i + 1) !== 10)) n++;
  }
  return n;
}

/**
 * Physical records of a CSV file (cells untrimmed, empty records included), numbered from 1. A first line
 * `sep=X` (Excel's hint) sets the delimiter and is not counted as a record (Excel does not show it).
 */
export async function* csvRecords(
  source: AsyncIterable<Uint8Array>,
  limitsIn: Partial<ListLimits> = {},
  options: Pick<CsvReadOptions, 'onFormat'> = {},
): AsyncGenerator<PhysicalRecord> {
  const limits = resolveLimits(limitsIn);
  let enc: { encoding: CsvEncoding; bom: boolean } = { encoding: 'utf-8', bom: false };
  const texts = decodeText(source, limits, (e) => {
    enc = e;
  });
  // Buffer a prefix (first HEADER_SEARCH_ROWS + 1 line breaks) to detect the delimiter from the header.
  let prefix = '';
  let breaks = 0;
  let sinceBreak = 0;
  const it = texts[Symbol.asyncIterator]();
  let done = false;
  while (breaks <= HEADER_SEARCH_ROWS) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    prefix += r.value;
    const b = countLineBreaks(r.value);
    breaks += b;
    if (b === 0) sinceBreak += r.value.length;
    else sinceBreak = r.value.length - Math.max(r.value.lastIndexOf('\n'), r.value.lastIndexOf('\r')) - 1;
    if (sinceBreak > limits.maxCellChars) throw fileErrors.lineTooLong(limits.maxCellChars, breaks + 1);
  }
  let delimiter: CsvDelimiter | undefined;
  const sep = /^sep=(.)[ \t]*(\r\n|\r|\n|$)/i.exec(prefix);
  if (sep && DELIMITERS.includes(sep[1] as CsvDelimiter)) {
    delimiter = sep[1] as CsvDelimiter;
    prefix = prefix.slice(sep[0].length);
  }
  delimiter ??= chooseDelimiter(prefix, limits.maxCellChars);
  options.onFormat?.({ ...enc, delimiter, sepHint: Boolean(sep) });
  const parser = new CsvRecordParser(delimiter, limits.maxCellChars);
  yield* parser.push(prefix);
  while (!done) {
    const r = await it.next();
    if (r.done) break;
    yield* parser.push(r.value);
  }
  yield* parser.end();
}

/**
 * Reads a CSV beneficiary list: finds and maps the header (within the first 20 non-empty records), then
 * yields one RawRow per non-empty data record with trimmed cell text exactly as written (no evaluation of
 * `=`, `+`, `-`, `@`; leading zeros and `7.9E+10` kept as text). `line` is the record number.
 */
export async function* readCsv(
  source: AsyncIterable<Uint8Array>,
  limits: Partial<ListLimits> = {},
  options: CsvReadOptions = {},
): AsyncGenerator<RawRow> {
  const resolved = resolveLimits(limits);
  yield* recordsToRows(csvRecords(source, resolved, options), resolved, options);
}
