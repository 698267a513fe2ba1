/**
 * SWIFT MT940 (customer statement; MT950 is read the same way) as a stream of the camt statement events, so
 * reconciliation reads one model whatever the bank sends.
 *
 * Streaming: the input is read line by line; only the statement header, the field being read (an :86: is at
 * most `maxInfoLines` lines) and the entry waiting for its :86: are held, so memory is flat for statements of
 * any length. Events are yielded as soon as they are complete.
 *
 * Layout accepted: SWIFT blocks `{1:...}{2:O940...}{3:...}{4:` ... `-}` optional (a block 2 of another message
 * type is refused); text before the first :20: and between messages (bank banners, "940", dashes) ignored;
 * several statements per file, each started by :20: and ended by the next :20:, a `-` line or the end. The
 * SWIFT transmission framing SOH (0x01) before a message and ETX (0x03) after it is tolerated wherever it
 * stands. Bank-proprietary `:NS:` (non-SWIFT) fields are read past: they carry nothing reconciliation uses.
 * An MT942 (interim transaction report: :34F: floor limit, no balances) is refused by name: it is not a
 * statement, load the MT940 of the day instead.
 *
 * Mapping to the camt model (StatementHeader / StatementEntry / StatementEnd):
 * - :20: → messageId; header id = `:20:/:28C:` (the :20: alone repeats across a bank's daily files);
 *   :25: → account (BIC/account split, IBAN recognised); :28C: statement number → electronicSequenceNumber and
 *   legalSequenceNumber (leading zeros dropped), sequence number → pageNumber; :13D: → createdAt.
 * - :60F: OPBD / :60M: ITBD → header openingBalance; the currency of the statement is taken from it.
 *   :62F: CLBD / :62M: ITBD → end.closingBalance; :64: CLAV and :65: FWAV → end.balances (they follow the
 *   entries in MT940, so they are on the end event, not on the header as in camt).
 * - :61: → one entry with status BOOK: value date, entry date (year inferred from the value date), C/D, and
 *   RC/RD as reversals (RC = reversal of a credit, a debit entry: DBIT + reversal; RD → CRDT + reversal, as
 *   camt's RvslInd), amount (decimal comma, exact, VND decimals refused with the line number), transaction
 *   type (NTRF, NMSC...) → bankTransactionCode.proprietary, bank reference (after `//`) → accountServicerRef,
 *   supplementary details → supplementaryDetails. transactions[0] always exists; its endToEndId is the
 *   structured end-to-end reference of the :86: when there is one, else the customer reference unless NONREF.
 * - :86: after a :61: → that entry: additionalInfo (lines joined with "\n"), remittanceInformation, and from
 *   structured forms (`/EREF/.../REMI/.../NAME/...` or German `?20`..`?29` subfields with SEPA keywords
 *   `EREF+`, `SVWZ+`) the end-to-end id, remittance text, return reason and counterparty. An :86: anywhere
 *   else is statement information → end.additionalInfo.
 * - After each statement, opening balance + entries is compared with the closing balance; a difference is a
 *   BALANCE_MISMATCH problem event (not thrown: the entries may still be worth reading).
 *
 * Fatal problems throw Iso20022Error (MT940_MALFORMED with the line, AMOUNT_DECIMALS_VND, CURRENCY_INVALID,
 * LIMIT_EXCEEDED, ENCODING_INVALID, UNSUPPORTED_MESSAGE); messages never quote names or account numbers.
 */
import { showMinor, signedMinor, toMoney } from '../iso20022/amounts.js';
import type {
  AccountRef,
  Balance,
  CreditDebit,
  StatementEntry,
  StatementEvent,
  StatementHeader,
  TransactionDetails,
} from '../iso20022/camt.js';
import { type Iso20022Error, isoErrors } from '../iso20022/errors.js';
import { LineSplitter, type StatementSource, type TextEncodingName, textChunks } from './text-source.js';

export interface Mt940Options {
  /** Encoding of byte input: UTF-8 (default) or windows-1252 (some European banks). */
  encoding?: TextEncodingName;
  /** Longest physical line accepted (default 4,096 characters; SWIFT lines have at most 65). */
  maxLineChars?: number;
  /** Most lines in one field, i.e. an :86: (default 100; SWIFT allows 6). */
  maxFieldLines?: number;
  /** Compare opening balance + entries with the closing balance (default true). */
  checkBalances?: boolean;
}

interface Field {
  tag: string;
  lines: string[];
  line: number;
}

interface Stmt {
  no: number;
  header: StatementHeader;
  headerSent: boolean;
  ref?: string;
  seq?: string;
  accountSeen: boolean;
  currency?: string;
  entryCount: number;
  /** Signed sum of the entries in minor units. */
  movement: bigint;
  closing?: Balance;
  after: Balance[];
  info: string[];
  problems: number;
  lastTag: string;
}

const TAG = /^:(\d{2}[A-Z]?|NS):(.*)$/;
const TERMINATOR = /^-+\}?\s*(\{5:.*)?$/;
const KNOWN_IGNORED = new Set(['21', '90D', '90C']);
/** SWIFT transmission framing: start of header, end of text. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: SOH and ETX are the framing this matches
const FRAMING = /[\u0001\u0003]/;

const mt942 = (line: number): Iso20022Error =>
  isoErrors.unsupported(
    `MT942 (:34F: floor limit, line ${line})`,
    'MT940 / MT950 end-of-day statements; MT942 interim transaction reports are not read, load the MT940 of the day',
  );

const malformed = (reason: string, line?: number): Iso20022Error => isoErrors.mt940(reason, line);

const pad2 = (n: number): string => String(n).padStart(2, '0');

function daysIn(y: number, m: number): number {
  return [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][
    m - 1
  ] as number;
}

/** YYMMDD → yyyy-mm-dd (years 80-99 → 19xx, 00-79 → 20xx). */
function swiftDate(text: string, what: string, line: number): string {
  const m = /^(\d{2})(\d{2})(\d{2})$/.exec(text);
  const y = m ? Number(m[1]) + (Number(m[1]) >= 80 ? 1900 : 2000) : 0;
  const mo = m ? Number(m[2]) : 0;
  const d = m ? Number(m[3]) : 0;
  if (!m || mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo))
    throw malformed(`${what} "${text}" is not a date YYMMDD`, line);
  return `${y}-${pad2(mo)}-${pad2(d)}`;
}

/** MMDD next to a value date: the year among value year −1, 0, +1 that puts it closest to the value date. */
function entryDate(mmdd: string, valueDate: string, line: number): string {
  const mo = Number(mmdd.slice(0, 2));
  const d = Number(mmdd.slice(2));
  const vy = Number(valueDate.slice(0, 4));
  const v = Date.UTC(vy, Number(valueDate.slice(5, 7)) - 1, Number(valueDate.slice(8, 10)));
  let best: { y: number; dist: number } | undefined;
  for (const y of [vy - 1, vy, vy + 1]) {
    if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo)) continue;
    const dist = Math.abs(Date.UTC(y, mo - 1, d) - v);
    if (!best || dist < best.dist) best = { y, dist };
  }
  if (!best) throw malformed(`entry date "${mmdd}" is not a date MMDD`, line);
  return `${best.y}-${pad2(mo)}-${pad2(d)}`;
}

const BIC = /^[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$/;
const IBAN = /^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/;

function account(lines: readonly string[]): AccountRef {
  const v = (lines[0] ?? '').trim();
  const out: AccountRef = {};
  let id = v;
  const slash = v.indexOf('/');
  if (slash > 0 && BIC.test(v.slice(0, slash))) {
    out.servicerBic = v.slice(0, slash);
    id = v.slice(slash + 1).trim();
  }
  if (IBAN.test(id)) out.iban = id;
  else if (id !== '') out.otherId = id;
  const party = (lines[1] ?? '').trim(); // :25P: second line: the servicer's BIC
  if (party !== '' && BIC.test(party)) out.servicerBic = party;
  return out;
}

/** `1250000,00` → Money; `pos` locates errors. */
function amount(
  text: string,
  currency: string,
  pos: { statement: number; entry?: number; element: string; line: number },
) {
  const m = /^(\d+),(\d*)$/.exec(text);
  if (!m) throw malformed(`amount "${text.slice(0, 20)}" must be digits with a decimal comma`, pos.line);
  if ((m[1] as string).length > 15 || (m[2] as string).length > 15) throw isoErrors.amountInvalid(text, pos);
  return toMoney(text, m[1] as string, m[2] as string, currency, pos);
}

const BALANCE_TYPES: Record<string, string> = {
  '60F': 'OPBD',
  '60M': 'ITBD',
  '62F': 'CLBD',
  '62M': 'ITBD',
  '64': 'CLAV',
  '65': 'FWAV',
};

function balance(tag: string, text: string, no: number, line: number): Balance {
  const v = text.trim();
  const m = /^([CD])(\d{6})([A-Z]{3})(.*)$/.exec(v);
  if (!m) {
    if (/^[CD]\d{6}/.test(v))
      throw isoErrors.currencyInvalid(v.slice(7, 10), { statement: no, element: `:${tag}:`, line });
    throw malformed(`:${tag}: must be C or D, a date YYMMDD, a currency and an amount`, line);
  }
  const currency = m[3] as string;
  return {
    type: BALANCE_TYPES[tag] as string,
    amount: amount(m[4] as string, currency, { statement: no, element: `:${tag}:`, line }),
    creditDebit: m[1] === 'D' ? 'DBIT' : 'CRDT',
    date: swiftDate(m[2] as string, `:${tag}: date`, line),
  };
}

// ------------------------------------------------------------------------------------------------ :86:

export interface Mt940Info {
  endToEndId?: string;
  remittance: string[];
  returnReason?: string;
  counterpartyName?: string;
  counterpartyAccount?: AccountRef;
}

const SLASH_KEYS = [
  'TRTP',
  'EREF',
  'PREF',
  'MARF',
  'CSID',
  'REMI',
  'NAME',
  'IBAN',
  'BIC',
  'ACCW',
  'CNTP',
  'ORDP',
  'BENM',
  'ULTC',
  'ULTD',
  'ULTB',
  'PURP',
  'RTRN',
  'SVCL',
  'ISDT',
  'ADDR',
  'CDTRREF',
  'CDTRREFTP',
  'CD',
  'TP',
  'ISSR',
  'OCMT',
  'BYOR',
  'INV',
  'ID',
];
const SLASH_KEY = new RegExp(`/(${SLASH_KEYS.join('|')})/`, 'g');
const SEPA_KEY = /(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|IBAN|BIC|COAS|OAMT|SQTP|PURP|RTRN)\+/g;

function keyed(text: string, re: RegExp): Map<string, string> {
  const out = new Map<string, string>();
  const hits = [...text.matchAll(re)];
  hits.forEach((h, i) => {
    const start = (h.index as number) + h[0].length;
    const end = i + 1 < hits.length ? (hits[i + 1]?.index as number) : text.length;
    const key = h[1] as string;
    if (!out.has(key)) out.set(key, text.slice(start, end));
  });
  return out;
}

const clean = (s: string | undefined): string | undefined => {
  const t = s?.replace(/\/+$/, '').trim();
  return t ? t : undefined;
};

function sepaKeywords(text: string, info: Mt940Info): boolean {
  const k = keyed(text, SEPA_KEY);
  if (k.size === 0) return false;
  const e2e = clean(k.get('EREF'));
  if (e2e) info.endToEndId = e2e;
  const svwz = clean(k.get('SVWZ'));
  if (svwz) info.remittance = [svwz];
  const rtrn = clean(k.get('RTRN'));
  if (rtrn) info.returnReason = rtrn;
  const iban = clean(k.get('IBAN'));
  if (iban) info.counterpartyAccount = IBAN.test(iban) ? { iban } : { otherId: iban };
  return true;
}

/** Reads an :86: (lines as written). */
export function parseInfo(lines: readonly string[]): Mt940Info {
  const info: Mt940Info = { remittance: [] };
  const trimmed = lines.map((l) => l.trim()).filter((l) => l !== '');
  const joined = lines.map((l) => l.replace(/\s+$/, '')).join('');
  // German / Austrian "?NN" subfields: GVC code, ?20-?29 and ?60-?63 purpose, ?31 account, ?32/?33 name.
  if (/^(\d{3})?\?\d{2}/.test(joined)) {
    const sub = new Map<number, string>();
    for (const m of joined.matchAll(/\?(\d{2})([^?]*)/g)) {
      const n = Number(m[1]);
      sub.set(n, (sub.get(n) ?? '') + (m[2] as string));
    }
    const purpose = [...sub.keys()]
      .filter((n) => (n >= 20 && n <= 29) || (n >= 60 && n <= 63))
      .sort((a, b) => a - b)
      .map((n) => sub.get(n) as string)
      .join('');
    if (!sepaKeywords(purpose, info) && purpose.trim() !== '') info.remittance = [purpose.trim()];
    const name = `${sub.get(32) ?? ''}${sub.get(33) ?? ''}`.trim();
    if (name) info.counterpartyName = name;
    const acct = sub.get(31)?.trim();
    const bank = sub.get(30)?.trim();
    if (acct) {
      info.counterpartyAccount = IBAN.test(acct) ? { iban: acct } : { otherId: acct };
      if (bank && BIC.test(bank)) info.counterpartyAccount.servicerBic = bank;
    }
    return info;
  }
  // Structured "/KEY/value" (Dutch and other SEPA banks).
  const k = /^\/[A-Z]{2,9}\//.test(joined) ? keyed(joined, SLASH_KEY) : undefined;
  if (k && k.size > 0) {
    const e2e = clean(k.get('EREF'));
    if (e2e) info.endToEndId = e2e;
    const remi = k.get('REMI');
    if (remi !== undefined) {
      const r = clean(remi.replace(/^(USTD\/\/|STRD\/(CUR|ISO|SCOR)?\/?)/, ''));
      if (r) info.remittance = [r];
    }
    const rtrn = clean(k.get('RTRN'));
    if (rtrn) info.returnReason = rtrn.split('/')[0] as string;
    const name = clean(k.get('NAME'));
    if (name) info.counterpartyName = name;
    const iban = clean(k.get('IBAN') ?? k.get('ACCW'));
    const bic = clean(k.get('BIC'));
    const cntp = k.get('CNTP')?.split('/');
    const acct = iban ?? clean(cntp?.[0]);
    if (acct) {
      info.counterpartyAccount = IBAN.test(acct) ? { iban: acct } : { otherId: acct };
      const b = bic ?? clean(cntp?.[1]);
      if (b) info.counterpartyAccount.servicerBic = b;
    }
    if (!info.counterpartyName && clean(cntp?.[2])) info.counterpartyName = clean(cntp?.[2]);
    if (info.remittance.length === 0 && trimmed.length > 0) info.remittance = trimmed;
    return info;
  }
  if (/\b(EREF|SVWZ)\+/.test(joined) && sepaKeywords(joined, info)) {
    if (info.remittance.length === 0) info.remittance = trimmed;
    return info;
  }
  info.remittance = trimmed;
  return info;
}

// ---------------------------------------------------------------------------------------------- parser

/** Parses MT940 statements from a string, bytes or a chunk stream; see the module comment for the mapping. */
export async function* parseMt940(source: StatementSource, options: Mt940Options = {}): AsyncGenerator<StatementEvent> {
  const maxLine = options.maxLineChars ?? 4096;
  const maxFieldLines = options.maxFieldLines ?? 100;
  const checkBalances = options.checkBalances ?? true;
  const splitter = new LineSplitter(maxLine);
  const out: StatementEvent[] = [];
  let stmt: Stmt | undefined;
  let field: Field | undefined;
  let pending: StatementEntry | undefined;
  let statements = 0;
  let lineNo = 0;

  const sendHeader = (s: Stmt, line: number): void => {
    if (s.headerSent) return;
    if (!s.ref) throw malformed(`statement ${s.no} has no :20: reference`, line);
    if (!s.accountSeen) throw malformed(`statement ${s.no} has no :25: account`, line);
    if (!s.header.openingBalance) throw malformed(`statement ${s.no} has no opening balance :60F:/:60M:`, line);
    s.header.id = s.seq ? `${s.ref}/${s.seq}` : s.ref;
    out.push(s.header);
    s.headerSent = true;
  };

  const flushEntry = (s: Stmt): void => {
    if (!pending) return;
    s.movement += signedMinor(pending);
    out.push(pending);
    pending = undefined;
  };

  const statementLine = (s: Stmt, f: Field): void => {
    const text = f.lines[0] as string;
    const line = f.line;
    if (!s.currency) throw malformed(':61: before the opening balance :60F:/:60M: (the currency is unknown)', line);
    sendHeader(s, line);
    const m = /^(\d{6})(\d{4})?(RC|RD|C|D)([A-Z])?(\d[\d,]*)([SNF][A-Z0-9]{3})(.*)$/.exec(text);
    if (!m) {
      const why = !/^\d{6}/.test(text)
        ? 'a value date YYMMDD'
        : !/^\d{6}(\d{4})?(RC|RD|C|D)/.test(text)
          ? 'the mark C, D, RC or RD'
          : !/^\d{6}(\d{4})?(RC|RD|C|D)[A-Z]?\d/.test(text)
            ? 'an amount'
            : 'a transaction type such as NTRF or NMSC';
      throw malformed(`:61: statement line: expected ${why}`, line);
    }
    s.entryCount++;
    const mark = m[3] as string;
    const creditDebit: CreditDebit = mark === 'C' || mark === 'RD' ? 'CRDT' : 'DBIT';
    const money = amount(m[5] as string, s.currency, { statement: s.no, entry: s.entryCount, element: ':61:', line });
    const valueDate = swiftDate(m[1] as string, ':61: value date', line);
    const rest = m[7] as string;
    const cut = rest.indexOf('//');
    const customerRef = (cut < 0 ? rest : rest.slice(0, cut)).trim();
    const bankPart = cut < 0 ? '' : rest.slice(cut + 2);
    const bankRef = bankPart.slice(0, 16).trim();
    const details = [bankPart.slice(16).trim(), ...f.lines.slice(1).map((l) => l.trim())].filter((x) => x !== '');
    const tx: TransactionDetails = { amount: money, creditDebit };
    if (customerRef !== '' && customerRef !== 'NONREF') tx.endToEndId = customerRef;
    if (bankRef !== '') tx.accountServicerRef = bankRef;
    const entry: StatementEntry = {
      type: 'entry',
      statement: s.no,
      entry: s.entryCount,
      amount: money,
      creditDebit,
      status: 'BOOK',
      valueDate,
      reversal: mark.startsWith('R'),
      bankTransactionCode: { proprietary: m[6] as string },
      batches: [],
      transactions: [tx],
    };
    if (m[2]) entry.bookingDate = entryDate(m[2], valueDate, line);
    if (bankRef !== '') entry.accountServicerRef = bankRef;
    if (details.length > 0) entry.supplementaryDetails = details.join(' ');
    pending = entry;
  };

  const entryInfo = (e: StatementEntry, lines: string[]): void => {
    e.additionalInfo = lines.map((l) => l.replace(/\s+$/, '')).join('\n');
    const info = parseInfo(lines);
    const tx = e.transactions[0] as TransactionDetails;
    if (info.endToEndId && (info.endToEndId !== 'NOTPROVIDED' || !tx.endToEndId)) tx.endToEndId = info.endToEndId;
    if (info.remittance.length > 0) tx.remittanceInformation = info.remittance;
    if (info.returnReason) tx.returnReason = info.returnReason;
    const debtorSide = e.creditDebit === 'CRDT';
    if (info.counterpartyName) tx[debtorSide ? 'debtorName' : 'creditorName'] = info.counterpartyName;
    if (info.counterpartyAccount) tx[debtorSide ? 'debtorAccount' : 'creditorAccount'] = info.counterpartyAccount;
  };

  /** Acts on a complete field. */
  const dispatch = (f: Field): void => {
    const s = stmt as Stmt;
    const v = (f.lines[0] as string).trim();
    const line = f.line;
    if (f.tag === 'NS') return; // bank-proprietary: skipped, and the entry still waits for its :86:
    if (f.tag === '34F') throw mt942(line);
    if (f.tag === '86' && pending) {
      entryInfo(pending, f.lines);
      flushEntry(s);
      s.lastTag = '86';
      return;
    }
    flushEntry(s);
    switch (f.tag) {
      case '20':
        if (v === '') throw malformed(':20: reference is empty', line);
        s.ref = v;
        s.header.messageId = v;
        break;
      case '25':
      case '25P':
        if (v === '') throw malformed(':25: account is empty', line);
        s.header.account = { ...account(f.lines), ...(s.currency ? { currency: s.currency } : {}) };
        s.accountSeen = true;
        break;
      case '28':
      case '28C': {
        const m = /^(\d{1,5})(?:\/(\d{1,5}))?$/.exec(v);
        if (!m) throw malformed(`:${f.tag}: must be a statement number with an optional /sequence number`, line);
        s.seq = v;
        const n = (m[1] as string).replace(/^0+(?=\d)/, '');
        s.header.electronicSequenceNumber = n;
        s.header.legalSequenceNumber = n;
        if (m[2]) s.header.pageNumber = m[2].replace(/^0+(?=\d)/, '');
        break;
      }
      case '13':
      case '13D': {
        const m = /^(\d{6})(\d{2})(\d{2})([+-]\d{2})(\d{2})$/.exec(v);
        if (!m) throw malformed(':13D: must be YYMMDDhhmm±hhmm', line);
        if (Number(m[2]) > 23 || Number(m[3]) > 59) throw malformed(':13D: time is not valid', line);
        s.header.createdAt = `${swiftDate(m[1] as string, ':13D: date', line)}T${m[2]}:${m[3]}:00${m[4]}:${m[5]}`;
        break;
      }
      case '60F':
      case '60M': {
        if (s.header.openingBalance) throw malformed(`a second opening balance :${f.tag}:`, line);
        const b = balance(f.tag, v, s.no, line);
        s.currency = b.amount.currency;
        s.header.openingBalance = b;
        s.header.balances.push(b);
        if (s.accountSeen) s.header.account.currency = s.currency;
        break;
      }
      case '61':
        statementLine(s, f);
        break;
      case '86':
        s.info.push(f.lines.map((l) => l.replace(/\s+$/, '')).join('\n'));
        break;
      case '62F':
      case '62M': {
        if (s.closing) throw malformed(`a second closing balance :${f.tag}:`, line);
        sendHeader(s, line);
        const b = balance(f.tag, v, s.no, line);
        if (b.amount.currency !== s.currency)
          throw isoErrors.currencyInvalid(b.amount.currency, { statement: s.no, element: `:${f.tag}:`, line });
        s.closing = b;
        break;
      }
      case '64':
      case '65': {
        if (!s.closing) throw malformed(`:${f.tag}: before the closing balance :62F:/:62M:`, line);
        const b = balance(f.tag, v, s.no, line);
        if (b.amount.currency !== s.currency)
          throw isoErrors.currencyInvalid(b.amount.currency, { statement: s.no, element: `:${f.tag}:`, line });
        s.after.push(b);
        break;
      }
      default:
        if (!KNOWN_IGNORED.has(f.tag)) throw malformed(`unknown field :${f.tag}:`, line);
    }
    s.lastTag = f.tag;
  };

  const completeField = (): void => {
    if (field) {
      const f = field;
      field = undefined;
      dispatch(f);
    }
  };

  const finishStatement = (line: number): void => {
    completeField();
    const s = stmt;
    if (!s) return;
    flushEntry(s);
    sendHeader(s, line);
    if (!s.closing) throw malformed(`statement ${s.no} has no closing balance :62F:/:62M:`, line);
    const opening = s.header.openingBalance as Balance;
    if (checkBalances) {
      const expected = signedMinor(opening) + s.movement;
      const found = signedMinor(s.closing);
      if (expected !== found) {
        const e = isoErrors.balanceMismatch(
          showMinor(expected, s.currency as string),
          showMinor(found, s.currency as string),
          { statement: s.no },
        );
        s.problems++;
        out.push({ type: 'problem', statement: s.no, line, code: e.code, message: e.text, details: e.details ?? {} });
      }
    }
    out.push({
      type: 'end',
      statement: s.no,
      entryCount: s.entryCount,
      ...(s.info.length > 0 ? { additionalInfo: s.info.join('\n') } : {}),
      closingBalance: s.closing,
      balances: [s.closing, ...s.after],
      problemCount: s.problems,
    });
    stmt = undefined;
  };

  const startStatement = (): Stmt => {
    statements++;
    return {
      no: statements,
      header: { type: 'header', message: 'mt940', statement: statements, id: '', account: {}, balances: [] },
      headerSent: false,
      accountSeen: false,
      entryCount: 0,
      movement: 0n,
      after: [],
      info: [],
      problems: 0,
      lastTag: '',
    };
  };

  /** Strips SWIFT blocks 1-3 (and the `{4:` opener); returns what follows on the line. */
  const blocks = (l: string, line: number): string => {
    let rest = l;
    while (rest.startsWith('{')) {
      const m = /^\{(\d):/.exec(rest);
      if (!m) throw malformed('a SWIFT block must start with {n:', line);
      if (m[1] === '1') finishStatement(line);
      if (m[1] === '4') return rest.slice(3);
      if (m[1] === '2') {
        const t = /^\{2:[IO](\d{3})/.exec(rest);
        if (t?.[1] === '942') throw mt942(line);
        if (t && t[1] !== '940' && t[1] !== '950') throw isoErrors.unsupported(`MT${t[1]}`, 'MT940 / MT950');
      }
      let depth = 0;
      let i = 0;
      for (; i < rest.length; i++) {
        if (rest[i] === '{') depth++;
        else if (rest[i] === '}' && --depth === 0) break;
      }
      if (depth !== 0) throw malformed('a SWIFT block is not closed on its line', line);
      rest = rest.slice(i + 1);
    }
    return rest;
  };

  const onLine = (raw: string, line: number): void => {
    if (FRAMING.test(raw)) {
      // SOH/ETX framing: what stands between them is read as lines of its own.
      for (const part of raw.split(FRAMING)) if (part !== '') onLine(part, line);
      return;
    }
    let l = raw;
    if (l.startsWith('{')) {
      l = blocks(l, line);
      if (l.trim() === '') return;
    }
    if (l.trim() === '') return;
    if (TERMINATOR.test(l)) {
      finishStatement(line);
      return;
    }
    const t = TAG.exec(l);
    if (t) {
      completeField();
      const tag = t[1] as string;
      if (tag === '20') {
        finishStatement(line);
        stmt = startStatement();
      } else if (!stmt) {
        throw malformed(`field :${tag}: outside a statement (a statement starts with :20:)`, line);
      }
      field = { tag, lines: [t[2] as string], line };
      return;
    }
    if (!stmt) return; // banners and text around messages
    if (field && (field.tag === '86' || field.tag === '61' || field.tag === '25P' || field.tag === 'NS')) {
      const max = field.tag === '86' || field.tag === 'NS' ? maxFieldLines : 2;
      if (field.lines.length >= max) {
        if (field.tag === '86') throw isoErrors.limitExceeded('lines in one :86: field', maxFieldLines, { line });
        throw malformed(`unexpected text after :${field.tag}:`, line);
      }
      field.lines.push(l);
      return;
    }
    throw malformed(`unexpected text${field ? ` after :${field.tag}:` : ''} (a field starts with :NN:)`, line);
  };

  for await (const text of textChunks(source, options.encoding, () => splitter.count + 1)) {
    for (const l of splitter.push(text)) {
      onLine(l, ++lineNo);
      if (out.length > 0) {
        yield* out;
        out.length = 0;
      }
    }
  }
  for (const l of splitter.end()) onLine(l, ++lineNo);
  finishStatement(lineNo);
  yield* out;
  out.length = 0;
  if (statements === 0) throw malformed('no statement found (a statement starts with :20:)', lineNo || undefined);
}
