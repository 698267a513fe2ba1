import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  buildPain002,
  PAYMENT_STATUSES,
  type Pain002Input,
  parsePain002,
} from '../../../functions/iso20022/pain002.js';
import { chunks, errorOf, sample } from './helpers.js';

const input: Pain002Input = {
  msgId: 'SIM-STS-0001',
  createdAt: '2026-02-02T09:15:00+07:00',
  originalMsgId: 'ANSINH-2026-01-XA001',
  originalNbOfTxs: 3,
  originalCtrlSumVnd: 4_500_006,
  groupStatus: 'PART',
  paymentInfos: [
    {
      originalPaymentInfoId: 'ANSINH-2026-01-XA001-20260202',
      status: 'PART',
      transactions: [
        {
          originalInstrId: 'I1',
          originalEndToEndId: 'E2E-1',
          status: 'ACSC',
          acceptanceDateTime: '2026-02-02T09:00:00+07:00',
        },
        {
          originalInstrId: 'I2',
          originalEndToEndId: 'E2E-2',
          status: 'RJCT',
          reasons: [{ code: 'MD07', additionalInfo: 'Người thụ hưởng đã mất' }],
        },
        { originalEndToEndId: 'E2E-3', status: 'RJCT', reasons: [{ code: 'AC04' }] },
      ],
    },
  ],
};

describe('pain.002', () => {
  it('round-trips build → parse, also byte-chunked', async () => {
    const xml = buildPain002(input);
    expect(buildPain002(structuredClone(input))).toBe(xml);
    for (const src of [xml, chunks(xml, 5)]) {
      const r = await parsePain002(src);
      expect(r).toMatchObject({
        messageNameId: 'pain.002.001.10',
        msgId: 'SIM-STS-0001',
        originalMsgId: 'ANSINH-2026-01-XA001',
        originalMsgNameId: 'pain.001.001.09',
        originalNbOfTxs: 3,
        originalCtrlSum: '4500006',
        groupStatus: 'PART',
      });
      expect(r.transactions).toEqual([
        expect.objectContaining({
          originalEndToEndId: 'E2E-1',
          originalInstrId: 'I1',
          status: 'ACSC',
          acceptanceDateTime: '2026-02-02T09:00:00+07:00',
        }),
        expect.objectContaining({
          originalEndToEndId: 'E2E-2',
          status: 'RJCT',
          reasonCode: 'MD07',
          additionalInfo: 'Nguoi thu huong da mat',
        }),
        expect.objectContaining({
          originalEndToEndId: 'E2E-3',
          status: 'RJCT',
          reasonCode: 'AC04',
          originalPaymentInfoId: 'ANSINH-2026-01-XA001-20260202',
        }),
      ]);
    }
  });

  it('round-trips random reports (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            st: fc.constantFrom(...PAYMENT_STATUSES),
            rsn: fc.option(fc.constantFrom('AC01', 'AC04', 'AM04', 'MD07', 'NARR'), { nil: undefined }),
          }),
          { minLength: 0, maxLength: 30 },
        ),
        async (rows) => {
          const inp: Pain002Input = {
            ...input,
            paymentInfos: [
              {
                originalPaymentInfoId: 'P1',
                transactions: rows.map((r, i) => ({
                  originalEndToEndId: `E${i}`,
                  status: r.st,
                  ...(r.rsn ? { reasons: [{ code: r.rsn }] } : {}),
                })),
              },
            ],
          };
          const r = await parsePain002(buildPain002(inp));
          expect(r.transactions.map((t) => [t.originalEndToEndId, t.status, t.reasonCode])).toEqual(
            rows.map((x, i) => [`E${i}`, x.st, x.rsn]),
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it('refuses bad builder input with every problem', async () => {
    const e = await errorOf(() =>
      buildPain002({
        ...input,
        msgId: 'x'.repeat(36),
        groupStatus: 'NOPE' as never,
        paymentInfos: [{ originalPaymentInfoId: 'P', transactions: [{ originalEndToEndId: '', status: 'ACSC' }] }],
      }),
    );
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.problems?.map((p) => `${p.code} ${p.path}`)).toEqual([
      'FIELD_TOO_LONG msgId',
      'FIELD_INVALID groupStatus',
      'MISSING_ELEMENT paymentInfos[0].transactions[0].originalEndToEndId',
    ]);
  });

  it('refuses unknown statuses and other messages', async () => {
    const bad = buildPain002(input).replace('<TxSts>ACSC</TxSts>', '<TxSts>OKAY</TxSts>');
    expect((await errorOf(parsePain002(bad))).code).toBe('FIELD_INVALID');
    const camt = '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"><BkToCstmrDbtCdtNtfctn/></Document>';
    expect((await errorOf(parsePain002(camt))).code).toBe('UNSUPPORTED_MESSAGE');
  });

  describe('public samples (pain.002.001.03)', () => {
    it('Goldman Sachs accepted', async () => {
      const r = await parsePain002(sample('pain/svapnil-goldman_sachs-pain_002_v3_accepted.xml'));
      expect(r).toMatchObject({ msgId: '1036XXX', originalMsgId: '10280093XXXX', messageNameId: 'pain.002.001.03' });
      expect(r.transactions).toEqual([
        expect.objectContaining({
          originalEndToEndId: 'GSDGFKfLURaHb',
          status: 'ACCP',
          reasonCode: 'NARR',
          accountServicerRef: 'I200820000XXXXX',
          originalPaymentInfoId: '3B-CCY',
        }),
      ]);
    });
    it('Nordea group reject DU01', async () => {
      const r = await parsePain002(sample('pain/svapnil-nordea-pain_002_v3_group_reject.xml'));
      expect(r.groupStatus).toBe('RJCT');
      expect(r.groupReasons).toEqual([{ code: 'DU01', additionalInfo: 'ISO Duplicate Message ID' }]);
      expect(r.transactions).toEqual([]);
    });
    it('Nordea transaction reject', async () => {
      const r = await parsePain002(sample('pain/svapnil-nordea-pain_002_v3_txn_reject.xml'));
      expect(r.paymentInfoStatuses).toEqual([
        expect.objectContaining({ originalPaymentInfoId: 'PMTINFID-950-TEST2-2807-01', status: 'RJCT' }),
      ]);
      expect(r.transactions.map((t) => [t.originalInstrId, t.status, t.reasonCode])).toEqual([
        ['INSTRID-950-TEST2-2807-02', 'RJCT', 'NARR'],
        ['INSTRID-950-TEST2-2807-01', 'RJCT', 'NARR'],
      ]);
      expect(r.transactions[0]?.additionalInfo).toMatch(/^CAP Invalid code/);
    });
    it('Cross River transaction reject (no real namespace, CDATA)', async () => {
      const r = await parsePain002(chunks(sample('pain/svapnil-cross_river-pain_002_transaction_rejected.xml'), 13));
      expect(r.groupStatus).toBe('ACTC');
      expect(r.originalCtrlSum).toBe('5.0400');
      expect(r.transactions).toHaveLength(3);
      expect(r.transactions[0]).toMatchObject({
        originalEndToEndId: 'sanity-10-1-12-1-21',
        status: 'RJCT',
        additionalInfo: 'Instruction ID example01234567 already exist',
      });
    });
    it('a pain.001 is not a pain.002', async () => {
      expect((await errorOf(parsePain002(sample('pain/svapnil-example-sepa_pain_001_v3.xml')))).code).toBe(
        'UNSUPPORTED_MESSAGE',
      );
    });
  });
});
