/**
 * A Vietnamese bank's account-statement CSV ("Sao kê tài khoản" exported from internet banking) as a stream
 * of the camt statement events: one header, one entry per transaction row, one end.
 *
 * Reading: the CSV codec (functions/codecs/csv.ts: UTF-8 with or without BOM, UTF-16 with BOM, RFC 4180
 * quoting, `;` `,` or TAB, Excel's `sep=` line); the delimiter is the one under which a record reads best as
 * a statement header. Memory is one input slice plus one record, whatever the length.
 *
 * Layout: optional preamble records before the column header — "Số tài khoản", "Tên tài khoản", "Loại tiền",
 * "Từ ngày … đến ngày …" / "Kỳ sao kê", "Số dư đầu kỳ", "Số dư cuối kỳ" as `label: value` in one cell or
 * label and value in adjacent cells — then the header (the first of the first 30 non-empty records that names
 * a date column, an amount column and at least three known columns; Vietnamese or English, matched without
 * diacritics, case or punctuation; see COLUMN_ALIASES), then the rows. After the rows, "Số dư cuối kỳ" /
 * "Closing balance" gives the closing balance; totals, signatures and other text rows without a date or an
 * amount are skipped; a repeated header (page breaks) is skipped.
 *
 * Amounts as banks print dong: `1.250.000`, `1,250,000`, `1 250 000`, `1250000`, `1.250.000,00`; a
 * separator followed by exactly three digits groups thousands (the dong has no minor unit), a decimal part is
 * accepted only when it is zeros (AMOUNT_DECIMALS_VND otherwise, never rounded). Signs: `-1.250.000`,
 * `(1.250.000)`. Direction: separate debit/credit columns ("Ghi nợ"/"Ghi có"), or an amount with a "Nợ/Có"
 * column, or a signed amount. Dates: dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy), yyyy-mm-dd, a time
 * after the date ignored.
 *
 * Problems: a row that cannot be read yields no entry but a `{ type: 'problem' }` event in its place (code,
 * bilingual message, CSV record number in `line`), and the stream goes on; `end.problemCount` counts them.
 * Callers that must not book a partial statement check for problem events. A file that is not a statement
 * CSV at all (no header, bad encoding, binary) throws Iso20022Error.
 */
import { parseListDate } from '../beneficiary-lists/file-formats/dates.js';
import { headerKey } from '../beneficiary-lists/file-formats/template.js';
import { csvRecords, type PhysicalRecord } from '../codecs/csv.js';
import { FileFormatError } from '../codecs/errors.js';
import { DEFAULT_LIST_LIMITS } from '../codecs/limits.js';
import { currencyExponent, type Money, showMinor, signedMinor, toMoney } from '../iso20022/amounts.js';
import type {
  AccountRef,
  Balance,
  CreditDebit,
  StatementEntry,
  StatementEvent,
  StatementHeader,
  StatementProblem,
  TransactionDetails,
} from '../iso20022/camt.js';
import { type AmountPosition, Iso20022Error, isoErrors } from '../iso20022/errors.js';
import { byteChunks, type StatementSource } from './text-source.js';

export interface BankCsvOptions {
  /** Currency when neither the preamble nor a column names one (default VND). */
  currency?: string;
  /** Bytes read at most (default: no limit; the reader streams). */
  maxFileBytes?: number;
  /** Characters in one record (default 64 KiB). */
  maxRecordChars?: number;
  /** Compare opening balance + entries with the closing balance when both are given (default true). */
  checkBalances?: boolean;
}

export type BankCsvField =
  | 'transactionDate'
  | 'postingDate'
  | 'valueDate'
  | 'reference'
  | 'endToEndId'
  | 'debit'
  | 'credit'
  | 'amount'
  | 'direction'
  | 'balance'
  | 'description'
  | 'counterpartyAccount'
  | 'counterpartyName'
  | 'counterpartyBank'
  | 'currency'
  | 'ignored';

/** Column headers accepted per field, matched with the beneficiary-list `headerKey` (no diacritics, case...). */
export const COLUMN_ALIASES: Readonly<Record<BankCsvField, readonly string[]>> = {
  transactionDate: [
    'Ngày giao dịch',
    'Ngày GD',
    'Ngày',
    'Thời gian giao dịch',
    'Ngày giờ giao dịch',
    'Transaction date',
    'Trans date',
    'Txn date',
    'Transaction time',
    'Date',
  ],
  postingDate: ['Ngày hạch toán', 'Ngày ghi sổ', 'Posting date', 'Booking date'],
  valueDate: ['Ngày hiệu lực', 'Ngày giá trị', 'Value date', 'Effective date'],
  reference: [
    'Số tham chiếu',
    'Mã tham chiếu',
    'Số bút toán',
    'Số chứng từ',
    'Số giao dịch',
    'Số GD',
    'Reference',
    'Reference number',
    'Reference no',
    'Ref',
    'Ref no',
    'Transaction number',
    'Transaction no',
  ],
  endToEndId: ['Mã giao dịch', 'Mã GD', 'EndToEndId', 'End to end ID', 'End-to-end ID', 'E2E ID', 'Transaction ID'],
  debit: [
    'Ghi nợ',
    'Nợ',
    'Số tiền ghi nợ',
    'Phát sinh nợ',
    'PS nợ',
    'Tiền ra',
    'Rút ra',
    'Debit',
    'Debit amount',
    'Withdrawal',
    'Withdrawals',
    'Money out',
  ],
  credit: [
    'Ghi có',
    'Có',
    'Số tiền ghi có',
    'Phát sinh có',
    'PS có',
    'Tiền vào',
    'Gửi vào',
    'Credit',
    'Credit amount',
    'Deposit',
    'Deposits',
    'Money in',
  ],
  amount: ['Số tiền', 'Số tiền giao dịch', 'Số tiền GD', 'Amount', 'Transaction amount'],
  direction: ['Nợ/Có', 'Có/Nợ', 'Ghi nợ/Ghi có', 'N/C', 'Debit/Credit', 'Credit/Debit', 'D/C', 'C/D', 'Dr/Cr', 'Cr/Dr'],
  balance: ['Số dư', 'Số dư cuối', 'Số dư sau giao dịch', 'Số dư tài khoản', 'Balance', 'Running balance'],
  description: [
    'Nội dung',
    'Nội dung giao dịch',
    'Nội dung chi tiết',
    'Diễn giải',
    'Mô tả',
    'Description',
    'Details',
    'Transaction details',
    'Narrative',
    'Remarks',
    'Content',
  ],
  counterpartyAccount: [
    'Số tài khoản đối ứng',
    'Tài khoản đối ứng',
    'Số TK đối ứng',
    'TK đối ứng',
    'Counterparty account',
    'Counter account',
  ],
  counterpartyName: [
    'Tên đối ứng',
    'Tên tài khoản đối ứng',
    'Tên TK đối ứng',
    'Đơn vị đối ứng',
    'Tên người đối ứng',
    'Counterparty name',
    'Counter account name',
  ],
  counterpartyBank: ['Ngân hàng đối ứng', 'NH đối ứng', 'Mã ngân hàng đối ứng', 'Counterparty bank'],
  currency: ['Loại tiền', 'Tiền tệ', 'Loại tiền tệ', 'Đơn vị tiền tệ', 'Currency', 'CCY'],
  ignored: ['STT', 'Số TT', 'Số thứ tự', 'TT'],
};

/** English names of the fields, for messages. */
const FIELD_EN: Record<BankCsvField, string> = {
  transactionDate: 'Transaction date',
  postingDate: 'Posting date',
  valueDate: 'Value date',
  reference: 'Reference',
  endToEndId: 'EndToEndId',
  debit: 'Debit',
  credit: 'Credit',
  amount: 'Amount',
  direction: 'Debit/Credit',
  balance: 'Balance',
  description: 'Description',
  counterpartyAccount: 'Counterparty account',
  counterpartyName: 'Counterparty name',
  counterpartyBank: 'Counterparty bank',
  currency: 'Currency',
  ignored: '',
};

/** Vietnamese names of the fields, for messages. */
const FIELD_VI: Record<BankCsvField, string> = {
  transactionDate: 'Ngày giao dịch',
  postingDate: 'Ngày hạch toán',
  valueDate: 'Ngày hiệu lực',
  reference: 'Số tham chiếu',
  endToEndId: 'Mã giao dịch',
  debit: 'Ghi nợ',
  credit: 'Ghi có',
  amount: 'Số tiền',
  direction: 'Nợ/Có',
  balance: 'Số dư',
  description: 'Nội dung',
  counterpartyAccount: 'Số tài khoản đối ứng',
  counterpartyName: 'Tên đối ứng',
  counterpartyBank: 'Ngân hàng đối ứng',
  currency: 'Loại tiền',
  ignored: '',
};

/** A row that cannot be read: bilingual, with the column and the record number, never the cell's text. */
function rowError(
  code: 'FIELD_INVALID' | 'MISSING_ELEMENT',
  field: BankCsvField,
  vi: string,
  en: string,
  line: number,
): Iso20022Error {
  return new Iso20022Error(
    code,
    { vi: `Dòng ${line}, cột "${FIELD_VI[field]}": ${vi}.`, en: `Line ${line}, column "${FIELD_EN[field]}": ${en}.` },
    { line, column: field },
  );
}

const KEY_TO_FIELD: ReadonlyMap<string, BankCsvField> = (() => {
  const map = new Map<string, BankCsvField>();
  for (const [field, aliases] of Object.entries(COLUMN_ALIASES) as [BankCsvField, readonly string[]][]) {
    for (const a of aliases) {
      const k = headerKey(a);
      const prior = map.get(k);
      if (prior && prior !== field) throw new Error(`statement CSV alias clash: ${a}`);
      map.set(k, field);
    }
  }
  return map;
})();

const DATE_FIELDS: readonly BankCsvField[] = ['transactionDate', 'postingDate', 'valueDate'];
const MONEY_FIELDS: readonly BankCsvField[] = ['debit', 'credit', 'amount'];
/** Records searched for the column header. */
const HEADER_SEARCH = 30;

/**
 * Fields per column of a record. "Nợ" reads like the English "No" (row number): it is the debit column only
 * when a "Có" column stands beside it.
 */
function fieldsOf(cells: readonly string[]): (BankCsvField | undefined)[] {
  const keys = cells.map((c) => headerKey(c));
  const pair = keys.includes('co');
  return keys.map((k) => (k === '' ? undefined : k === 'no' && !pair ? 'ignored' : KEY_TO_FIELD.get(k)));
}

interface HeaderCandidate {
  fields: (BankCsvField | undefined)[];
  known: number;
  hasDate: boolean;
  hasMoney: boolean;
}

function candidate(cells: readonly string[]): HeaderCandidate {
  const fields = fieldsOf(cells);
  const known = new Set(fields.filter((f) => f && f !== 'ignored'));
  return {
    fields,
    known: known.size,
    hasDate: DATE_FIELDS.some((f) => known.has(f)),
    hasMoney: MONEY_FIELDS.some((f) => known.has(f)),
  };
}

const isHeader = (c: HeaderCandidate): boolean => c.known >= 3 && c.hasDate && c.hasMoney;

// ---------------------------------------------------------------------------------------------- amounts

const SPACES = /[\s\u00a0\u202f]/g;
const GROUPED_DOT = /^[1-9]\d{0,2}(\.\d{3})+$/;
const GROUPED_COMMA = /^[1-9]\d{0,2}(,\d{3})+$/;
const CURRENCY_MARK = /^(VND|VNĐ|đ|₫)|(VND|VNĐ|đ|₫)$/giu;

/**
 * A money cell as banks print it → Money and its sign; undefined for an empty cell or a lone dash.
 * Throws AMOUNT_INVALID / AMOUNT_DECIMALS_VND / AMOUNT_PRECISION.
 */
export function parseBankAmount(
  text: string,
  currency: string,
  pos: AmountPosition = {},
): { money: Money; negative: boolean } | undefined {
  const shown = text.trim();
  let t = shown.replace(SPACES, '').replace(CURRENCY_MARK, '');
  if (t === '' || t === '-') return undefined;
  let negative = false;
  if (t.startsWith('(') && t.endsWith(')')) {
    negative = true;
    t = t.slice(1, -1);
  }
  if (t.startsWith('-')) {
    negative = !negative;
    t = t.slice(1);
  } else if (t.startsWith('+')) t = t.slice(1);
  if (!/^\d[\d.,]*\d$|^\d$/.test(t)) throw isoErrors.amountInvalid(shown, pos);
  const seps = [...t.matchAll(/[.,]/g)].map((m) => ({ c: m[0], at: m.index as number }));
  let int = t;
  let frac = '';
  const grouped = (s: string, sep: string) => (sep === '.' ? GROUPED_DOT : GROUPED_COMMA).test(s);
  if (seps.length > 0) {
    const last = seps.at(-1) as { c: string; at: number };
    const tail = t.slice(last.at + 1);
    const kinds = new Set(seps.map((s) => s.c));
    if (kinds.size === 2) {
      // The last separator is the decimal one and appears once; the other groups thousands.
      const group = last.c === '.' ? ',' : '.';
      const head = t.slice(0, last.at);
      if (seps.filter((s) => s.c === last.c).length !== 1 || !grouped(head, group))
        throw isoErrors.amountInvalid(shown, pos);
      if (tail.length === 3 && currencyExponent(currency) !== 3) throw isoErrors.amountInvalid(shown, pos);
      int = head.replaceAll(group, '');
      frac = tail;
    } else if (tail.length === 3) {
      // "1.250", "1,250,000": thousands, never a decimal of the dong.
      if (!grouped(t, last.c)) throw isoErrors.amountInvalid(shown, pos);
      int = t.replaceAll(last.c, '');
    } else {
      if (seps.length !== 1) throw isoErrors.amountInvalid(shown, pos);
      int = t.slice(0, last.at);
      frac = tail;
    }
  }
  if (int.length > 18 || frac.length > 18) throw isoErrors.amountInvalid(shown, pos);
  return { money: toMoney(shown, int, frac, currency, pos), negative };
}

// ----------------------------------------------------------------------------------------------- dates

const DATE_IN_TEXT = /\b(\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{4}-\d{2}-\d{2})\b/g;

/** A date cell → yyyy-mm-dd; a time after the date is ignored. undefined when empty. */
function dateCell(text: string, field: BankCsvField, line: number): string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const d = parseListDate(t.split(/[ T]/)[0] as string);
  if (!d.ok) throw rowError('FIELD_INVALID', field, 'không phải ngày dd/mm/yyyy', 'not a date dd/mm/yyyy', line);
  return d.iso;
}

const CREDIT_WORDS = new Set(['c', 'co', 'ghico', 'cr', 'credit', '+']);
const DEBIT_WORDS = new Set(['n', 'no', 'ghino', 'd', 'dr', 'db', 'debit', '-']);

function direction(text: string, line: number): CreditDebit | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const k = t === '+' || t === '-' ? t : headerKey(t);
  if (CREDIT_WORDS.has(k)) return 'CRDT';
  if (DEBIT_WORDS.has(k)) return 'DBIT';
  throw rowError(
    'FIELD_INVALID',
    'direction',
    'cần Nợ hoặc Có (N/C, D/C)',
    'expected Debit or Credit (D/C, N/C)',
    line,
  );
}

function currencyCell(text: string, line: number): string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const c = /^(vnđ|vnd|đ|₫|đồng)$/iu.test(t) ? 'VND' : t.toUpperCase();
  if (!/^[A-Z]{3}$/.test(c)) throw isoErrors.currencyInvalid(t, { line });
  return c;
}

// -------------------------------------------------------------------------------------------- preamble

type Label = 'account' | 'owner' | 'currency' | 'opening' | 'closing' | 'period' | 'from' | 'to' | 'statementId';

const LABELS: ReadonlyMap<string, Label> = new Map(
  (
    [
      ['account', ['Số tài khoản', 'Tài khoản', 'Số TK', 'STK', 'Account number', 'Account no', 'Account']],
      [
        'owner',
        ['Tên tài khoản', 'Chủ tài khoản', 'Tên chủ tài khoản', 'Tên khách hàng', 'Account name', 'Account holder'],
      ],
      ['currency', ['Loại tiền', 'Loại tiền tệ', 'Tiền tệ', 'Đơn vị tiền tệ', 'Currency']],
      ['opening', ['Số dư đầu kỳ', 'Số dư đầu', 'Số dư đầu ngày', 'Opening balance', 'Beginning balance']],
      ['closing', ['Số dư cuối kỳ', 'Số dư cuối ngày', 'Closing balance', 'Ending balance']],
      ['period', ['Kỳ sao kê', 'Thời gian sao kê', 'Thời gian', 'Sao kê từ ngày', 'Period', 'Statement period']],
      ['from', ['Từ ngày', 'From date', 'From']],
      ['to', ['Đến ngày', 'To date', 'To']],
      ['statementId', ['Số sao kê', 'Mã sao kê', 'Statement number', 'Statement no']],
    ] as [Label, string[]][]
  ).flatMap(([label, names]) => names.map((n) => [headerKey(n), label] as [string, Label])),
);
const TOTAL_KEYS = new Set(['tongcong', 'cong', 'tong', 'total', 'totals', 'congphatsinh', 'tongphatsinh']);

interface Preamble {
  account?: string;
  owner?: string;
  currency?: string;
  opening?: { text: string; line: number };
  closing?: { text: string; line: number };
  from?: string;
  to?: string;
  statementId?: string;
}

/** `label: value` in one cell, or a label cell and the next non-empty cell. */
function labelled(cells: readonly string[]): { label: Label; value: string; key: string }[] {
  const out: { label: Label; value: string; key: string }[] = [];
  for (let i = 0; i < cells.length; i++) {
    const cell = (cells[i] as string).trim();
    if (cell === '') continue;
    const colon = cell.indexOf(':');
    const key = headerKey(colon >= 0 ? cell.slice(0, colon) : cell);
    const label = LABELS.get(key);
    if (!label) continue;
    let value = colon >= 0 ? cell.slice(colon + 1).trim() : '';
    if (value === '') {
      for (let j = i + 1; j < cells.length; j++) {
        const next = (cells[j] as string).trim();
        if (next !== '') {
          value = next;
          i = j;
          break;
        }
      }
    }
    out.push({ label, value, key });
  }
  return out;
}

function readPreamble(p: Preamble, cells: readonly string[], line: number): void {
  const text = cells.join(' ');
  const dates = [...text.matchAll(DATE_IN_TEXT)].map((m) => parseListDate(m[1] as string));
  const keys = cells.map((c) => headerKey(c.split(':')[0] as string));
  const periodish = keys.some((k) => /^(kysaoke|thoigian|saoketungay|period|statementperiod|tungay|fromdate)/.test(k));
  if (periodish && dates.length >= 1) {
    const [a, b] = dates;
    if (a?.ok) p.from ??= a.iso;
    if (b?.ok) p.to ??= b.iso;
  }
  for (const { label, value } of labelled(cells)) {
    if (value === '') continue;
    switch (label) {
      case 'account':
        p.account ??= value;
        break;
      case 'owner':
        p.owner ??= value;
        break;
      case 'currency':
        p.currency ??= currencyCell(value, line);
        break;
      case 'opening':
        p.opening ??= { text: value, line };
        break;
      case 'closing':
        p.closing ??= { text: value, line };
        break;
      case 'from':
      case 'to': {
        const d = parseListDate((value.match(DATE_IN_TEXT)?.[0] ?? value).trim());
        if (d.ok) p[label] ??= d.iso;
        break;
      }
      case 'statementId':
        p.statementId ??= value;
        break;
      case 'period':
        break;
    }
  }
}

// --------------------------------------------------------------------------------------------- reading

const fileError = (e: unknown): unknown => {
  if (!(e instanceof FileFormatError)) return e;
  const d = e.details as { limitChars?: number; limitBytes?: number; line?: number } | undefined;
  switch (e.code) {
    case 'FILE_EMPTY':
      return isoErrors.statementEmpty();
    case 'ENCODING_INVALID':
      return isoErrors.encodingInvalid();
    case 'LINE_TOO_LONG':
      return isoErrors.lineTooLong(d?.limitChars ?? 0, d?.line ?? 0);
    case 'FILE_TOO_LARGE':
      return isoErrors.limitExceeded('bytes', d?.limitBytes ?? 0);
    default:
      return isoErrors.formatUnknown({ vi: 'dữ liệu nhị phân, không phải văn bản', en: 'binary data, not text' });
  }
};

/** How well the first records read as a statement header: known columns, and 100 more for a full header. */
const statementHeaderScore = (records: readonly (readonly string[])[]): number => {
  let score = 0;
  for (const cells of records) {
    const c = candidate(cells);
    score = Math.max(score, c.known + (isHeader(c) ? 100 : 0));
  }
  return score;
};

/** Physical records of the CSV, streamed by the CSV codec; its file errors become statement errors. */
async function* records(source: StatementSource, options: BankCsvOptions): AsyncGenerator<PhysicalRecord> {
  try {
    yield* csvRecords(byteChunks(source), {
      maxFileBytes: options.maxFileBytes ?? Number.MAX_SAFE_INTEGER,
      maxRecordChars: options.maxRecordChars ?? DEFAULT_LIST_LIMITS.maxCellChars,
      headerScore: statementHeaderScore,
      searchRecords: HEADER_SEARCH,
      countSepLine: true,
    });
  } catch (e) {
    throw fileError(e);
  }
}

/** Reads a bank statement CSV; see the module comment for the layout and the problem events. */
export async function* parseBankCsv(
  source: StatementSource,
  options: BankCsvOptions = {},
): AsyncGenerator<StatementEvent> {
  const defaultCurrency = options.currency ?? 'VND';
  const checkBalances = options.checkBalances ?? true;
  const pre: Preamble = {};
  let columns: (BankCsvField | undefined)[] | undefined;
  let best: HeaderCandidate | undefined;
  let searched = 0;
  let header: StatementHeader | undefined;
  let headerSent = false;
  let currency = defaultCurrency;
  let entryCount = 0;
  let problems = 0;
  let movement = 0n;
  let lastLine = 0;
  const early: StatementProblem[] = [];
  const out: StatementEvent[] = [];

  const problem = (e: unknown, line: number): StatementProblem => {
    if (!(e instanceof Iso20022Error)) throw e;
    problems++;
    return {
      type: 'problem',
      statement: 1,
      line,
      code: e.code,
      message: e.text,
      ...(e.details ? { details: e.details } : {}),
    };
  };

  const balanceOf = (
    b: { text: string; line: number },
    type: string,
    date: string | undefined,
  ): Balance | undefined => {
    try {
      const a = parseBankAmount(b.text, currency, { line: b.line, element: type });
      if (!a) return undefined;
      return { type, amount: a.money, creditDebit: a.negative ? 'DBIT' : 'CRDT', ...(date ? { date } : {}) };
    } catch (e) {
      early.push(problem(e, b.line));
      return undefined;
    }
  };

  const buildHeader = (): StatementHeader => {
    currency = pre.currency ?? defaultCurrency;
    const account: AccountRef = { currency };
    if (pre.account) account.otherId = pre.account;
    if (pre.owner) account.ownerName = pre.owner;
    const h: StatementHeader = {
      type: 'header',
      message: 'csv',
      statement: 1,
      id: pre.statementId ?? (pre.from || pre.to ? `${pre.from ?? ''}..${pre.to ?? ''}` : 'CSV'),
      account,
      balances: [],
    };
    if (pre.from) h.fromDateTime = `${pre.from}T00:00:00+07:00`;
    if (pre.to) h.toDateTime = `${pre.to}T23:59:59+07:00`;
    if (pre.statementId) h.messageId = pre.statementId;
    return h;
  };

  const sendHeader = (): void => {
    if (headerSent) return;
    const h = header ?? buildHeader();
    header = h;
    if (pre.opening && !h.openingBalance) {
      const b = balanceOf(pre.opening, 'OPBD', pre.from);
      if (b) {
        h.openingBalance = b;
        h.balances.push(b);
      }
    }
    if (pre.closing) {
      const b = balanceOf(pre.closing, 'CLBD', pre.to);
      if (b) {
        h.closingBalance = b;
        h.balances.push(b);
      }
    }
    out.push(h);
    headerSent = true;
    out.push(...early);
    early.length = 0;
  };

  /** A row after the header without a transaction date: a balance/total/signature row, or a bad row. */
  const summaryRow = (cells: readonly string[], line: number): boolean => {
    const labels = labelled(cells);
    const keys = cells.map((c) => headerKey(c.split(':')[0] as string));
    if (labels.some((l) => l.label === 'opening' || l.label === 'closing')) {
      const bi = columns?.indexOf('balance') ?? -1;
      for (const l of labels) {
        if (l.label !== 'opening' && l.label !== 'closing') continue;
        const inBalance = bi >= 0 ? (cells[bi] ?? '').trim() : '';
        const value = inBalance !== '' && headerKey(inBalance) !== l.key ? inBalance : l.value;
        if (l.label === 'opening') {
          if (!headerSent) pre.opening ??= { text: value, line };
        } else pre.closing = { text: value, line };
      }
      return true;
    }
    return keys.some((k) => TOTAL_KEYS.has(k));
  };

  const row = (r: PhysicalRecord): void => {
    const cols = columns as (BankCsvField | undefined)[];
    const line = r.line;
    const cell: Partial<Record<BankCsvField, string>> = {};
    r.cells.forEach((c, i) => {
      const f = cols[i];
      if (f && f !== 'ignored' && cell[f] === undefined) cell[f] = c.trim();
    });
    const hasMoney = MONEY_FIELDS.some((f) => (cell[f] ?? '') !== '');
    // A date cell starting with a letter is text ("Ghi chú: ...", "Người lập biểu"), not a bad date.
    const hasDate = DATE_FIELDS.some((f) => /^\d/.test(cell[f] ?? ''));
    if ((!hasDate || !hasMoney) && summaryRow(r.cells, line)) return;
    // The header repeated on every page: its date cell is a column name, not a date.
    const firstDate = DATE_FIELDS.map((f) => cell[f] ?? '').find((c) => c !== '') ?? '';
    if (firstDate !== '' && !/^\d/.test(firstDate) && isHeader(candidate(r.cells))) return;
    if (!hasDate && !hasMoney) return; // notes, signatures
    try {
      const rowCurrency = currencyCell(cell.currency ?? '', line) ?? currency;
      const pos = (f: BankCsvField): AmountPosition => ({ line, element: `${FIELD_VI[f]} / ${FIELD_EN[f]}` });
      const transactionDate = dateCell(cell.transactionDate ?? '', 'transactionDate', line);
      const postingDate = dateCell(cell.postingDate ?? '', 'postingDate', line);
      const valueDate = dateCell(cell.valueDate ?? '', 'valueDate', line);
      const bookingDate = postingDate ?? transactionDate;
      if (!bookingDate && !valueDate)
        throw rowError('MISSING_ELEMENT', 'transactionDate', 'thiếu ngày giao dịch', 'no transaction date', line);
      const nonZero = (f: BankCsvField) => {
        const a = parseBankAmount(cell[f] ?? '', rowCurrency, pos(f));
        return a && a.money.minor !== 0n ? a : undefined;
      };
      const debit = nonZero('debit');
      const credit = nonZero('credit');
      let money: Money;
      let creditDebit: CreditDebit;
      if (debit && credit)
        throw rowError(
          'FIELD_INVALID',
          'debit',
          'một dòng có cả ghi nợ và ghi có',
          'both a debit and a credit on one row',
          line,
        );
      if (debit) {
        money = debit.money; // some banks print debits as negative numbers
        creditDebit = 'DBIT';
      } else if (credit) {
        if (credit.negative) throw rowError('FIELD_INVALID', 'credit', 'số tiền ghi có âm', 'a negative credit', line);
        money = credit.money;
        creditDebit = 'CRDT';
      } else {
        const a = nonZero('amount');
        if (!a) throw rowError('MISSING_ELEMENT', 'amount', 'thiếu số tiền', 'no amount', line);
        const d = direction(cell.direction ?? '', line);
        if (d && a.negative)
          throw rowError(
            'FIELD_INVALID',
            'amount',
            'số tiền âm kèm cột Nợ/Có',
            'a negative amount beside a Debit/Credit column',
            line,
          );
        money = a.money;
        creditDebit = d ?? (a.negative ? 'DBIT' : 'CRDT');
      }
      const running = parseBankAmount(cell.balance ?? '', rowCurrency, pos('balance'));
      const tx: TransactionDetails = { amount: money, creditDebit };
      if (cell.endToEndId) tx.endToEndId = cell.endToEndId;
      if (cell.reference) tx.accountServicerRef = cell.reference;
      if (cell.description) tx.remittanceInformation = [cell.description];
      const party = creditDebit === 'CRDT' ? 'debtor' : 'creditor';
      if (cell.counterpartyName) tx[`${party}Name`] = cell.counterpartyName;
      if (cell.counterpartyAccount) {
        const acct: AccountRef = { otherId: cell.counterpartyAccount };
        const bank = cell.counterpartyBank ?? '';
        if (/^\d{6}$/.test(bank)) acct.servicerMemberId = bank;
        else if (/^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(bank)) acct.servicerBic = bank;
        tx[`${party}Account`] = acct;
      }
      sendHeader();
      entryCount++;
      const entry: StatementEntry = {
        type: 'entry',
        statement: 1,
        entry: entryCount,
        amount: money,
        creditDebit,
        status: 'BOOK',
        reversal: false,
        batches: [],
        transactions: [tx],
      };
      if (bookingDate) entry.bookingDate = bookingDate;
      if (valueDate) entry.valueDate = valueDate;
      if (cell.reference) entry.accountServicerRef = cell.reference;
      if (cell.description) entry.additionalInfo = cell.description;
      if (running) entry.runningBalance = { amount: running.money, creditDebit: running.negative ? 'DBIT' : 'CRDT' };
      if (rowCurrency === currency) movement += creditDebit === 'DBIT' ? -money.minor : money.minor;
      out.push(entry);
    } catch (e) {
      const p = problem(e, line);
      sendHeader();
      out.push(p);
    }
  };

  const onRecord = (r: PhysicalRecord): void => {
    lastLine = r.line;
    if (!r.cells.some((c) => c.trim() !== '')) return;
    if (columns) {
      row(r);
      return;
    }
    searched++;
    const c = candidate(r.cells);
    if (isHeader(c)) {
      const seen = new Map<BankCsvField, string[]>();
      c.fields.forEach((f, i) => {
        if (f && f !== 'ignored') seen.set(f, [...(seen.get(f) ?? []), (r.cells[i] as string).trim()]);
      });
      const dups = [...seen.entries()].filter(([, h]) => h.length > 1);
      if (dups.length > 0) {
        const list = dups.map(([, h]) => h.join(' = ')).join('; ');
        throw isoErrors.csvHeader(
          { vi: `cột bị trùng (${list}) ở dòng ${r.line}`, en: `duplicate columns (${list}) on line ${r.line}` },
          { line: r.line, duplicates: dups.map(([f]) => f) },
        );
      }
      columns = c.fields;
      header = buildHeader();
      return;
    }
    if (!best || c.known > best.known) best = c;
    try {
      readPreamble(pre, r.cells, r.line);
    } catch (e) {
      early.push(problem(e, r.line));
    }
    if (searched >= HEADER_SEARCH) noHeader();
  };

  const noHeader = (): never => {
    const expected = 'Ngày giao dịch, Số tiền / Ghi nợ / Ghi có, Nội dung…';
    const expectedEn = 'Transaction date, Amount / Debit / Credit, Description…';
    if (best && best.known >= 2) {
      const miss = [
        !best.hasDate ? ['một cột ngày', 'a date column'] : null,
        !best.hasMoney ? ['một cột số tiền', 'an amount column'] : null,
      ].filter((x): x is string[] => x !== null);
      if (miss.length > 0)
        throw isoErrors.csvHeader({
          vi: `thiếu ${miss.map((m) => m[0]).join(' và ')} (cần: ${expected})`,
          en: `missing ${miss.map((m) => m[1]).join(' and ')} (expected: ${expectedEn})`,
        });
    }
    throw isoErrors.csvHeader(
      {
        vi: `không thấy dòng tiêu đề trong ${HEADER_SEARCH} dòng đầu (cần: ${expected})`,
        en: `no header row within the first ${HEADER_SEARCH} rows (expected: ${expectedEn})`,
      },
      { searched },
    );
  };

  for await (const r of records(source, options)) {
    onRecord(r);
    if (out.length > 0) {
      yield* out;
      out.length = 0;
    }
  }
  if (!columns) noHeader();
  sendHeader();
  const h = header as StatementHeader;
  // A closing balance met after the rows is on the end event.
  let closing = h.closingBalance;
  if (!closing && pre.closing) {
    const b = balanceOf(pre.closing, 'CLBD', pre.to);
    if (b) closing = b;
    out.push(...early);
    early.length = 0;
  }
  if (checkBalances && h.openingBalance && closing) {
    const expected = signedMinor(h.openingBalance) + movement;
    const found = signedMinor(closing);
    if (expected !== found) {
      out.push(
        problem(
          isoErrors.balanceMismatch(showMinor(expected, currency), showMinor(found, currency), { statement: 1 }),
          lastLine,
        ),
      );
    }
  }
  out.push({
    type: 'end',
    statement: 1,
    entryCount,
    ...(closing ? { closingBalance: closing, balances: [closing] } : {}),
    problemCount: problems,
  });
  yield* out;
}
