/**
 * Labour officers change accounts of their own province only: the province is the token's province claim
 * (a commune code's digits say nothing about its province), compared with the account's province key (the
 * one its cycles find it by). Another province's account answers like a missing one.
 */
import type { Principal } from '../../schemas/roles.js';
import { notFound } from '../shared/http.js';
import { AccountNotFoundError, type AccountRecord, accountToChange, isInProvince } from './account-store.js';

export async function accountInProvince(principal: Principal | null, accountNumber: string): Promise<AccountRecord> {
  const province = principal?.province;
  if (!province) throw notFound();
  try {
    return await accountToChange(accountNumber, (account) => isInProvince(account, province));
  } catch (err) {
    if (err instanceof AccountNotFoundError) throw notFound();
    throw err;
  }
}
