/**
 * Typed failures of the ISO 20022 / MT940 builders and parsers. Every error has a stable code and a bilingual
 * explanation (Vietnamese first). Builders collect every problem of their input before throwing one
 * Iso20022Error with code INVALID_INPUT and the full `problems` list; parsers throw at the first fatal problem
 * with its position in `details` (character offset, statement and entry numbers). Details never carry names
 * or account numbers (personal data).
 */
import type { Localized } from '../../schemas/messages.js';

export const ISO20022_ERROR_CODES = [
  /** A DOCTYPE / ENTITY declaration (XXE, billion laughs) — refused before anything is expanded. */
  'XML_DTD_FORBIDDEN',
  /** Not well-formed XML (mismatched tags, undeclared entity, truncated document, bad UTF-8...). */
  'XML_MALFORMED',
  /** Elements nested deeper than the limit. */
  'XML_TOO_DEEP',
  /** A text node or a tag longer than the limit. */
  'XML_TEXT_TOO_LONG',
  /** The XML declaration names an encoding other than UTF-8. */
  'XML_ENCODING_UNSUPPORTED',
  /** A VND amount with a non-zero fractional part (VND has no minor unit; never rounded). */
  'AMOUNT_DECIMALS_VND',
  /** A non-VND amount with more non-zero decimals than its currency has. */
  'AMOUNT_PRECISION',
  /** Not a decimal amount, negative, zero where forbidden, or too large. */
  'AMOUNT_INVALID',
  /** Missing or malformed currency code, or a non-VND currency where only VND is allowed. */
  'CURRENCY_INVALID',
  'FIELD_TOO_LONG',
  /** A value of the wrong form (date, identifier characters, NAPAS BIN, status code...). */
  'FIELD_INVALID',
  'MISSING_ELEMENT',
  'DUPLICATE_ID',
  /** A message of another type / version than the parser handles. */
  'UNSUPPORTED_MESSAGE',
  /** A configured size limit (transactions per entry...) was exceeded. */
  'LIMIT_EXCEEDED',
  /** An MT940 statement that does not follow the field grammar. */
  'MT940_MALFORMED',
  /** A builder's input has one or more problems; see `problems`. */
  'INVALID_INPUT',
  /** A statement file that is neither camt.053/054, pain.002, MT940 nor a bank CSV (binary, .xlsx, PDF...). */
  'STATEMENT_FORMAT_UNKNOWN',
  /** A statement file with no content. */
  'STATEMENT_EMPTY',
  /** A statement file that is not valid UTF-8 / UTF-16 text. */
  'ENCODING_INVALID',
  /** A bank CSV whose column header row cannot be found, or lacks the date / amount columns. */
  'CSV_HEADER_INVALID',
  /** Opening balance plus the entries does not give the closing balance (reported, not thrown). */
  'BALANCE_MISMATCH',
] as const;
export type Iso20022ErrorCode = (typeof ISO20022_ERROR_CODES)[number];

/** One problem of a builder input: `path` is a JSON-like path into the input, e.g. `transactions[3].endToEndId`. */
export interface Iso20022Problem {
  code: Iso20022ErrorCode;
  path: string;
  message: Localized;
}

export class Iso20022Error extends Error {
  readonly code: Iso20022ErrorCode;
  readonly text: Localized;
  /** Machine-readable position / limits; never personal data. */
  readonly details?: Record<string, unknown>;
  /** For INVALID_INPUT: every problem found (empty otherwise). */
  readonly problems: readonly Iso20022Problem[];

  constructor(
    code: Iso20022ErrorCode,
    text: Localized,
    details?: Record<string, unknown>,
    problems: readonly Iso20022Problem[] = [],
  ) {
    super(`${code}: ${text.en}`);
    this.name = 'Iso20022Error';
    this.code = code;
    this.text = text;
    if (details !== undefined) this.details = details;
    this.problems = problems;
  }

  toFinding(): { code: Iso20022ErrorCode; message: Localized } {
    return { code: this.code, message: this.text };
  }
}

const at = (offset: number | undefined): { vi: string; en: string } =>
  offset === undefined ? { vi: '', en: '' } : { vi: ` (vị trí ký tự ${offset})`, en: ` (character offset ${offset})` };

/** Where in a statement an amount sits, for messages: "statement 1, entry 42". */
export interface AmountPosition {
  statement?: number;
  entry?: number;
  element?: string;
  offset?: number;
  /** 1-based line of a text statement (MT940 line, CSV record). */
  line?: number;
}
const where = (p: AmountPosition): { vi: string; en: string } => {
  const vi: string[] = [];
  const en: string[] = [];
  if (p.statement !== undefined) {
    vi.push(`sao kê ${p.statement}`);
    en.push(`statement ${p.statement}`);
  }
  if (p.entry !== undefined) {
    vi.push(`bút toán ${p.entry}`);
    en.push(`entry ${p.entry}`);
  }
  if (p.element) {
    vi.push(p.element);
    en.push(p.element);
  }
  if (p.line !== undefined) {
    vi.push(`dòng ${p.line}`);
    en.push(`line ${p.line}`);
  }
  return vi.length ? { vi: ` (${vi.join(', ')})`, en: ` (${en.join(', ')})` } : { vi: '', en: '' };
};

/** Constructors with the standard messages. */
export const isoErrors = {
  dtdForbidden: (offset?: number) =>
    new Iso20022Error(
      'XML_DTD_FORBIDDEN',
      {
        vi: `Tệp XML có khai báo DOCTYPE/ENTITY; vì lý do an toàn hệ thống từ chối tệp này${at(offset).vi}.`,
        en: `The XML contains a DOCTYPE/ENTITY declaration; it is refused for security${at(offset).en}.`,
      },
      { offset },
    ),
  malformed: (reason: string, offset?: number) =>
    new Iso20022Error(
      'XML_MALFORMED',
      {
        vi: `Tệp XML không hợp lệ: ${reason}${at(offset).vi}.`,
        en: `The XML is not well-formed: ${reason}${at(offset).en}.`,
      },
      { reason, offset },
    ),
  tooDeep: (limit: number, offset?: number) =>
    new Iso20022Error(
      'XML_TOO_DEEP',
      {
        vi: `Tệp XML lồng quá ${limit} cấp phần tử${at(offset).vi}.`,
        en: `The XML nests elements deeper than ${limit} levels${at(offset).en}.`,
      },
      { limit, offset },
    ),
  textTooLong: (limit: number, offset?: number) =>
    new Iso20022Error(
      'XML_TEXT_TOO_LONG',
      {
        vi: `Tệp XML có nội dung hoặc thẻ dài quá ${limit} ký tự${at(offset).vi}.`,
        en: `The XML has a text or tag longer than ${limit} characters${at(offset).en}.`,
      },
      { limit, offset },
    ),
  encoding: (encoding: string) =>
    new Iso20022Error(
      'XML_ENCODING_UNSUPPORTED',
      {
        vi: `Bảng mã ${encoding} không được hỗ trợ; chỉ chấp nhận UTF-8.`,
        en: `Encoding ${encoding} is not supported; only UTF-8 is accepted.`,
      },
      { encoding },
    ),
  amountDecimalsVnd: (value: string, pos: AmountPosition) =>
    new Iso20022Error(
      'AMOUNT_DECIMALS_VND',
      {
        vi: `Số tiền VND "${value}" có phần lẻ thập phân; đồng Việt Nam không có đơn vị lẻ và hệ thống không làm tròn${where(pos).vi}.`,
        en: `VND amount "${value}" has a fractional part; the dong has no minor unit and amounts are never rounded${where(pos).en}.`,
      },
      { value, ...pos },
    ),
  amountPrecision: (value: string, currency: string, exponent: number, pos: AmountPosition) =>
    new Iso20022Error(
      'AMOUNT_PRECISION',
      {
        vi: `Số tiền ${currency} "${value}" có quá ${exponent} chữ số thập phân khác 0${where(pos).vi}.`,
        en: `${currency} amount "${value}" has more than ${exponent} non-zero decimals${where(pos).en}.`,
      },
      { value, currency, exponent, ...pos },
    ),
  amountInvalid: (value: string, pos: AmountPosition) =>
    new Iso20022Error(
      'AMOUNT_INVALID',
      {
        vi: `Số tiền "${value.slice(0, 40)}" không hợp lệ${where(pos).vi}.`,
        en: `Amount "${value.slice(0, 40)}" is not valid${where(pos).en}.`,
      },
      { value: value.slice(0, 40), ...pos },
    ),
  currencyInvalid: (currency: string, pos: AmountPosition) =>
    new Iso20022Error(
      'CURRENCY_INVALID',
      {
        vi: `Mã tiền tệ "${currency.slice(0, 10)}" không hợp lệ${where(pos).vi}.`,
        en: `Currency code "${currency.slice(0, 10)}" is not valid${where(pos).en}.`,
      },
      { currency: currency.slice(0, 10), ...pos },
    ),
  missing: (element: string, pos: AmountPosition = {}) =>
    new Iso20022Error(
      'MISSING_ELEMENT',
      {
        vi: `Thiếu phần tử bắt buộc ${element}${where(pos).vi}.`,
        en: `Required element ${element} is missing${where(pos).en}.`,
      },
      { ...pos, element },
    ),
  fieldInvalid: (element: string, reason: string, pos: AmountPosition = {}) =>
    new Iso20022Error(
      'FIELD_INVALID',
      {
        vi: `Giá trị của ${element} không hợp lệ: ${reason}${where(pos).vi}.`,
        en: `The value of ${element} is not valid: ${reason}${where(pos).en}.`,
      },
      { ...pos, element, reason },
    ),
  fieldTooLong: (element: string, limit: number, pos: AmountPosition = {}) =>
    new Iso20022Error(
      'FIELD_TOO_LONG',
      {
        vi: `${element} dài quá ${limit} ký tự${where(pos).vi}.`,
        en: `${element} is longer than ${limit} characters${where(pos).en}.`,
      },
      { ...pos, element, limit },
    ),
  unsupported: (found: string, expected: string) =>
    new Iso20022Error(
      'UNSUPPORTED_MESSAGE',
      {
        vi: `Loại thông điệp "${found.slice(0, 80)}" không được hỗ trợ; cần ${expected}.`,
        en: `Message type "${found.slice(0, 80)}" is not supported; expected ${expected}.`,
      },
      { found: found.slice(0, 80), expected },
    ),
  limitExceeded: (what: string, limit: number, pos: AmountPosition = {}) =>
    new Iso20022Error(
      'LIMIT_EXCEEDED',
      {
        vi: `Vượt giới hạn ${limit} ${what}${where(pos).vi}.`,
        en: `More than ${limit} ${what}${where(pos).en}.`,
      },
      { ...pos, what, limit },
    ),
  mt940: (reason: string, line?: number) =>
    new Iso20022Error(
      'MT940_MALFORMED',
      {
        vi: `Sao kê MT940 không hợp lệ: ${reason}${line ? ` (dòng ${line})` : ''}.`,
        en: `The MT940 statement is malformed: ${reason}${line ? ` (line ${line})` : ''}.`,
      },
      { reason, line },
    ),
  formatUnknown: (reason: { vi: string; en: string }, details: Record<string, unknown> = {}) =>
    new Iso20022Error(
      'STATEMENT_FORMAT_UNKNOWN',
      {
        vi: `Không nhận dạng được tệp sao kê: ${reason.vi}. Chấp nhận camt.053, camt.054, pain.002 (XML UTF-8), MT940 hoặc CSV sao kê tài khoản của ngân hàng.`,
        en: `Unrecognised statement file: ${reason.en}. Accepted: camt.053, camt.054, pain.002 (UTF-8 XML), MT940 or a bank's account-statement CSV.`,
      },
      details,
    ),
  lineTooLong: (limit: number, line: number) =>
    new Iso20022Error(
      'LIMIT_EXCEEDED',
      {
        vi: `Dòng ${line} dài quá ${limit} ký tự; tệp có thể bị hỏng hoặc không phải sao kê.`,
        en: `Line ${line} is longer than ${limit} characters; the file may be damaged or not a statement.`,
      },
      { what: 'line', limit, line },
    ),
  statementEmpty: () =>
    new Iso20022Error('STATEMENT_EMPTY', {
      vi: 'Tệp sao kê không có dữ liệu.',
      en: 'The statement file is empty.',
    }),
  encodingInvalid: (line?: number) =>
    new Iso20022Error(
      'ENCODING_INVALID',
      {
        vi: `Tệp sao kê không đúng bảng mã UTF-8/UTF-16${line ? ` (dòng ${line})` : ''}. Hãy xuất lại sao kê với bảng mã UTF-8.`,
        en: `The statement file is not valid UTF-8/UTF-16${line ? ` (line ${line})` : ''}. Export the statement again as UTF-8.`,
      },
      line ? { line } : {},
    ),
  csvHeader: (reason: { vi: string; en: string }, details: Record<string, unknown> = {}) =>
    new Iso20022Error(
      'CSV_HEADER_INVALID',
      {
        vi: `Tệp CSV sao kê không có dòng tiêu đề cột hợp lệ: ${reason.vi}.`,
        en: `The statement CSV has no usable column header row: ${reason.en}.`,
      },
      details,
    ),
  balanceMismatch: (expected: string, found: string, pos: AmountPosition) =>
    new Iso20022Error(
      'BALANCE_MISMATCH',
      {
        vi: `Số dư đầu kỳ cộng các bút toán ra ${expected} nhưng số dư cuối kỳ là ${found}${where(pos).vi}; sao kê có thể thiếu hoặc thừa bút toán.`,
        en: `Opening balance plus the entries gives ${expected} but the closing balance is ${found}${where(pos).en}; the statement may be missing or repeating entries.`,
      },
      { expected, found, ...pos },
    ),
  invalidInput: (what: string, problems: Iso20022Problem[]) =>
    new Iso20022Error(
      'INVALID_INPUT',
      {
        vi: `Dữ liệu để lập ${what} có ${problems.length} lỗi.`,
        en: `The input for ${what} has ${problems.length} problem(s).`,
      },
      { count: problems.length },
      problems,
    ),
};
