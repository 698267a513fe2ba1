/**
 * A pain.001 (Customer Credit Transfer Initiation, versions .001.03 to .001.09+) reader for the bank
 * simulator, on top of the project's streaming XML reader (functions/codecs/xml.ts): DOCTYPE
 * and ENTITY declarations are refused before anything is expanded, depth and text lengths are bounded.
 *
 * `readPain001` only extracts what the bank needs (elements matched by local name); `checkPain001` then applies
 * the bank's acceptance rules and answers ISO 20022 status reason codes (ExternalStatusReason1Code):
 *   FF01 invalid file format (not well-formed, DTD, not a pain.001, a mandatory element missing or malformed),
 *   AM18 NbOfTxs does not match the transactions (group or PmtInf),
 *   AM10 CtrlSum does not match the sum of the amounts (group or PmtInf),
 *   AM01 zero amount, AM12 invalid amount (e.g. VND with a non-zero fraction — never rounded),
 *   AM03 currency not allowed (only VND), DU02 / DU04 / DU05 duplicate PmtInfId / EndToEndId / InstrId
 *   inside the message.
 */

import { readXml, type XmlSink, type XmlSource } from '../../../functions/codecs/xml.js';
import { parseAmount } from '../../../functions/iso20022/amounts.js';
import { Iso20022Error, isoErrors } from '../../../functions/iso20022/errors.js';
import { ID_CHARS } from '../../../functions/iso20022/text.js';

export interface Pain001TxRaw {
  instructionId?: string;
  endToEndId?: string;
  amountText?: string;
  currency?: string;
  creditorAgentBin?: string;
  creditorAgentBic?: string;
  creditorName?: string;
  creditorAccountId?: string;
  remittanceInformation?: string;
}

export interface Pain001PmtInfRaw {
  paymentInfoId?: string;
  paymentMethod?: string;
  batchBooking?: string;
  nbOfTxs?: string;
  ctrlSum?: string;
  requestedExecutionDate?: string;
  debtorName?: string;
  debtorAccountId?: string;
  debtorAccountCurrency?: string;
  debtorAgentBin?: string;
  debtorAgentBic?: string;
  transactions: Pain001TxRaw[];
}

export interface Pain001Raw {
  /** e.g. "pain.001.001.09", from the namespace when present. */
  messageNameId?: string;
  messageId?: string;
  createdAt?: string;
  nbOfTxs?: string;
  ctrlSum?: string;
  initiatingPartyName?: string;
  paymentInfos: Pain001PmtInfRaw[];
}

/** A reason to refuse the whole message, with an ISO 20022 status reason code. */
export interface Pain001Refusal {
  code: string;
  /** English, ASCII, short (goes into StsRsnInf/AddtlInf, ≤ 105 characters). */
  info: string;
}

export class Pain001FormatError extends Error {
  constructor(
    readonly refusal: Pain001Refusal,
    readonly messageId?: string,
  ) {
    super(`${refusal.code}: ${refusal.info}`);
    this.name = 'Pain001FormatError';
  }
}

/** A validated transaction (amount as integer dong). */
export interface Pain001Tx {
  instructionId?: string;
  endToEndId: string;
  amount: bigint;
  creditorAgentBin?: string;
  creditorName?: string;
  creditorAccountId: string;
  remittanceInformation?: string;
}

export interface Pain001PmtInf {
  paymentInfoId: string;
  batchBooking?: boolean;
  requestedExecutionDate?: string;
  debtorName?: string;
  debtorAccountId: string;
  debtorAgentBin?: string;
  ctrlSum: bigint;
  transactions: Pain001Tx[];
}

export interface Pain001Message {
  messageNameId?: string;
  messageId: string;
  createdAt?: string;
  nbOfTxs: number;
  ctrlSum: bigint;
  paymentInfos: Pain001PmtInf[];
}

/** Most transactions accepted in one message (bounds the simulator's memory). */
export const MAX_PAIN001_TRANSACTIONS = 1_000_000;

/** Reads a pain.001 document; throws Pain001FormatError (FF01) for anything that is not a readable pain.001. */
export async function readPain001(source: XmlSource): Promise<Pain001Raw> {
  const path: string[] = [];
  const doc: Pain001Raw = { paymentInfos: [] };
  let pmtInf: Pain001PmtInfRaw | undefined;
  let tx: Pain001TxRaw | undefined;
  let count = 0;

  const sink: XmlSink = {
    open(name, attrs) {
      const d = path.length;
      path.push(name);
      if (d === 0) {
        if (name !== 'Document') throw new Pain001FormatError({ code: 'FF01', info: `root element ${cut(name)}` });
        const ns = attrs?.xmlns;
        const m = ns ? /(\w{4}\.\d{3}\.\d{3}\.\d{2})/.exec(ns) : null;
        if (m) {
          doc.messageNameId = m[1];
          if (!m[1]?.startsWith('pain.001.'))
            throw new Pain001FormatError({ code: 'FF01', info: `not a pain.001 (${m[1]})` });
        }
        return;
      }
      if (d === 1) {
        if (name !== 'CstmrCdtTrfInitn')
          throw new Pain001FormatError({ code: 'FF01', info: `expected CstmrCdtTrfInitn, found ${cut(name)}` });
        return;
      }
      if (d === 2 && name === 'PmtInf') {
        pmtInf = { transactions: [] };
        doc.paymentInfos.push(pmtInf);
      } else if (d === 3 && name === 'CdtTrfTxInf' && pmtInf) {
        if (++count > MAX_PAIN001_TRANSACTIONS)
          throw new Pain001FormatError({ code: 'FF01', info: `more than ${MAX_PAIN001_TRANSACTIONS} transactions` });
        tx = {};
        pmtInf.transactions.push(tx);
      } else if (tx && name === 'InstdAmt' && attrs?.Ccy !== undefined) {
        tx.currency = attrs.Ccy;
      }
    },
    close(_name, text) {
      const rel = path.slice(2).join('/');
      path.pop();
      const t = text.trim();
      if (tx) {
        if (rel === 'PmtInf/CdtTrfTxInf') {
          tx = undefined;
          return;
        }
        switch (rel.slice('PmtInf/CdtTrfTxInf/'.length)) {
          case 'PmtId/InstrId':
            tx.instructionId = t;
            break;
          case 'PmtId/EndToEndId':
            tx.endToEndId = t;
            break;
          case 'Amt/InstdAmt':
            tx.amountText = t;
            break;
          case 'CdtrAgt/FinInstnId/ClrSysMmbId/MmbId':
            tx.creditorAgentBin = t;
            break;
          case 'CdtrAgt/FinInstnId/BICFI':
          case 'CdtrAgt/FinInstnId/BIC':
            tx.creditorAgentBic = t;
            break;
          case 'Cdtr/Nm':
            tx.creditorName = t;
            break;
          case 'CdtrAcct/Id/Othr/Id':
          case 'CdtrAcct/Id/IBAN':
            tx.creditorAccountId = t;
            break;
          case 'RmtInf/Ustrd':
            tx.remittanceInformation = tx.remittanceInformation ? `${tx.remittanceInformation} ${t}` : t;
            break;
        }
        return;
      }
      if (pmtInf) {
        if (rel === 'PmtInf') {
          pmtInf = undefined;
          return;
        }
        switch (rel.slice('PmtInf/'.length)) {
          case 'PmtInfId':
            pmtInf.paymentInfoId = t;
            break;
          case 'PmtMtd':
            pmtInf.paymentMethod = t;
            break;
          case 'BtchBookg':
            pmtInf.batchBooking = t;
            break;
          case 'NbOfTxs':
            pmtInf.nbOfTxs = t;
            break;
          case 'CtrlSum':
            pmtInf.ctrlSum = t;
            break;
          case 'ReqdExctnDt':
          case 'ReqdExctnDt/Dt':
            if (t) pmtInf.requestedExecutionDate = t;
            break;
          case 'ReqdExctnDt/DtTm':
            pmtInf.requestedExecutionDate = t.slice(0, 10);
            break;
          case 'Dbtr/Nm':
            pmtInf.debtorName = t;
            break;
          case 'DbtrAcct/Id/Othr/Id':
          case 'DbtrAcct/Id/IBAN':
            pmtInf.debtorAccountId = t;
            break;
          case 'DbtrAcct/Ccy':
            pmtInf.debtorAccountCurrency = t;
            break;
          case 'DbtrAgt/FinInstnId/ClrSysMmbId/MmbId':
            pmtInf.debtorAgentBin = t;
            break;
          case 'DbtrAgt/FinInstnId/BICFI':
          case 'DbtrAgt/FinInstnId/BIC':
            pmtInf.debtorAgentBic = t;
            break;
        }
        return;
      }
      switch (rel) {
        case 'GrpHdr/MsgId':
          doc.messageId = t;
          break;
        case 'GrpHdr/CreDtTm':
          doc.createdAt = t;
          break;
        case 'GrpHdr/NbOfTxs':
          doc.nbOfTxs = t;
          break;
        case 'GrpHdr/CtrlSum':
          doc.ctrlSum = t;
          break;
        case 'GrpHdr/InitgPty/Nm':
          doc.initiatingPartyName = t;
          break;
      }
    },
  };

  try {
    for await (const _ of readXml(source, sink, {}, isoErrors)) {
      // the sink fills `doc`
    }
  } catch (e) {
    if (e instanceof Pain001FormatError) throw new Pain001FormatError(e.refusal, doc.messageId);
    if (e instanceof Iso20022Error)
      throw new Pain001FormatError({ code: 'FF01', info: `${e.code} ${cut(e.text.en, 80)}` }, doc.messageId);
    throw e;
  }
  return doc;
}

const cut = (s: string, n = 40): string => (s.length > n ? `${s.slice(0, n)}...` : s);
const isId = (s: string | undefined, max = 35): s is string =>
  s !== undefined && s.length > 0 && s.length <= max && ID_CHARS.test(s);
const ACCOUNT = /^[A-Za-z0-9]{1,34}$/;
const COUNT = /^\d{1,15}$/;

/**
 * Applies the bank's acceptance rules. Returns the message, or every refusal found (the first is the main
 * one; the list is capped at 20).
 */
export function checkPain001(
  raw: Pain001Raw,
): { ok: true; message: Pain001Message } | { ok: false; refusals: Pain001Refusal[] } {
  const out: Pain001Refusal[] = [];
  const refuse = (code: string, info: string) => {
    if (out.length < 20) out.push({ code, info: cut(info, 100) });
  };
  if (!isId(raw.messageId))
    refuse('FF01', raw.messageId ? 'GrpHdr/MsgId is not a valid Max35Text id' : 'GrpHdr/MsgId missing');
  if (raw.nbOfTxs === undefined || !COUNT.test(raw.nbOfTxs)) refuse('FF01', 'GrpHdr/NbOfTxs missing or not a number');
  if (raw.paymentInfos.length === 0) refuse('FF01', 'no PmtInf');

  const vnd = (text: string | undefined, what: string, allowZero: boolean): bigint | undefined => {
    if (text === undefined || text === '') {
      refuse('FF01', `${what} missing`);
      return undefined;
    }
    try {
      const m = parseAmount(text, 'VND');
      if (m.minor === 0n && !allowZero) {
        refuse('AM01', `${what} is zero`);
        return undefined;
      }
      return m.minor;
    } catch (e) {
      if (e instanceof Iso20022Error && e.code === 'AMOUNT_DECIMALS_VND') refuse('AM12', `${what} has VND decimals`);
      else refuse('AM12', `${what} is not a valid amount`);
      return undefined;
    }
  };

  const pmtInfIds = new Set<string>();
  const e2eIds = new Set<string>();
  const instrIds = new Set<string>();
  const paymentInfos: Pain001PmtInf[] = [];
  let total = 0n;
  let txCount = 0;
  let amountsOk = true;
  raw.paymentInfos.forEach((pi, i) => {
    const at = `PmtInf ${i + 1}`;
    if (!isId(pi.paymentInfoId)) refuse('FF01', `${at}: PmtInfId missing or invalid`);
    else if (pmtInfIds.has(pi.paymentInfoId)) refuse('DU02', `${at}: duplicate PmtInfId`);
    else pmtInfIds.add(pi.paymentInfoId);
    if (pi.paymentMethod !== undefined && pi.paymentMethod !== 'TRF') refuse('FF01', `${at}: PmtMtd must be TRF`);
    if (pi.batchBooking !== undefined && !/^(true|false|1|0)$/.test(pi.batchBooking))
      refuse('FF01', `${at}: BtchBookg is not a boolean`);
    if (pi.debtorAccountId === undefined || !ACCOUNT.test(pi.debtorAccountId))
      refuse('FF01', `${at}: DbtrAcct/Id missing or invalid`);
    if (pi.debtorAccountCurrency !== undefined && pi.debtorAccountCurrency !== 'VND')
      refuse('AM03', `${at}: DbtrAcct/Ccy must be VND`);
    if (pi.transactions.length === 0) refuse('FF01', `${at}: no CdtTrfTxInf`);
    let sum = 0n;
    const txs: Pain001Tx[] = [];
    pi.transactions.forEach((t, j) => {
      const tat = `${at} tx ${j + 1}`;
      txCount++;
      if (!isId(t.endToEndId)) refuse('FF01', `${tat}: EndToEndId missing or invalid`);
      else if (e2eIds.has(t.endToEndId)) refuse('DU04', `${tat}: duplicate EndToEndId`);
      else e2eIds.add(t.endToEndId);
      if (t.instructionId !== undefined) {
        if (!isId(t.instructionId)) refuse('FF01', `${tat}: InstrId invalid`);
        else if (instrIds.has(t.instructionId)) refuse('DU05', `${tat}: duplicate InstrId`);
        else instrIds.add(t.instructionId);
      }
      if (t.currency !== 'VND') {
        refuse('AM03', `${tat}: currency ${cut(t.currency ?? 'missing', 5)} not allowed, only VND`);
        amountsOk = false;
      }
      const a = t.currency === 'VND' ? vnd(t.amountText, `${tat}: InstdAmt`, false) : undefined;
      if (a === undefined) amountsOk = false;
      else sum += a;
      if (t.creditorAccountId === undefined || !/^[A-Za-z0-9]{1,34}$/.test(t.creditorAccountId))
        refuse('FF01', `${tat}: CdtrAcct/Id missing or invalid`);
      if (t.creditorAgentBin === undefined && t.creditorAgentBic === undefined)
        refuse('FF01', `${tat}: CdtrAgt missing`);
      if (a !== undefined && isId(t.endToEndId) && t.creditorAccountId !== undefined) {
        const tx: Pain001Tx = { endToEndId: t.endToEndId, amount: a, creditorAccountId: t.creditorAccountId };
        if (t.instructionId !== undefined) tx.instructionId = t.instructionId;
        if (t.creditorAgentBin !== undefined) tx.creditorAgentBin = t.creditorAgentBin;
        if (t.creditorName !== undefined) tx.creditorName = t.creditorName;
        if (t.remittanceInformation !== undefined) tx.remittanceInformation = t.remittanceInformation;
        txs.push(tx);
      }
    });
    if (pi.nbOfTxs !== undefined && (!COUNT.test(pi.nbOfTxs) || Number(pi.nbOfTxs) !== pi.transactions.length))
      refuse('AM18', `${at}: NbOfTxs ${cut(pi.nbOfTxs, 15)} but ${pi.transactions.length} transactions`);
    let ctrl = sum;
    if (pi.ctrlSum !== undefined) {
      const c = vnd(pi.ctrlSum, `${at}: CtrlSum`, true);
      if (c !== undefined && amountsOk && c !== sum) refuse('AM10', `${at}: CtrlSum ${c} but amounts sum to ${sum}`);
      if (c !== undefined) ctrl = c;
    }
    total += sum;
    if (pi.paymentInfoId !== undefined && pi.debtorAccountId !== undefined) {
      const p: Pain001PmtInf = {
        paymentInfoId: pi.paymentInfoId,
        debtorAccountId: pi.debtorAccountId,
        ctrlSum: ctrl,
        transactions: txs,
      };
      if (pi.batchBooking !== undefined) p.batchBooking = pi.batchBooking === 'true' || pi.batchBooking === '1';
      if (pi.requestedExecutionDate !== undefined) p.requestedExecutionDate = pi.requestedExecutionDate;
      if (pi.debtorName !== undefined) p.debtorName = pi.debtorName;
      if (pi.debtorAgentBin !== undefined) p.debtorAgentBin = pi.debtorAgentBin;
      paymentInfos.push(p);
    }
  });
  if (raw.nbOfTxs !== undefined && COUNT.test(raw.nbOfTxs) && Number(raw.nbOfTxs) !== txCount)
    refuse('AM18', `GrpHdr/NbOfTxs ${raw.nbOfTxs} but ${txCount} transactions`);
  let ctrlSum = total;
  if (raw.ctrlSum !== undefined) {
    const c = vnd(raw.ctrlSum, 'GrpHdr/CtrlSum', true);
    if (c !== undefined && amountsOk && c !== total) refuse('AM10', `GrpHdr/CtrlSum ${c} but amounts sum to ${total}`);
    if (c !== undefined) ctrlSum = c;
  }
  if (out.length > 0) return { ok: false, refusals: out };
  const message: Pain001Message = {
    messageId: raw.messageId as string,
    nbOfTxs: txCount,
    ctrlSum,
    paymentInfos,
  };
  if (raw.messageNameId !== undefined) message.messageNameId = raw.messageNameId;
  if (raw.createdAt !== undefined) message.createdAt = raw.createdAt;
  return { ok: true, message };
}
