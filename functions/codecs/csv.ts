/**
 * The CSV codec every reader uses (beneficiary lists, bank statement CSVs): bytes → text → physical records,
 * streamed. Encodings as offices and banks export them: UTF-8 (with or without BOM), UTF-16LE/BE with BOM
 * (Excel "Unicode text", tab-separated); anything else (TCVN3, VNI, Windows-1258) is refused, not guessed.
 * Comma, semicolon or tab, chosen once here (Excel's `sep=` line, else the delimiter under which the first
 * records read best as the caller's header); RFC 4180 quoting, lenient like Excel with stray quotes.
 * Memory is bounded by one input slice (64 KiB) plus one record (≤ maxRecordChars), whatever the file size.
 * Measured against csv-parse (docs/codecs.md): it is kept hand-written.
 */
import { TextDecoder } from 'node:util';
import { fileErrors } from './errors.js';

export type CsvEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';
export type CsvDelimiter = ',' | ';' | '\t';
export const CSV_DELIMITERS: readonly CsvDelimiter[] = [',', ';', '\t'];

export interface CsvFormat {
  encoding: CsvEncoding;
  bom: boolean;
  delimiter: CsvDelimiter;
  sepHint: boolean;
}

/** One physical record of a CSV file or a worksheet: its number (1-based) and its cells, untrimmed. */
export interface PhysicalRecord {
  line: number;
  cells: string[];
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
  limits: { maxFileBytes: number },
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
export class PhysicalRecordParser {
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

/** Scores the first records under one delimiter: higher reads more like the caller's header. */
export type HeaderScore = (records: readonly (readonly string[])[]) => number;

/**
 * The delimiter under which the first `searchRecords` non-empty records of `prefix` score best as a header;
 * ties go to the widest record, then to the comma.
 */
export function chooseDelimiter(
  prefix: string,
  maxChars: number,
  score: HeaderScore,
  searchRecords: number,
): CsvDelimiter {
  let best: { d: CsvDelimiter; score: number; width: number } | undefined;
  for (const d of CSV_DELIMITERS) {
    let records: PhysicalRecord[];
    try {
      const p = new PhysicalRecordParser(d, maxChars);
      records = p.end(p.push(prefix));
    } catch {
      continue;
    }
    const nonEmpty = records.filter((r) => r.cells.some((c) => c.trim() !== '')).slice(0, searchRecords);
    const s = score(nonEmpty.map((r) => r.cells));
    const width = Math.max(0, ...nonEmpty.map((r) => r.cells.length));
    if (!best || s > best.score || (s === best.score && width > best.width)) best = { d, score: s, width };
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

/** Text held at most to choose the delimiter. */
const PREFIX_CHARS = 256 * 1024;

export interface CsvOptions {
  maxFileBytes: number;
  /** Characters in one record (and so in one cell): LINE_TOO_LONG. */
  maxRecordChars: number;
  /** How the first records read as the caller's header, to choose the delimiter. */
  headerScore: HeaderScore;
  /** Non-empty records the header may be found in. */
  searchRecords: number;
  /**
   * Whether a `sep=` line counts in the record numbers: lists number records as Excel shows rows (Excel
   * hides the line); statements number the lines of the bank's text file.
   */
  countSepLine?: boolean;
  /** Called once the encoding and delimiter are known. */
  onFormat?: (format: CsvFormat) => void;
}

/**
 * Physical records of a CSV file (cells untrimmed, empty records included), numbered from 1. A first line
 * `sep=X` (Excel's hint) sets the delimiter and is not a record. Throws FileFormatError (FILE_EMPTY,
 * FILE_TOO_LARGE, ENCODING_INVALID, UNKNOWN_FORMAT for NULs, LINE_TOO_LONG).
 */
export async function* csvRecords(
  source: AsyncIterable<Uint8Array>,
  options: CsvOptions,
): AsyncGenerator<PhysicalRecord> {
  const maxChars = options.maxRecordChars;
  let enc: { encoding: CsvEncoding; bom: boolean } = { encoding: 'utf-8', bom: false };
  const it = decodeText(source, options, (e) => {
    enc = e;
  })[Symbol.asyncIterator]();
  try {
    // Buffer a prefix (the header search plus as many lines again, or PREFIX_CHARS) to choose the delimiter;
    // a first line longer than a record may be fails here, before the rest is read.
    let prefix = '';
    let breaks = 0;
    let sinceBreak = 0;
    let done = false;
    while (breaks <= options.searchRecords * 2 && prefix.length < PREFIX_CHARS) {
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
      if (sinceBreak > maxChars) throw fileErrors.lineTooLong(maxChars, breaks + 1);
    }
    let delimiter: CsvDelimiter | undefined;
    const sep = /^sep=(.)[ \t]*(\r\n|\r|\n|$)/i.exec(prefix);
    if (sep && CSV_DELIMITERS.includes(sep[1] as CsvDelimiter)) {
      delimiter = sep[1] as CsvDelimiter;
      prefix = prefix.slice(sep[0].length);
    }
    delimiter ??= chooseDelimiter(prefix, maxChars, options.headerScore, options.searchRecords);
    options.onFormat?.({ ...enc, delimiter, sepHint: Boolean(sep) });
    const parser = new PhysicalRecordParser(delimiter, maxChars, sep && options.countSepLine ? 2 : 1);
    yield* parser.push(prefix);
    while (!done) {
      const r = await it.next();
      if (r.done) break;
      yield* parser.push(r.value);
    }
    yield* parser.end();
  } finally {
    await it.return?.(undefined);
  }
}
