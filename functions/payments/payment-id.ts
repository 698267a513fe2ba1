/**
 * One payment per (programme, period, person), its id derived from them: the ISO 20022 EndToEndId
 * (≤ 35 characters). `P202601` + 24 base32 characters of SHA-256 = 31 characters.
 */
import { contentId } from '../shared/ids.js';

export function paymentIdFor(programme: string, period: string, personId: string): string {
  const digest = contentId('p', [programme, period, personId]).slice(2, 26);
  return `P${period.replace('-', '')}${digest.toUpperCase()}`;
}

/**
 * A re-issue of a failed payment (supplementary cycle): `R` + the original's period digits + 24 base32
 * characters of SHA-256 over the original id and the cycle = 31 characters, a new EndToEndId every time.
 */
export function reissueIdFor(originalPaymentId: string, cycleId: string): string {
  const digest = contentId('r', [originalPaymentId, cycleId]).slice(2, 26);
  return `R${originalPaymentId.slice(1, 7)}${digest.toUpperCase()}`;
}

/**
 * The MsgId of a chunk's pain.001: `M` + 24 base32 characters of SHA-256 over the cycle and the chunk index,
 * fixed before the file is built, so a resubmission meets the bank's DU01 and the cut-off can ask the bank
 * about the message without reading anything first.
 */
export function chunkMsgId(cycleId: string, chunk: number): string {
  return `M${contentId('m', [cycleId, chunk]).slice(2, 26).toUpperCase()}`;
}
