/**
 * camt.053 (end-of-day statement) and camt.054 (debit/credit notification): streaming parsers yielding a
 * header event per statement/notification, one event per Ntry and a trailer, and deterministic builders
 * (camt.053.001.08 / camt.054.001.08, VND) for the bank simulator.
 *
 * Streaming: the parsers never build a document tree; they keep the open-element path, the current
 * statement header and the current entry. Events are yielded after each input chunk, so memory stays flat
 * for statements of any length (one entry's TxDtls are held at once, capped by maxTransactionsPerEntry).
 * Security: DOCTYPE/ENTITY refused (XML_DTD_FORBIDDEN), depth and text length limited (codecs/xml.ts).
 * Amounts: exact minor units as bigint (amounts.ts): VND with a non-zero fraction → AMOUNT_DECIMALS_VND with
 * the statement and entry numbers; `1250000.00` is accepted as 1,250,000.
 * Versions: Sts as text (≤ v.06) or Sts/Cd (v.07+); party names as Cdtr/Nm (v.02-v.04) or Cdtr/Pty/Nm (v.05+);
 * booked transaction amount as TxDtls/Amt (v.03+) or AmtDtls/TxAmt/Amt (v.02), never AmtDtls/InstdAmt: that is
 * what the originator instructed (often in another currency) and is kept apart as `instructedAmount`.
 */

import type { Localized } from '../../schemas/messages.js';
import { readXml, type XmlLimits, type XmlSink, type XmlSource } from '../codecs/xml.js';
import { type Money, parseAmount, vndAmount } from './amounts.js';
import { type Iso20022ErrorCode, isoErrors } from './errors.js';
import { isValidDate, isValidDateTime, Problems, toBankName, toBankText, XmlWriter } from './text.js';

export type CreditDebit = 'CRDT' | 'DBIT';

export interface AccountRef {
  iban?: string;
  /** Id/Othr/Id — Vietnamese account numbers. */
  otherId?: string;
  currency?: string;
  ownerName?: string;
  /** Svcr/FinInstnId BIC(FI) or ClrSysMmbId/MmbId (NAPAS BIN). */
  servicerBic?: string;
  servicerMemberId?: string;
}

export interface Balance {
  /** Tp/CdOrPrtry/Cd: OPBD, CLBD, PRCD, OPAV, CLAV, ITBD... */
  type: string;
  amount: Money;
  creditDebit: CreditDebit;
  /** Dt/Dt or Dt/DtTm as written. */
  date?: string;
}

/** Where a statement event came from: the ISO 20022 XML messages, SWIFT MT940, or a bank's CSV export. */
export type StatementMessage = 'camt.053' | 'camt.054' | 'mt940' | 'csv';

export interface StatementHeader {
  type: 'header';
  message: StatementMessage;
  /** 1-based position of the statement/notification in the message. */
  statement: number;
  /** GrpHdr/MsgId (MT940: :20:). */
  messageId?: string;
  messageCreatedAt?: string;
  id: string;
  electronicSequenceNumber?: string;
  legalSequenceNumber?: string;
  /** MT940 :28C: sequence number (the page of a statement split over several messages). */
  pageNumber?: string;
  /** CpyDplctInd: CODU, COPY or DUPL — a copy/duplicate must not be booked twice. */
  copyDuplicate?: string;
  createdAt?: string;
  fromDateTime?: string;
  toDateTime?: string;
  account: AccountRef;
  /** OPBD (or PRCD when no OPBD; MT940 :60F:/:60M:). */
  openingBalance?: Balance;
  /** CLBD (MT940 :62F:/:62M:). */
  closingBalance?: Balance;
  balances: Balance[];
}

export interface BatchInfo {
  messageId?: string;
  paymentInfoId?: string;
  nbOfTxs?: number;
  totalAmount?: Money;
  creditDebit?: CreditDebit;
}

export interface TransactionDetails {
  messageId?: string;
  accountServicerRef?: string;
  paymentInfoId?: string;
  instructionId?: string;
  /** May be the literal "NOTPROVIDED". */
  endToEndId?: string;
  transactionId?: string;
  /** What the bank booked for this transaction: TxDtls/Amt, or AmtDtls/TxAmt/Amt. */
  amount?: Money;
  /** AmtDtls/InstdAmt/Amt: what the originator instructed, for information only (never matched as booked). */
  instructedAmount?: Money;
  creditDebit?: CreditDebit;
  /** RtrInf/Rsn/Cd (returns: AC01, AC04, MD07...). */
  returnReason?: string;
  returnAdditionalInfo?: string;
  debtorName?: string;
  debtorAccount?: AccountRef;
  creditorName?: string;
  creditorAccount?: AccountRef;
  remittanceInformation?: string[];
}

export interface StatementEntry {
  type: 'entry';
  statement: number;
  /** 1-based position of the entry within its statement. */
  entry: number;
  entryRef?: string;
  amount: Money;
  creditDebit: CreditDebit;
  /** BOOK, PDNG, INFO... */
  status: string;
  bookingDate?: string;
  valueDate?: string;
  reversal: boolean;
  accountServicerRef?: string;
  bankTransactionCode?: { domain?: string; family?: string; subFamily?: string; proprietary?: string };
  /** NtryDtls/Btch blocks (batch booking of a PmtInf). */
  batches: BatchInfo[];
  /** Ntry/BtchBookg when given. */
  batchBooking?: boolean;
  transactions: TransactionDetails[];
  additionalInfo?: string;
  /** MT940 :61: supplementary details (the line after the statement line). */
  supplementaryDetails?: string;
  /** Bank CSV: the account balance printed after this entry ("Số dư"). */
  runningBalance?: { amount: Money; creditDebit: CreditDebit };
}

export interface StatementEnd {
  type: 'end';
  statement: number;
  entryCount: number;
  additionalInfo?: string;
  /**
   * Balances known only after the entries: MT940 :62F:/:62M: (closingBalance), :64:, :65:; a bank CSV's
   * "Số dư cuối kỳ" footer. camt puts every balance on the header instead.
   */
  closingBalance?: Balance;
  balances?: Balance[];
  /** Problem events reported for this statement (MT940 / CSV parsers). */
  problemCount?: number;
}

/**
 * A non-fatal problem of a text statement, reported in the stream where it occurred: a bank-CSV row that
 * cannot be read (the row yields no entry), or a balance check that fails. Fatal problems are thrown as
 * Iso20022Error instead. Never carries names or account numbers.
 */
export interface StatementProblem {
  type: 'problem';
  statement: number;
  /** 1-based line (MT940) or CSV record number. */
  line?: number;
  code: Iso20022ErrorCode;
  message: Localized;
  details?: Record<string, unknown>;
}

export type StatementEvent = StatementHeader | StatementEntry | StatementEnd | StatementProblem;

export interface CamtParseOptions {
  limits?: Partial<XmlLimits>;
  /** Most TxDtls in one Ntry (default 500,000). */
  maxTransactionsPerEntry?: number;
}

interface Kind {
  message: 'camt.053' | 'camt.054';
  root: string;
  container: string;
}
const CAMT053: Kind = { message: 'camt.053', root: 'BkToCstmrStmt', container: 'Stmt' };
const CAMT054: Kind = { message: 'camt.054', root: 'BkToCstmrDbtCdtNtfctn', container: 'Ntfctn' };

export function parseCamt053(source: XmlSource, options: CamtParseOptions = {}): AsyncGenerator<StatementEvent> {
  return parseCamt(source, CAMT053, options);
}

export function parseCamt054(source: XmlSource, options: CamtParseOptions = {}): AsyncGenerator<StatementEvent> {
  return parseCamt(source, CAMT054, options);
}

const cdi = (t: string, element: string, pos: { statement?: number; entry?: number }): CreditDebit => {
  if (t === 'CRDT' || t === 'DBIT') return t;
  throw isoErrors.fieldInvalid(element, 'CdtDbtInd must be CRDT or DBIT', pos);
};
const bool = (t: string, element: string): boolean => {
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  throw isoErrors.fieldInvalid(element, 'not a boolean');
};

async function* parseCamt(source: XmlSource, kind: Kind, options: CamtParseOptions): AsyncGenerator<StatementEvent> {
  const maxTx = options.maxTransactionsPerEntry ?? 500_000;
  const queue: StatementEvent[] = [];
  // paths: full path strings per depth, "/Document/BkToCstmrStmt/Stmt/..."
  const paths: string[] = [''];
  let depth = 0;
  let msgId: string | undefined;
  let msgCreated: string | undefined;
  let statementNo = 0;
  let containerBase = -1; // index in path string where the container-relative path starts
  let header: StatementHeader | undefined;
  let headerSent = false;
  let entryCount = 0;
  let stmtAddtl: string | undefined;
  let bal: { type?: string; amount?: Money; cd?: CreditDebit; date?: string } | undefined;
  let entry: StatementEntry | undefined;
  let entryAmount: Money | undefined;
  let entryCd: CreditDebit | undefined;
  let batch: BatchInfo | undefined;
  let tx: TransactionDetails | undefined;
  let ccy: string | undefined;
  let sawContainer = false;
  let rootOk = false;

  const pos = (element?: string) => ({
    statement: statementNo,
    ...(entry ? { entry: entry.entry } : {}),
    ...(element ? { element } : {}),
  });
  const money = (t: string, element: string): Money => parseAmount(t, ccy, pos(element));
  const sendHeader = () => {
    if (header && !headerSent) {
      if (!header.id) throw isoErrors.missing(`${kind.container}/Id`, { statement: statementNo });
      const open = header.balances.find((b) => b.type === 'OPBD') ?? header.balances.find((b) => b.type === 'PRCD');
      const close = header.balances.find((b) => b.type === 'CLBD');
      if (open) header.openingBalance = open;
      if (close) header.closingBalance = close;
      queue.push(header);
      headerSent = true;
    }
  };

  const sink: XmlSink = {
    open(name, attrs) {
      const p = `${paths[depth]}/${name}`;
      depth++;
      paths[depth] = p;
      if (name === 'Amt' || name === 'TtlAmt') ccy = attrs?.Ccy; // an amount without Ccy → CURRENCY_INVALID
      if (depth === 1) {
        if (name !== 'Document') throw isoErrors.unsupported(name, `${kind.message} Document`);
        const ns = attrs?.xmlns;
        const m = ns ? /(\w{4}\.\d{3})\.\d{3}\.\d{2}/.exec(ns) : null;
        if (m && m[1] !== kind.message) throw isoErrors.unsupported(ns ?? '', kind.message);
        return;
      }
      if (depth === 2) {
        if (name !== kind.root) throw isoErrors.unsupported(name, `${kind.message} ${kind.root}`);
        rootOk = true;
        return;
      }
      if (depth === 3 && name === kind.container) {
        statementNo++;
        sawContainer = true;
        containerBase = p.length + 1;
        header = {
          type: 'header',
          message: kind.message,
          statement: statementNo,
          id: '',
          account: {},
          balances: [],
        };
        if (msgId !== undefined) header.messageId = msgId;
        if (msgCreated !== undefined) header.messageCreatedAt = msgCreated;
        headerSent = false;
        entryCount = 0;
        stmtAddtl = undefined;
        return;
      }
      if (containerBase < 0 || depth < 4) return;
      if (depth === 4) {
        if (name === 'Bal') bal = {};
        else if (name === 'Ntry') {
          sendHeader();
          entryCount++;
          entry = {
            type: 'entry',
            statement: statementNo,
            entry: entryCount,
            amount: undefined as unknown as Money,
            creditDebit: 'CRDT',
            status: '',
            reversal: false,
            batches: [],
            transactions: [],
          };
          entryAmount = undefined;
          entryCd = undefined;
        }
        return;
      }
      if (entry && depth === 6 && paths[5]?.endsWith('/NtryDtls')) {
        if (name === 'Btch') {
          batch = {};
          entry.batches.push(batch);
        } else if (name === 'TxDtls') {
          if (entry.transactions.length >= maxTx) throw isoErrors.limitExceeded('TxDtls', maxTx, pos());
          tx = {};
          entry.transactions.push(tx);
        }
      }
    },
    close(_name, text) {
      const full = paths[depth] as string;
      depth--;
      if (containerBase < 0) {
        if (depth === 3 && text !== '') {
          if (full.endsWith('/GrpHdr/MsgId')) msgId = text.trim();
          else if (full.endsWith('/GrpHdr/CreDtTm')) msgCreated = text.trim();
        }
        return;
      }
      if (depth === 2) {
        // container closed
        sendHeader();
        queue.push({
          type: 'end',
          statement: statementNo,
          entryCount,
          ...(stmtAddtl !== undefined ? { additionalInfo: stmtAddtl } : {}),
        });
        containerBase = -1;
        header = undefined;
        return;
      }
      const rel = full.slice(containerBase);
      const t = text.trim();
      if (tx) {
        closeTx(rel, t);
        return;
      }
      if (entry) {
        if (rel === 'Ntry') {
          if (entryAmount === undefined) throw isoErrors.missing('Ntry/Amt', pos());
          if (entryCd === undefined) throw isoErrors.missing('Ntry/CdtDbtInd', pos());
          if (!entry.status) throw isoErrors.missing('Ntry/Sts', pos());
          entry.amount = entryAmount;
          entry.creditDebit = entryCd;
          queue.push(entry);
          entry = undefined;
          return;
        }
        if (batch) {
          if (rel === 'Ntry/NtryDtls/Btch') batch = undefined;
          else if (rel === 'Ntry/NtryDtls/Btch/MsgId') batch.messageId = t;
          else if (rel === 'Ntry/NtryDtls/Btch/PmtInfId') batch.paymentInfoId = t;
          else if (rel === 'Ntry/NtryDtls/Btch/NbOfTxs') batch.nbOfTxs = count(t, 'Btch/NbOfTxs');
          else if (rel === 'Ntry/NtryDtls/Btch/TtlAmt') batch.totalAmount = money(t, 'Btch/TtlAmt');
          else if (rel === 'Ntry/NtryDtls/Btch/CdtDbtInd') batch.creditDebit = cdi(t, 'Btch/CdtDbtInd', pos());
          return;
        }
        switch (rel) {
          case 'Ntry/NtryRef':
            entry.entryRef = t;
            break;
          case 'Ntry/Amt':
            entryAmount = money(t, 'Ntry/Amt');
            break;
          case 'Ntry/CdtDbtInd':
            entryCd = cdi(t, 'Ntry/CdtDbtInd', pos());
            break;
          case 'Ntry/RvslInd':
            entry.reversal = bool(t, 'Ntry/RvslInd');
            break;
          case 'Ntry/Sts':
          case 'Ntry/Sts/Cd':
          case 'Ntry/Sts/Prtry':
            if (t) entry.status = t;
            break;
          case 'Ntry/BookgDt/Dt':
          case 'Ntry/BookgDt/DtTm':
            entry.bookingDate = t;
            break;
          case 'Ntry/ValDt/Dt':
          case 'Ntry/ValDt/DtTm':
            entry.valueDate = t;
            break;
          case 'Ntry/AcctSvcrRef':
            entry.accountServicerRef = t;
            break;
          case 'Ntry/BkTxCd/Domn/Cd':
            entry.bankTransactionCode = { ...entry.bankTransactionCode, domain: t };
            break;
          case 'Ntry/BkTxCd/Domn/Fmly/Cd':
            entry.bankTransactionCode = { ...entry.bankTransactionCode, family: t };
            break;
          case 'Ntry/BkTxCd/Domn/Fmly/SubFmlyCd':
            entry.bankTransactionCode = { ...entry.bankTransactionCode, subFamily: t };
            break;
          case 'Ntry/BkTxCd/Prtry/Cd':
            entry.bankTransactionCode = { ...entry.bankTransactionCode, proprietary: t };
            break;
          case 'Ntry/NtryDtls/BtchBookg':
          case 'Ntry/BtchBookg':
            entry.batchBooking = bool(t, 'BtchBookg');
            break;
          case 'Ntry/AddtlNtryInf':
            entry.additionalInfo = t;
            break;
        }
        return;
      }
      const h = header as StatementHeader;
      if (bal) {
        switch (rel) {
          case 'Bal':
            if (!bal.type || !bal.amount || !bal.cd) throw isoErrors.missing('Bal/Tp|Amt|CdtDbtInd', pos('Bal'));
            h.balances.push({
              type: bal.type,
              amount: bal.amount,
              creditDebit: bal.cd,
              ...(bal.date !== undefined ? { date: bal.date } : {}),
            });
            bal = undefined;
            break;
          case 'Bal/Tp/CdOrPrtry/Cd':
          case 'Bal/Tp/CdOrPrtry/Prtry':
            bal.type = t;
            break;
          case 'Bal/Amt':
            bal.amount = money(t, 'Bal/Amt');
            break;
          case 'Bal/CdtDbtInd':
            bal.cd = cdi(t, 'Bal/CdtDbtInd', pos());
            break;
          case 'Bal/Dt/Dt':
          case 'Bal/Dt/DtTm':
            bal.date = t;
            break;
        }
        return;
      }
      switch (rel) {
        case 'Id':
          h.id = t;
          break;
        case 'ElctrncSeqNb':
          h.electronicSequenceNumber = t;
          break;
        case 'LglSeqNb':
          h.legalSequenceNumber = t;
          break;
        case 'CreDtTm':
          h.createdAt = t;
          break;
        case 'FrToDt/FrDtTm':
          h.fromDateTime = t;
          break;
        case 'FrToDt/ToDtTm':
          h.toDateTime = t;
          break;
        case 'CpyDplctInd':
          h.copyDuplicate = t;
          break;
        case 'Acct/Id/IBAN':
          h.account.iban = t;
          break;
        case 'Acct/Id/Othr/Id':
          h.account.otherId = t;
          break;
        case 'Acct/Ccy':
          h.account.currency = t;
          break;
        case 'Acct/Ownr/Nm':
          h.account.ownerName = t;
          break;
        case 'Acct/Svcr/FinInstnId/BIC':
        case 'Acct/Svcr/FinInstnId/BICFI':
          h.account.servicerBic = t;
          break;
        case 'Acct/Svcr/FinInstnId/ClrSysMmbId/MmbId':
          h.account.servicerMemberId = t;
          break;
        case 'AddtlStmtInf':
        case 'AddtlNtfctnInf':
          stmtAddtl = t;
          break;
      }
    },
  };

  const TX = 'Ntry/NtryDtls/TxDtls';
  const closeTx = (rel: string, t: string): void => {
    const x = tx as TransactionDetails;
    if (rel === TX) {
      tx = undefined;
      return;
    }
    if (!rel.startsWith(TX)) return;
    const r = rel.slice(TX.length + 1);
    switch (r) {
      case 'Refs/MsgId':
        x.messageId = t;
        return;
      case 'Refs/AcctSvcrRef':
        x.accountServicerRef = t;
        return;
      case 'Refs/PmtInfId':
        x.paymentInfoId = t;
        return;
      case 'Refs/InstrId':
        x.instructionId = t;
        return;
      case 'Refs/EndToEndId':
        x.endToEndId = t;
        return;
      case 'Refs/TxId':
        x.transactionId = t;
        return;
      case 'Amt':
        x.amount = money(t, 'TxDtls/Amt');
        return;
      case 'AmtDtls/TxAmt/Amt':
        if (x.amount === undefined) x.amount = money(t, 'TxDtls/AmtDtls/TxAmt/Amt');
        else money(t, 'TxDtls/AmtDtls/TxAmt/Amt');
        return;
      case 'AmtDtls/InstdAmt/Amt':
        x.instructedAmount = money(t, 'TxDtls/AmtDtls/InstdAmt/Amt');
        return;
      case 'CdtDbtInd':
        x.creditDebit = cdi(t, 'TxDtls/CdtDbtInd', pos());
        return;
      case 'RtrInf/Rsn/Cd':
      case 'RtrInf/Rsn/Prtry':
        x.returnReason = t;
        return;
      case 'RtrInf/AddtlInf':
        x.returnAdditionalInfo = x.returnAdditionalInfo ? `${x.returnAdditionalInfo} ${t}` : t;
        return;
      case 'RltdPties/Dbtr/Nm':
      case 'RltdPties/Dbtr/Pty/Nm':
        x.debtorName = t;
        return;
      case 'RltdPties/Cdtr/Nm':
      case 'RltdPties/Cdtr/Pty/Nm':
        x.creditorName = t;
        return;
      case 'RmtInf/Ustrd':
        x.remittanceInformation ??= [];
        x.remittanceInformation.push(t);
        return;
    }
    if (r.startsWith('RltdPties/DbtrAcct/') || r.startsWith('RltdPties/CdtrAcct/')) {
      const key = r.startsWith('RltdPties/D') ? 'debtorAccount' : 'creditorAccount';
      x[key] ??= {};
      const a = x[key];
      const sub = r.slice('RltdPties/DbtrAcct/'.length);
      if (sub === 'Id/IBAN') a.iban = t;
      else if (sub === 'Id/Othr/Id') a.otherId = t;
      else if (sub === 'Ccy') a.currency = t;
    }
  };

  const gen = readXml(source, sink, options.limits, isoErrors);
  for await (const _ of gen) {
    if (queue.length > 0) {
      const batchOut = queue.splice(0, queue.length);
      for (const e of batchOut) yield e;
    }
  }
  for (const e of queue) yield e;
  if (!rootOk) throw isoErrors.missing(kind.root);
  if (!sawContainer) throw isoErrors.missing(`${kind.root}/${kind.container}`);
}

function count(t: string, element: string): number {
  if (!/^\d{1,15}$/.test(t)) throw isoErrors.fieldInvalid(element, 'not a count');
  return Number(t);
}

/** Collects a whole camt stream into arrays (tests, small files). */
export async function collectStatements(events: AsyncIterable<StatementEvent>): Promise<StatementEvent[]> {
  const out: StatementEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

// --------------------------------------------------------------------------------------------- builders

export interface CamtBalanceInput {
  /** Signed dong: negative → DBIT. */
  amountVnd: number | bigint;
  /** yyyy-mm-dd. */
  date: string;
}

export interface CamtTransactionInput {
  messageId?: string;
  paymentInfoId?: string;
  instructionId?: string;
  /** Use "NOTPROVIDED" when unknown, as banks do. */
  endToEndId?: string;
  accountServicerRef?: string;
  amountVnd?: number | bigint;
  creditDebit?: CreditDebit;
  returnReason?: string;
  returnAdditionalInfo?: string;
  debtorName?: string;
  debtorAccountId?: string;
  creditorName?: string;
  creditorAccountId?: string;
  remittanceInformation?: string;
}

export interface CamtEntryInput {
  entryRef?: string;
  amountVnd: number | bigint;
  creditDebit: CreditDebit;
  status: 'BOOK' | 'PDNG' | 'INFO';
  bookingDate?: string;
  valueDate?: string;
  reversal?: boolean;
  accountServicerRef?: string;
  bankTransactionCode?: { domain: string; family: string; subFamily: string };
  batch?: {
    messageId?: string;
    paymentInfoId?: string;
    nbOfTxs?: number;
    totalAmountVnd?: number | bigint;
    creditDebit?: CreditDebit;
  };
  transactions?: readonly CamtTransactionInput[];
  additionalInfo?: string;
}

export interface CamtStatementInput {
  id: string;
  electronicSequenceNumber?: number | bigint;
  legalSequenceNumber?: number | bigint;
  createdAt: string;
  copyDuplicate?: 'CODU' | 'COPY' | 'DUPL';
  account: { id: string; ownerName?: string; servicerNapasBin?: string };
  /** Required in camt.053; optional in camt.054. */
  openingBalance?: CamtBalanceInput;
  closingBalance?: CamtBalanceInput;
  /** Any iterable: a generator streams million-entry statements through writeCamt053. */
  entries: Iterable<CamtEntryInput>;
  additionalInfo?: string;
}

export interface CamtMessageInput {
  messageId: string;
  /** Caller-provided ISO date-time (never the clock). */
  createdAt: string;
  statements: readonly CamtStatementInput[];
}

export const CAMT053_NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:camt.053.001.08';
export const CAMT054_NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:camt.054.001.08';

/** Streams camt.053.001.08 XML in pieces (validating as it goes); join for the whole document. */
export function writeCamt053(input: CamtMessageInput): Generator<string> {
  return writeCamt(input, 'camt.053');
}
export function writeCamt054(input: CamtMessageInput): Generator<string> {
  return writeCamt(input, 'camt.054');
}
export function buildCamt053(input: CamtMessageInput): string {
  return [...writeCamt053(input)].join('');
}
export function buildCamt054(input: CamtMessageInput): string {
  return [...writeCamt054(input)].join('');
}

function amt(p: Problems, path: string, v: unknown, signed = false): bigint | undefined {
  if (signed && (typeof v === 'number' || typeof v === 'bigint') && v < 0) {
    const r = vndAmount(typeof v === 'bigint' ? -v : -v, true);
    if (typeof r === 'string') p.add('AMOUNT_INVALID', path, 'số tiền không hợp lệ', `invalid amount: ${r}`);
    return typeof r === 'bigint' ? -r : undefined;
  }
  const r = vndAmount(v, signed);
  if (typeof r === 'string') p.add('AMOUNT_INVALID', path, 'số tiền không hợp lệ', `invalid amount: ${r}`);
  return typeof r === 'bigint' ? r : undefined;
}

function fail(p: Problems, what: string): void {
  if (p.list.length > 0) throw isoErrors.invalidInput(what, p.list);
}

function* writeCamt(input: CamtMessageInput, message: 'camt.053' | 'camt.054'): Generator<string> {
  const is053 = message === 'camt.053';
  const p = new Problems();
  p.id('messageId', input.messageId, 35);
  if (!isValidDateTime(input.createdAt))
    p.add('FIELD_INVALID', 'createdAt', 'phải là ngày giờ ISO', 'must be an ISO date-time');
  if (!input.statements?.length) p.missing('statements');
  input.statements?.forEach((s, i) => {
    const at = `statements[${i}]`;
    p.id(`${at}.id`, s.id, 35);
    if (!isValidDateTime(s.createdAt))
      p.add('FIELD_INVALID', `${at}.createdAt`, 'phải là ngày giờ ISO', 'must be an ISO date-time');
    p.pattern(
      `${at}.account.id`,
      s.account?.id,
      /^[A-Za-z0-9]{1,34}$/,
      'số tài khoản không hợp lệ',
      'invalid account id',
    );
    if (s.account?.servicerNapasBin !== undefined)
      p.pattern(
        `${at}.account.servicerNapasBin`,
        s.account.servicerNapasBin,
        /^\d{6}$/,
        'BIN 6 chữ số',
        'BIN must be 6 digits',
      );
    for (const k of ['openingBalance', 'closingBalance'] as const) {
      const b = s[k];
      if (b === undefined) {
        if (is053) p.missing(`${at}.${k}`);
        continue;
      }
      amt(p, `${at}.${k}.amountVnd`, b.amountVnd, true);
      if (!isValidDate(b.date))
        p.add('FIELD_INVALID', `${at}.${k}.date`, 'phải là ngày yyyy-mm-dd', 'must be yyyy-mm-dd');
    }
  });
  fail(p, message);

  const root = is053 ? 'BkToCstmrStmt' : 'BkToCstmrDbtCdtNtfctn';
  const container = is053 ? 'Stmt' : 'Ntfctn';
  const w = new XmlWriter('Document', is053 ? CAMT053_NAMESPACE : CAMT054_NAMESPACE);
  w.open(root).open('GrpHdr').leaf('MsgId', input.messageId).leaf('CreDtTm', input.createdAt).close('GrpHdr');
  for (const [si, s] of input.statements.entries()) {
    w.open(container)
      .leaf('Id', s.id)
      .leaf('ElctrncSeqNb', s.electronicSequenceNumber?.toString())
      .leaf('LglSeqNb', s.legalSequenceNumber?.toString())
      .leaf('CreDtTm', s.createdAt)
      .leaf('CpyDplctInd', s.copyDuplicate);
    w.open('Acct').open('Id').open('Othr').leaf('Id', s.account.id).close('Othr').close('Id').leaf('Ccy', 'VND');
    if (s.account.ownerName !== undefined) w.open('Ownr').leaf('Nm', toBankName(s.account.ownerName)).close('Ownr');
    if (s.account.servicerNapasBin !== undefined)
      w.open('Svcr')
        .open('FinInstnId')
        .open('ClrSysMmbId')
        .leaf('MmbId', s.account.servicerNapasBin)
        .close('ClrSysMmbId')
        .close('FinInstnId')
        .close('Svcr');
    w.close('Acct');
    for (const [type, b] of [
      ['OPBD', s.openingBalance],
      ['CLBD', s.closingBalance],
    ] as const) {
      if (b === undefined) continue;
      const v = BigInt(b.amountVnd);
      w.open('Bal').open('Tp').open('CdOrPrtry').leaf('Cd', type).close('CdOrPrtry').close('Tp');
      w.leaf('Amt', (v < 0n ? -v : v).toString(), { Ccy: 'VND' }).leaf('CdtDbtInd', v < 0n ? 'DBIT' : 'CRDT');
      w.open('Dt').leaf('Dt', b.date).close('Dt').close('Bal');
    }
    yield w.take();
    let n = 0;
    for (const e of s.entries) {
      n++;
      const ep = new Problems();
      const at = `statements[${si}].entries[${n - 1}]`;
      const a = amt(ep, `${at}.amountVnd`, e.amountVnd);
      if (e.creditDebit !== 'CRDT' && e.creditDebit !== 'DBIT')
        ep.add('FIELD_INVALID', `${at}.creditDebit`, 'CRDT/DBIT', 'CRDT/DBIT');
      if (!['BOOK', 'PDNG', 'INFO'].includes(e.status))
        ep.add('FIELD_INVALID', `${at}.status`, 'BOOK/PDNG/INFO', 'BOOK/PDNG/INFO');
      for (const k of ['bookingDate', 'valueDate'] as const)
        if (e[k] !== undefined && !isValidDate(e[k]))
          ep.add('FIELD_INVALID', `${at}.${k}`, 'ngày yyyy-mm-dd', 'yyyy-mm-dd');
      ep.id(`${at}.accountServicerRef`, e.accountServicerRef, 35, false);
      ep.id(`${at}.entryRef`, e.entryRef, 35, false);
      const bt = e.batch;
      if (bt?.totalAmountVnd !== undefined) amt(ep, `${at}.batch.totalAmountVnd`, bt.totalAmountVnd);
      e.transactions?.forEach((t, j) => {
        const tat = `${at}.transactions[${j}]`;
        for (const k of ['messageId', 'paymentInfoId', 'instructionId', 'endToEndId', 'accountServicerRef'] as const)
          ep.id(`${tat}.${k}`, t[k], 35, false);
        if (t.amountVnd !== undefined) amt(ep, `${tat}.amountVnd`, t.amountVnd);
        if (t.returnReason !== undefined)
          ep.pattern(
            `${tat}.returnReason`,
            t.returnReason,
            /^[A-Z0-9]{1,4}$/,
            'mã lý do 1-4 ký tự',
            'reason code is 1-4 characters',
          );
        for (const k of ['debtorAccountId', 'creditorAccountId'] as const)
          if (t[k] !== undefined)
            ep.pattern(`${tat}.${k}`, t[k], /^[A-Za-z0-9]{1,34}$/, 'số tài khoản không hợp lệ', 'invalid account id');
      });
      fail(ep, message);
      w.open('Ntry')
        .leaf('NtryRef', e.entryRef)
        .leaf('Amt', (a as bigint).toString(), { Ccy: 'VND' });
      w.leaf('CdtDbtInd', e.creditDebit).leaf('RvslInd', e.reversal ? 'true' : undefined);
      w.open('Sts').leaf('Cd', e.status).close('Sts');
      if (e.bookingDate) w.open('BookgDt').leaf('Dt', e.bookingDate).close('BookgDt');
      if (e.valueDate) w.open('ValDt').leaf('Dt', e.valueDate).close('ValDt');
      w.leaf('AcctSvcrRef', e.accountServicerRef);
      const c = e.bankTransactionCode ?? {
        domain: 'PMNT',
        family: e.creditDebit === 'DBIT' ? 'ICDT' : 'RCDT',
        subFamily: 'DMCT',
      };
      w.open('BkTxCd')
        .open('Domn')
        .leaf('Cd', c.domain)
        .open('Fmly')
        .leaf('Cd', c.family)
        .leaf('SubFmlyCd', c.subFamily);
      w.close('Fmly').close('Domn').close('BkTxCd');
      if (bt || e.transactions?.length) {
        w.open('NtryDtls');
        if (bt) {
          w.open('Btch')
            .leaf('MsgId', bt.messageId)
            .leaf('PmtInfId', bt.paymentInfoId)
            .leaf('NbOfTxs', bt.nbOfTxs?.toString())
            .leaf('TtlAmt', bt.totalAmountVnd?.toString(), { Ccy: 'VND' })
            .leaf('CdtDbtInd', bt.creditDebit)
            .close('Btch');
        }
        for (const t of e.transactions ?? []) writeTx(w, t);
        w.close('NtryDtls');
      }
      w.leaf('AddtlNtryInf', e.additionalInfo === undefined ? undefined : toBankText(e.additionalInfo));
      w.close('Ntry');
      if (n % 64 === 0) yield w.take();
    }
    w.leaf(
      is053 ? 'AddtlStmtInf' : 'AddtlNtfctnInf',
      s.additionalInfo === undefined ? undefined : toBankText(s.additionalInfo),
    );
    w.close(container);
  }
  w.close(root);
  yield w.finish('Document');
}

function writeTx(w: XmlWriter, t: CamtTransactionInput): void {
  w.open('TxDtls').open('Refs');
  w.leaf('MsgId', t.messageId).leaf('AcctSvcrRef', t.accountServicerRef).leaf('PmtInfId', t.paymentInfoId);
  w.leaf('InstrId', t.instructionId)
    .leaf('EndToEndId', t.endToEndId ?? 'NOTPROVIDED')
    .close('Refs');
  if (t.amountVnd !== undefined) w.leaf('Amt', BigInt(t.amountVnd).toString(), { Ccy: 'VND' });
  w.leaf('CdtDbtInd', t.creditDebit);
  const parties: [string, string | undefined, string | undefined][] = [
    ['Dbtr', t.debtorName, t.debtorAccountId],
    ['Cdtr', t.creditorName, t.creditorAccountId],
  ];
  if (parties.some(([, n, a]) => n !== undefined || a !== undefined)) {
    w.open('RltdPties');
    for (const [role, name, acct] of parties) {
      if (name !== undefined) w.open(role).open('Pty').leaf('Nm', toBankName(name)).close('Pty').close(role);
      if (acct !== undefined)
        w.open(`${role}Acct`).open('Id').open('Othr').leaf('Id', acct).close('Othr').close('Id').close(`${role}Acct`);
    }
    w.close('RltdPties');
  }
  if (t.remittanceInformation !== undefined)
    w.open('RmtInf').leaf('Ustrd', toBankText(t.remittanceInformation).slice(0, 140)).close('RmtInf');
  if (t.returnReason !== undefined || t.returnAdditionalInfo !== undefined) {
    w.open('RtrInf');
    if (t.returnReason !== undefined) w.open('Rsn').leaf('Cd', t.returnReason).close('Rsn');
    w.leaf(
      'AddtlInf',
      t.returnAdditionalInfo === undefined ? undefined : toBankText(t.returnAdditionalInfo).slice(0, 105),
    );
    w.close('RtrInf');
  }
  w.close('TxDtls');
}
