/** Who may act on which list: officers within their jurisdiction, auditors read everything. */
import type { Principal } from '../../schemas/roles.js';
import { notFound } from '../shared/http.js';
import { getList, type ListRecord } from './list-store.js';

/** Another jurisdiction's list answers exactly like a missing one: existence is not disclosed. */
export async function readableList(principal: Principal | null, listId: string): Promise<ListRecord> {
  const list = await getList(listId);
  const mayRead = principal?.roles.includes('auditor') || (list && list.jurisdiction === principal?.jurisdiction);
  if (list?.kind !== 'beneficiary-list' || !mayRead) throw notFound();
  return list;
}
