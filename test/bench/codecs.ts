/**
 * `npm run bench -- codecs <csv|xml|xlsx> [--rows N]`: the hand-written codecs against the well-kept libraries
 * (csv-parse, saxes, exceljs's streaming WorkbookReader) on the same inputs:
 *   - speed and memory on one large generated file (default 200,000 rows / entries);
 *   - hostile files (DTD/entities, billion laughs, deep nesting, huge tokens, zip bomb, malformed quoting,
 *     encodings): refused or not, with which code, and how much the heap grew meanwhile;
 *   - golden shapes: do both give the same records / events (what the unit tests pin down)?
 * Every implementation runs in its own child process (one at a time) so RSS and heap figures are its own; the
 * inputs are written to a temporary folder first and streamed from disk in 64 KiB chunks. The machine's load
 * average is printed with the figures: the machine is shared, so rates move with it.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parse as csvParse } from 'csv-parse';
import ExcelJS from 'exceljs';
import { strToU8, Zip, ZipDeflate, zipSync } from 'fflate';
import { SaxesParser } from 'saxes';
import { csvRecords } from '../../functions/beneficiary-lists/file-formats/csv-reader.js';
import {
  bestHeaderScore,
  HEADER_SEARCH_ROWS,
  TEMPLATE_COLUMNS,
} from '../../functions/beneficiary-lists/file-formats/template.js';
import { CSV_DELIMITERS, chooseDelimiter, decodeText, type PhysicalRecord } from '../../functions/codecs/csv.js';
import { FileFormatError } from '../../functions/codecs/errors.js';
import { resolveLimits } from '../../functions/codecs/limits.js';
import { writeXlsx } from '../../functions/codecs/writers.js';
import { xlsxRecords } from '../../functions/codecs/xlsx.js';
import { readXml } from '../../functions/codecs/xml.js';
import { Iso20022Error } from '../../functions/iso20022/errors.js';
import { fmt, gc, MB, numberOption } from './support.js';

export const description =
  'codecs <csv|xml|xlsx> [--rows 200000]: hand-written reader vs csv-parse / saxes / exceljs on speed, memory, hostile and golden files';

type Codec = 'csv' | 'xml' | 'xlsx';
const IMPLS: Record<Codec, string[]> = {
  csv: ['hand', 'csv-parse'],
  xml: ['hand', 'saxes'],
  xlsx: ['hand', 'exceljs'],
};
/** Limits the readers run with (the production defaults, smaller text limit for the XML tokens). */
const LIMITS = resolveLimits({ maxFileBytes: 200 * MB });
const XML_MAX_DEPTH = 64;
const XML_MAX_TEXT = 64 * 1024;

// ------------------------------------------------------------------------------------------ inputs

const HEADERS = TEMPLATE_COLUMNS.map((c) => c.vi);
const listRow = (i: number) => [
  String(i),
  `Nguyễn Thị Hồng ${i}`,
  '05/01/1950',
  'Nữ',
  String(79130000000 + i).padStart(12, '0'),
  'NCT_80',
  '15/07/2025',
  'Ngân hàng',
  '970436',
  String(1000000 + i),
  '26734',
  '0912345678',
];

async function writeChunks(path: string, chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>) {
  const out = createWriteStream(path);
  for await (const c of chunks) if (!out.write(c)) await new Promise<void>((r) => out.once('drain', () => r()));
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

function* csvLarge(rows: number): Generator<string> {
  yield `\uFEFF${HEADERS.join(',')}\r\n`;
  let batch = '';
  for (let i = 1; i <= rows; i++) {
    batch += `${listRow(i).join(',')}\r\n`;
    if (batch.length > 60_000) {
      yield batch;
      batch = '';
    }
  }
  yield batch;
}

const utf16le = (s: string): Uint8Array => {
  const b = Buffer.from(s, 'utf16le');
  return Buffer.concat([Buffer.from([0xff, 0xfe]), b]);
};
const utf16be = (s: string): Uint8Array => {
  const b = Buffer.from(s, 'utf16le');
  b.swap16();
  return Buffer.concat([Buffer.from([0xfe, 0xff]), b]);
};
const head = HEADERS.join(',');
const row1 = listRow(1).join(',');

/** Small CSV cases: the unit tests' shapes and the hostile ones. `[name, bytes]`. */
function csvCases(): [string, Uint8Array | (() => Generator<string>)][] {
  const e = (s: string) => Buffer.from(s, 'utf8');
  return [
    ['golden: UTF-8 BOM, CRLF, comma', e(`\uFEFF${head}\r\n${row1}\r\n`)],
    ['golden: semicolon, LF', e(`${HEADERS.join(';')}\n${listRow(1).join(';')}\n`)],
    [
      'golden: UTF-16LE BOM, tab (Excel Unicode text)',
      utf16le(`${HEADERS.join('\t')}\r\n${listRow(1).join('\t')}\r\n`),
    ],
    ['golden: UTF-16BE BOM, tab', utf16be(`${HEADERS.join('\t')}\n${listRow(1).join('\t')}\n`)],
    ['golden: sep=; hint line', e(`sep=;\r\n${HEADERS.join(';')}\r\n${listRow(1).join(';')}\r\n`)],
    ['golden: quoted "" and newline in a cell', e(`${head}\r\n1,"Nguyễn ""A""\r\nB",x\r\n`)],
    ['golden: CR-only line ends', e(`${head}\r${row1}\r`)],
    ['golden: empty records between rows', e(`${head}\n\n${row1}\n\n\n${row1}\n`)],
    ['golden: no final newline', e(`${head}\n${row1}`)],
    ['golden: "=1+2" and leading zeros kept as text', e(`${head}\n=1+2,007,"7.9E+10"\n`)],
    ['malformed: stray quote inside a cell', e(`${head}\n1,Nguy"ễn,x\n`)],
    ['malformed: text after a closing quote', e(`${head}\n1,"Nguyễn"A,x\n`)],
    ['malformed: quote never closed (EOF)', e(`${head}\n1,"Nguyễn,x\n2,b,c\n`)],
    ['malformed: spaces before an opening quote', e(`${head}\n1,  "Nguyễn, A",x\n`)],
    ['hostile: 20 MB record without a newline', () => hugeRecord(20 * MB)],
    ['hostile: 20 MB quoted cell never closed', () => hugeQuoted(20 * MB)],
    ['hostile: invalid UTF-8', Buffer.concat([e(`${head}\n1,`), Buffer.from([0xc3, 0x28]), e(',x\n')])],
    // "Nguyễn" in Windows-1258 (combining tone mark 0xDE after ê 0xEA): not UTF-8, refused (not converted).
    ['encoding: Windows-1258 bytes', Buffer.concat([e(`${head}\n1,Nguy`), Buffer.from([0xea, 0xde]), e('n,x\n')])],
    ['hostile: NUL bytes (binary)', Buffer.concat([e(`${head}\n1,`), Buffer.alloc(64), e(',x\n')])],
  ];
}

function* hugeRecord(bytes: number): Generator<string> {
  yield `${head}\n`;
  const piece = 'x'.repeat(64 * 1024);
  for (let n = 0; n < bytes; n += piece.length) yield piece;
}
function* hugeQuoted(bytes: number): Generator<string> {
  yield `${head}\n1,"`;
  const piece = 'a,b\n'.repeat(16 * 1024);
  for (let n = 0; n < bytes; n += piece.length) yield piece;
}

const NS = 'urn:iso:std:iso:20022:tech:xsd:camt.053.001.08';
function* xmlLarge(entries: number): Generator<string> {
  yield `<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="${NS}"><BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId><CreDtTm>2025-08-01T08:00:00+07:00</CreDtTm></GrpHdr><Stmt><Id>S1</Id><Acct><Id><Othr><Id>0011001234567</Id></Othr></Id><Ccy>VND</Ccy></Acct>`;
  let batch = '';
  for (let i = 1; i <= entries; i++) {
    batch += `<Ntry><NtryRef>${i}</NtryRef><Amt Ccy="VND">${1_250_000 + i}</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2025-08-01</Dt></BookgDt><ValDt><Dt>2025-08-01</Dt></ValDt><NtryDtls><TxDtls><Refs><EndToEndId>ASN-2025-08-${String(i).padStart(8, '0')}</EndToEndId></Refs><RmtInf><Ustrd>Chi tra tro cap thang 08/2025 &amp; truy linh</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n`;
    if (batch.length > 60_000) {
      yield batch;
      batch = '';
    }
  }
  yield `${batch}</Stmt></BkToCstmrStmt></Document>\n`;
}

const LAUGHS = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from(
  { length: 9 },
  (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`,
).join('')}]><lolz>&lol9;</lolz>`;

function xmlCases(): [string, Uint8Array | (() => Generator<string>)][] {
  const e = (s: string) => Buffer.from(s, 'utf8');
  return [
    ['hostile: billion laughs (nested entities)', e(LAUGHS)],
    [
      'hostile: external entity (XXE)',
      e('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>'),
    ],
    [
      'hostile: DOCTYPE without entities',
      e('<?xml version="1.0"?><!DOCTYPE d SYSTEM "http://example.invalid/d.dtd"><d/>'),
    ],
    ['hostile: 100,000 nested elements', () => deep(100_000)],
    ['hostile: 50 MB text node', () => hugeText(50 * MB)],
    ['hostile: 5 MB element name', () => hugeName(5 * MB)],
    ['hostile: 5 MB attribute value', () => hugeAttr(5 * MB)],
    ['malformed: mismatched close tag', e('<a><b>x</c></a>')],
    ['malformed: truncated document', e('<a><b>x</b>')],
    ['malformed: undeclared entity &nbsp;', e('<a>x&nbsp;y</a>')],
    ['malformed: two root elements', e('<a/><b/>')],
    ['hostile: invalid UTF-8', Buffer.concat([e('<a>'), Buffer.from([0xc3, 0x28]), e('</a>')])],
    ['encoding: declared ISO-8859-1', e('<?xml version="1.0" encoding="ISO-8859-1"?><a>x</a>')],
  ];
}

function* deep(n: number): Generator<string> {
  yield '<?xml version="1.0"?>';
  for (let i = 0; i < n; i += 1000) yield '<a>'.repeat(1000);
  for (let i = 0; i < n; i += 1000) yield '</a>'.repeat(1000);
}
function* hugeText(bytes: number): Generator<string> {
  yield '<a><b>';
  const piece = 'x'.repeat(64 * 1024);
  for (let n = 0; n < bytes; n += piece.length) yield piece;
  yield '</b></a>';
}
function* hugeName(bytes: number): Generator<string> {
  yield '<a><b';
  const piece = 'x'.repeat(64 * 1024);
  for (let n = 0; n < bytes; n += piece.length) yield piece;
  yield '/></a>';
}
function* hugeAttr(bytes: number): Generator<string> {
  yield '<a><b c="';
  const piece = 'x'.repeat(64 * 1024);
  for (let n = 0; n < bytes; n += piece.length) yield piece;
  yield '"/></a>';
}

// XLSX parts written by hand so that the hostile variants can change one part.
const WB = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="DS" sheetId="1" r:id="rId1"/></sheets></workbook>`;
const WB_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`;
const CT = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`;
const ROOT_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
const sheet = (rows: string) =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows}</sheetData></worksheet>`;
const sst = (items: string) =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${items}</sst>`;

/** Excel's entry order: the worksheet before sharedStrings.xml. */
function excelZip(sheetXml: string, sstXml: string): Uint8Array {
  return zipSync({
    '[Content_Types].xml': strToU8(CT),
    '_rels/.rels': strToU8(ROOT_RELS),
    'xl/workbook.xml': strToU8(WB),
    'xl/_rels/workbook.xml.rels': strToU8(WB_RELS),
    'xl/worksheets/sheet1.xml': strToU8(sheetXml),
    'xl/sharedStrings.xml': strToU8(sstXml),
  });
}

const headerSst = HEADERS.map((h) => `<si><t>${h}</t></si>`).join('');
const headerRow = `<row r="1">${HEADERS.map((_, i) => `<c r="${String.fromCharCode(65 + i)}1" t="s"><v>${i}</v></c>`).join('')}</row>`;
const inline = (ref: string, s: string) => `<c r="${ref}" t="inlineStr"><is><t>${s}</t></is></c>`;

function xlsxCases(): [string, Uint8Array | (() => AsyncGenerator<Uint8Array>)][] {
  const n = HEADERS.length;
  return [
    [
      'golden: shared strings after the sheet (Excel order)',
      excelZip(
        sheet(
          `${headerRow}<row r="2">${inline('A2', '1')}<c r="B2" t="s"><v>${n}</v></c><c r="C2"><v>18268</v></c>${inline('E2', '079130796635')}<c r="F2" t="b"><v>1</v></c></row>`,
        ),
        sst(`${headerSst}<si><r><t>Nguyễn </t></r><r><rPr><b/></rPr><t>Văn A</t></r><rPh><t>ignored</t></rPh></si>`),
      ),
    ],
    [
      'golden: number text 7.9E+10 and _x000D_ escape',
      excelZip(
        sheet(`${headerRow}<row r="2"><c r="A2"><v>7.9E+10</v></c>${inline('B2', 'a_x000D_b &amp; c')}</row>`),
        sst(headerSst),
      ),
    ],
    [
      'golden: the writer (inline strings, no shared strings)',
      () =>
        writeXlsx([
          { name: 'DS', columns: HEADERS.map((h) => ({ header: h, kind: 'text' as const })), rows: listRows(3) },
        ]),
    ],
    [
      'hostile: billion laughs in sharedStrings.xml',
      excelZip(sheet(headerRow), LAUGHS.replace('<lolz>&lol9;</lolz>', sst(headerSst).replace(/^<\?xml[^>]*>/, ''))),
    ],
    [
      'hostile: external entity in the sheet',
      excelZip(
        `<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>${sheet(`${headerRow}<row r="2">${inline('A2', '&x;')}</row>`).replace(/^<\?xml[^>]*>/, '')}`,
        sst(headerSst),
      ),
    ],
    [
      'hostile: 100,000 nested elements in the sheet',
      excelZip(sheet(`${headerRow}${'<x>'.repeat(100_000)}${'</x>'.repeat(100_000)}`), sst(headerSst)),
    ],
    [
      'hostile: 10 MB cell',
      excelZip(sheet(`${headerRow}<row r="2">${inline('A2', 'x'.repeat(10 * MB))}</row>`), sst(headerSst)),
    ],
    ['hostile: zip bomb (200 MB of XML, ~0.2 MB zipped)', () => zipBomb(200 * MB)],
    ['malformed: truncated zip', excelZip(sheet(headerRow), sst(headerSst)).subarray(0, 400)],
    [
      'malformed: shared string index out of range',
      excelZip(sheet(`${headerRow}<row r="2"><c r="A2" t="s"><v>999</v></c></row>`), sst(headerSst)),
    ],
  ];
}

async function* listRows(n: number): AsyncGenerator<string[]> {
  for (let i = 1; i <= n; i++) yield listRow(i);
}

/** A worksheet whose rows decompress to `bytes` (repetitive, so it deflates ~1000:1). */
async function* zipBomb(bytes: number): AsyncGenerator<Uint8Array> {
  const out: Uint8Array[] = [];
  const zip = new Zip((err, data) => {
    if (err) throw err;
    out.push(data);
  });
  for (const [name, text] of [
    ['[Content_Types].xml', CT],
    ['_rels/.rels', ROOT_RELS],
    ['xl/workbook.xml', WB],
    ['xl/_rels/workbook.xml.rels', WB_RELS.replace(/<Relationship Id="rId2"[^>]*\/>/, '')],
  ] as const) {
    const f = new ZipDeflate(name, { level: 6 });
    zip.add(f);
    f.push(strToU8(text), true);
  }
  const s = new ZipDeflate('xl/worksheets/sheet1.xml', { level: 9 });
  zip.add(s);
  s.push(strToU8(sheet('').replace('</sheetData></worksheet>', '')), false);
  const piece = strToU8('<row><c><v>1</v></c></row>'.repeat(40_000));
  for (let n = 0; n < bytes; n += piece.length) {
    s.push(piece, false);
    yield* out.splice(0);
  }
  s.push(strToU8('</sheetData></worksheet>'), true);
  zip.end();
  yield* out.splice(0);
}

// ---------------------------------------------------------------------------------- implementations

/** Bytes from a file in 64 KiB chunks; memory is sampled as each chunk is handed over. */
async function* fileChunks(path: string, onChunk: () => void): AsyncGenerator<Uint8Array> {
  for await (const c of createReadStream(path, { highWaterMark: 64 * 1024 })) {
    onChunk();
    yield c as Uint8Array;
  }
}

/** csv-parse behind the same decoder (encodings, BOM, limits) and the same delimiter choice. */
async function* csvParseRecords(source: AsyncIterable<Uint8Array>): AsyncGenerator<PhysicalRecord> {
  const it = decodeText(source, LIMITS)[Symbol.asyncIterator]();
  let prefix = '';
  let done = false;
  while ((prefix.match(/\r\n|\r|\n/g)?.length ?? 0) <= HEADER_SEARCH_ROWS && prefix.length < 256 * 1024) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    prefix += r.value;
  }
  // The delimiter is chosen as the codec does (csv-parse has no header-based choice).
  let delimiter: string | undefined;
  const sep = /^sep=(.)[ \t]*(\r\n|\r|\n|$)/i.exec(prefix);
  if (sep && (CSV_DELIMITERS as readonly string[]).includes(sep[1] as string)) {
    delimiter = sep[1] as string;
    prefix = prefix.slice(sep[0].length);
  }
  delimiter ??= chooseDelimiter(prefix, LIMITS.maxCellChars, bestHeaderScore, HEADER_SEARCH_ROWS);
  const options = {
    relax_quotes: true,
    relax_column_count: true,
    max_record_size: LIMITS.maxCellChars,
    skip_empty_lines: false,
  };
  async function* text() {
    yield prefix;
    while (!done) {
      const r = await it.next();
      if (r.done) break;
      yield r.value;
    }
  }
  const parser = Readable.from(text()).pipe(csvParse({ ...options, delimiter }));
  let line = 0;
  for await (const cells of parser as AsyncIterable<string[]>) yield { line: ++line, cells };
}

interface XmlEvents {
  count: number;
  hash: ReturnType<typeof createHash>;
}

/** One push-based XML reader per implementation, all reporting open/close-with-leaf-text events. */
function xmlReader(impl: string, ev: XmlEvents): { push(s: string): void; end(): void } {
  const open = (name: string) => {
    ev.count++;
    ev.hash.update(`<${name}`);
  };
  const close = (name: string, text: string) => ev.hash.update(`>${name}:${text}`);
  const local = (q: string) => q.slice(q.indexOf(':') + 1);
  if (impl === 'saxes') {
    const p = new SaxesParser({ xmlns: false });
    let depth = 0;
    let text = '';
    let leaf = false;
    p.on('doctype', () => {
      throw new Error('XML_DTD_FORBIDDEN');
    });
    p.on('opentag', (t) => {
      if (++depth > XML_MAX_DEPTH) throw new Error('XML_TOO_DEEP');
      open(local(t.name));
      text = '';
      leaf = true;
    });
    const onText = (s: string) => {
      if (!leaf) return;
      text += s;
      if (text.length > XML_MAX_TEXT) throw new Error('TEXT_TOO_LONG');
    };
    p.on('text', onText);
    p.on('cdata', onText);
    p.on('closetag', (t) => {
      depth--;
      close(local(t.name), leaf ? text : '');
      text = '';
      leaf = false;
    });
    p.on('error', (e) => {
      throw e;
    });
    return { push: (s) => p.write(s), end: () => p.close() };
  }
  throw new Error(`no push reader for ${impl}`);
}

async function runXml(impl: string, source: AsyncIterable<Uint8Array>, ev: XmlEvents): Promise<void> {
  if (impl === 'hand') {
    const sink = {
      open: (n: string) => {
        ev.count++;
        ev.hash.update(`<${n}`);
      },
      close: (n: string, t: string) => ev.hash.update(`>${n}:${t}`),
    };
    for await (const _ of readXml(source, sink, { maxDepth: XML_MAX_DEPTH, maxTextLength: XML_MAX_TEXT })) {
    }
    return;
  }
  const r = xmlReader(impl, ev);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for await (const c of source) r.push(decoder.decode(c, { stream: true }));
  r.push(decoder.decode());
  r.end();
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return v.toISOString();
  const o = v as { richText?: { text: string }[]; result?: unknown; text?: string; error?: string };
  if (o.richText) return o.richText.map((t) => t.text).join('');
  if (o.error) return o.error;
  if ('result' in o) return cellText(o.result);
  return o.text ?? JSON.stringify(v);
}

async function* exceljsRecords(source: AsyncIterable<Uint8Array>): AsyncGenerator<PhysicalRecord> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(source), {
    sharedStrings: 'cache',
    worksheets: 'emit',
    hyperlinks: 'ignore',
    styles: 'ignore',
    entries: 'ignore',
  });
  for await (const ws of reader) {
    for await (const row of ws as AsyncIterable<ExcelJS.Row>) {
      const values = row.values as unknown[];
      const cells: string[] = [];
      for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]));
      if (cells.length > 0) yield { line: row.number, cells };
    }
    break; // the first sheet only
  }
}

// ------------------------------------------------------------------------------------------- child

interface Outcome {
  name: string;
  impl: string;
  ok: boolean;
  error?: string;
  items: number;
  hash: string;
  ms: number;
  bytes: number;
  heapMb: number;
  rssMb: number;
}

function errorCode(e: unknown): string {
  if (e instanceof FileFormatError || e instanceof Iso20022Error) return e.code;
  const x = e as { code?: string; message?: string };
  return String(x.code ?? x.message ?? e)
    .split('\n')[0]
    ?.slice(0, 60) as string;
}

async function measure(codec: Codec, impl: string, name: string, path: string): Promise<Outcome> {
  gc();
  const base = process.memoryUsage();
  let peakHeap = base.heapUsed;
  let peakRss = base.rss;
  const sample = () => {
    const m = process.memoryUsage();
    if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
    if (m.rss > peakRss) peakRss = m.rss;
  };
  const hash = createHash('sha1');
  let items = 0;
  const t0 = performance.now();
  let error: string | undefined;
  try {
    const source = fileChunks(path, sample);
    if (codec === 'xml') {
      const ev = { count: 0, hash };
      try {
        await runXml(impl, source, ev);
      } finally {
        items = ev.count;
      }
    } else {
      const records =
        codec === 'csv'
          ? impl === 'hand'
            ? csvRecords(source, LIMITS)
            : csvParseRecords(source)
          : impl === 'hand'
            ? xlsxRecords(source, LIMITS)
            : exceljsRecords(source);
      for await (const r of records) {
        items++;
        hash.update(`${r.line}:${JSON.stringify(r.cells)}`);
        if ((items & 1023) === 0) sample();
      }
    }
  } catch (e) {
    error = errorCode(e);
  }
  const ms = performance.now() - t0;
  sample();
  return {
    name,
    impl,
    ok: error === undefined,
    ...(error ? { error } : {}),
    items,
    hash: hash.digest('hex').slice(0, 10),
    ms,
    bytes: statSync(path).size,
    heapMb: (peakHeap - base.heapUsed) / MB,
    rssMb: (peakRss - base.rss) / MB,
  };
}

async function child(args: string[]): Promise<void> {
  const [codec, impl, dir, ...names] = args as [Codec, string, string, ...string[]];
  for (const name of names) {
    const o = await measure(codec, impl, name, join(dir, fileName(name)));
    console.log(`RESULT ${JSON.stringify(o)}`);
  }
}

// ------------------------------------------------------------------------------------------ parent

const fileName = (name: string) => `${createHash('sha1').update(name).digest('hex').slice(0, 12)}.bin`;

async function prepare(codec: Codec, dir: string, rows: number): Promise<{ large: string; cases: string[] }> {
  const large = `large: ${fmt(rows)} ${codec === 'xml' ? 'camt.053 entries' : 'rows'}`;
  const write = async (
    name: string,
    what: Uint8Array | (() => Iterable<Uint8Array | string> | AsyncIterable<Uint8Array | string>),
  ) => {
    const path = join(dir, fileName(name));
    if (what instanceof Uint8Array) writeFileSync(path, what);
    else await writeChunks(path, what());
  };
  if (codec === 'csv') await write(large, () => csvLarge(rows));
  if (codec === 'xml') await write(large, () => xmlLarge(rows));
  if (codec === 'xlsx')
    await write(large, () =>
      writeXlsx([
        { name: 'DS', columns: HEADERS.map((h) => ({ header: h, kind: 'text' as const })), rows: listRows(rows) },
      ]),
    );
  const cases = codec === 'csv' ? csvCases() : codec === 'xml' ? xmlCases() : xlsxCases();
  for (const [name, what] of cases) await write(name, what);
  return { large, cases: cases.map(([n]) => n) };
}

function spawnChild(codec: Codec, impl: string, dir: string, names: string[]): Outcome[] {
  const runTs = join(fileURLToPath(new URL('.', import.meta.url)), 'run.ts');
  const r = spawnSync(process.execPath, ['--import', 'tsx', runTs, 'codecs', '--child', codec, impl, dir, ...names], {
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 16 * MB,
  });
  const out = (r.stdout ?? '')
    .split('\n')
    .filter((l) => l.startsWith('RESULT '))
    .map((l) => JSON.parse(l.slice(7)) as Outcome);
  const seen = new Set(out.map((o) => o.name));
  for (const name of names) {
    if (!seen.has(name)) {
      const why = r.error ? String(r.error.message) : r.signal ? `killed ${r.signal}` : `exit ${r.status}`;
      out.push({
        name,
        impl,
        ok: false,
        error: `CRASH (${why})`,
        items: 0,
        hash: '',
        ms: 0,
        bytes: 0,
        heapMb: 0,
        rssMb: 0,
      });
      break; // the rest did not run
    }
  }
  return out;
}

const cell = (o: Outcome | undefined) =>
  !o ? '—' : `${o.ok ? `ok ${fmt(o.items)}` : o.error} · ${fmt(o.ms)} ms · heap +${fmt(o.heapMb, 1)} MB`;

export async function run(args: string[]): Promise<void> {
  if (args[0] === '--child') return child(args.slice(1));
  const codec = args[0] as Codec;
  if (!IMPLS[codec]) throw new Error('npm run bench -- codecs <csv|xml|xlsx> [--rows N]');
  const rows = numberOption(args, 'rows', 200_000);
  const dir = mkdtempSync(join(tmpdir(), 'ansinh-codecs-'));
  try {
    const load0 = loadavg();
    const { large, cases } = await prepare(codec, dir, rows);
    const impls = IMPLS[codec];
    console.log(
      `codec ${codec}; load average before ${load0.map((l) => l.toFixed(2)).join(' ')}; node ${process.version}`,
    );
    // Large file: one child per implementation.
    const big = impls.map((impl) => spawnChild(codec, impl, dir, [large])[0] as Outcome);
    console.log(`\n${large}, ${fmt((big[0]?.bytes ?? 0) / MB, 1)} MB on disk`);
    console.log(
      '| implementation | result | time (s) | MB/s | rows/s | peak heap growth (MB) | peak RSS growth (MB) | same records as hand |',
    );
    console.log('|---|---|---|---|---|---|---|---|');
    for (const o of big) {
      const secs = o.ms / 1000;
      console.log(
        `| ${o.impl} | ${o.ok ? 'ok' : o.error} | ${secs.toFixed(2)} | ${fmt(o.bytes / MB / secs, 1)} | ${fmt(o.items / secs)} | ${fmt(o.heapMb, 1)} | ${fmt(o.rssMb, 1)} | ${o.hash === big[0]?.hash ? 'yes' : 'no'} |`,
      );
    }
    // Cases: one child per implementation runs them all in turn.
    const byImpl = impls.map((impl) => spawnChild(codec, impl, dir, cases));
    console.log(`\n| case | ${impls.join(' | ')} | same |`);
    console.log(`|---|${impls.map(() => '---|').join('')}---|`);
    for (const name of cases) {
      const os = byImpl.map((list) => list.find((o) => o.name === name));
      const same = os.every((o) => o && o.ok === os[0]?.ok && (o.ok ? o.hash === os[0]?.hash : true));
      console.log(`| ${name} | ${os.map(cell).join(' | ')} | ${same ? 'yes' : 'NO'} |`);
    }
    console.log(
      `\nload average after ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
