/** Pure: the verdict for each person of a check. No I/O, so it is tested exhaustively in isolation. */
import { createHash } from 'node:crypto';
import type { PersonToCheck, PersonVerdict } from '../../schemas/identity-checks.js';
import type { Finding } from '../../schemas/messages.js';
import { checkIdentityNumber } from '../population/identity-number.js';

const DUPLICATE: Finding = {
  code: 'DUPLICATE_IN_REQUEST',
  message: {
    vi: 'Số định danh cá nhân bị lặp lại trong cùng yêu cầu.',
    en: 'The identity number appears more than once in this request.',
  },
};

export function verifyPeople(people: PersonToCheck[]): PersonVerdict[] {
  const seen = new Set<string>();
  return people.map((person, index) => {
    const findings: Finding[] = [];
    const checked = checkIdentityNumber(person.personalId, {
      dateOfBirth: person.dateOfBirth,
      gender: person.gender,
    });
    if (!checked.ok) findings.push(checked.finding);
    const key = checked.ok ? checked.personalId : person.personalId.trim();
    if (seen.has(key)) findings.push(DUPLICATE);
    seen.add(key);
    return { index, personalId: person.personalId, verdict: findings.length ? 'INVALID' : 'VALID', findings };
  });
}

export function summarise(results: PersonVerdict[]) {
  const valid = results.filter((r) => r.verdict === 'VALID').length;
  return { total: results.length, valid, invalid: results.length - valid };
}

/**
 * The same people submitted for the same jurisdiction are the same check: the id is derived from the
 * content, so a retried or double-clicked submission finds the first one instead of creating a second.
 */
export function checkIdFor(jurisdiction: string, people: PersonToCheck[]): string {
  const canonical = JSON.stringify([
    jurisdiction,
    people.map((p) => [p.personalId, p.fullName ?? null, p.dateOfBirth ?? null, p.gender ?? null]),
  ]);
  const digest = createHash('sha256').update(canonical).digest();
  return `ic-${base32(digest).slice(0, 26)}`;
}

function base32(bytes: Uint8Array): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}
