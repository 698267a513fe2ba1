/**
 * Personal data never reaches a log line in clear: the masking functions, the JSON replacer, and the real
 * shared Powertools Logger that uses it (its output is captured from process.stdout/stderr).
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import fc from 'fast-check';
import { maskDigits, maskName, maskText, piiReplacer } from '../../../functions/shared/pii.js';
import { logger } from '../../../functions/shared/powertools.js';

const ID = '079130796635'; // synthetic: well formed, no real person
const OLD_CMND = '123456789';
const BANK_ACCOUNT = '9704229201234567890'; // 19 digits, VietQR card-number length
const FULL_NAME = 'Hoàng Thanh Minh Ánh';

const stringify = (value: unknown) => JSON.stringify(value, piiReplacer);

describe('maskDigits', () => {
  it('keeps the first two and last two characters of a 12-digit number: at most 4 digits', () => {
    expect(maskDigits(ID)).toBe('07********35');
  });

  it('keeps the length, so records can still be told apart by shape', () => {
    for (const value of [OLD_CMND, BANK_ACCOUNT, '1234567']) expect(maskDigits(value)).toHaveLength(value.length);
    expect(maskDigits(BANK_ACCOUNT)).toBe('97***************90');
  });

  it('masks everything below seven characters (nothing useful to keep)', () => {
    expect(maskDigits('123456')).toBe('******');
    expect(maskDigits('1')).toBe('*');
    expect(maskDigits('')).toBe('');
    expect(maskDigits('1234567')).toBe('12***67');
  });
});

describe('maskName', () => {
  it('keeps only the first letter of each word, Vietnamese letters included', () => {
    expect(maskName('Nguyễn Văn An')).toBe('N***** V** A*');
    expect(maskName(FULL_NAME)).toBe('H**** T**** M*** Á**');
  });

  it('counts characters, not UTF-16 units or bytes', () => {
    expect(maskName('Đỗ')).toBe('Đ*');
    expect(maskName('𠀧𠀧')).toBe('𠀧*'); // a Nôm character outside the BMP
  });

  it('normalises surrounding and repeated whitespace', () => {
    expect(maskName('  Trần   Hữu\tSơn ')).toBe('T*** H** S**');
    expect(maskName('')).toBe('');
  });
});

describe('maskText', () => {
  it('masks every run of nine or more digits wherever it appears', () => {
    expect(maskText(`CCCD ${ID}, CMND ${OLD_CMND}, TK ${BANK_ACCOUNT}.`)).toBe(
      'CCCD 07********35, CMND 12*****89, TK 97***************90.',
    );
  });

  it('leaves shorter digit runs (dates, amounts, codes) alone', () => {
    const text = 'Ngày 2026-03-16, trợ cấp 1500000 đồng, mã xã 26734';
    expect(maskText(text)).toBe(text);
  });

  it('masks a number glued to letters (no word boundary needed)', () => {
    expect(maskText(`id=${ID}x`)).toBe('id=07********35x');
  });

  it('keeps UUIDs (request ids) and hex digests / trace ids whole, even with long digit runs inside', () => {
    const requestId = 'cd1c6fe1-8c5b-4a36-9f4a-378612345680';
    const sha256 = `sha256:${'0'.repeat(3)}123456789012ab${'c'.repeat(47)}`;
    const trace = '1-5759e988-bd862e3fe1be469942727930';
    for (const text of [requestId, requestId.toUpperCase(), sha256, trace, `request ${requestId} failed`]) {
      expect(maskText(text)).toBe(text);
    }
    // The account of an ARN (function_arn on every line) is no person's; what follows it is still checked.
    const arn = 'arn:aws:lambda:ap-southeast-1:123456789012:function:ansinh-parseList';
    expect(maskText(arn)).toBe(arn);
    expect(maskText(`arn:aws:s3:::bucket/${ID}`)).toBe('arn:aws:s3:::bucket/07********35');
    expect(maskText(`arn:aws:sqs:ap-southeast-1:123456789012:q-${ID}`)).toBe(
      'arn:aws:sqs:ap-southeast-1:123456789012:q-07********35',
    );
    // Beside one, an identity number is still masked.
    expect(maskText(`${requestId} ${ID}`)).toBe(`${requestId} 07********35`);
    expect(maskText(`${ID}-${requestId}`)).toBe(`07********35-${requestId}`);
  });

  it('keeps a long digit run only inside a real digest shape, not in a short hex-looking word', () => {
    // `cccd` is hex, but 16 characters is no digest: the number in it is masked.
    expect(maskText(`cccd${ID}`)).toBe('cccd07********35');
    // All digits is a number, not a digest, however long.
    expect(maskText('1'.repeat(30))).not.toContain('1'.repeat(9));
  });
});

describe('piiReplacer', () => {
  it('masks names by key, including nested objects and arrays', () => {
    const out = JSON.parse(
      stringify({
        fullName: FULL_NAME,
        nested: { hoTen: 'Trần Hữu Sơn', beneficiaryName: 'Lê Thị Mai', holderName: 'NGUYEN VAN AN' },
        list: [{ full_name: 'Phạm Thanh Toàn' }],
      }),
    );
    expect(out).toEqual({
      fullName: 'H**** T**** M*** Á**',
      nested: { hoTen: 'T*** H** S**', beneficiaryName: 'L* T** M**', holderName: 'N***** V** A*' },
      list: [{ full_name: 'P*** T**** T***' }],
    });
  });

  it('masks a person under a bare `name` key but keeps identifiers such as error names', () => {
    expect(piiReplacer('name', FULL_NAME)).toBe('H**** T**** M*** Á**');
    expect(piiReplacer('name', 'Ánh')).toBe('Á**');
    expect(piiReplacer('name', 'TypeError')).toBe('TypeError');
    expect(piiReplacer('name', 'Lambda.ServiceException')).toBe('Lambda.ServiceException');
    // Kept as an identifier, but a long digit run inside it is still masked by shape.
    expect(piiReplacer('name', `job${ID}`)).toBe('job07********35');
  });

  it('masks by shape under any key', () => {
    expect(JSON.parse(stringify({ note: `gọi lại cho ${ID}`, deep: { a: [BANK_ACCOUNT] } }))).toEqual({
      note: 'gọi lại cho 07********35',
      deep: { a: ['97***************90'] },
    });
  });

  it('masks numbers under id-like keys, and leaves other numbers alone', () => {
    const out = JSON.parse(
      stringify({
        personalId: 79130796635, // an id that lost its leading zero in a spreadsheet
        personal_id: 79130796635,
        cccd: 1234567890,
        accountNumber: 9704229201234,
        phone: 912345678,
        total: 100,
        amount: 1500000,
      }),
    );
    expect(out).toEqual({
      personalId: '79*******35',
      personal_id: '79*******35',
      cccd: '12******90',
      accountNumber: '97*********34',
      phone: '91*****78',
      total: 100,
      amount: 1500000,
    });
  });

  it('leaves counts alone: outcome codes and keys that only mention an id (the "Chunk verified" line)', () => {
    const line = {
      listId: 'bl-abcdefghijklmnopqrstuvwxyz',
      rows: 500,
      ACCEPTED: 480,
      INVALID_IDENTITY_NUMBER: 3,
      IDENTITY_MISMATCH: 2,
      ACCOUNT_NUMBER_INVALID: 1,
      accountsOpened: 480,
      identityChecks: 7,
      phoneNumbersMissing: 4,
    };
    expect(JSON.parse(stringify(line))).toEqual(line);
  });

  it('masks every digit group of a field that holds an identity number, account or phone, short or spaced', () => {
    const out = JSON.parse(
      stringify({
        accountNumber: '12345678', // 8 digits: below the free-text shape, still an account
        creditorAccount: '0011 0012 3456 7',
        phone: '0912 345 678',
        identityNumber: ID,
        CCCD: ID,
        note: '12345678', // not a field that holds one: a short number stays
      }),
    );
    expect(out).toEqual({
      accountNumber: '12****78',
      creditorAccount: '**** **** **** *',
      phone: '**** *** ***',
      identityNumber: '07********35',
      CCCD: '07********35',
      note: '12345678',
    });
  });

  it('masks bigints by shape', () => {
    expect(piiReplacer('anything', 9704229201234567890n)).toBe('97***************90');
  });

  it('turns an Error into a plain record with message and stack masked, name kept', () => {
    const err = new RangeError(`identity number ${ID} rejected`);
    const out = JSON.parse(stringify({ err }));
    expect(out.err.name).toBe('RangeError');
    expect(out.err.message).toBe('identity number 07********35 rejected');
    expect(out.err.stack).toContain('RangeError: identity number 07********35 rejected');
    expect(JSON.stringify(out)).not.toContain(ID);
  });

  it('leaves everything else untouched', () => {
    expect(piiReplacer('count', 3)).toBe(3);
    expect(piiReplacer('flag', true)).toBe(true);
    expect(piiReplacer('x', null)).toBeNull();
    expect(piiReplacer('status', 'COMPLETED')).toBe('COMPLETED');
  });
});

describe('the shared Powertools Logger', () => {
  let lines: string[] = [];
  const capture = (chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  };

  beforeEach(() => {
    lines = [];
    // Powertools writes through its own node:console Console bound to process.stdout / process.stderr.
    jest.spyOn(process.stdout, 'write').mockImplementation(capture);
    jest.spyOn(process.stderr, 'write').mockImplementation(capture);
    logger.setLogLevel('DEBUG');
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  const output = () => lines.join('');

  it('is captured by this test (so the negative assertions below mean something)', () => {
    logger.info('probe', { marker: 'visible-marker' });
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0] as string);
    expect(record).toMatchObject({ level: 'INFO', message: 'probe', marker: 'visible-marker' });
  });

  it('never prints an identity number, a bank account or a full name', () => {
    const err = new Error(`cannot verify ${ID} for account ${BANK_ACCOUNT}`);
    logger.info(`checking ${ID} and account ${BANK_ACCOUNT}`);
    logger.info('person', {
      personalId: ID,
      fullName: FULL_NAME,
      name: FULL_NAME,
      nested: { people: [{ personalId: ID, hoTen: FULL_NAME }], note: `TK ${BANK_ACCOUNT}` },
      accountNumber: Number(BANK_ACCOUNT.slice(0, 15)),
    });
    logger.warn('verification failed', err);
    logger.error('request failed', { error: err, cause: new TypeError(`bad ${ID}`) });
    logger.debug('debug', { data: { deeper: { deepest: [`${ID}`] } } });

    const text = output();
    expect(lines).toHaveLength(5);
    for (const secret of [ID, BANK_ACCOUNT, BANK_ACCOUNT.slice(0, 15), FULL_NAME, 'Hoàng', 'Thanh Minh']) {
      expect(text).not.toContain(secret);
    }
    // The masked forms are there: the line is still useful to support.
    expect(text).toContain('07********35');
    expect(text).toContain('H**** T**** M*** Á**');
  });

  it('prints counts and request ids as they are (the "Chunk verified" line)', () => {
    const requestId = 'cd1c6fe1-8c5b-4a36-9f4a-378612345680';
    logger.info('Chunk verified', {
      listId: 'bl-x',
      chunk: 2,
      rows: 4,
      ACCEPTED: 1,
      INVALID_IDENTITY_NUMBER: 3,
      requestId,
    });
    const record = JSON.parse(output());
    expect(record).toMatchObject({ rows: 4, ACCEPTED: 1, INVALID_IDENTITY_NUMBER: 3, requestId });
  });

  it('keeps the error name and masks the error message and stack', () => {
    logger.error('request failed', new TypeError(`bad ${ID}`));
    const record = JSON.parse(output());
    expect(record.error.name).toBe('TypeError');
    expect(record.error.message).toBe('bad 07********35');
    expect(record.error.stack).not.toContain(ID);
  });

  it('never prints a 12-digit number embedded anywhere in free text (property)', () => {
    const twelveDigits = fc.stringMatching(/^\d{12}$/);
    // Printable ASCII (fast-check's default): JSON escapes in it never produce digits.
    const text = fc.string({ maxLength: 40 });
    fc.assert(
      fc.property(
        twelveDigits,
        text,
        text,
        fc.constantFrom('message', 'extra', 'nested', 'error'),
        (id, a, b, where) => {
          lines = [];
          const line = `${a}${id}${b}`;
          if (where === 'message') logger.info(line);
          else if (where === 'extra') logger.info('m', { detail: line });
          else if (where === 'nested') logger.info('m', { a: { b: [{ c: line }] } });
          else logger.error('m', new Error(line));
          return lines.length === 1 && !output().includes(id);
        },
      ),
      { numRuns: 300 },
    );
  });
});
