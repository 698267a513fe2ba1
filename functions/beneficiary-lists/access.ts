/** Who may act on which list: officers within their jurisdiction, auditors read everything. */
import type { Principal } from '../../schemas/roles.js';
import { HttpError, notFound } from '../shared/http.js';
import { getList, type ListRecord } from './list-store.js';

export function officerJurisdiction(principal: Principal | null): string {
  if (!principal?.jurisdiction) {
    throw new HttpError(403, 'NO_JURISDICTION', {
      vi: 'Tài khoản chưa được gán địa bàn quản lý.',
      en: 'Your account has no jurisdiction assigned.',
    });
  }
  return principal.jurisdiction;
}

/** Another jurisdiction's list answers exactly like a missing one: existence is not disclosed. */
export async function readableList(principal: Principal | null, listId: string): Promise<ListRecord> {
  const list = await getList(listId);
  const mayRead = principal?.roles.includes('auditor') || (list && list.jurisdiction === principal?.jurisdiction);
  if (!list || list.kind !== 'beneficiary-list' || !mayRead) throw notFound();
  return list;
}
