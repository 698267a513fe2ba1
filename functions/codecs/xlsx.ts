/**
 * The XLSX codec's reader (lists and post-office confirmations read through it; codecs/writers.ts writes).
 * Measured against exceljs's streaming WorkbookReader (docs/codecs.md): it is kept hand-written.
 *
 * Streaming XLSX reader. The zip is read with fflate's streaming Unzip as bytes arrive; every entry is
 * inflated in small slices and its decompressed bytes counted (per entry and in total), so a zip bomb is
 * refused after at most one slice's worth of output. The workbook, its relationships and sharedStrings are
 * parsed in memory (bounded by the uncompressed limit); the first visible worksheet is tokenised as it streams.
 *
 * Entry order: Excel writes the worksheets *before* xl/sharedStrings.xml. A worksheet that arrives before the
 * reader knows which sheet is first, or before the shared strings it needs, is spooled (decompressed) to a
 * temporary file (bounded by maxUncompressedBytes) and parsed after the zip ends; files whose workbook has no
 * sharedStrings part (such as those from writers.ts) are parsed in one pass with no disk use. The source is
 * read once, so a plain AsyncIterable suffices.
 */
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TextDecoder } from 'node:util';
import { Unzip, UnzipInflate } from 'fflate';
import type { PhysicalRecord } from './csv.js';
import { FileFormatError, fileErrors } from './errors.js';
import { type ListLimits, resolveLimits, ZIP_LIMITS } from './limits.js';
import { type XmlErrors, type XmlSink, XmlStreamReader } from './xml.js';

/**
 * Compressed bytes pushed into the inflater at a time: bounds the output of one step (deflate ≤ 1032:1, so
 * ≤ ~2 MiB), and so the records tokenised before the bomb check runs again.
 */
const SLICE = 2 * 1024;
/** Beyond RATIO_FLOOR of output, a total ratio above MAX_RATIO is treated as a bomb. */
const { ratioFloor: RATIO_FLOOR, maxRatio: MAX_RATIO } = ZIP_LIMITS;
/** Largest column index Excel allows (XFD). */
const MAX_COLUMNS = 16_384;
const EOCD = [0x50, 0x4b, 0x05, 0x06];
const EOCD_WINDOW = 22 + 65_535;

/** "AB12" → 27 (0-based column), or undefined. */
export function columnIndex(ref: string): number | undefined {
  let n = 0;
  let i = 0;
  for (; i < ref.length; i++) {
    const c = ref.charCodeAt(i) | 0x20;
    if (c < 97 || c > 122) break;
    n = n * 26 + (c - 96);
  }
  return i === 0 ? undefined : n - 1;
}

/** Sheet XML → physical records (row number from r, cells by column letter). */
class SheetHandler implements XmlSink {
  private row: number | undefined;
  private lastRow = 0;
  private cells: string[] = [];
  private col = -1;
  private type = 'n';
  private inIs = false;
  private rph = 0;
  private v = '';
  private t = '';
  private hasV = false;

  constructor(
    private readonly out: PhysicalRecord[],
    private readonly sst: () => readonly string[],
    private readonly maxChars: number,
  ) {}

  open(name: string, a: Record<string, string> | null): void {
    switch (name) {
      case 'row': {
        const r = a?.r ? Number.parseInt(a.r, 10) : this.lastRow + 1;
        if (!Number.isSafeInteger(r) || r < 1) throw fileErrors.xlsxCorrupt('bad row number');
        this.row = r;
        this.cells = [];
        this.col = -1;
        break;
      }
      case 'c': {
        const c = a?.r ? columnIndex(a.r) : this.col + 1;
        if (c === undefined || c >= MAX_COLUMNS) throw fileErrors.xlsxCorrupt('bad cell reference');
        this.col = c;
        this.type = a?.t ?? 'n';
        this.v = '';
        this.t = '';
        this.hasV = false;
        break;
      }
      case 'is':
        this.inIs = true;
        break;
      case 'rPh':
        this.rph++;
        break;
    }
  }

  close(name: string, text: string): void {
    switch (name) {
      case 'v':
        this.hasV = true;
        this.v += text;
        break;
      case 't':
        // Phonetic runs (rPh) are reading aids, not the cell's text.
        if (this.inIs && this.rph === 0) {
          this.t += text;
          if (this.t.length > this.maxChars * 6) throw fileErrors.lineTooLong(this.maxChars, this.row);
        }
        break;
      case 'rPh':
        this.rph--;
        break;
      case 'is':
        this.inIs = false;
        break;
      case 'c': {
        const value = this.value();
        if (value.length > this.maxChars) throw fileErrors.lineTooLong(this.maxChars, this.row);
        if (value !== '') this.cells[this.col] = value;
        break;
      }
      case 'row': {
        const cells = this.cells;
        for (let i = 0; i < cells.length; i++) if (cells[i] === undefined) cells[i] = '';
        const line = this.row ?? this.lastRow + 1;
        this.lastRow = line;
        this.row = undefined;
        if (cells.length > 0) this.out.push({ line, cells });
        break;
      }
    }
  }

  private value(): string {
    switch (this.type) {
      case 's': {
        if (!this.hasV) return '';
        const idx = Number.parseInt(this.v.trim(), 10);
        const s = this.sst()[idx];
        if (s === undefined) throw fileErrors.xlsxCorrupt('shared string index out of range');
        return s;
      }
      case 'inlineStr':
        return decodeOoxmlEscapes(this.t);
      case 'b': {
        const v = this.v.trim();
        return v === '1' ? 'TRUE' : v === '0' ? 'FALSE' : v;
      }
      case 'str':
        return decodeOoxmlEscapes(this.v);
      default:
        // n (number, incl. dates as serials), e (error such as #N/A), d (ISO date): the XML text as is.
        return this.v;
    }
  }
}

class SharedStringsHandler implements XmlSink {
  readonly strings: string[] = [];
  private cur = '';
  private inSi = false;
  private rph = 0;
  private chars = 0;

  constructor(
    private readonly maxChars: number,
    private readonly maxTotalChars: number,
  ) {}

  open(name: string): void {
    if (name === 'si') {
      this.inSi = true;
      this.cur = '';
    } else if (name === 'rPh') this.rph++;
  }

  close(name: string, text: string): void {
    if (name === 't') {
      if (!this.inSi || this.rph > 0) return;
      this.cur += text;
      if (this.cur.length > this.maxChars * 6) throw fileErrors.lineTooLong(this.maxChars);
    } else if (name === 'rPh') this.rph--;
    else if (name === 'si') {
      this.inSi = false;
      const s = decodeOoxmlEscapes(this.cur);
      this.chars += s.length;
      if (this.chars > this.maxTotalChars) throw fileErrors.xlsxTooLargeUncompressed(this.maxTotalChars);
      this.strings.push(s);
      this.cur = '';
    }
  }
}

interface SheetRef {
  name: string;
  rid: string;
  hidden: boolean;
}

class WorkbookHandler implements XmlSink {
  readonly sheets: SheetRef[] = [];
  open(name: string, a: Record<string, string> | null): void {
    if (name === 'sheet') {
      // The tokenizer gives attributes by local name: r:id is "id".
      this.sheets.push({ name: a?.name ?? '', rid: a?.id ?? '', hidden: (a?.state ?? 'visible') !== 'visible' });
    }
  }
  close(): void {}
}

class RelsHandler implements XmlSink {
  readonly rels = new Map<string, { target: string; type: string }>();
  open(name: string, a: Record<string, string> | null): void {
    if (name === 'Relationship' && a?.Id) this.rels.set(a.Id, { target: a.Target ?? '', type: a.Type ?? '' });
  }
  close(): void {}
}

/** Resolves a relationship target of xl/workbook.xml to a zip path. */
function resolveTarget(target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = ['xl'];
  for (const p of target.split('/')) {
    if (p === '..') parts.pop();
    else if (p !== '.' && p !== '') parts.push(p);
  }
  return parts.join('/');
}

/** OOXML escapes control characters in strings as _xHHHH_ (and a literal "_x" as _x005F_x). */
function decodeOoxmlEscapes(s: string): string {
  if (!s.includes('_x')) return s;
  return s.replace(/_x([0-9A-Fa-f]{4})_/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
}

/**
 * The XML tokenizer's refusals as list file errors: a DTD is XLSX_XML_DECLARATIONS naming the part, an
 * over-long text or tag is LINE_TOO_LONG, anything else broken is XLSX_CORRUPT.
 */
function xlsxXmlErrors(part: string, maxCellChars: number): XmlErrors {
  return {
    dtdForbidden: () => fileErrors.xlsxXmlDeclarations(part),
    malformed: (reason) => fileErrors.xlsxCorrupt(reason),
    tooDeep: (limit) => fileErrors.xlsxCorrupt(`elements nested deeper than ${limit}`),
    textTooLong: () => fileErrors.lineTooLong(maxCellChars),
    encoding: (encoding) => fileErrors.xlsxCorrupt(`XML encoding ${encoding}`),
  };
}

/** UTF-8 XML entry → tokenizer, decoding in streaming mode (invalid UTF-8 → XLSX_CORRUPT). */
class XmlEntry {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private readonly tok: XmlStreamReader;
  constructor(handler: XmlSink, maxCellChars: number, part: string) {
    // Raw cell text may be up to 6× its characters (entities); the cell limit itself is checked on the value.
    this.tok = new XmlStreamReader(
      handler,
      { maxTextLength: maxCellChars * 6 },
      xlsxXmlErrors(part.slice(0, 100), maxCellChars),
    );
  }
  push(data: Uint8Array, final: boolean): void {
    let text: string;
    try {
      text = this.decoder.decode(data, { stream: !final });
    } catch {
      throw fileErrors.xlsxCorrupt('invalid UTF-8 in XML');
    }
    if (text) this.tok.push(text);
    if (final) this.tok.end();
  }
}

function hasEocd(tail: Uint8Array): boolean {
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail[i] === EOCD[0] && tail[i + 1] === EOCD[1] && tail[i + 2] === EOCD[2] && tail[i + 3] === EOCD[3]) {
      return true;
    }
  }
  return false;
}

/** Physical records of the first visible worksheet. */
export async function* xlsxRecords(
  source: AsyncIterable<Uint8Array>,
  limitsIn: Partial<ListLimits> = {},
): AsyncGenerator<PhysicalRecord> {
  const limits = resolveLimits(limitsIn);
  const records: PhysicalRecord[] = [];
  let failure: unknown;
  let totalIn = 0;
  let totalOut = 0;
  let sawAnyEntry = false;

  const workbook = new WorkbookHandler();
  const rels = new RelsHandler();
  const sst = new SharedStringsHandler(limits.maxCellChars, limits.maxUncompressedBytes);
  let workbookDone = false;
  let relsDone = false;
  let sstDone = false;
  let spoolDir: string | undefined;
  const spooled = new Map<string, { path: string; fd: number | undefined; done: boolean }>();
  let target: string | undefined;
  let targetStreamed = false;
  let targetDone = false;

  const computeTarget = (): void => {
    if (!workbookDone || !relsDone || target !== undefined) return;
    const first = workbook.sheets.find((s) => !s.hidden) ?? workbook.sheets[0];
    const rel = first ? rels.rels.get(first.rid) : undefined;
    target = rel ? resolveTarget(rel.target) : '';
  };
  const sstPath = (): string => {
    for (const r of rels.rels.values()) if (r.type.endsWith('/sharedStrings')) return resolveTarget(r.target);
    return 'xl/sharedStrings.xml';
  };
  const sstReady = (): boolean =>
    sstDone || (relsDone && ![...rels.rels.values()].some((r) => r.type.endsWith('/sharedStrings')));

  const unzip = new Unzip((file) => {
    sawAnyEntry = true;
    const name = file.name;
    let sink: ((data: Uint8Array, final: boolean) => void) | undefined;
    if (name === 'xl/workbook.xml') {
      const e = new XmlEntry(workbook, limits.maxCellChars, name);
      sink = (d, f) => {
        e.push(d, f);
        if (f) {
          workbookDone = true;
          computeTarget();
        }
      };
    } else if (name === 'xl/_rels/workbook.xml.rels') {
      const e = new XmlEntry(rels, limits.maxCellChars, name);
      sink = (d, f) => {
        e.push(d, f);
        if (f) {
          relsDone = true;
          computeTarget();
        }
      };
    } else if (name === (relsDone ? sstPath() : 'xl/sharedStrings.xml')) {
      const e = new XmlEntry(sst, limits.maxCellChars, name);
      sink = (d, f) => {
        e.push(d, f);
        if (f) sstDone = true;
      };
    } else if (/^xl\/worksheets\/[^/]+\.xml$/.test(name) && (target === undefined || target === name)) {
      if (target === name && sstReady()) {
        targetStreamed = true;
        const e = new XmlEntry(
          new SheetHandler(records, () => sst.strings, limits.maxCellChars),
          limits.maxCellChars,
          name,
        );
        sink = (d, f) => {
          e.push(d, f);
          if (f) targetDone = true;
        };
      } else {
        spoolDir ??= mkdtempSync(join(tmpdir(), 'ansinh-xlsx-'));
        const spool = { path: join(spoolDir, `${spooled.size}.xml`), fd: undefined as number | undefined, done: false };
        spool.fd = openSync(spool.path, 'w', 0o600);
        spooled.set(name, spool);
        sink = (d, f) => {
          if (d.length) writeSync(spool.fd as number, d);
          if (f) {
            closeSync(spool.fd as number);
            spool.fd = undefined;
            spool.done = true;
          }
        };
      }
    }
    let entryOut = 0;
    file.ondata = (err, data, final) => {
      if (failure) return;
      if (err) {
        failure = fileErrors.xlsxCorrupt(`inflate: ${err.message}`);
        return;
      }
      entryOut += data.length;
      totalOut += data.length;
      if (
        entryOut > limits.maxUncompressedBytes ||
        totalOut > limits.maxUncompressedBytes ||
        (totalOut > RATIO_FLOOR && totalOut > MAX_RATIO * Math.max(1, totalIn))
      ) {
        failure = fileErrors.xlsxTooLargeUncompressed(limits.maxUncompressedBytes);
        return;
      }
      try {
        sink?.(data, final);
      } catch (e) {
        failure = e;
      }
    };
    try {
      file.start();
    } catch {
      failure ??= fileErrors.xlsxCorrupt(`unsupported compression ${file.compression}`);
    }
  });
  unzip.register(UnzipInflate);

  const push = (data: Uint8Array, final: boolean): void => {
    try {
      unzip.push(data, final);
    } catch (e) {
      failure ??= e instanceof FileFormatError ? e : fileErrors.xlsxCorrupt(`zip: ${(e as Error).message}`);
    }
    if (failure) throw failure;
  };
  let head = 0;
  const drain = function* () {
    while (head < records.length) yield records[head++] as PhysicalRecord;
    records.length = 0;
    head = 0;
  };

  let tail = new Uint8Array(0);
  try {
    for await (const chunk of source) {
      totalIn += chunk.length;
      if (totalIn > limits.maxFileBytes) throw fileErrors.tooLarge(limits.maxFileBytes);
      const joined = new Uint8Array(Math.min(EOCD_WINDOW, tail.length + chunk.length));
      const fromChunk = Math.min(chunk.length, joined.length);
      joined.set(tail.subarray(tail.length - (joined.length - fromChunk)), 0);
      joined.set(chunk.subarray(chunk.length - fromChunk), joined.length - fromChunk);
      tail = joined;
      for (let o = 0; o < chunk.length; o += SLICE) {
        push(chunk.subarray(o, Math.min(o + SLICE, chunk.length)), false);
        yield* drain();
      }
    }
    if (totalIn === 0) throw fileErrors.empty();
    push(new Uint8Array(0), true);
    yield* drain();
    if (!hasEocd(tail)) throw fileErrors.xlsxCorrupt('zip central directory missing (truncated file)');
    if (!sawAnyEntry || !workbookDone || !relsDone) {
      throw sawAnyEntry && !workbookDone && !relsDone
        ? fileErrors.xlsxNoSheet()
        : fileErrors.xlsxCorrupt('workbook parts missing');
    }
    computeTarget();
    if (!target) throw fileErrors.xlsxNoSheet();
    if (targetStreamed) {
      if (!targetDone) throw fileErrors.xlsxCorrupt('worksheet incomplete');
      return;
    }
    const spool = spooled.get(target);
    if (!spool) throw fileErrors.xlsxNoSheet();
    if (!spool.done) throw fileErrors.xlsxCorrupt('worksheet incomplete');
    if (!sstReady()) throw fileErrors.xlsxCorrupt('shared strings missing');
    const e = new XmlEntry(
      new SheetHandler(records, () => sst.strings, limits.maxCellChars),
      limits.maxCellChars,
      target,
    );
    for await (const piece of createReadStream(spool.path, { highWaterMark: 64 * 1024 })) {
      e.push(piece as Uint8Array, false);
      yield* drain();
    }
    e.push(new Uint8Array(0), true);
    yield* drain();
  } finally {
    for (const s of spooled.values()) if (s.fd !== undefined) closeSync(s.fd);
    if (spoolDir) rmSync(spoolDir, { recursive: true, force: true });
  }
}
