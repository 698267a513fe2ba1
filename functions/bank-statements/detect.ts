/**
 * One entry point for whatever a bank sends back: the first bytes decide the format, the rest streams into
 * its parser. camt.053 / camt.054 / MT940 / bank CSV give the same StatementEvent stream; pain.002 is a
 * status report, not a statement, so it comes back parsed (`report`), not as events.
 *
 * Sniffing (the first 4 KiB): XML → the ISO 20022 namespace (or the root element when there is none);
 * `{1:` or SWIFT field lines (`:20:` with :25:/:28C:/:60F:/:61:) → MT940; other text → CSV. Binary data,
 * spreadsheets, PDFs and other XML messages → STATEMENT_FORMAT_UNKNOWN (bilingual). The file name is a
 * hint only, used when the bytes leave room for doubt (an .sta file whose fields start later than 4 KiB); a
 * file named as MT940 (.sta, .mt940, .940, .swi) with no SWIFT field at all is refused as such, never tried as
 * a CSV. SOH/ETX (SWIFT transmission framing) are not binary data.
 */

import { firstBytes } from '../codecs/head.js';
import { type CamtParseOptions, parseCamt053, parseCamt054, type StatementEvent } from '../iso20022/camt.js';
import { isoErrors } from '../iso20022/errors.js';
import { type Pain002ParseOptions, type Pain002Report, parsePain002 } from '../iso20022/pain002.js';
import { type BankCsvOptions, parseBankCsv } from './bank-csv.js';
import { type Mt940Options, parseMt940 } from './mt940.js';
import { byteChunks, type StatementSource } from './text-source.js';

export type StatementFormat = 'camt.053' | 'camt.054' | 'pain.002' | 'mt940' | 'csv';

export type StatementRead =
  | { format: 'camt.053' | 'camt.054' | 'mt940' | 'csv'; events: AsyncGenerator<StatementEvent> }
  | { format: 'pain.002'; report: Pain002Report };

export interface ReadStatementOptions {
  camt?: CamtParseOptions;
  mt940?: Mt940Options;
  csv?: BankCsvOptions;
  pain002?: Pain002ParseOptions;
}

const SNIFF_BYTES = 4096;

const startsWith = (b: Uint8Array, sig: readonly number[]) => sig.every((x, i) => b[i] === x);

const BINARY: readonly { sig: readonly number[]; vi: string; en: string }[] = [
  {
    sig: [0x50, 0x4b],
    vi: 'tệp Excel (.xlsx) hoặc tệp nén; hãy xuất sao kê dạng CSV, MT940 hoặc camt.053',
    en: 'an Excel (.xlsx) or zip file; export the statement as CSV, MT940 or camt.053',
  },
  {
    sig: [0xd0, 0xcf, 0x11, 0xe0],
    vi: 'tệp Excel cũ (.xls); hãy xuất sao kê dạng CSV',
    en: 'a legacy Excel file (.xls); export the statement as CSV',
  },
  { sig: [0x25, 0x50, 0x44, 0x46], vi: 'tệp PDF', en: 'a PDF file' },
  { sig: [0x1f, 0x8b], vi: 'tệp nén gzip', en: 'a gzip file' },
];

/** The format the first bytes show; throws STATEMENT_EMPTY / STATEMENT_FORMAT_UNKNOWN. */
export function sniffStatement(head: Uint8Array, fileName?: string): StatementFormat {
  if (head.length === 0) throw isoErrors.statementEmpty();
  if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff])) return 'csv'; // Excel "Unicode text"
  for (const b of BINARY) if (startsWith(head, b.sig)) throw isoErrors.formatUnknown(b, { detected: 'binary' });
  const n = Math.min(head.length, SNIFF_BYTES);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const c = head[i] as number;
    if (c === 0) control += n;
    // SOH/ETX are SWIFT transmission framing, not binary data.
    else if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c && c !== 0x01 && c !== 0x03) control++;
  }
  if (control > Math.max(2, n / 100))
    throw isoErrors.formatUnknown({ vi: 'dữ liệu nhị phân, không phải văn bản', en: 'binary data, not text' });
  let text = new TextDecoder('utf-8').decode(head.subarray(0, n));
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: SWIFT files open with SOH (U+0001) before the first tag
  text = text.replace(/^[\s\u0001]+/, '');
  if (text.startsWith('<')) return sniffXml(text);
  if (text.startsWith('{1:') || text.startsWith('{2:') || text.startsWith('{4:')) return 'mt940';
  const swiftFields = /^:20:/m.test(text) && /^:(25P?|28C?|60[FM]|61):/m.test(text);
  if (swiftFields) return 'mt940';
  const swiftName = !!fileName && /\.(sta|mt940|940|swi)$/i.test(fileName);
  if (swiftName && /^:\d{2}[A-Z]?:/m.test(text)) return 'mt940';
  if (swiftName) {
    const ext = /\.[^.]+$/.exec(fileName ?? '')?.[0] ?? '';
    // Named as an MT940 file but holding none of its fields: say so rather than try it as a CSV.
    throw isoErrors.formatUnknown(
      {
        vi: `tệp có đuôi của sao kê MT940 (${ext}) nhưng không có trường SWIFT nào (:20:, :25:, :60F:, :61:)`,
        en: `the file is named as an MT940 statement (${ext}) but holds no SWIFT field (:20:, :25:, :60F:, :61:)`,
      },
      { detected: 'not-mt940', extension: ext },
    );
  }
  return 'csv';
}

function sniffXml(text: string): StatementFormat {
  const ns = /urn:iso:std:iso:20022:tech:xsd:([a-z]{4}\.\d{3})\.\d{3}\.\d{2}/.exec(text);
  const kind = ns?.[1];
  if (kind === 'camt.053' || kind === 'camt.054' || kind === 'pain.002') return kind;
  if (kind === undefined) {
    const root = /<(?:[\w.-]+:)?(BkToCstmrStmt|BkToCstmrDbtCdtNtfctn|CstmrPmtStsRpt)[\s>/]/.exec(text)?.[1];
    if (root === 'BkToCstmrStmt') return 'camt.053';
    if (root === 'BkToCstmrDbtCdtNtfctn') return 'camt.054';
    if (root === 'CstmrPmtStsRpt') return 'pain.002';
  }
  throw isoErrors.formatUnknown(
    kind
      ? {
          vi: `thông điệp XML ${kind} không phải sao kê hay báo cáo trạng thái`,
          en: `the XML message ${kind} is not a statement or a status report`,
        }
      : {
          vi: 'tệp XML không phải thông điệp ISO 20022 được hỗ trợ',
          en: 'the XML is not a supported ISO 20022 message',
        },
    { detected: kind ?? 'xml' },
  );
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
 * Reads a statement file whatever its format. Events stream lazily (parse errors are thrown while iterating);
 * a pain.002 is read whole here. The file name is a hint (see the module comment).
 */
export async function readStatement(
  source: StatementSource,
  fileName?: string,
  options: ReadStatementOptions = {},
): Promise<StatementRead> {
  const it = byteChunks(source)[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let have = 0;
  while (have < SNIFF_BYTES) {
    const r = await it.next();
    if (r.done) break;
    head.push(r.value);
    have += r.value.length;
  }
  const first = firstBytes(head, SNIFF_BYTES);
  let format: StatementFormat;
  try {
    format = sniffStatement(first, fileName);
  } catch (e) {
    await it.return?.(undefined);
    throw e;
  }
  const stream = prepend(head, it);
  switch (format) {
    case 'pain.002':
      return { format, report: await parsePain002(stream, options.pain002) };
    case 'camt.053':
      return { format, events: parseCamt053(stream, options.camt) };
    case 'camt.054':
      return { format, events: parseCamt054(stream, options.camt) };
    case 'mt940':
      return { format, events: parseMt940(stream, options.mt940) };
    case 'csv':
      return { format, events: parseBankCsv(stream, options.csv) };
  }
}
