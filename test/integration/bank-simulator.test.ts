/**
 * The local bank simulator end to end over HTTP: pain.001 files built with the project's buildPain001, pain.002
 * answers and signed callbacks read with parsePain002, statements and notifications read with parseCamt053/054,
 * and the injected faults. The bank's clock is pinned (and moved forward for the return scenario).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  collectStatements,
  parseCamt053,
  parseCamt054,
  type StatementEntry,
  type StatementEvent,
  type StatementHeader,
} from '../../functions/iso20022/camt.js';
import { buildPain001, type Pain001Transaction } from '../../functions/iso20022/pain001.js';
import { type Pain002Report, parsePain002 } from '../../functions/iso20022/pain002.js';
import { type BankSimulator, bankDate, startBankSimulator } from '../../infra/local/bank-simulator/simulator.js';

const SECRET = 'test-callback-secret';
const DEBTOR_ACCOUNT = '1234567890123';
const START = Date.parse('2026-03-02T02:00:00Z'); // 09:00 in Vietnam
const DAY1 = bankDate(START);
const OPENING = 10_000_000_000_000n;

interface Callback {
  body: string;
  signatureValid: boolean;
  report: Pain002Report;
}

let bank: BankSimulator;
let receiver: Server;
const callbacks: Callback[] = [];
let failNextCallbacks = 0;

function verify(body: string, header: string | undefined, timestamp: string | undefined): boolean {
  if (!header?.startsWith('sha256=') || !timestamp) return false;
  const expected = createHmac('sha256', SECRET).update(`${timestamp}.${body}`, 'utf8').digest();
  const got = Buffer.from(header.slice(7), 'hex');
  return got.length === expected.length && timingSafeEqual(got, expected);
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (failNextCallbacks > 0) {
        failNextCallbacks--;
        res.writeHead(500);
        res.end();
        return;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      const signatureValid = verify(
        body,
        req.headers['x-bank-signature'] as string | undefined,
        req.headers['x-bank-timestamp'] as string | undefined,
      );
      parsePain002(body).then(
        (report) => {
          callbacks.push({ body, signatureValid, report });
          res.writeHead(204);
          res.end();
        },
        () => {
          res.writeHead(400);
          res.end();
        },
      );
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const { port } = receiver.address() as AddressInfo;
  bank = await startBankSimulator({
    port: 0,
    callbackUrl: `http://127.0.0.1:${port}/v1/bank/callbacks`,
    callbackSecret: SECRET,
    processingDelayMs: 20,
    callbackRetryBaseMs: 10,
    now: () => new Date(START),
  });
});

afterAll(async () => {
  await bank?.stop();
  await new Promise<void>((resolve) => {
    receiver?.close(() => resolve());
    receiver?.closeAllConnections();
  });
});

beforeEach(() => {
  bank.setFaults({ reset: true });
});

const tx = (e2e: string, bin: string, account: string, amountVnd: number): Pain001Transaction => ({
  instructionId: `I-${e2e}`,
  endToEndId: e2e,
  amountVnd,
  requestedExecutionDate: DAY1,
  creditor: { name: 'Nguyễn Thị Đào', accountId: account, napasBin: bin },
  remittanceInformation: 'Trợ cấp xã hội tháng 3/2026',
});

const pain001 = (messageId: string, txs: Pain001Transaction[]): string =>
  buildPain001({
    messageId,
    createdAt: '2026-03-02T08:00:00+07:00',
    debtor: { name: 'UBND Xã An Bình', accountId: DEBTOR_ACCOUNT, agent: { napasBin: '970405' } },
    batchBooking: true,
    transactions: txs,
  });

async function submit(xml: string, signal?: AbortSignal): Promise<Response> {
  return fetch(`${bank.url}/iso20022/pain.001`, {
    method: 'POST',
    headers: { 'content-type': 'application/xml' },
    body: xml,
    ...(signal ? { signal } : {}),
  });
}

const callbacksOf = (msgId: string): Callback[] => callbacks.filter((c) => c.report.originalMsgId === msgId);
const statusesOf = (c: Callback): Record<string, string> =>
  Object.fromEntries(
    c.report.transactions.map((t) => [t.originalEndToEndId, t.status + (t.reasonCode ? `:${t.reasonCode}` : '')]),
  );

/** Every settled transaction (e2e → amount), to check the statement against. */
const settled = new Map<string, number>();

const M1 = 'ANSINH-2026-03-XA001';
const m1Txs = [
  tx('E2E-OPEN-1', '970436', '0011001234', 1_500_000),
  tx('E2E-OPEN-2', '970415', '0022002345', 2_250_000),
  tx('E2E-CLOSED', '970418', '0033003456', 1_000_000),
  tx('E2E-DECEASED', '970405', '0044004567', 750_000),
  tx('E2E-UNKNOWN', '970422', '0055005678', 500_000),
];

describe('pain.001 submission and processing', () => {
  it('answers 202 to a new file and 409 DU01 to a repeated MsgId, telling whether the content is identical', async () => {
    bank.accounts.set('970418', '0033003456', { status: 'CLOSED' });
    bank.accounts.set('970405', '0044004567', { status: 'OPEN', holderDeceased: true });
    const put = await fetch(`${bank.url}/control/accounts/970422/0055005678`, {
      method: 'PUT',
      body: JSON.stringify({ status: 'UNKNOWN' }),
    });
    expect(put.status).toBe(200);

    const xml = pain001(M1, m1Txs);
    const res = await submit(xml);
    expect(res.status).toBe(202);
    const receipt = await parsePain002(await res.text());
    expect(receipt.originalMsgId).toBe(M1);
    expect(receipt.groupStatus).toBe('ACTC');
    expect(receipt.originalNbOfTxs).toBe(5);

    const again = await submit(xml);
    expect(again.status).toBe(409);
    expect(again.headers.get('x-duplicate-identical')).toBe('true');
    const dup = await parsePain002(await again.text());
    expect(dup.groupStatus).toBe('RJCT');
    expect(dup.groupReasons[0]?.code).toBe('DU01');
    expect(dup.originalMsgId).toBe(M1);

    const altered = pain001(M1, [...m1Txs.slice(0, 4), tx('E2E-OTHER', '970436', '0099009999', 42_000)]);
    const changed = await submit(altered);
    expect(changed.status).toBe(409);
    expect(changed.headers.get('x-duplicate-identical')).toBe('false');
    expect((await parsePain002(await changed.text())).groupReasons[0]?.code).toBe('DU01');
    expect(bank.stats.duplicatesRejected).toBe(2);
    expect(bank.stats.messagesReceived).toBe(1);
  });

  it('sends signed callbacks: ACSP then ACSC for good accounts, RJCT AC04 / MD07 / AC01 for the others', async () => {
    await bank.idle();
    const cbs = callbacksOf(M1);
    expect(cbs).toHaveLength(2);
    expect(cbs.every((c) => c.signatureValid)).toBe(true);
    expect(statusesOf(cbs[0] as Callback)).toEqual({
      'E2E-OPEN-1': 'ACSP',
      'E2E-OPEN-2': 'ACSP',
      'E2E-CLOSED': 'RJCT:AC04',
      'E2E-DECEASED': 'RJCT:MD07',
      'E2E-UNKNOWN': 'RJCT:AC01',
    });
    expect(cbs[0]?.report.groupStatus).toBe('PART');
    expect(statusesOf(cbs[1] as Callback)).toEqual({ 'E2E-OPEN-1': 'ACSC', 'E2E-OPEN-2': 'ACSC' });
    expect(cbs[1]?.report.transactions[0]?.originalPaymentInfoId).toBe(`${M1}-${DAY1.replace(/-/g, '')}`);
    settled.set('E2E-OPEN-1', 1_500_000).set('E2E-OPEN-2', 2_250_000);
    expect(bank.stats).toMatchObject({ settled: 2, rejected: 3 });
  });

  it('answers the latest status of a payment by EndToEndId, and 404 for one it never received', async () => {
    const ok = await fetch(`${bank.url}/iso20022/payments/E2E-OPEN-1`);
    expect(ok.status).toBe(200);
    const r = await parsePain002(await ok.text());
    expect(r.originalMsgId).toBe(M1);
    expect(r.transactions).toHaveLength(1);
    expect(r.transactions[0]).toMatchObject({ originalEndToEndId: 'E2E-OPEN-1', status: 'ACSC' });

    const closed = await parsePain002(await (await fetch(`${bank.url}/iso20022/payments/E2E-CLOSED`)).text());
    expect(closed.transactions[0]).toMatchObject({ status: 'RJCT', reasonCode: 'AC04' });

    expect((await fetch(`${bank.url}/iso20022/payments/E2E-NEVER-SENT`)).status).toBe(404);
  });

  it('answers the status of a whole message (or one PmtInf) as one pain.002, and 404 for one it never received', async () => {
    const before = bank.stats.messageQueries;
    const res = await fetch(`${bank.url}/iso20022/messages/${encodeURIComponent(M1)}`);
    expect(res.status).toBe(200);
    const r = await parsePain002(await res.text());
    expect(r.originalMsgId).toBe(M1);
    expect(r.groupStatus).toBe('PART');
    expect(Object.fromEntries(r.transactions.map((t) => [t.originalEndToEndId, t.status]))).toEqual({
      'E2E-OPEN-1': 'ACSC',
      'E2E-OPEN-2': 'ACSC',
      'E2E-CLOSED': 'RJCT',
      'E2E-DECEASED': 'RJCT',
      'E2E-UNKNOWN': 'RJCT',
    });
    const block = r.transactions[0]?.originalPaymentInfoId as string;
    expect(r.paymentInfoStatuses.map((p) => [p.originalPaymentInfoId, p.status])).toEqual([[block, 'PART']]);

    const one = await fetch(`${bank.url}/iso20022/messages/${encodeURIComponent(M1)}?pmtInfId=${block}`);
    expect((await parsePain002(await one.text())).transactions).toHaveLength(5);
    expect((await fetch(`${bank.url}/iso20022/messages/${encodeURIComponent(M1)}?pmtInfId=NOPE`)).status).toBe(404);
    expect((await fetch(`${bank.url}/iso20022/messages/ANSINH-NEVER-SENT`)).status).toBe(404);
    expect((await fetch(`${bank.url}/iso20022/messages/${M1}`, { method: 'POST' })).status).toBe(405);
    expect(bank.stats.messageQueries - before).toBe(4);
  });

  it('refuses malformed or inconsistent files with 400 and a pain.002 RJCT reason', async () => {
    const good = pain001('ANSINH-BAD-1', [tx('E2E-B1', '970436', '1', 1000), tx('E2E-B2', '970436', '2', 2000)]);
    const cases: [string, string][] = [
      [good.replace('<NbOfTxs>2</NbOfTxs>', '<NbOfTxs>3</NbOfTxs>'), 'AM18'],
      [good.replace('<CtrlSum>3000</CtrlSum>', '<CtrlSum>3500</CtrlSum>'), 'AM10'],
      [
        good
          .replace('>1000</InstdAmt>', '>1000.50</InstdAmt>')
          .replace(/<CtrlSum>3000<\/CtrlSum>/g, '<CtrlSum>3000.50</CtrlSum>'),
        'AM12',
      ],
      [good.replace('Ccy="VND">1000<', 'Ccy="EUR">1000<'), 'AM03'],
      [
        good
          .replace('>1000</InstdAmt>', '>0</InstdAmt>')
          .replace(/<CtrlSum>3000<\/CtrlSum>/g, '<CtrlSum>2000</CtrlSum>'),
        'AM01',
      ],
      [
        good.replace('<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>'),
        'FF01',
      ],
      [good.slice(0, good.length - 40), 'FF01'],
    ];
    for (const [xml, code] of cases) {
      const res = await submit(xml);
      expect(res.status).toBe(400);
      expect(res.headers.get('x-reject-reason')).toBe(code);
      const r = await parsePain002(await res.text());
      expect(r.groupStatus).toBe('RJCT');
      expect(r.groupReasons[0]?.code).toBe(code);
    }
    // a refused file is not kept: the corrected file with the same MsgId is accepted
    expect((await submit(good)).status).toBe(202);
    await bank.idle();
    settled.set('E2E-B1', 1000).set('E2E-B2', 2000);
  });
});

describe('faults', () => {
  it('duplicateCallbacks delivers every callback twice, identically signed', async () => {
    bank.setFaults({ duplicateCallbacks: true });
    await submit(pain001('ANSINH-DUPCB', [tx('E2E-DC-1', '970436', '0101', 10_000)]));
    await bank.idle();
    const cbs = callbacksOf('ANSINH-DUPCB');
    expect(cbs.map((c) => statusesOf(c)['E2E-DC-1'])).toEqual(['ACSP', 'ACSP', 'ACSC', 'ACSC']);
    expect(cbs[0]?.body).toBe(cbs[1]?.body);
    expect(cbs[2]?.body).toBe(cbs[3]?.body);
    expect(cbs.every((c) => c.signatureValid)).toBe(true);
    settled.set('E2E-DC-1', 10_000);
  });

  it('outOfOrderCallbacks sends ACSC before ACSP', async () => {
    bank.setFaults({ outOfOrderCallbacks: true });
    await submit(pain001('ANSINH-OOO', [tx('E2E-OO-1', '970436', '0102', 20_000)]));
    await bank.idle();
    expect(callbacksOf('ANSINH-OOO').map((c) => statusesOf(c)['E2E-OO-1'])).toEqual(['ACSC', 'ACSP']);
    settled.set('E2E-OO-1', 20_000);
  });

  it('failNextSubmissions answers 503 without keeping the file; the retry is accepted', async () => {
    await fetch(`${bank.url}/control/faults`, { method: 'POST', body: JSON.stringify({ failNextSubmissions: 1 }) });
    const xml = pain001('ANSINH-503', [tx('E2E-503', '970436', '0103', 30_000)]);
    expect((await submit(xml)).status).toBe(503);
    expect((await submit(xml)).status).toBe(202);
    await bank.idle();
    expect(callbacksOf('ANSINH-503').map((c) => statusesOf(c)['E2E-503'])).toEqual(['ACSP', 'ACSC']);
    settled.set('E2E-503', 30_000);
  });

  it('timeoutNextSubmissions keeps the file but never answers; the resubmission gets 409 DU01', async () => {
    bank.setFaults({ timeoutNextSubmissions: 1 });
    const xml = pain001('ANSINH-TIMEOUT', [tx('E2E-TO-1', '970436', '0104', 40_000)]);
    await expect(submit(xml, AbortSignal.timeout(300))).rejects.toThrow();
    const again = await submit(xml);
    expect(again.status).toBe(409);
    expect(again.headers.get('x-duplicate-identical')).toBe('true');
    expect((await parsePain002(await again.text())).groupReasons[0]?.code).toBe('DU01');
    await bank.idle();
    // the bank did process it: query, never resend
    const q = await parsePain002(await (await fetch(`${bank.url}/iso20022/payments/E2E-TO-1`)).text());
    expect(q.transactions[0]?.status).toBe('ACSC');
    expect(bank.stats.submissionsHeld).toBe(1);
    settled.set('E2E-TO-1', 40_000);
  });

  it('retries failed callbacks with backoff, and dropCallbacks loses one on purpose', async () => {
    const failedBefore = bank.stats.callbacksFailed;
    failNextCallbacks = 2;
    await submit(pain001('ANSINH-RETRY', [tx('E2E-RT-1', '970436', '0105', 50_000)]));
    await bank.idle();
    expect(callbacksOf('ANSINH-RETRY').map((c) => statusesOf(c)['E2E-RT-1'])).toEqual(['ACSP', 'ACSC']);
    expect(bank.stats.callbacksFailed - failedBefore).toBe(2);

    bank.setFaults({ dropCallbacks: 1 });
    await submit(pain001('ANSINH-DROP', [tx('E2E-DR-1', '970436', '0106', 60_000)]));
    await bank.idle();
    expect(callbacksOf('ANSINH-DROP').map((c) => statusesOf(c)['E2E-DR-1'])).toEqual(['ACSC']);
    expect(bank.stats.callbacksDropped).toBe(1);
    settled.set('E2E-RT-1', 50_000).set('E2E-DR-1', 60_000);
  });

  it('a repeated EndToEndId in a new file is rejected DU04 and never pays twice', async () => {
    await submit(pain001('ANSINH-E2E-AGAIN', [tx('E2E-OPEN-1', '970436', '0011001234', 1_500_000)]));
    await bank.idle();
    expect(callbacksOf('ANSINH-E2E-AGAIN').map((c) => statusesOf(c)['E2E-OPEN-1'])).toEqual(['RJCT:DU04']);
    const q = await parsePain002(await (await fetch(`${bank.url}/iso20022/payments/E2E-OPEN-1`)).text());
    expect(q.originalMsgId).toBe(M1);
  });
});

async function camt053(date: string): Promise<{ xml: string; header: StatementHeader; entries: StatementEntry[] }> {
  const res = await fetch(`${bank.url}/iso20022/camt.053?date=${date}`);
  expect(res.status).toBe(200);
  const xml = await res.text();
  const events: StatementEvent[] = await collectStatements(parseCamt053(xml));
  const headers = events.filter((e): e is StatementHeader => e.type === 'header');
  expect(headers).toHaveLength(1);
  return {
    xml,
    header: headers[0] as StatementHeader,
    entries: events.filter((e): e is StatementEntry => e.type === 'entry'),
  };
}

describe('statements and returns', () => {
  it('camt.053 for the day books one debit per settled PmtInf, summing to the settled total', async () => {
    await bank.idle();
    const { header, entries } = await camt053(DAY1);
    expect(header.account.otherId).toBe(DEBTOR_ACCOUNT);
    expect(header.electronicSequenceNumber).toBe('1');
    expect(header.openingBalance?.amount.minor).toBe(OPENING);
    const total = [...settled.values()].reduce((s, a) => s + BigInt(a), 0n);
    expect(entries.every((e) => e.creditDebit === 'DBIT' && e.status === 'BOOK' && !e.reversal)).toBe(true);
    expect(entries.reduce((s, e) => s + e.amount.minor, 0n)).toBe(total);
    expect(header.closingBalance?.amount.minor).toBe(OPENING - total);
    const e2es: string[] = [];
    for (const e of entries) {
      expect(e.batches).toHaveLength(1);
      const b = e.batches[0];
      expect(b?.totalAmount?.minor).toBe(e.amount.minor);
      expect(b?.nbOfTxs).toBe(e.transactions.length);
      expect(b?.paymentInfoId).toBe(`${b?.messageId}-${DAY1.replace(/-/g, '')}`);
      for (const t of e.transactions) {
        expect(t.messageId).toBe(b?.messageId);
        expect(t.paymentInfoId).toBe(b?.paymentInfoId);
        e2es.push(t.endToEndId as string);
      }
      expect(e.transactions.reduce((s, t) => s + (t.amount?.minor ?? 0n), 0n)).toBe(e.amount.minor);
    }
    expect(e2es.sort()).toEqual([...settled.keys()].sort());
    const m1 = entries.find((e) => e.batches[0]?.messageId === M1);
    expect(m1?.amount.minor).toBe(3_750_000n);
  });

  it("a payment returned after settlement appears in camt.054 and as a CRDT reversal in the next day's camt.053", async () => {
    await fetch(`${bank.url}/control/faults`, {
      method: 'POST',
      body: JSON.stringify({ returnAfterSettlement: ['E2E-RETURNED'] }),
    });
    await submit(pain001('ANSINH-RETURN', [tx('E2E-RETURNED', '970436', '0107', 70_000)]));
    await bank.idle();
    expect(callbacksOf('ANSINH-RETURN').map((c) => statusesOf(c)['E2E-RETURNED'])).toEqual(['ACSP', 'ACSC']);
    expect(bank.stats.returned).toBe(0); // not before the next bank day

    const day1 = await camt053(DAY1);
    const clock = await fetch(`${bank.url}/control/clock`, {
      method: 'POST',
      body: JSON.stringify({ advanceMs: 86_400_000 }),
    });
    const { bankDate: day2 } = (await clock.json()) as { bankDate: string };
    expect(day2 > DAY1).toBe(true);
    expect(bank.stats.returned).toBe(1);

    const since = new Date(START + 86_400_000).toISOString();
    const res = await fetch(`${bank.url}/iso20022/camt.054?since=${encodeURIComponent(since)}`);
    expect(res.status).toBe(200);
    const notes = (await collectStatements(parseCamt054(await res.text()))).filter(
      (e): e is StatementEntry => e.type === 'entry',
    );
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ creditDebit: 'CRDT', reversal: true });
    expect(notes[0]?.amount.minor).toBe(70_000n);
    expect(notes[0]?.transactions[0]).toMatchObject({ endToEndId: 'E2E-RETURNED', returnReason: 'AC04' });

    // the first day's statement is now final and reproducible; the second continues it
    const final1 = await camt053(DAY1);
    expect((await camt053(DAY1)).xml).toBe(final1.xml);
    expect(final1.header.closingBalance?.amount.minor).toBe(day1.header.closingBalance?.amount.minor);
    const d2 = await camt053(day2);
    expect(d2.header.electronicSequenceNumber).toBe('2');
    expect(d2.header.openingBalance?.amount.minor).toBe(final1.header.closingBalance?.amount.minor);
    expect(d2.entries).toHaveLength(1);
    expect(d2.entries[0]).toMatchObject({ creditDebit: 'CRDT', reversal: true });
    expect(d2.entries[0]?.transactions[0]).toMatchObject({ endToEndId: 'E2E-RETURNED', returnReason: 'AC04' });
    expect(d2.header.closingBalance?.amount.minor).toBe((final1.header.closingBalance?.amount.minor ?? 0n) + 70_000n);

    const q = await fetch(`${bank.url}/iso20022/payments/E2E-RETURNED`);
    expect(q.headers.get('x-payment-returned')).toBe('true');
    expect((await parsePain002(await q.text())).transactions[0]?.status).toBe('ACSC');
    expect((await fetch(`${bank.url}/control/stats`)).status).toBe(200);
  });
});
