/**
 * Issue 14 item 6: a statement or entry not in VND is reported as foreign currency with its own amount and
 * currency, never converted or shown as dong, and takes no part in VND totals. Minimal EUR camt.053 written
 * for this test.
 */
import {
  collectStatements,
  parseCamt053,
  type StatementEntry,
  type StatementHeader,
} from '../../../functions/iso20022/camt.js';
import { continuityWith, StatementArithmetic, statementMoney } from '../../../functions/reconciliation/continuity.js';
import { alreadyLoadedFinding, matchEntry } from '../../../functions/reconciliation/match.js';
import { addTo, emptyTotals } from '../../../functions/reconciliation/report.js';

const EUR_STATEMENT = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.04">
 <BkToCstmrStmt>
  <GrpHdr><MsgId>EUR-1</MsgId><CreDtTm>2026-02-03T18:00:00</CreDtTm></GrpHdr>
  <Stmt>
   <Id>EUR-S1</Id>
   <ElctrncSeqNb>7</ElctrncSeqNb>
   <CreDtTm>2026-02-03T18:00:00</CreDtTm>
   <Acct><Id><IBAN>FI2112345600000785</IBAN></Id><Ccy>EUR</Ccy></Acct>
   <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-02-03</Dt></Dt></Bal>
   <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">12601.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-02-03</Dt></Dt></Bal>
   <Ntry>
    <Amt Ccy="EUR">11601.00</Amt>
    <CdtDbtInd>CRDT</CdtDbtInd>
    <Sts>BOOK</Sts>
    <BookgDt><Dt>2026-02-03</Dt></BookgDt>
    <AcctSvcrRef>EUR-REF-1</AcctSvcrRef>
   </Ntry>
  </Stmt>
 </BkToCstmrStmt>
</Document>`;

const emptyCtx = { payments: new Map(), bookings: new Map(), batches: new Map(), candidates: new Map() };

async function read() {
  const events = await collectStatements(parseCamt053(EUR_STATEMENT));
  const header = events.find((e): e is StatementHeader => e.type === 'header') as StatementHeader;
  const entry = events.find((e): e is StatementEntry => e.type === 'entry') as StatementEntry;
  return { header, entry };
}

describe('foreign currency', () => {
  it('an EUR line is FOREIGN_CURRENCY with its own amount, 0 dong, never NOT_OURS', async () => {
    const { entry } = await read();
    const [f, ...rest] = matchEntry('I1', entry, emptyCtx).findings;
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ outcome: 'FOREIGN_CURRENCY', amount: 0, currency: 'EUR', foreignAmount: '11601.00' });
    expect(f?.note).toContain('EUR 11601.00');
    expect(f?.note).not.toMatch(/1160100/);
    const totals = emptyTotals();
    addTo(totals, f?.outcome ?? 'MATCHED', f?.amount ?? 0);
    expect(totals.FOREIGN_CURRENCY).toEqual({ count: 1, amount: 0 });
    expect(totals.NOT_OURS).toEqual({ count: 0, amount: 0 });
  });

  it('a line of an EUR statement loaded before stays foreign', async () => {
    const { entry } = await read();
    expect(alreadyLoadedFinding('I2', entry)).toMatchObject({
      outcome: 'DUPLICATE_STATEMENT',
      amount: 0,
      currency: 'EUR',
      foreignAmount: '11601.00',
    });
  });

  it('balances and totals are in euros, not cents, and not in the VND fields', async () => {
    const { header, entry } = await read();
    const sum = new StatementArithmetic();
    sum.add(entry.creditDebit, Number(entry.amount.minor), true);
    expect(sum.check(header)).toBeUndefined();
    expect(statementMoney(header, sum.totals())).toEqual({
      currency: 'EUR',
      credits: 0,
      debits: 0,
      foreign: { openingBalance: '1000.00', closingBalance: '12601.00', credits: '11601.00', debits: '0.00' },
    });
  });

  it('an EUR opening gap is said in euros, with no VND difference', async () => {
    const { header } = await read();
    const [p] = continuityWith(header, {
      importId: 'I0',
      account: 'FI2112345600000785',
      statementId: 'EUR-S0',
      chain: 'camt.053#E',
      sequence: 6,
      closingBalance: 99_000,
      currency: 'EUR',
    });
    expect(p).toMatchObject({ code: 'OPENING_BALANCE_MISMATCH', currency: 'EUR', foreignDifference: '10.00' });
    expect(p?.difference).toBeUndefined();
    expect(p?.detail).toBe('opening 1000.00 EUR ≠ previous closing 990.00 EUR');
  });
});
