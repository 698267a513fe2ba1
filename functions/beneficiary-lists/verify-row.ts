/**
 * The verdict of one candidate row against the population registry's record: identity, name, birth date,
 * gender, alive (population/match-person.ts), then — only for a row that is otherwise acceptable — its
 * category's age band at the decision date from the registry's date of birth (entitlements/eligibility.ts).
 * Pure: no I/O.
 */
import type { CandidateBeneficiary } from '../../schemas/beneficiary-lists.js';
import type { RegistryPerson } from '../../schemas/population-registry.js';
import { checkCategoryAge } from '../entitlements/eligibility.js';
import { type MatchContext, type MatchResult, matchPerson } from '../population/match-person.js';

export function verifyRow(
  candidate: CandidateBeneficiary,
  registry: RegistryPerson | null,
  ctx: MatchContext = {},
): MatchResult {
  const match = matchPerson(candidate, registry, ctx);
  if (match.outcome !== 'ACCEPTED' || registry === null) return match;
  const age = checkCategoryAge(candidate.categoryCode, registry.dateOfBirth, candidate.decisionDate);
  if (age.ok) return match;
  return { ...match, outcome: 'CATEGORY_AGE_MISMATCH', findings: [...match.findings, age.finding] };
}
