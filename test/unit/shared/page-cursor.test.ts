/**
 * Page cursors: what is encoded reads back as the same key for the same query, and anything else — another
 * query, another partition, a tampered key, bad encoding — is the one bilingual 400, never a throw of
 * another kind (which would be a 500).
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { HttpError } from '../../../functions/shared/http.js';
import { type CursorQuery, decodeCursor, encodeCursor } from '../../../functions/shared/page-cursor.js';

const lists79: CursorQuery = {
  binding: 'lists|beneficiary-list#79||',
  keys: ['jobId', 'listScope', 'createdAt'],
  fixed: { listScope: 'beneficiary-list#79' },
};
const key79 = { jobId: 'bl-abc', listScope: 'beneficiary-list#79', createdAt: '2026-03-01T02:03:04.000Z' };

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (err) {
    return err;
  }
  throw new Error('the cursor was accepted');
};
const expectInvalid = (cursor: string, query: CursorQuery = lists79) => {
  const err = refusal(() => decodeCursor(cursor, query));
  expect(err).toBeInstanceOf(HttpError);
  expect(err).toMatchObject({ status: 400, code: 'INVALID_CURSOR' });
  expect((err as HttpError).text.vi).toMatch(/Con trỏ trang không hợp lệ/);
  expect((err as HttpError).text.en).toMatch(/Invalid page cursor/);
};
const raw = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

describe('encodeCursor / decodeCursor', () => {
  it('no key is no cursor, and no cursor is the first page', () => {
    expect(encodeCursor(undefined, lists79)).toBeUndefined();
    expect(decodeCursor(undefined, lists79)).toBeUndefined();
    expect(decodeCursor('', lists79)).toBeUndefined();
  });

  it('round-trips any key of the query, as an opaque base64url string', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 80 }), fc.string({ minLength: 1, maxLength: 30 }), (id, at) => {
        const key = { ...key79, jobId: id, createdAt: at };
        const cursor = encodeCursor(key, lists79) as string;
        expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(decodeCursor(cursor, lists79)).toEqual(key);
      }),
    );
  });

  it('keeps only the key attributes the query names (numbers too)', () => {
    const rows: CursorQuery = { binding: 'rows|bl-1|', keys: ['listId', 'line'], fixed: { listId: 'bl-1' } };
    const cursor = encodeCursor({ listId: 'bl-1', line: 42, extra: 'x' }, rows);
    expect(decodeCursor(cursor, rows)).toEqual({ listId: 'bl-1', line: 42 });
  });

  it('refuses a cursor of another query (other filter) even when its key would fit', () => {
    const cursor = encodeCursor(key79, lists79) as string;
    expectInvalid(cursor, { ...lists79, binding: 'lists|beneficiary-list#79|COMPLETED|' });
  });

  it('refuses a key moved to another partition (another jurisdiction), whatever the fingerprint says', () => {
    const cursor = encodeCursor(key79, lists79) as string;
    const { q } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    expectInvalid(raw({ q, k: { ...key79, listScope: 'beneficiary-list#01' } }));
    const lists01 = { ...lists79, binding: 'lists|beneficiary-list#01||', fixed: { listScope: 'beneficiary-list#01' } };
    expectInvalid(cursor, lists01);
  });

  it('refuses keys with missing, extra or non-scalar attributes, and prefixes that do not hold', () => {
    const q = JSON.parse(Buffer.from(encodeCursor(key79, lists79) as string, 'base64url').toString('utf8')).q;
    const { createdAt: _, ...missing } = key79;
    expectInvalid(raw({ q, k: missing }));
    expectInvalid(raw({ q, k: { ...key79, other: 'x' } }));
    expectInvalid(raw({ q, k: { ...key79, jobId: { S: 'x' } } }));
    expectInvalid(raw({ q, k: { ...key79, jobId: '' } }));
    expectInvalid(raw({ q, k: { ...key79, jobId: 1.5 } }));
    expectInvalid(raw({ q, k: [key79] }));
    expectInvalid(raw({ q }));
    const cycles: CursorQuery = { binding: 'c', keys: ['pk', 'sk'], fixed: { sk: 'META' }, prefixes: { pk: 'CYCLE#' } };
    expect(decodeCursor(encodeCursor({ pk: 'CYCLE#a', sk: 'META' }, cycles), cycles)).toEqual({
      pk: 'CYCLE#a',
      sk: 'META',
    });
    const cq = JSON.parse(
      Buffer.from(encodeCursor({ pk: 'CYCLE#a', sk: 'META' }, cycles) as string, 'base64url').toString(),
    ).q;
    expectInvalid(raw({ q: cq, k: { pk: 'BUDGET#a', sk: 'META' } }), cycles);
  });

  it('refuses anything that is not our encoding, as a 400 and never another error', () => {
    for (const bad of ['%%%', 'not base64!', raw('text'), raw(null), raw(42), 'e30', 'x'.repeat(2001), '____']) {
      expectInvalid(bad);
    }
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 300 }), (s) => {
        expectInvalid(s);
      }),
    );
  });

  it('refuses to encode a key that is not the query key (a programming error, not a client one)', () => {
    expect(() => encodeCursor({ jobId: 'x' }, lists79)).toThrow(/does not have the attributes/);
  });
});
