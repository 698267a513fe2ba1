/**
 * A supplementary cycle failed: the cases it took whose re-issue never reached the ledger are released
 * (REISSUED → ACTION_TAKEN), so their months are neither held from next month's arrears nor lost. A re-issue
 * that did reach the ledger keeps its case: its own outcome (settled, or failed and reopened) decides.
 */
import { getPayment } from '../payment-ledger/ledger-store.js';
import { actOnCase, casesOfProvince } from './case-store.js';

const SYSTEM = { subject: 'system:disbursement', role: 'system' as const };

export async function releaseClaimsOf(cycleId: string, province: string, now = new Date().toISOString()) {
  let released = 0;
  for await (const c of casesOfProvince(province)) {
    if (c.state !== 'REISSUED' || c.reissue?.cycleId !== cycleId) continue;
    if (await getPayment(c.reissue.paymentId)) continue;
    const d = await actOnCase(c.caseId, { kind: 'RELEASE', cycleId }, SYSTEM, now);
    if (d.kind === 'apply') released++;
  }
  return released;
}
