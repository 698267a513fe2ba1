/**
 * Who sees a case: the labour officers of its province (a commune officer's province is its first two digits
 * of the token's jurisdiction claim) and auditors (read only). Anyone else gets 404, as for a case that does
 * not exist, so case ids reveal nothing.
 */
import type { Principal } from '../../schemas/roles.js';
import { notFound } from '../shared/http.js';
import type { CaseRecord } from './case-model.js';
import { getCase } from './case-store.js';

export function mayRead(principal: Principal | null, c: Pick<CaseRecord, 'jurisdiction'>): boolean {
  if (principal?.roles.includes('auditor')) return true;
  return principal?.roles.includes('labor_officer') === true && principal.jurisdiction?.slice(0, 2) === c.jurisdiction;
}

export function mayAct(principal: Principal | null, c: Pick<CaseRecord, 'jurisdiction'>): boolean {
  return principal?.roles.includes('labor_officer') === true && principal.jurisdiction?.slice(0, 2) === c.jurisdiction;
}

export async function visibleCase(principal: Principal | null, caseId: string): Promise<CaseRecord> {
  const c = await getCase(caseId);
  if (!c || !mayRead(principal, c)) throw notFound();
  return c;
}
