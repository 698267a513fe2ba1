import { describe, expect, it } from '@jest/globals';
import { isoToExcelSerial } from '../../../functions/beneficiary-lists/file-formats/dates.js';
import { checkRow, DUPLICATE_IN_FILE, type RowCheck } from '../../../functions/beneficiary-lists/row-checks.js';
import type { ListField, RawRow } from '../../../schemas/beneficiary-lists.js';

const TODAY = '2026-11-23';

/** A valid row: a woman born in 1930 (digit 4 = 1: female, 20th century; digits 5-6: 30), paid by bank. */
const VALID: Partial<Record<ListField, string>> = {
  stt: '1',
  fullName: 'Hoàng Thanh Minh Ánh',
  dateOfBirth: '12/05/1930',
  gender: 'Nữ',
  personalId: '079130796635',
  categoryCode: 'NCT_80',
  decisionDate: '15/03/2025',
  paymentMethod: 'Ngân hàng',
  bankBin: '970436',
  accountNumber: '0011001234567',
  communeCode: '26734',
  phone: '0912345678',
};

const check = (cells: Partial<Record<ListField, string>> = {}, line = 2): RowCheck =>
  checkRow({ line, cells: { ...VALID, ...cells } } satisfies RawRow, { today: TODAY });

function accepted(result: RowCheck) {
  if (!result.ok) throw new Error(`expected ok, got ${result.verdict.findings.map((f) => f.code).join(', ')}`);
  return result.candidate;
}

function rejected(result: RowCheck) {
  if (result.ok) throw new Error(`expected a rejection, got ok for line ${result.candidate.line}`);
  return result.verdict;
}

const codes = (result: RowCheck) => rejected(result).findings.map((f) => f.code);

describe('checkRow: a valid row', () => {
  it('is accepted with a normalised candidate', () => {
    expect(accepted(check())).toEqual({
      line: 2,
      personalId: '079130796635',
      fullName: 'Hoàng Thanh Minh Ánh',
      dateOfBirth: '1930-05-12',
      gender: 'F',
      categoryCode: 'NCT_80',
      decisionDate: '2025-03-15',
      paymentMethod: 'BANK',
      bankBin: '970436',
      accountNumber: '0011001234567',
      communeCode: '26734',
      phone: '0912345678',
    });
  });

  it('normalises the name to NFC with single spaces, dates to ISO and the account number without separators', () => {
    const c = accepted(
      check({
        fullName: '  Hoàng   Thanh\tMinh  Ánh '.normalize('NFD'),
        dateOfBirth: '1930-05-12',
        decisionDate: '5/3/2025',
        accountNumber: '0011 0012-345.67',
        categoryCode: ' nct_80 ',
      }),
    );
    expect(c.fullName).toBe('Hoàng Thanh Minh Ánh'.normalize('NFC'));
    expect(c.fullName.normalize('NFC')).toBe(c.fullName);
    expect(c.dateOfBirth).toBe('1930-05-12');
    expect(c.decisionDate).toBe('2025-03-05');
    expect(c.accountNumber).toBe('0011001234567');
    expect(c.categoryCode).toBe('NCT_80');
  });

  it.each([
    ['dd/mm/yyyy', '12/05/1930'],
    ['d/m/yyyy', '12/5/1930'],
    ['dd-mm-yyyy', '12-05-1930'],
    ['dd.mm.yyyy', '12.05.1930'],
    ['ISO', '1930-05-12'],
    ['Excel serial', String(isoToExcelSerial('1930-05-12'))],
  ])('reads the date of birth written %s', (_, text) => {
    expect(accepted(check({ dateOfBirth: text })).dateOfBirth).toBe('1930-05-12');
  });

  it('reads an Excel serial decision date', () => {
    expect(accepted(check({ decisionDate: String(isoToExcelSerial('2025-03-15')) })).decisionDate).toBe('2025-03-15');
  });

  it.each(['Nữ', 'nữ', 'NỮ', 'Nu', 'F', 'f', 'female', 'Female'])('reads gender %s as F', (gender) => {
    expect(accepted(check({ gender })).gender).toBe('F');
  });

  it.each(['Nam', 'nam', 'M', 'm', 'male', 'MALE'])('reads gender %s as M (for a man’s number)', (gender) => {
    // Digit 4 = 0: a man born in the 20th century.
    expect(accepted(check({ gender, personalId: '079030796635', fullName: 'Trần Văn An' })).gender).toBe('M');
  });

  it.each(['Ngân hàng', 'ngan hang', 'Chuyển khoản', 'chuyển  khoản', 'BANK', 'bank', 'Tài khoản'])(
    'reads payment method %s as BANK',
    (paymentMethod) => {
      const c = accepted(check({ paymentMethod }));
      expect(c.paymentMethod).toBe('BANK');
      expect(c.bankBin).toBe('970436');
    },
  );

  it.each(['Bưu điện', 'BƯU ĐIỆN', 'buu dien', 'Tiền mặt', 'tien mat', 'POST_OFFICE', 'cash'])(
    'reads payment method %s as POST_OFFICE, without bank details',
    (paymentMethod) => {
      const c = accepted(check({ paymentMethod, bankBin: '', accountNumber: '' }));
      expect(c.paymentMethod).toBe('POST_OFFICE');
      expect(c).not.toHaveProperty('bankBin');
      expect(c).not.toHaveProperty('accountNumber');
    },
  );

  it('ignores bank cells for a post office payment', () => {
    const c = accepted(check({ paymentMethod: 'Bưu điện', bankBin: 'junk', accountNumber: '!' }));
    expect(c.paymentMethod).toBe('POST_OFFICE');
  });

  it('accepts a decision date on the day of birth and on today', () => {
    expect(accepted(check({ decisionDate: '12/05/1930' })).decisionDate).toBe('1930-05-12');
    expect(accepted(check({ decisionDate: '23/11/2026' })).decisionDate).toBe(TODAY);
  });

  it('accepts phone numbers in 0…, 84… and +84… forms with separators; an empty phone is omitted', () => {
    expect(accepted(check({ phone: '0912 345 678' })).phone).toBe('0912345678');
    expect(accepted(check({ phone: '+84912345678' })).phone).toBe('+84912345678');
    expect(accepted(check({ phone: '84.912.345.678' })).phone).toBe('84912345678');
    expect(accepted(check({ phone: '' }))).not.toHaveProperty('phone');
  });
});

describe('checkRow: cells as spreadsheets write them', () => {
  it.each([
    ['U+FEFF inside a word', 'Ho\uFEFFàng Thanh Minh Ánh'],
    ['U+200B at the end of a word', 'Hoàng Thanh Minh Ánh\u200B'],
    ['U+200C, U+200D', 'Hoàng\u200C Thanh\u200D Minh Ánh'],
    ['NBSP between words', 'Hoàng\u00A0Thanh\u00A0\u00A0Minh Ánh'],
    ['NFD with a zero-width character before a combining mark', `Hoa${'\u200B'}\u0300ng Thanh Minh Ánh`],
  ])('stores the normalised name for %s (NFC, single spaces, no invisible characters)', (_, fullName) => {
    expect(accepted(check({ fullName })).fullName).toBe('Hoàng Thanh Minh Ánh'.normalize('NFC'));
  });

  it('cleans invisible characters out of every column, not just the name', () => {
    const zw = (s: string) => `\uFEFF${s.split('').join('\u200B')}\u00A0`;
    const c = accepted(
      check({
        dateOfBirth: zw('12/05/1930'),
        gender: zw('Nữ'),
        personalId: zw('079130796635'),
        categoryCode: zw('NCT_80'),
        decisionDate: zw('15/03/2025'),
        paymentMethod: 'Ngân\u00A0hàng\u200B',
        bankBin: zw('970436'),
        accountNumber: zw('0011001234567'),
        communeCode: zw('26734'),
        phone: zw('0912345678'),
      }),
    );
    expect(c).toEqual(accepted(check()));
  });

  it.each([
    ['personalId', "'079130796635", 'personalId', '079130796635'],
    ['personalId', '\u2019079130796635', 'personalId', '079130796635'],
    ['accountNumber', "'0011001234567", 'accountNumber', '0011001234567'],
    ['phone', "'0912345678", 'phone', '0912345678'],
  ] as const)('drops the leading apostrophe (text prefix) of %s %p', (field, text, out, value) => {
    expect(accepted(check({ [field]: text }))[out]).toBe(value);
  });

  it('an apostrophe inside a number is still an error', () => {
    expect(codes(check({ personalId: "0791'30796635" }))).toEqual(['ID_NOT_DIGITS']);
    expect(codes(check({ accountNumber: "0011'001234567" }))).toEqual(['ROW_ACCOUNT_INVALID']);
  });

  it.each([
    ['28/4/2018 0:00 style (d/m/yyyy h:mm)', '12/5/1930 0:00'],
    ['dd/mm/yyyy hh:mm:ss', '12/05/1930 00:00:00'],
    ['a non-midnight time (the date part counts)', '12/05/1930 14:30'],
    ['ISO with a time', '1930-05-12 00:00:00'],
    ['ISO with T and seconds', '1930-05-12T00:00:00'],
    ['an Excel serial with a time fraction', `${isoToExcelSerial('1930-05-12')}.5`],
  ])('reads a date of birth written with %s', (_, text) => {
    expect(accepted(check({ dateOfBirth: text })).dateOfBirth).toBe('1930-05-12');
  });

  it('reads a decision date with a time part', () => {
    expect(accepted(check({ decisionDate: '15/3/2025 0:00' })).decisionDate).toBe('2025-03-15');
    expect(accepted(check({ decisionDate: '15/03/2025 00:00:00' })).decisionDate).toBe('2025-03-15');
  });

  it('an unreadable date says which forms are accepted, Vietnamese first, English beside', () => {
    const verdict = rejected(check({ dateOfBirth: '12 tháng 5 1930', decisionDate: '3/15/2025' }));
    const dob = verdict.findings.find((f) => f.code === 'ROW_DOB_INVALID');
    const decision = verdict.findings.find((f) => f.code === 'ROW_DECISION_DATE_INVALID');
    for (const f of [dob, decision]) {
      expect(f?.message.vi).toContain('dạng được chấp nhận');
      expect(f?.message.vi).toContain('28/4/2018 0:00');
      expect(f?.message.vi).toContain('2018-04-28');
      expect(f?.message.en).toContain('accepted forms');
      expect(f?.message.en).toContain('Excel');
    }
  });
});

describe('checkRow: each problem has its code', () => {
  it.each<[string, Partial<Record<ListField, string>>]>([
    ['ROW_NAME_MISSING', { fullName: '' }],
    ['ROW_NAME_MISSING', { fullName: '   ' }],
    ['ROW_NAME_INVALID', { fullName: 'Nguyễn Văn 2' }],
    ['ROW_NAME_INVALID', { fullName: '=HYPERLINK("http://evil","x")' }],
    ['ROW_NAME_INVALID', { fullName: 'a'.repeat(101) }],
    ['ROW_DOB_MISSING', { dateOfBirth: '' }],
    ['ROW_DOB_MISSING', { dateOfBirth: '  ' }],
    ['ROW_DOB_INVALID', { dateOfBirth: '31/02/1930' }],
    ['ROW_DOB_INVALID', { dateOfBirth: '12/05/30' }],
    ['ROW_DOB_INVALID', { dateOfBirth: 'mười hai tháng năm' }],
    ['ROW_GENDER_INVALID', { gender: '' }],
    ['ROW_GENDER_INVALID', { gender: 'Khác' }],
    ['ROW_CATEGORY_UNKNOWN', { categoryCode: 'KHONG_CO' }],
    ['ROW_CATEGORY_UNKNOWN', { categoryCode: '' }],
    ['ROW_DECISION_DATE_INVALID', { decisionDate: '' }],
    ['ROW_DECISION_DATE_INVALID', { decisionDate: '30/02/2025' }],
    ['ROW_DECISION_DATE_INVALID', { decisionDate: '24/11/2026' }],
    ['ROW_DECISION_DATE_INVALID', { decisionDate: '11/05/1930' }],
    ['ROW_PAYMENT_METHOD_INVALID', { paymentMethod: '' }],
    ['ROW_PAYMENT_METHOD_INVALID', { paymentMethod: 'Ví điện tử' }],
    ['ROW_BANK_UNKNOWN', { bankBin: '123456' }],
    ['ROW_BANK_UNKNOWN', { bankBin: '' }],
    ['ROW_ACCOUNT_INVALID', { accountNumber: '' }],
    ['ROW_ACCOUNT_INVALID', { accountNumber: '123' }],
    ['ROW_ACCOUNT_INVALID', { accountNumber: '1'.repeat(20) }],
    ['ROW_ACCOUNT_INVALID', { accountNumber: '0011_0012' }],
    ['ROW_COMMUNE_INVALID', { communeCode: '' }],
    ['ROW_COMMUNE_INVALID', { communeCode: '2673' }],
    ['ROW_COMMUNE_INVALID', { communeCode: '267345' }],
    ['ROW_COMMUNE_INVALID', { communeCode: 'xã 1' }],
  ])('%s for %j', (code, cells) => {
    const verdict = rejected(check(cells));
    expect(verdict.outcome).toBe('INVALID_ROW');
    expect(verdict.line).toBe(2);
    expect(verdict.findings.map((f) => f.code)).toEqual([code]);
    for (const f of verdict.findings) {
      expect(f.message.vi.length).toBeGreaterThan(5);
      expect(f.message.en.length).toBeGreaterThan(5);
    }
  });

  it('ROW_DOB_INVALID for a date of birth after today (tomorrow)', () => {
    // A girl born in 2026 (digit 4 = 3: female, 21st century; digits 5-6: 26), dated tomorrow.
    const verdict = rejected(
      check({ personalId: '079326796635', dateOfBirth: '24/11/2026', decisionDate: '23/11/2026', gender: 'Nữ' }),
    );
    expect(verdict.outcome).toBe('INVALID_ROW');
    expect(verdict.findings.map((f) => f.code)).toEqual(['ROW_DOB_INVALID', 'ROW_DECISION_DATE_INVALID']);
  });

  it.each<[string, Partial<Record<ListField, string>>]>([
    ['ID_MISSING', { personalId: '' }],
    ['ID_OLD_CMND', { personalId: '123456789' }],
    ['ID_LEADING_ZERO_LOST', { personalId: '79130796635' }],
    ['ID_NOT_DIGITS', { personalId: '07913079663A' }],
    ['ID_EXCEL_SCIENTIFIC', { personalId: '7.9130797E+10' }],
    ['ID_GENDER_MISMATCH', { gender: 'Nam' }],
    ['ID_BIRTH_YEAR_MISMATCH', { dateOfBirth: '12/05/1931' }],
  ])('passes the identity finding %s through as INVALID_IDENTITY_NUMBER', (code, cells) => {
    const verdict = rejected(check(cells));
    expect(verdict.outcome).toBe('INVALID_IDENTITY_NUMBER');
    expect(verdict.findings.map((f) => f.code)).toEqual([code]);
  });

  it('flags an invalid phone without rejecting the row, and drops the phone', () => {
    const c = accepted(check({ phone: '12345' }));
    expect(c).not.toHaveProperty('phone');
  });

  it('carries the phone flag on a rejected row', () => {
    const verdict = rejected(check({ phone: '12345', communeCode: '' }));
    expect(verdict.findings.map((f) => f.code)).toEqual(['ROW_COMMUNE_INVALID']);
    expect(verdict.flags.map((f) => f.code)).toEqual(['ROW_PHONE_INVALID']);
  });

  it('collects every problem of the row at once, identity first making it INVALID_IDENTITY_NUMBER', () => {
    const verdict = rejected(
      check(
        {
          fullName: '',
          dateOfBirth: '31/02/1930',
          gender: '?',
          personalId: '123456789',
          categoryCode: 'X',
          decisionDate: 'hôm qua',
          paymentMethod: 'Ngân hàng',
          bankBin: '000000',
          accountNumber: '1',
          communeCode: '1',
          phone: 'abc',
        },
        9,
      ),
    );
    expect(verdict.line).toBe(9);
    expect(verdict.outcome).toBe('INVALID_IDENTITY_NUMBER');
    expect(verdict.findings.map((f) => f.code).sort()).toEqual(
      [
        'ROW_NAME_MISSING',
        'ROW_DOB_INVALID',
        'ROW_GENDER_INVALID',
        'ID_OLD_CMND',
        'ROW_CATEGORY_UNKNOWN',
        'ROW_DECISION_DATE_INVALID',
        'ROW_BANK_UNKNOWN',
        'ROW_ACCOUNT_INVALID',
        'ROW_COMMUNE_INVALID',
      ].sort(),
    );
    expect(verdict.flags.map((f) => f.code)).toEqual(['ROW_PHONE_INVALID']);
  });

  it('reports both the payment method and the cells that do not depend on it', () => {
    expect(codes(check({ paymentMethod: 'x', communeCode: '' })).sort()).toEqual(
      ['ROW_COMMUNE_INVALID', 'ROW_PAYMENT_METHOD_INVALID'].sort(),
    );
  });

  it('treats missing cells as empty', () => {
    const verdict = rejected(checkRow({ line: 3, cells: {} }, { today: TODAY }));
    expect(verdict.outcome).toBe('INVALID_IDENTITY_NUMBER');
    expect(verdict.findings.map((f) => f.code)).toEqual(
      expect.arrayContaining(['ROW_NAME_MISSING', 'ROW_DOB_MISSING', 'ID_MISSING', 'ROW_PAYMENT_METHOD_INVALID']),
    );
  });
});

describe('DUPLICATE_IN_FILE', () => {
  it('names the first line in both languages', () => {
    const f = DUPLICATE_IN_FILE(17);
    expect(f.code).toBe('DUPLICATE_IN_FILE');
    expect(f.message.vi).toContain('17');
    expect(f.message.en).toContain('17');
  });
});
