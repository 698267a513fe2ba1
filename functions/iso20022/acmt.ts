/**
 * ISO 20022 account verification: acmt.023 IdentificationVerificationRequest (we ask the holder's bank
 * whether an account exists and is held by the named person) and acmt.024 IdentificationVerificationReport
 * (its answer: verified or not, with a reason — AC01 unknown account, AC04 closed, BE01 the name does not
 * match — and the holder's name as the bank holds it, so a close name can be judged by our own name rules).
 * Only the elements we use are written and read; XML with a DTD or entities is refused by the reader.
 */

import { readXml, type XmlSource } from '../codecs/xml.js';
import { isoErrors } from './errors.js';
import { XmlWriter } from './text.js';

export const ACMT023_NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:acmt.023.001.03';
export const ACMT024_NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:acmt.024.001.03';

export interface VerificationRequest {
  msgId: string;
  createdAt: string;
  /** The verification's own id (OrgnlId in the report). */
  id: string;
  /** The person's name as the population registry holds it (Unicode): the bank compares it with its own. */
  holderName: string;
  bankBin: string;
  accountNumber: string;
}

/** Reason codes an acmt.024 carries when the verification fails. */
export type VerificationReason = 'AC01' | 'AC04' | 'BE01';

export interface VerificationReport {
  msgId: string;
  originalMsgId: string;
  id: string;
  verified: boolean;
  reason?: VerificationReason;
  /** The holder's name as the bank holds it (UpdtdPtyAndAcctId), when the account exists. */
  holderName?: string;
}

export function buildAcmt023(r: VerificationRequest): string {
  const w = new XmlWriter('Document', ACMT023_NAMESPACE);
  w.open('IdVrfctnReq');
  w.open('Assgnmt').leaf('MsgId', r.msgId).leaf('CreDtTm', r.createdAt).close('Assgnmt');
  w.open('Vrfctn').leaf('Id', r.id).open('PtyAndAcctId');
  w.open('Pty').leaf('Nm', r.holderName.normalize('NFC')).close('Pty');
  w.open('Acct').open('Othr').leaf('Id', r.accountNumber).close('Othr').close('Acct');
  w.open('Agt').open('FinInstnId').open('ClrSysMmbId').leaf('MmbId', r.bankBin).close('ClrSysMmbId');
  w.close('FinInstnId').close('Agt');
  w.close('PtyAndAcctId').close('Vrfctn');
  w.close('IdVrfctnReq');
  return w.finish('Document');
}

export function buildAcmt024(r: VerificationReport): string {
  const w = new XmlWriter('Document', ACMT024_NAMESPACE);
  w.open('IdVrfctnRpt');
  w.open('Assgnmt').leaf('MsgId', r.msgId).close('Assgnmt');
  w.open('OrgnlAssgnmt').leaf('MsgId', r.originalMsgId).close('OrgnlAssgnmt');
  w.open('Rpt').leaf('OrgnlId', r.id).leaf('Vrfctn', String(r.verified));
  if (r.reason) w.open('Rsn').leaf('Cd', r.reason).close('Rsn');
  if (r.holderName)
    w.open('UpdtdPtyAndAcctId').open('Pty').leaf('Nm', r.holderName).close('Pty').close('UpdtdPtyAndAcctId');
  w.close('Rpt').close('IdVrfctnRpt');
  return w.finish('Document');
}

/** Leaf texts by their element path below the root (`IdVrfctnReq/Assgnmt/MsgId`), and the root's name. */
async function leaves(source: XmlSource): Promise<{ root: string; at: Map<string, string> }> {
  const path: string[] = [];
  const at = new Map<string, string>();
  let root = '';
  const sink = {
    open(name: string) {
      if (!root) root = name;
      path.push(name);
    },
    close(_name: string, text: string) {
      if (text) at.set(path.slice(1).join('/'), text);
      path.pop();
    },
  };
  for await (const _ of readXml(source, sink, { maxTextLength: 4096 }, isoErrors)) {
    // the sink collects
  }
  return { root, at };
}

function need(at: Map<string, string>, path: string): string {
  const v = at.get(path);
  if (!v) throw isoErrors.missing(path);
  return v;
}

export async function parseAcmt023(source: XmlSource): Promise<VerificationRequest> {
  const { at } = await leaves(source);
  if (!at.has('IdVrfctnReq/Assgnmt/MsgId')) throw isoErrors.unsupported('unknown', 'acmt.023');
  const p = 'IdVrfctnReq/Vrfctn/PtyAndAcctId';
  return {
    msgId: need(at, 'IdVrfctnReq/Assgnmt/MsgId'),
    createdAt: need(at, 'IdVrfctnReq/Assgnmt/CreDtTm'),
    id: need(at, 'IdVrfctnReq/Vrfctn/Id'),
    holderName: need(at, `${p}/Pty/Nm`),
    accountNumber: need(at, `${p}/Acct/Othr/Id`),
    bankBin: need(at, `${p}/Agt/FinInstnId/ClrSysMmbId/MmbId`),
  };
}

export async function parseAcmt024(source: XmlSource): Promise<VerificationReport> {
  const { at } = await leaves(source);
  if (!at.has('IdVrfctnRpt/Assgnmt/MsgId')) throw isoErrors.unsupported('unknown', 'acmt.024');
  const verified = need(at, 'IdVrfctnRpt/Rpt/Vrfctn');
  if (verified !== 'true' && verified !== 'false') throw isoErrors.missing('IdVrfctnRpt/Rpt/Vrfctn');
  const reason = at.get('IdVrfctnRpt/Rpt/Rsn/Cd');
  const holderName = at.get('IdVrfctnRpt/Rpt/UpdtdPtyAndAcctId/Pty/Nm');
  return {
    msgId: need(at, 'IdVrfctnRpt/Assgnmt/MsgId'),
    originalMsgId: need(at, 'IdVrfctnRpt/OrgnlAssgnmt/MsgId'),
    id: need(at, 'IdVrfctnRpt/Rpt/OrgnlId'),
    verified: verified === 'true',
    ...(reason === 'AC01' || reason === 'AC04' || reason === 'BE01' ? { reason } : {}),
    ...(holderName ? { holderName } : {}),
  };
}
