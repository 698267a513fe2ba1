/**
 * Allowance categories that fit a citizen's age, for tests that build lists from the population. The verify
 * step refuses a row whose registry age is outside its category's band (CATEGORY_AGE_MISMATCH), so test rows
 * must pick a category by age; ages come from each citizen's own date of birth, whichever population is loaded.
 */
import { ageOn } from '../../functions/entitlements/eligibility.js';
import type { Citizen } from './population.js';

/** The decision date `listRow` writes unless told otherwise (15/03/2025). */
export const LIST_DECISION_DATE = '2025-03-15';

/** Whole years of age on the decision date (default: the list rows' default decision date). */
export const ageAtDecision = (c: Pick<Citizen, 'dateOfBirth'>, decisionDate = LIST_DECISION_DATE): number =>
  ageOn(c.dateOfBirth, decisionDate);

/** A filter: citizens at least `years` old on the decision date (e.g. for NCT_80, which has no upper bound). */
export const agedAtLeast =
  (years: number, decisionDate = LIST_DECISION_DATE) =>
  (c: Pick<Citizen, 'dateOfBirth'>): boolean =>
    ageAtDecision(c, decisionDate) >= years;

/**
 * A category of coefficient 1.0 that fits the age on the decision date: aged 80+ (NCT_80), the social pension
 * from 75 (HUU_TRI_XA_HOI), otherwise the single-parent category (DON_THAN, no age condition). Coefficient 1.0
 * throughout keeps every amount at the standard level, as the tests that used NCT_80 for everyone expect.
 */
export function categoryForAge(dateOfBirth: string, decisionDate = LIST_DECISION_DATE): string {
  const age = ageOn(dateOfBirth, decisionDate);
  if (age >= 80) return 'NCT_80';
  if (age >= 75) return 'HUU_TRI_XA_HOI';
  return 'DON_THAN';
}

/**
 * The category an office would choose by age alone, across the age-banded groups (children, students, the
 * elderly poor, aged 80+): for lists that should exercise every band. Each has the declared conditions of
 * its group (no support, studying, poor household), which the platform records and cannot check.
 */
export function bandedCategoryForAge(dateOfBirth: string, decisionDate = LIST_DECISION_DATE): string {
  const age = ageOn(dateOfBirth, decisionDate);
  if (age < 4) return 'TE_DUOI_4';
  if (age < 16) return 'TE_4_16';
  if (age <= 22) return 'TN_16_22';
  if (age < 60) return 'DON_THAN';
  if (age < 80) return 'NCT_NGHEO_60_80';
  return age % 2 === 0 ? 'NCT_80' : 'NCT_NGHEO_80';
}
