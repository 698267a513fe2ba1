/**
 * Who sees a case: the labour officers of its province — a commune officer only the cases of their own commune —
 * and auditors (read only). The province is the token's province claim and the commune its commune claim
 * (auth.ts): a commune code's digits say nothing about its province. Anyone else gets 404, as for a case that
 * does not exist, so case ids reveal nothing.
 */
import type { Principal } from '../../schemas/roles.js';
import { notFound } from '../shared/http.js';
import type { CaseRecord } from './case-model.js';
import { getCase } from './case-store.js';

/** The cases a labour officer works: their province, narrowed to their commune for a commune officer. */
export function officerCaseScope(principal: Principal | null): { province: string; commune?: string } | undefined {
  if (!principal?.roles.includes('labor_officer') || !principal.province) return undefined;
  return principal.commune
    ? { province: principal.province, commune: principal.commune }
    : { province: principal.province };
}

/** Whether a labour officer's scope covers a payee of this province and commune. */
export function officerCovers(
  principal: Principal | null,
  c: Pick<CaseRecord, 'jurisdiction' | 'communeCode'>,
): boolean {
  const scope = officerCaseScope(principal);
  return !!scope && scope.province === c.jurisdiction && (!scope.commune || scope.commune === c.communeCode);
}

export function mayRead(principal: Principal | null, c: Pick<CaseRecord, 'jurisdiction' | 'communeCode'>): boolean {
  return principal?.roles.includes('auditor') === true || officerCovers(principal, c);
}

export const mayAct = officerCovers;

export async function visibleCase(principal: Principal | null, caseId: string): Promise<CaseRecord> {
  const c = await getCase(caseId);
  if (!c || !mayRead(principal, c)) throw notFound();
  return c;
}
