/**
 * One payment per (programme, period, person), its id derived from them: the ISO 20022 EndToEndId
 * (≤ 35 characters). `P202601` + 24 base32 characters of SHA-256 = 31 characters.
 */
import { contentId } from '../shared/ids.js';

export function paymentIdFor(programme: string, period: string, personId: string): string {
  const digest = contentId('p', [programme, period, personId]).slice(2, 26);
  return `P${period.replace('-', '')}${digest.toUpperCase()}`;
}
