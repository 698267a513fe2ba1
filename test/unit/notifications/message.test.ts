import { describe, expect, it } from '@jest/globals';
import {
  caseOpenedText,
  DEFAULT_QUIET_HOURS,
  deliverAt,
  monthsPhrase,
  parseQuietHours,
  settledText,
  shouldNotify,
} from '../../../functions/notifications/message.js';
import { e164 } from '../../../functions/notifications/port.js';

describe('what the beneficiary reads', () => {
  it('says which month, why and what to do, in plain Vietnamese', () => {
    expect(caseOpenedText(['2026-01'], 'AC04')).toBe(
      'Khoản trợ cấp tháng 01/2026 chưa chuyển được vì tài khoản ngân hàng đã đóng. Vui lòng đến UBND xã, phường nơi nhận trợ cấp để cập nhật.',
    );
    expect(caseOpenedText(['2026-01'], 'NOT_SENT')).toMatch(/Bạn không cần làm gì/);
    expect(caseOpenedText(['2026-01'], 'XX99')).toMatch(/ngân hàng không chuyển được tiền/);
    // The bank says the holder died: the family is reached in person, no message to the dead person's phone.
    expect(caseOpenedText(['2026-01'], 'MD07')).toBeUndefined();
  });

  it('names several months in order, once each; ignores markers such as FUNERAL', () => {
    expect(monthsPhrase(['2026-01', '2025-12', '2026-01', 'FUNERAL'])).toBe('tháng 12/2025 và 01/2026');
    expect(monthsPhrase(['2025-11', '2025-12', '2026-01'])).toBe('tháng 11/2025, 12/2025 và 01/2026');
  });

  it('never carries a whole account number', () => {
    const text = settledText(['2026-01'], 1_250_000, 'BANK', '0011001234567');
    expect(text).toBe('Khoản trợ cấp tháng 01/2026 (1.250.000 đồng) đã được chuyển vào tài khoản ******4567.');
    expect(text).not.toContain('0011001234567');
    expect(settledText(['2026-01'], 500_000, 'POST_OFFICE')).toMatch(/bưu điện/);
  });

  it('failures are always told unless opted out; settlements only to those who opted in', () => {
    expect(shouldNotify('CASE_OPENED', undefined)).toBe(true);
    expect(shouldNotify('CASE_OPENED', { optOut: true })).toBe(false);
    expect(shouldNotify('SETTLED', undefined)).toBe(false);
    expect(shouldNotify('SETTLED', { settlementOptIn: true })).toBe(true);
    expect(shouldNotify('SETTLED', { settlementOptIn: true, optOut: true })).toBe(false);
  });
});

describe('quiet hours (Vietnam time, 21:00–07:00 by default)', () => {
  it('sends at once by day, holds a night message until 07:00', () => {
    expect(deliverAt('2026-01-12T03:00:00.000Z', DEFAULT_QUIET_HOURS)).toBe('2026-01-12T03:00:00.000Z'); // 10:00
    expect(deliverAt('2026-01-12T14:30:00.000Z', DEFAULT_QUIET_HOURS)).toBe('2026-01-13T00:00:00.000Z'); // 21:30 → 07:00
    expect(deliverAt('2026-01-12T19:00:00.000Z', DEFAULT_QUIET_HOURS)).toBe('2026-01-13T00:00:00.000Z'); // 02:00 → 07:00
    expect(deliverAt('2026-01-13T00:00:00.000Z', DEFAULT_QUIET_HOURS)).toBe('2026-01-13T00:00:00.000Z'); // 07:00 sharp
    expect(deliverAt('2026-01-12T13:59:59.000Z', DEFAULT_QUIET_HOURS)).toBe('2026-01-12T13:59:59.000Z'); // 20:59:59
  });
  it('a window within one day, none at all, and a bad setting falling back to the default', () => {
    expect(deliverAt('2026-01-12T05:30:00.000Z', { from: 12, to: 14 })).toBe('2026-01-12T07:00:00.000Z');
    expect(parseQuietHours('none')).toEqual({ from: 0, to: 0 });
    expect(deliverAt('2026-01-12T19:00:00.000Z', parseQuietHours('none'))).toBe('2026-01-12T19:00:00.000Z');
    expect(parseQuietHours('22-6')).toEqual({ from: 22, to: 6 });
    expect(parseQuietHours('25-6')).toEqual(DEFAULT_QUIET_HOURS);
    expect(parseQuietHours(undefined)).toEqual(DEFAULT_QUIET_HOURS);
  });
});

describe('phone numbers for SMS', () => {
  it('become E.164 (+84)', () => {
    expect(e164('0912 345 678')).toBe('+84912345678');
    expect(e164('84912345678')).toBe('+84912345678');
    expect(e164('+84912345678')).toBe('+84912345678');
  });
});
