/**
 * Gathers one payment's trail from the tables that each own a part of it (read only): the ledger, the
 * account and its audit, the enrolling list and row, the cycle and its audit, the pain.001 batch, the
 * reconciliation marks, the case and the notifications. Every read is by key: a trace is a few dozen reads.
 */
import { accountAudit, enrolmentOf, getAccountOfPerson } from '../accounts/account-store.js';
import { getRow } from '../beneficiary-lists/list-store.js';
import { caseIdFor } from '../cases/case-model.js';
import { getCase } from '../cases/case-store.js';
import { auditTrail, getCycle } from '../disbursement-cycles/cycle-store.js';
import { getJob } from '../jobs/job-store.js';
import { messagesOf } from '../notifications/outbox-store.js';
import { entries, getBatchRecord, getPayment } from '../payment-ledger/ledger-store.js';
import { markOf } from '../reconciliation/reconciliation-store.js';
import { readObject } from '../shared/objects.js';
import type { StoredItem, TraceInput } from './trace-model.js';

/** A record as the trace model reads it: any owner's item, attribute by attribute. */
const asTraced = <T>(item: T | undefined) => item as StoredItem | undefined;

/** The batch (pain.001) that carried the payment: its MsgId from the ledger, its PmtInfId from the stored file. */
async function batchOf(msgId: string | undefined) {
  if (!msgId) return undefined;
  const batch = await getBatchRecord(msgId);
  if (!batch) return { msgId };
  let xml = '';
  for await (const chunk of readObject(String(batch.xmlKey))) {
    xml += Buffer.from(chunk).toString('utf8');
    if (xml.includes('</PmtInfId>')) break;
  }
  const paymentInfoId = /<PmtInfId>([^<]{1,35})<\/PmtInfId>/.exec(xml)?.[1];
  return { msgId, chunk: Number(batch.chunk), ...(paymentInfoId ? { paymentInfoId } : {}) };
}

export async function readTrace(paymentId: string): Promise<TraceInput | undefined> {
  const payment = await getPayment(paymentId);
  if (!payment) return undefined;
  const [list, account, cycle] = await Promise.all([
    entries(paymentId),
    getAccountOfPerson(payment.personId),
    getCycle(payment.cycleId),
  ]);
  const enrolment = asTraced(await enrolmentOf(payment.personId, payment.programme));
  const msgId = list.map((e) => e.detail?.msgId).find((m): m is string => typeof m === 'string' && m.startsWith('M'));
  const caseRecord = await getCase(caseIdFor(payment.programme, payment.period, payment.personId));
  const [jobList, listRow, batch, booking, returnBooking, audit, cycleAudit, notes] = await Promise.all([
    enrolment ? getJob(String(enrolment.listId)) : undefined,
    enrolment ? getRow(String(enrolment.listId), Number(enrolment.line)).then(asTraced) : undefined,
    batchOf(msgId),
    markOf('BOOK', paymentId).then(asTraced),
    markOf('RETURN', paymentId).then(asTraced),
    accountAudit(payment.personId) as Promise<StoredItem[]>,
    cycle ? auditTrail(cycle.cycleId) : [],
    messagesOf(payment.personId),
  ]);
  return {
    paymentId,
    payment: payment as unknown as StoredItem,
    entries: list as unknown as StoredItem[],
    ...(account ? { account: account as unknown as StoredItem } : {}),
    accountAudit: audit,
    ...(enrolment ? { enrolment } : {}),
    ...(jobList ? { list: jobList as unknown as StoredItem } : {}),
    ...(listRow ? { listRow } : {}),
    ...(cycle ? { cycle: cycle as unknown as StoredItem } : {}),
    cycleAudit,
    ...(batch ? { batch } : {}),
    ...(booking ? { booking } : {}),
    ...(returnBooking ? { returnBooking } : {}),
    ...(caseRecord ? { caseRecord: caseRecord as unknown as StoredItem } : {}),
    // This payment's messages, and its case's (a re-issue's trace shows what the person was told).
    notifications: notes.filter(
      (n) => n.paymentId === paymentId || (caseRecord !== undefined && n.caseId === caseRecord.caseId),
    ) as unknown as StoredItem[],
  };
}
