/**
 * A pain.002 is read for the ledger in exactly one place (payment-ledger/status-report.ts), whichever way it
 * came: the bank's callback (status worker → applyStatusReport), an officer's import (reconcile worker, applied
 * on confirmation), the bank's answer to a status query about a whole message at the cut-off (cut-off worker).
 * Each path, fed a whole file rejected (GrpSts RJCT, no transaction listed) and a DU01 answer to our
 * resubmission, decides the same.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { parsePain002 } from '../../../functions/iso20022/pain002.js';
import type { PaymentState } from '../../../functions/payment-ledger/payment-state.js';
import { reportedStatuses, statusesByPayment } from '../../../functions/payment-ledger/status-report.js';
import { decideReportedStatuses } from '../../../functions/reconciliation/status-findings.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MSG = 'MABCDEFGHIJKLMNOPQRSTUVWX';
const ours = { msgId: MSG, paymentIds: ['P1', 'P2', 'P3'] };

const pain002 = (group: string) => `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03">
 <CstmrPmtStsRpt>
  <GrpHdr><MsgId>ST-1</MsgId><CreDtTm>2026-02-03T10:00:00</CreDtTm></GrpHdr>
  <OrgnlGrpInfAndSts><OrgnlMsgId>${MSG}</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.03</OrgnlMsgNmId>${group}</OrgnlGrpInfAndSts>
 </CstmrPmtStsRpt>
</Document>`;
const wholeFileRejected = () =>
  parsePain002(pain002('<GrpSts>RJCT</GrpSts><StsRsnInf><Rsn><Cd>AM04</Cd></Rsn></StsRsnInf>'));
const duplicateFile = () =>
  parsePain002(pain002('<GrpSts>RJCT</GrpSts><StsRsnInf><Rsn><Cd>DU01</Cd></Rsn></StsRsnInf>'));

/** The ledger as the import finds it: the message's payments sent and accepted. */
const ledger = new Map<string, PaymentState>([
  ['P1', 'SENT'],
  ['P2', 'ACCEPTED'],
  ['P3', 'SENT'],
]);

describe('the callback path (status worker → applyStatusReport)', () => {
  it('a whole file rejected moves every payment of our message to REJECTED, with the reason', async () => {
    const { statuses, unplaced } = reportedStatuses(await wholeFileRejected(), ours);
    expect(unplaced).toEqual([]);
    expect(statuses.map((s) => [s.paymentId, s.wanted, s.reason, s.source])).toEqual([
      ['P1', 'REJECTED', 'AM04', 'group'],
      ['P2', 'REJECTED', 'AM04', 'group'],
      ['P3', 'REJECTED', 'AM04', 'group'],
    ]);
  });

  it('DU01 moves nothing and leaves nothing unplaced', async () => {
    expect(reportedStatuses(await duplicateFile(), ours)).toEqual({ statuses: [], unplaced: [] });
  });
});

describe('the import path (reconcile worker, applied on confirmation)', () => {
  it('a whole file rejected proposes REJECTED for each payment of the message', async () => {
    const { statuses } = reportedStatuses(await wholeFileRejected(), ours);
    const decided = decideReportedStatuses(statuses, new Set(ours.paymentIds), (id) => ledger.get(id));
    expect(decided.map((d) => [d.paymentId, d.result])).toEqual([
      ['P1', { kind: 'apply', to: 'REJECTED' }],
      ['P2', { kind: 'apply', to: 'REJECTED' }],
      ['P3', { kind: 'apply', to: 'REJECTED' }],
    ]);
    // The findings keep the shape they had: no ledger state leaks into them.
    expect(decided.every((d) => !('wanted' in d))).toBe(true);
  });

  it('DU01 proposes nothing', async () => {
    const { statuses } = reportedStatuses(await duplicateFile(), ours);
    expect(decideReportedStatuses(statuses, new Set(ours.paymentIds), (id) => ledger.get(id))).toEqual([]);
  });
});

describe('the message-query path (cut-off worker: one query per message, the answer read once)', () => {
  const tx = (e2e: string, status: string, reason = '') =>
    `<TxInfAndSts><OrgnlEndToEndId>${e2e}</OrgnlEndToEndId><TxSts>${status}</TxSts>${
      reason ? `<StsRsnInf><Rsn><Cd>${reason}</Cd></Rsn></StsRsnInf>` : ''
    }</TxInfAndSts>`;
  const perTransaction = (msgId: string) =>
    parsePain002(`<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03">
 <CstmrPmtStsRpt>
  <GrpHdr><MsgId>SQ-1</MsgId><CreDtTm>2026-02-03T10:00:00</CreDtTm></GrpHdr>
  <OrgnlGrpInfAndSts><OrgnlMsgId>${msgId}</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.03</OrgnlMsgNmId><GrpSts>PART</GrpSts></OrgnlGrpInfAndSts>
  <OrgnlPmtInfAndSts><OrgnlPmtInfId>${msgId}-20260203</OrgnlPmtInfId><PmtInfSts>PART</PmtInfSts>
   ${tx('P1', 'ACSC')}${tx('P3', 'RJCT', 'AC04')}${tx('PX', 'ACSC')}
  </OrgnlPmtInfAndSts>
 </CstmrPmtStsRpt>
</Document>`);

  it('each payment of ours the report lists, with the state it asks for; others (and ones it omits) absent', async () => {
    const byPayment = statusesByPayment(await perTransaction(MSG), ours);
    expect([...byPayment].map(([id, s]) => [id, s.status, s.wanted, s.reason])).toEqual([
      ['P1', 'ACSC', 'SETTLED', undefined],
      ['P3', 'RJCT', 'REJECTED', 'AC04'],
    ]);
    expect(byPayment.has('P2')).toBe(false);
    expect(byPayment.has('PX')).toBe(false);
  });

  it('a whole file rejected rejects every payment of ours; DU01 says nothing', async () => {
    const rejected = statusesByPayment(await wholeFileRejected(), ours);
    expect([...rejected.keys()]).toEqual(['P1', 'P2', 'P3']);
    expect([...rejected.values()].every((s) => s.wanted === 'REJECTED' && s.reason === 'AM04')).toBe(true);
    expect(statusesByPayment(await duplicateFile(), ours).size).toBe(0);
  });

  it('an answer about another message is never read as ours', async () => {
    expect(statusesByPayment(await perTransaction('MOTHERMESSAGE0000000000000'), ours).size).toBe(0);
  });
});

describe('exactly one place', () => {
  it('no module under functions/ but status-report.ts expands a pain.002 into payment statuses', () => {
    const callers: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
        const path = `${dir}/${e.name}`;
        if (e.isDirectory()) walk(path);
        else if (path.endsWith('.ts') && /\bstatusUpdates\(/.test(readFileSync(join(ROOT, path), 'utf8')))
          callers.push(path);
      }
    };
    walk('functions');
    // pain002.ts defines it; status-report.ts is the one reading of it for the ledger.
    expect(callers.sort()).toEqual(['functions/iso20022/pain002.ts', 'functions/payment-ledger/status-report.ts']);
  });
});
