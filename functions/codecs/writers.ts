/**
 * Writers for result files and templates: CSV (UTF-8 BOM, CRLF) and a streaming XLSX writer (fflate Zip +
 * ZipDeflate, inline strings, no sharedStrings). Text cells are protected against formula injection.
 */
import { strToU8, Zip, ZipDeflate } from 'fflate';

/** OWASP CSV-injection guidance: a cell beginning with = + - @ TAB or CR gets a leading single quote. */
export function safeCell(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export interface CsvOptions {
  /** Delimiter, comma by default. */
  delimiter?: ',' | ';' | '\t';
  /** Prefix dangerous leading characters (default true). */
  formulaSafe?: boolean;
  /** Include the UTF-8 BOM (default true) so Excel reads Vietnamese correctly. */
  bom?: boolean;
  /** Column indexes always quoted (e.g. identity numbers, to mark them as text). */
  alwaysQuoteColumns?: readonly number[];
}

function csvLine(cells: readonly (string | number | null | undefined)[], o: Required<Omit<CsvOptions, 'bom'>>): string {
  return cells
    .map((v, i) => {
      let s = v === null || v === undefined ? '' : String(v);
      if (o.formulaSafe && typeof v === 'string') s = safeCell(s);
      const needs = o.alwaysQuoteColumns.includes(i) || s.includes(o.delimiter) || /["\r\n]/.test(s) || s !== s.trim();
      return needs ? `"${s.replaceAll('"', '""')}"` : s;
    })
    .join(o.delimiter);
}

function csvOpts(options: CsvOptions): Required<Omit<CsvOptions, 'bom'>> {
  return {
    delimiter: options.delimiter ?? ',',
    formulaSafe: options.formulaSafe ?? true,
    alwaysQuoteColumns: options.alwaysQuoteColumns ?? [],
  };
}

/** Whole CSV as a string (BOM + CRLF), for small tables. */
export function toCsv(rows: readonly (readonly (string | number | null | undefined)[])[], options?: CsvOptions): string;
/** Streaming CSV: one UTF-8 chunk per row (the first carries the BOM). */
export function toCsv(
  rows: AsyncIterable<readonly (string | number | null | undefined)[]>,
  options?: CsvOptions,
): AsyncIterable<Uint8Array>;
export function toCsv(
  rows:
    | readonly (readonly (string | number | null | undefined)[])[]
    | AsyncIterable<readonly (string | number | null | undefined)[]>,
  options: CsvOptions = {},
): string | AsyncIterable<Uint8Array> {
  const o = csvOpts(options);
  const bom = options.bom === false ? '' : '\uFEFF';
  if (Array.isArray(rows)) {
    return bom + (rows as readonly (readonly (string | number | null)[])[]).map((r) => `${csvLine(r, o)}\r\n`).join('');
  }
  const it = rows as AsyncIterable<readonly (string | number | null)[]>;
  const enc = new TextEncoder();
  return (async function* () {
    let first = true;
    for await (const r of it) {
      yield enc.encode(`${(first ? bom : '') + csvLine(r, o)}\r\n`);
      first = false;
    }
    if (first && bom) yield enc.encode(bom);
  })();
}

export type XlsxCellValue = string | number | null | undefined;

export interface XlsxColumn {
  header: string;
  /** Column width in characters. */
  width?: number;
  /** 'text' columns are formatted as Text (@) so Excel keeps leading zeros when officers type. */
  kind: 'text' | 'number' | 'date';
}

export interface XlsxSheet {
  name: string;
  columns: readonly XlsxColumn[];
  rows: AsyncIterable<readonly XlsxCellValue[]> | Iterable<readonly XlsxCellValue[]>;
}

/** Column index (0-based) → letters: 0 → A, 25 → Z, 26 → AA. */
export function columnLetters(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters XML 1.0 cannot carry, to drop them
const NOT_IN_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Escapes XML text/attribute content and drops characters XML 1.0 cannot carry. */
export function xmlEscape(s: string): string {
  return s
    .replace(NOT_IN_XML, '')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** Excel sheet names: max 31 chars, none of : \ / ? * [ ]. */
function sheetName(name: string, i: number): string {
  const s = name
    .replace(/[:\\/?*[\]]/g, ' ')
    .slice(0, 31)
    .trim();
  return s === '' ? `Sheet${i + 1}` : s;
}

// Style indexes in styles.xml cellXfs: 0 default, 1 text (@), 2 date (dd/mm/yyyy), 3 bold header.
const STYLE = { general: 0, text: 1, date: 2, header: 3 } as const;

const STYLES_XML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`;

function cellXml(ref: string, v: XlsxCellValue, kind: XlsxColumn['kind']): string {
  const style = kind === 'text' ? STYLE.text : kind === 'date' ? STYLE.date : STYLE.general;
  const s = style ? ` s="${style}"` : '';
  if (v === null || v === undefined || v === '') return style ? `<c r="${ref}"${s}/>` : '';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return `<c r="${ref}"${s} t="inlineStr"><is><t>${String(v)}</t></is></c>`;
    return `<c r="${ref}"${s}><v>${String(v)}</v></c>`;
  }
  const text = xmlEscape(safeCell(v));
  const space = text !== text.trim() || /\n/.test(text) ? ' xml:space="preserve"' : '';
  return `<c r="${ref}"${s} t="inlineStr"><is><t${space}>${text}</t></is></c>`;
}

function contentTypes(n: number): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>${Array.from(
    { length: n },
    (_, i) =>
      `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
  ).join('')}</Types>`;
}

const ROOT_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`;

function workbookXml(names: readonly string[]): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><bookViews><workbookView/></bookViews><sheets>${names
    .map((n, i) => `<sheet name="${xmlEscape(n)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
    .join('')}</sheets></workbook>`;
}

function workbookRels(n: number): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${Array.from(
    { length: n },
    (_, i) =>
      `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
  ).join(
    '',
  )}<Relationship Id="rId${n + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`;
}

/**
 * Synchronous XLSX building blocks shared by the streaming and the in-memory writer: each method pushes
 * into fflate's (synchronous) Zip, and take() hands back whatever compressed bytes are ready.
 */
class XlsxBuilder {
  private readonly out: Uint8Array[] = [];
  private failure: unknown;
  private done = false;
  private readonly zip: Zip;
  private file: ZipDeflate | undefined;
  private buf = '';
  private r = 1;
  private cols: readonly XlsxColumn[] = [];
  private letters: string[] = [];

  constructor(private readonly sheets: readonly Pick<XlsxSheet, 'name' | 'columns'>[]) {
    if (sheets.length === 0) throw new RangeError('writeXlsx needs at least one sheet');
    this.zip = new Zip((err, data, final) => {
      if (err) this.failure = err;
      else this.out.push(data);
      if (final) this.done = true;
    });
    const names = sheets.map((s, i) => sheetName(s.name, i));
    this.addSmall('[Content_Types].xml', contentTypes(names.length));
    this.addSmall('_rels/.rels', ROOT_RELS);
    this.addSmall('xl/workbook.xml', workbookXml(names));
    this.addSmall('xl/_rels/workbook.xml.rels', workbookRels(names.length));
    this.addSmall('xl/styles.xml', STYLES_XML);
  }

  take(): Uint8Array[] {
    if (this.failure) throw this.failure;
    return this.out.splice(0, this.out.length);
  }

  private addSmall(name: string, content: string): void {
    const f = new ZipDeflate(name, { level: 6 });
    this.zip.add(f);
    f.push(strToU8(content), true);
  }

  startSheet(si: number): void {
    const sheet = this.sheets[si] as Pick<XlsxSheet, 'name' | 'columns'>;
    this.file = new ZipDeflate(`xl/worksheets/sheet${si + 1}.xml`, { level: 6 });
    this.zip.add(this.file);
    this.cols = sheet.columns;
    this.letters = this.cols.map((_, i) => columnLetters(i));
    this.r = 1;
    const colsXml = this.cols
      .map((c, i) => {
        const style = c.kind === 'text' ? STYLE.text : c.kind === 'date' ? STYLE.date : 0;
        return `<col min="${i + 1}" max="${i + 1}" width="${c.width ?? 14}" customWidth="1"${style ? ` style="${style}"` : ''}/>`;
      })
      .join('');
    const head = this.cols
      .map(
        (c, i) =>
          `<c r="${this.letters[i]}1" s="${STYLE.header}" t="inlineStr"><is><t>${xmlEscape(c.header)}</t></is></c>`,
      )
      .join('');
    this.buf = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheetViews><sheetView workbookViewId="0"${si === 0 ? ' tabSelected="1"' : ''}><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>${colsXml ? `<cols>${colsXml}</cols>` : ''}<sheetData><row r="1">${head}</row>`;
  }

  addRow(row: readonly XlsxCellValue[]): void {
    const r = ++this.r;
    let cells = '';
    for (let i = 0; i < row.length; i++) {
      cells += cellXml(`${this.letters[i] ?? columnLetters(i)}${r}`, row[i], this.cols[i]?.kind ?? 'text');
    }
    this.buf += `<row r="${r}">${cells}</row>`;
    if (this.buf.length > 64 * 1024) {
      (this.file as ZipDeflate).push(strToU8(this.buf), false);
      this.buf = '';
    }
  }

  endSheet(): void {
    this.buf +=
      '</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>';
    (this.file as ZipDeflate).push(strToU8(this.buf), true);
    this.buf = '';
  }

  end(): void {
    this.zip.end();
    if (!this.done) throw new Error('zip did not finish');
  }
}

/**
 * Streams an XLSX workbook. Sheets are written one after another; each sheet's rows are pulled from its
 * iterable as the zip is produced, so memory stays bounded by the deflate window and a 64 KiB row batch.
 */
export async function* writeXlsx(sheets: readonly XlsxSheet[]): AsyncGenerator<Uint8Array> {
  const b = new XlsxBuilder(sheets);
  yield* b.take();
  for (const [si, sheet] of sheets.entries()) {
    b.startSheet(si);
    for await (const row of sheet.rows as AsyncIterable<readonly XlsxCellValue[]>) {
      b.addRow(row);
      yield* b.take();
    }
    b.endSheet();
    yield* b.take();
  }
  b.end();
  yield* b.take();
}

/** The same workbook in one buffer, synchronously (small in-memory sheets such as the template). */
export function writeXlsxBytes(
  sheets: readonly (Omit<XlsxSheet, 'rows'> & { rows: Iterable<readonly XlsxCellValue[]> })[],
): Uint8Array {
  const b = new XlsxBuilder(sheets);
  const chunks = b.take();
  for (const [si, sheet] of sheets.entries()) {
    b.startSheet(si);
    for (const row of sheet.rows) b.addRow(row);
    b.endSheet();
  }
  b.end();
  chunks.push(...b.take());
  return concat(chunks);
}

export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const c of chunks) n += c.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
