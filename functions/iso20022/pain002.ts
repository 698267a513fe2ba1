/**
 * pain.002 Customer Payment Status Report: a parser for versions .001.03 to .001.10+ (elements matched by
 * local name, so default namespaces, prefixes and even a missing namespace all work) and a deterministic
 * builder (pain.002.001.10) for the bank simulator.
 */

import { readXml, type XmlLimits, type XmlSink, type XmlSource } from '../codecs/xml.js';
import { isoErrors } from './errors.js';
import { ID_CHARS, isValidDateTime, Problems, toBankText, XmlWriter } from './text.js';

export const PAIN002_NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:pain.002.001.10';

/** ExternalPaymentGroupStatus1Code / ExternalPaymentTransactionStatus1Code values. */
export const PAYMENT_STATUSES = [
  'ACCC',
  'ACCP',
  'ACFC',
  'ACIS',
  'ACPD',
  'ACSC',
  'ACSP',
  'ACTC',
  'ACWC',
  'ACWP',
  'BLCK',
  'CANC',
  'PART',
  'PATC',
  'PDNG',
  'PRES',
  'RCVD',
  'RJCT',
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];
const STATUS_SET: ReadonlySet<string> = new Set(PAYMENT_STATUSES);

export interface StatusReason {
  /** Rsn/Cd, e.g. AC01, AC04, AM04, MD07, DU01, NARR. */
  code?: string;
  /** Rsn/Prtry. */
  proprietary?: string;
  /** AddtlInf lines joined with a space. */
  additionalInfo?: string;
}

export interface Pain002PaymentInfoStatus {
  originalPaymentInfoId: string;
  originalNbOfTxs?: number;
  /** OrgnlCtrlSum as written (decimal text). */
  originalCtrlSum?: string;
  status?: PaymentStatus;
  reasons: StatusReason[];
}

export interface Pain002Transaction {
  originalPaymentInfoId?: string;
  originalEndToEndId: string;
  originalInstrId?: string;
  /** TxSts, or when absent the PmtInfSts / GrpSts it inherits (see statusSource). */
  status: PaymentStatus;
  statusSource: 'transaction' | 'paymentInfo' | 'group';
  /** The first reason's code (or proprietary reason). */
  reasonCode?: string;
  additionalInfo?: string;
  reasons: StatusReason[];
  acceptanceDateTime?: string;
  accountServicerRef?: string;
}

export interface Pain002Report {
  /** e.g. "pain.002.001.03", from the namespace when present. */
  messageNameId?: string;
  msgId: string;
  createdAt?: string;
  originalMsgId: string;
  originalMsgNameId?: string;
  originalNbOfTxs?: number;
  originalCtrlSum?: string;
  groupStatus?: PaymentStatus;
  groupReasons: StatusReason[];
  paymentInfoStatuses: Pain002PaymentInfoStatus[];
  transactions: Pain002Transaction[];
}

export interface Pain002ParseOptions {
  limits?: Partial<XmlLimits>;
  /** Most TxInfAndSts accepted (default 2,000,000). */
  maxTransactions?: number;
}

interface RawTx {
  pmtInf?: Pain002PaymentInfoStatus;
  e2e?: string;
  instr?: string;
  sts?: string;
  reasons: StatusReason[];
  accptnc?: string;
  acctSvcrRef?: string;
}

/** Parses a pain.002 from a string or a byte stream; the input is streamed, the report is built in memory. */
export async function parsePain002(source: XmlSource, options: Pain002ParseOptions = {}): Promise<Pain002Report> {
  const max = options.maxTransactions ?? 2_000_000;
  const path: string[] = [];
  let nsVersion: string | undefined;
  let msgId: string | undefined;
  let createdAt: string | undefined;
  let orgMsgId: string | undefined;
  let orgMsgNmId: string | undefined;
  let orgNb: string | undefined;
  let orgSum: string | undefined;
  let grpSts: string | undefined;
  const groupReasons: StatusReason[] = [];
  const pmtInfs: Pain002PaymentInfoStatus[] = [];
  const pmtInfSts = new Map<Pain002PaymentInfoStatus, string>();
  const txs: RawTx[] = [];
  let pmtInf: Pain002PaymentInfoStatus | undefined;
  let tx: RawTx | undefined;
  let reason: StatusReason | undefined;
  let seenRoot = false;

  const sink: XmlSink = {
    open(name, attrs) {
      const d = path.length;
      path.push(name);
      if (d === 0) {
        if (name !== 'Document') throw isoErrors.unsupported(name, 'pain.002 Document');
        const ns = attrs?.xmlns ?? attrs?.Xmlns;
        const m = ns ? /(pain\.\d{3}\.\d{3}\.\d{2})/.exec(ns) : null;
        if (m) {
          nsVersion = m[1];
          if (!nsVersion?.startsWith('pain.002.')) throw isoErrors.unsupported(nsVersion ?? ns ?? '', 'pain.002');
        }
        return;
      }
      if (d === 1) {
        if (name !== 'CstmrPmtStsRpt') throw isoErrors.unsupported(name, 'pain.002 CstmrPmtStsRpt');
        seenRoot = true;
        return;
      }
      if (d === 2 && name === 'OrgnlPmtInfAndSts') {
        pmtInf = { originalPaymentInfoId: '', reasons: [] };
        pmtInfs.push(pmtInf);
      } else if (name === 'TxInfAndSts' && (path[2] === 'OrgnlPmtInfAndSts' || path[2] === 'TxInfAndSts')) {
        if (txs.length >= max) throw isoErrors.limitExceeded('TxInfAndSts', max);
        tx = { reasons: [] };
        if (pmtInf && path[2] === 'OrgnlPmtInfAndSts') tx.pmtInf = pmtInf;
        txs.push(tx);
      } else if (name === 'StsRsnInf') {
        reason = {};
        if (tx) tx.reasons.push(reason);
        else if (pmtInf) pmtInf.reasons.push(reason);
        else if (path[2] === 'OrgnlGrpInfAndSts') groupReasons.push(reason);
      }
    },
    close(name, text) {
      const d = path.length - 1;
      const parent = path[d - 1];
      path.pop();
      const t = text.trim();
      if (name === 'TxInfAndSts') tx = undefined;
      else if (name === 'OrgnlPmtInfAndSts' && d === 2) pmtInf = undefined;
      else if (name === 'StsRsnInf') reason = undefined;
      if (reason) {
        if (parent === 'Rsn' && name === 'Cd') reason.code = t;
        else if (parent === 'Rsn' && name === 'Prtry') reason.proprietary = t;
        else if (parent === 'StsRsnInf' && name === 'AddtlInf')
          reason.additionalInfo = reason.additionalInfo ? `${reason.additionalInfo} ${t}` : t;
        return;
      }
      if (tx) {
        if (parent === 'TxInfAndSts') {
          if (name === 'OrgnlEndToEndId') tx.e2e = t;
          else if (name === 'OrgnlInstrId') tx.instr = t;
          else if (name === 'TxSts') tx.sts = t;
          else if (name === 'AccptncDtTm') tx.accptnc = t;
          else if (name === 'AcctSvcrRef') tx.acctSvcrRef = t;
        }
        return;
      }
      if (pmtInf && parent === 'OrgnlPmtInfAndSts') {
        if (name === 'OrgnlPmtInfId') pmtInf.originalPaymentInfoId = t;
        else if (name === 'OrgnlNbOfTxs') pmtInf.originalNbOfTxs = int(t, name);
        else if (name === 'OrgnlCtrlSum') pmtInf.originalCtrlSum = t;
        else if (name === 'PmtInfSts') pmtInfSts.set(pmtInf, t);
        return;
      }
      if (parent === 'GrpHdr' && d === 3) {
        if (name === 'MsgId') msgId = t;
        else if (name === 'CreDtTm') createdAt = t;
      } else if (parent === 'OrgnlGrpInfAndSts' && d === 3) {
        if (name === 'OrgnlMsgId') orgMsgId = t;
        else if (name === 'OrgnlMsgNmId') orgMsgNmId = t;
        else if (name === 'OrgnlNbOfTxs') orgNb = t;
        else if (name === 'OrgnlCtrlSum') orgSum = t;
        else if (name === 'GrpSts') grpSts = t;
      }
    },
  };

  for await (const _ of readXml(source, sink, options.limits, isoErrors)) {
    // the report is assembled by the sink
  }
  if (!seenRoot) throw isoErrors.missing('CstmrPmtStsRpt');
  if (!msgId) throw isoErrors.missing('GrpHdr/MsgId');
  if (!orgMsgId) throw isoErrors.missing('OrgnlGrpInfAndSts/OrgnlMsgId');
  const groupStatus = grpSts === undefined ? undefined : status(grpSts, 'GrpSts');
  for (const pi of pmtInfs) {
    if (!pi.originalPaymentInfoId) throw isoErrors.missing('OrgnlPmtInfAndSts/OrgnlPmtInfId');
    const s = pmtInfSts.get(pi);
    if (s !== undefined) pi.status = status(s, 'PmtInfSts');
  }
  const transactions = txs.map((r, i): Pain002Transaction => {
    if (!r.e2e) throw isoErrors.missing('TxInfAndSts/OrgnlEndToEndId', { entry: i + 1 });
    let st: PaymentStatus;
    let source: Pain002Transaction['statusSource'];
    if (r.sts !== undefined) {
      st = status(r.sts, 'TxSts', i + 1);
      source = 'transaction';
    } else if (r.pmtInf?.status !== undefined) {
      st = r.pmtInf.status;
      source = 'paymentInfo';
    } else if (groupStatus !== undefined) {
      st = groupStatus;
      source = 'group';
    } else throw isoErrors.missing('TxInfAndSts/TxSts', { entry: i + 1 });
    const first = r.reasons[0];
    const out: Pain002Transaction = { originalEndToEndId: r.e2e, status: st, statusSource: source, reasons: r.reasons };
    if (r.pmtInf) out.originalPaymentInfoId = r.pmtInf.originalPaymentInfoId;
    if (r.instr !== undefined) out.originalInstrId = r.instr;
    const code = first?.code ?? first?.proprietary;
    if (code !== undefined) out.reasonCode = code;
    if (first?.additionalInfo !== undefined) out.additionalInfo = first.additionalInfo;
    if (r.accptnc !== undefined) out.acceptanceDateTime = r.accptnc;
    if (r.acctSvcrRef !== undefined) out.accountServicerRef = r.acctSvcrRef;
    return out;
  });
  const report: Pain002Report = {
    msgId,
    originalMsgId: orgMsgId,
    groupReasons,
    paymentInfoStatuses: pmtInfs,
    transactions,
  };
  if (nsVersion !== undefined) report.messageNameId = nsVersion;
  if (createdAt !== undefined) report.createdAt = createdAt;
  if (orgMsgNmId !== undefined) report.originalMsgNameId = orgMsgNmId;
  if (orgNb !== undefined) report.originalNbOfTxs = int(orgNb, 'OrgnlNbOfTxs');
  if (orgSum !== undefined) report.originalCtrlSum = orgSum;
  if (groupStatus !== undefined) report.groupStatus = groupStatus;
  return report;
}

function status(s: string, element: string, entry?: number): PaymentStatus {
  if (!STATUS_SET.has(s))
    throw isoErrors.fieldInvalid(element, `unknown status "${s.slice(0, 8)}"`, entry ? { entry } : {});
  return s as PaymentStatus;
}

function int(s: string, element: string): number {
  if (!/^\d{1,15}$/.test(s)) throw isoErrors.fieldInvalid(element, 'not a count');
  return Number(s);
}

// ------------------------------------------------------------------------------ what it says of each payment

/**
 * What a pain.002 status report says of each of our payments, pure. A report may answer per transaction
 * (TxInfAndSts), per block (OrgnlPmtInfAndSts/PmtInfSts) or for the whole message (OrgnlGrpInfAndSts/GrpSts):
 * a block or message rejected as a whole (RJCT) rejects every payment of it that the report does not answer
 * on its own. Everything else at block or message level (ACCP, PART...) says nothing of a payment not listed.
 *
 * DU01 ("duplicate message") answers our own resubmission of a file the bank already holds: the first file
 * stands, nothing of it is rejected.
 */

export interface StatusUpdate {
  paymentId: string;
  status: PaymentStatus;
  reason?: string;
  /** Where the status was given: on the transaction, its block, or the whole message. */
  source: 'transaction' | 'paymentInfo' | 'group';
  /** The block (OrgnlPmtInfId) a block-level status came from. */
  paymentInfoId?: string;
}

/** Our pain.001 message the report answers: its payments (the dispatch worker's BATCH#<msgId> record). */
export interface OurMessage {
  msgId: string;
  paymentIds: readonly string[];
}

/** A block-level or message-level rejection whose payments we could not name. */
export interface UnplacedRejection {
  source: 'paymentInfo' | 'group';
  paymentInfoId?: string;
  reason?: string;
}

export interface StatusUpdates {
  updates: StatusUpdate[];
  unplaced: UnplacedRejection[];
}

const DUPLICATE_FILE = 'DU01';

/** Whether a report has a block- or message-level rejection, i.e. needs our message's payments. */
export function rejectsWholeBlocks(report: Pain002Report): boolean {
  return report.groupStatus === 'RJCT' || report.paymentInfoStatuses.some((b) => b.status === 'RJCT');
}

/**
 * Whether a block (PmtInfId) is one of our message's. Our pain.001 names its blocks `<MsgId, 26 first
 * characters>-<yyyymmdd>` (pain001.ts defaultPaymentInfoId), and the dispatch worker writes one execution
 * date, so one block, per message: that block's payments are the message's.
 */
export function isBlockOf(paymentInfoId: string, msgId: string): boolean {
  return paymentInfoId.startsWith(`${msgId.slice(0, 26)}-`) && /-\d{8}$/.test(paymentInfoId);
}

/** Every payment status the report gives, transactions first, then the rejected blocks and message. */
export function statusUpdates(report: Pain002Report, message?: OurMessage): StatusUpdates {
  const updates: StatusUpdate[] = report.transactions.map((t) => ({
    paymentId: t.originalEndToEndId,
    status: t.status,
    source: t.statusSource,
    ...(t.reasonCode !== undefined ? { reason: t.reasonCode } : {}),
    ...(t.statusSource === 'paymentInfo' && t.originalPaymentInfoId ? { paymentInfoId: t.originalPaymentInfoId } : {}),
  }));
  const answered = new Set(updates.map((u) => u.paymentId));
  const unplaced: UnplacedRejection[] = [];
  const ours = message && message.msgId === report.originalMsgId ? message.paymentIds : undefined;
  const rejectRest = (source: 'paymentInfo' | 'group', reason: string | undefined, paymentInfoId?: string) => {
    if (reason === DUPLICATE_FILE) return;
    if (!ours) {
      unplaced.push({ source, ...(paymentInfoId ? { paymentInfoId } : {}), ...(reason ? { reason } : {}) });
      return;
    }
    for (const paymentId of ours) {
      if (answered.has(paymentId)) continue;
      answered.add(paymentId);
      updates.push({
        paymentId,
        status: 'RJCT',
        source,
        ...(reason !== undefined ? { reason } : {}),
        ...(paymentInfoId ? { paymentInfoId } : {}),
      });
    }
  };
  for (const block of report.paymentInfoStatuses) {
    if (block.status !== 'RJCT') continue;
    const reason = block.reasons[0]?.code ?? block.reasons[0]?.proprietary ?? report.groupReasons[0]?.code;
    if (ours && !isBlockOf(block.originalPaymentInfoId, report.originalMsgId)) {
      unplaced.push({
        source: 'paymentInfo',
        paymentInfoId: block.originalPaymentInfoId,
        ...(reason ? { reason } : {}),
      });
      continue;
    }
    rejectRest('paymentInfo', reason, block.originalPaymentInfoId);
  }
  if (report.groupStatus === 'RJCT') {
    rejectRest('group', report.groupReasons[0]?.code ?? report.groupReasons[0]?.proprietary);
  }
  return { updates, unplaced };
}

// ---------------------------------------------------------------------------------------------- builder

export interface Pain002ReasonInput {
  code?: string;
  proprietary?: string;
  /** ≤ 105 characters after ASCII conversion. */
  additionalInfo?: string;
}

export interface Pain002TransactionInput {
  originalInstrId?: string;
  originalEndToEndId: string;
  status: PaymentStatus;
  reasons?: readonly Pain002ReasonInput[];
  acceptanceDateTime?: string;
  accountServicerRef?: string;
}

export interface Pain002PaymentInfoInput {
  originalPaymentInfoId: string;
  originalNbOfTxs?: number;
  originalCtrlSumVnd?: number | bigint;
  status?: PaymentStatus;
  reasons?: readonly Pain002ReasonInput[];
  transactions: readonly Pain002TransactionInput[];
}

export interface Pain002Input {
  msgId: string;
  /** Caller-provided ISO date-time (never the clock). */
  createdAt: string;
  initiatingPartyName?: string;
  originalMsgId: string;
  /** Default "pain.001.001.09". */
  originalMsgNameId?: string;
  originalCreatedAt?: string;
  originalNbOfTxs?: number;
  originalCtrlSumVnd?: number | bigint;
  groupStatus?: PaymentStatus;
  groupReasons?: readonly Pain002ReasonInput[];
  paymentInfos?: readonly Pain002PaymentInfoInput[];
}

function checkReasons(p: Problems, path: string, reasons: readonly Pain002ReasonInput[] | undefined): void {
  (reasons ?? []).forEach((r, i) => {
    if (r.code !== undefined)
      p.pattern(`${path}[${i}].code`, r.code, /^[A-Z0-9]{1,4}$/, 'mã lý do 1-4 ký tự', 'reason code is 1-4 characters');
    if (r.proprietary !== undefined) p.id(`${path}[${i}].proprietary`, r.proprietary, 35);
    if (r.additionalInfo !== undefined) p.text(`${path}[${i}].additionalInfo`, r.additionalInfo, 105, toBankText);
  });
}

function checkStatus(p: Problems, path: string, s: unknown, required: boolean): void {
  if (s === undefined) {
    if (required) p.missing(path);
  } else if (typeof s !== 'string' || !STATUS_SET.has(s))
    p.add('FIELD_INVALID', path, 'mã trạng thái không hợp lệ', 'unknown status code');
}

/** Builds a pain.002.001.10 status report (deterministic), or throws INVALID_INPUT listing every problem. */
export function buildPain002(input: Pain002Input): string {
  const p = new Problems();
  p.id('msgId', input.msgId, 35);
  if (!isValidDateTime(input.createdAt))
    p.add('FIELD_INVALID', 'createdAt', 'phải là ngày giờ ISO', 'must be an ISO date-time');
  p.id('originalMsgId', input.originalMsgId, 35);
  if (input.originalCreatedAt !== undefined && !isValidDateTime(input.originalCreatedAt))
    p.add('FIELD_INVALID', 'originalCreatedAt', 'phải là ngày giờ ISO', 'must be an ISO date-time');
  checkStatus(p, 'groupStatus', input.groupStatus, false);
  checkReasons(p, 'groupReasons', input.groupReasons);
  (input.paymentInfos ?? []).forEach((pi, i) => {
    const at = `paymentInfos[${i}]`;
    p.id(`${at}.originalPaymentInfoId`, pi.originalPaymentInfoId, 35);
    checkStatus(p, `${at}.status`, pi.status, false);
    checkReasons(p, `${at}.reasons`, pi.reasons);
    pi.transactions.forEach((t, j) => {
      const tat = `${at}.transactions[${j}]`;
      p.id(`${tat}.originalEndToEndId`, t.originalEndToEndId, 35);
      p.id(`${tat}.originalInstrId`, t.originalInstrId, 35, false);
      checkStatus(p, `${tat}.status`, t.status, true);
      checkReasons(p, `${tat}.reasons`, t.reasons);
      if (t.acceptanceDateTime !== undefined && !isValidDateTime(t.acceptanceDateTime))
        p.add('FIELD_INVALID', `${tat}.acceptanceDateTime`, 'phải là ngày giờ ISO', 'must be an ISO date-time');
      p.id(`${tat}.accountServicerRef`, t.accountServicerRef, 35, false);
    });
  });
  const initName =
    input.initiatingPartyName === undefined
      ? undefined
      : p.text('initiatingPartyName', input.initiatingPartyName, 140, toBankText);
  if (p.list.length > 0) throw isoErrors.invalidInput('pain.002', p.list);

  const w = new XmlWriter('Document', PAIN002_NAMESPACE);
  w.open('CstmrPmtStsRpt');
  w.open('GrpHdr').leaf('MsgId', input.msgId).leaf('CreDtTm', input.createdAt);
  if (initName !== undefined) w.open('InitgPty').leaf('Nm', initName).close('InitgPty');
  w.close('GrpHdr');
  w.open('OrgnlGrpInfAndSts')
    .leaf('OrgnlMsgId', input.originalMsgId)
    .leaf('OrgnlMsgNmId', input.originalMsgNameId ?? 'pain.001.001.09')
    .leaf('OrgnlCreDtTm', input.originalCreatedAt)
    .leaf('OrgnlNbOfTxs', input.originalNbOfTxs?.toString())
    .leaf('OrgnlCtrlSum', input.originalCtrlSumVnd?.toString())
    .leaf('GrpSts', input.groupStatus);
  writeReasons(w, input.groupReasons);
  w.close('OrgnlGrpInfAndSts');
  for (const pi of input.paymentInfos ?? []) {
    w.open('OrgnlPmtInfAndSts')
      .leaf('OrgnlPmtInfId', pi.originalPaymentInfoId)
      .leaf('OrgnlNbOfTxs', pi.originalNbOfTxs?.toString())
      .leaf('OrgnlCtrlSum', pi.originalCtrlSumVnd?.toString())
      .leaf('PmtInfSts', pi.status);
    writeReasons(w, pi.reasons);
    for (const t of pi.transactions) {
      w.open('TxInfAndSts')
        .leaf('OrgnlInstrId', t.originalInstrId)
        .leaf('OrgnlEndToEndId', t.originalEndToEndId)
        .leaf('TxSts', t.status);
      writeReasons(w, t.reasons);
      w.leaf('AccptncDtTm', t.acceptanceDateTime).leaf('AcctSvcrRef', t.accountServicerRef).close('TxInfAndSts');
    }
    w.close('OrgnlPmtInfAndSts');
  }
  w.close('CstmrPmtStsRpt');
  return w.finish('Document');
}

function writeReasons(w: XmlWriter, reasons: readonly Pain002ReasonInput[] | undefined): void {
  for (const r of reasons ?? []) {
    w.open('StsRsnInf');
    if (r.code !== undefined || r.proprietary !== undefined)
      w.open('Rsn')
        .leaf('Cd', r.code)
        .leaf('Prtry', r.code === undefined ? r.proprietary : undefined)
        .close('Rsn');
    if (r.additionalInfo !== undefined) w.leaf('AddtlInf', toBankText(r.additionalInfo));
    w.close('StsRsnInf');
  }
}

/** True when an id would pass the builders' identifier checks. */
export const isValidId = (s: string): boolean => s.length > 0 && s.length <= 35 && ID_CHARS.test(s);
