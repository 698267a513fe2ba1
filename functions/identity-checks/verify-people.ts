/** Pure: the verdict for each person of a check. No I/O, so it is tested exhaustively in isolation. */
import type { PersonToCheck, PersonVerdict } from '../../schemas/identity-checks.js';
import type { Finding } from '../../schemas/messages.js';
import { checkIdentityNumber } from '../population/identity-number.js';
import { contentId } from '../shared/ids.js';

const DUPLICATE: Finding = {
  code: 'DUPLICATE_IN_REQUEST',
  message: {
    vi: 'Số định danh cá nhân bị lặp lại trong cùng yêu cầu.',
    en: 'The identity number appears more than once in this request.',
  },
};

// What checkIdentityNumber drops before reading a number: whitespace and zero-width characters.
const INVISIBLE = /[\s\u200B-\u200D\u2060\uFEFF]+/gu;

export function verifyPeople(people: PersonToCheck[]): PersonVerdict[] {
  const seen = new Set<string>();
  return people.map((person, index) => {
    const findings: Finding[] = [];
    const checked = checkIdentityNumber(person.personalId, {
      dateOfBirth: person.dateOfBirth,
      gender: person.gender,
    });
    if (!checked.ok) findings.push(checked.finding);
    // The same number however it was typed (spaces, copy-paste NBSP); rows without a number are no duplicates.
    const key = checked.ok ? checked.personalId : person.personalId.replace(INVISIBLE, '');
    if (key && seen.has(key)) findings.push(DUPLICATE);
    if (key) seen.add(key);
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
  return contentId('ic', [
    jurisdiction,
    people.map((p) => [p.personalId, p.fullName ?? null, p.dateOfBirth ?? null, p.gender ?? null]),
  ]);
}
