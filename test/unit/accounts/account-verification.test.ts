/** acmt.023/024 round trips, and which bank answers count as the person's account. */
import { describe, expect, it } from '@jest/globals';
import { closeName, verificationOutcome } from '../../../functions/accounts/account-verification.js';
import {
  buildAcmt023,
  buildAcmt024,
  parseAcmt023,
  parseAcmt024,
  type VerificationReport,
} from '../../../functions/iso20022/acmt.js';

const request = {
  msgId: 'V0001',
  createdAt: '2026-05-20T10:00:00+07:00',
  id: 'pm-0123456789abcdef',
  holderName: 'Nguyễn Thị Hoà',
  bankBin: '970436',
  accountNumber: '0071000123456',
};

describe('acmt.023 / acmt.024', () => {
  it('round-trips a request and each kind of report', async () => {
    expect(await parseAcmt023(buildAcmt023(request))).toEqual({ ...request, holderName: 'Nguyễn Thị Hoà' });
    const reports: VerificationReport[] = [
      { msgId: 'R1', originalMsgId: 'V0001', id: request.id, verified: true },
      { msgId: 'R2', originalMsgId: 'V0001', id: request.id, verified: false, reason: 'AC01' },
      { msgId: 'R3', originalMsgId: 'V0001', id: request.id, verified: false, reason: 'AC04' },
      {
        msgId: 'R4',
        originalMsgId: 'V0001',
        id: request.id,
        verified: false,
        reason: 'BE01',
        holderName: 'TRAN VAN B',
      },
    ];
    for (const r of reports) expect(await parseAcmt024(buildAcmt024(r))).toEqual(r);
  });

  it('refuses a DTD and a document of another kind', async () => {
    await expect(parseAcmt024('<!DOCTYPE x [<!ENTITY a "b">]><Document/>')).rejects.toMatchObject({
      code: 'XML_DTD_FORBIDDEN',
    });
    await expect(parseAcmt024(buildAcmt023(request))).rejects.toMatchObject({ code: 'UNSUPPORTED_MESSAGE' });
    await expect(
      parseAcmt023('<Document><IdVrfctnReq><Assgnmt><MsgId>X</MsgId></Assgnmt></IdVrfctnReq></Document>'),
    ).rejects.toMatchObject({
      code: 'MISSING_ELEMENT',
    });
  });
});

describe('verificationOutcome', () => {
  const base = { msgId: 'R', originalMsgId: 'V', id: 'pm-x' };
  it('maps the bank answer: verified, closed, unknown', () => {
    expect(verificationOutcome({ ...base, verified: true }, 'Nguyễn Thị Hoà')).toBe('MATCH');
    expect(verificationOutcome({ ...base, verified: false, reason: 'AC04' }, 'Nguyễn Thị Hoà')).toBe('CLOSED');
    expect(verificationOutcome({ ...base, verified: false, reason: 'AC01' }, 'Nguyễn Thị Hoà')).toBe('UNKNOWN');
    expect(verificationOutcome({ ...base, verified: false }, 'Nguyễn Thị Hoà')).toBe('UNKNOWN');
  });

  it('a name the bank calls different counts only when close under the Vietnamese name rules', () => {
    const be01 = (holderName?: string) => ({ ...base, verified: false, reason: 'BE01' as const, holderName });
    // The bank's way of writing names, tone placement, case and spacing: the same name.
    expect(verificationOutcome(be01('NGUYEN THI HOA'), 'Nguyễn Thị Hoà')).toBe('MATCH');
    expect(verificationOutcome(be01('nguyễn  thị hòa'), 'Nguyễn Thị Hoà')).toBe('MATCH');
    // Different diacritics are a different name; so is another name, or none.
    expect(verificationOutcome(be01('Nguyễn Thị Hóa'), 'Nguyễn Thị Hoà')).toBe('NO_MATCH');
    expect(verificationOutcome(be01('NGUYEN THI HOAI'), 'Nguyễn Thị Hoà')).toBe('NO_MATCH');
    expect(verificationOutcome(be01(undefined), 'Nguyễn Thị Hoà')).toBe('NO_MATCH');
    expect(closeName('Lê Văn Hùng', 'Lê Văn Hưng')).toBe(false);
    expect(closeName('', '')).toBe(false);
  });
});
