/**
 * Issue 14 item 5: a pain.002 that rejects a whole message (GrpSts RJCT) or a block (PmtInfSts RJCT) rejects
 * every payment of it that it does not answer on its own. Minimal pain.002 files written for this test.
 */
import { isBlockOf, parsePain002, rejectsWholeBlocks, statusUpdates } from '../../../functions/iso20022/pain002.js';

const MSG = 'MABCDEFGHIJKLMNOPQRSTUVWX'; // 25 characters, as the dispatch worker names them
const BLOCK = `${MSG}-20260203`;
const ours = { msgId: MSG, paymentIds: ['P1', 'P2', 'P3'] };

const pain002 = (group: string, blocks: string) => `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03">
 <CstmrPmtStsRpt>
  <GrpHdr><MsgId>ST-1</MsgId><CreDtTm>2026-02-03T10:00:00</CreDtTm></GrpHdr>
  <OrgnlGrpInfAndSts><OrgnlMsgId>${MSG}</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.03</OrgnlMsgNmId>${group}</OrgnlGrpInfAndSts>
  ${blocks}
 </CstmrPmtStsRpt>
</Document>`;

const rsn = (code: string) => `<StsRsnInf><Rsn><Cd>${code}</Cd></Rsn></StsRsnInf>`;

describe('block- and message-level rejections', () => {
  it('GrpSts RJCT without transactions rejects every payment of the message', async () => {
    const report = await parsePain002(pain002(`<GrpSts>RJCT</GrpSts>${rsn('AM04')}`, ''));
    expect(report.transactions).toEqual([]);
    expect(rejectsWholeBlocks(report)).toBe(true);
    const { updates, unplaced } = statusUpdates(report, ours);
    expect(unplaced).toEqual([]);
    expect(updates).toEqual(
      ['P1', 'P2', 'P3'].map((paymentId) => ({ paymentId, status: 'RJCT', source: 'group', reason: 'AM04' })),
    );
  });

  it('PmtInfSts RJCT rejects the block; a transaction answered on its own keeps its status', async () => {
    const report = await parsePain002(
      pain002(
        '<GrpSts>PART</GrpSts>',
        `<OrgnlPmtInfAndSts><OrgnlPmtInfId>${BLOCK}</OrgnlPmtInfId><PmtInfSts>RJCT</PmtInfSts>${rsn('AC01')}
          <TxInfAndSts><OrgnlEndToEndId>P2</OrgnlEndToEndId><TxSts>ACSC</TxSts></TxInfAndSts>
        </OrgnlPmtInfAndSts>`,
      ),
    );
    const { updates } = statusUpdates(report, ours);
    expect(updates.map((u) => [u.paymentId, u.status, u.source])).toEqual([
      ['P2', 'ACSC', 'transaction'],
      ['P1', 'RJCT', 'paymentInfo'],
      ['P3', 'RJCT', 'paymentInfo'],
    ]);
    expect(updates[1]).toMatchObject({ reason: 'AC01', paymentInfoId: BLOCK });
  });

  it('DU01 answers our resubmission: nothing is rejected', async () => {
    const report = await parsePain002(pain002(`<GrpSts>RJCT</GrpSts>${rsn('DU01')}`, ''));
    expect(statusUpdates(report, ours)).toEqual({ updates: [], unplaced: [] });
  });

  it('without our message, the rejection is said to be unplaced, never dropped', async () => {
    const report = await parsePain002(
      pain002(
        '',
        `<OrgnlPmtInfAndSts><OrgnlPmtInfId>${BLOCK}</OrgnlPmtInfId><PmtInfSts>RJCT</PmtInfSts></OrgnlPmtInfAndSts>`,
      ),
    );
    expect(statusUpdates(report)).toEqual({
      updates: [],
      unplaced: [{ source: 'paymentInfo', paymentInfoId: BLOCK }],
    });
  });

  it('a block of another message is not ours to reject', async () => {
    expect(isBlockOf(BLOCK, MSG)).toBe(true);
    expect(isBlockOf('OTHER-20260203', MSG)).toBe(false);
    const report = await parsePain002(
      pain002(
        '',
        '<OrgnlPmtInfAndSts><OrgnlPmtInfId>OTHER-20260203</OrgnlPmtInfId><PmtInfSts>RJCT</PmtInfSts></OrgnlPmtInfAndSts>',
      ),
    );
    expect(statusUpdates(report, ours).updates).toEqual([]);
  });

  it('an accepted block says nothing of payments it does not list', async () => {
    const report = await parsePain002(
      pain002(
        '',
        `<OrgnlPmtInfAndSts><OrgnlPmtInfId>${BLOCK}</OrgnlPmtInfId><PmtInfSts>ACCP</PmtInfSts></OrgnlPmtInfAndSts>`,
      ),
    );
    expect(rejectsWholeBlocks(report)).toBe(false);
    expect(statusUpdates(report, ours).updates).toEqual([]);
  });
});
