/**
 * Issue 14 item 1: the booked amount of a transaction is TxDtls/Amt or AmtDtls/TxAmt, never AmtDtls/InstdAmt
 * (what the originator instructed, often in another currency). Minimal camt.053 written for this test.
 */
import { collectStatements, parseCamt053, type StatementEntry } from '../../../functions/iso20022/camt.js';
import { type LedgerPayment, matchEntry } from '../../../functions/reconciliation/match.js';

/** A camt.053.001.02 entry booked VND 250,000 whose TxDtls carry the instructed USD 10.00 first. */
function camt(amtDtls: string, version = '02'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.${version}">
 <BkToCstmrStmt>
  <GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-02-03T18:00:00</CreDtTm></GrpHdr>
  <Stmt>
   <Id>S1</Id>
   <CreDtTm>2026-02-03T18:00:00</CreDtTm>
   <Acct><Id><Othr><Id>1234567890</Id></Othr></Id><Ccy>VND</Ccy></Acct>
   <Ntry>
    <Amt Ccy="VND">250000</Amt>
    <CdtDbtInd>DBIT</CdtDbtInd>
    <Sts>BOOK</Sts>
    <BookgDt><Dt>2026-02-03</Dt></BookgDt>
    <NtryDtls><TxDtls>
     <Refs><EndToEndId>P1</EndToEndId></Refs>
     ${amtDtls}
    </TxDtls></NtryDtls>
   </Ntry>
  </Stmt>
 </BkToCstmrStmt>
</Document>`;
}

async function onlyEntry(xml: string): Promise<StatementEntry> {
  const events = await collectStatements(parseCamt053(xml));
  const entries = events.filter((e): e is StatementEntry => e.type === 'entry');
  expect(entries).toHaveLength(1);
  return entries[0] as StatementEntry;
}

const payment: LedgerPayment = {
  paymentId: 'P1',
  cycleId: 'C1',
  amount: 250_000,
  state: 'SETTLED',
  createdAt: '2026-02-02T03:00:00.000Z',
};
const ctx = { payments: new Map([['P1', payment]]), bookings: new Map(), batches: new Map(), candidates: new Map() };

describe('booked amount, not the instructed amount', () => {
  it('takes AmtDtls/TxAmt and keeps InstdAmt apart (v.02 order: InstdAmt first)', async () => {
    const e = await onlyEntry(
      camt(
        '<AmtDtls><InstdAmt><Amt Ccy="USD">10.00</Amt></InstdAmt><TxAmt><Amt Ccy="VND">250000</Amt></TxAmt></AmtDtls>',
      ),
    );
    expect(e.transactions[0]?.amount).toEqual({ currency: 'VND', minor: 250_000n, exponent: 0 });
    expect(e.transactions[0]?.instructedAmount).toEqual({ currency: 'USD', minor: 1000n, exponent: 2 });
    const r = matchEntry('I1', e, ctx);
    expect(r.findings.map((f) => [f.outcome, f.amount])).toEqual([['MATCHED', 250_000]]);
  });

  it('with only InstdAmt, the single transaction is the entry amount', async () => {
    const e = await onlyEntry(camt('<AmtDtls><InstdAmt><Amt Ccy="USD">10.00</Amt></InstdAmt></AmtDtls>'));
    expect(e.transactions[0]?.amount).toBeUndefined();
    const r = matchEntry('I1', e, ctx);
    expect(r.findings.map((f) => [f.outcome, f.amount])).toEqual([['MATCHED', 250_000]]);
    expect(r.effects).toHaveLength(1);
  });

  it('TxDtls/Amt wins over a later InstdAmt (v.08 order)', async () => {
    const e = await onlyEntry(
      camt('<Amt Ccy="VND">250000</Amt><AmtDtls><InstdAmt><Amt Ccy="USD">10.00</Amt></InstdAmt></AmtDtls>', '08'),
    );
    expect(matchEntry('I1', e, ctx).findings.map((f) => f.outcome)).toEqual(['MATCHED']);
  });
});
