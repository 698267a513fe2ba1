/**
 * No ledger change from a file on one person's word. An officer-uploaded statement or status report only
 * *proposes* its ledger changes (settle, reject, return…); a different finance officer confirms exactly that
 * set, named by its hash, as an approver confirms a cycle's content hash. Only then do they apply, through the
 * ledger's normal transitions. (Messages on the bank's authenticated channels — signed callbacks, the bank's
 * answers to our status queries — apply directly: the bank's word needs no second officer.)
 *
 * Pure: what a proposed change is, its canonical form and the hash of a set.
 */
import { createHash } from 'node:crypto';
import type { PaymentState } from '../payment-ledger/payment-state.js';
import type { Booking } from './match.js';

export interface ProposedChange {
  /** The line that proposes it (`LINE#…`): one change per line at most, so re-running rewrites the same key. */
  line: string;
  paymentId: string;
  /** The state the file says the payment is in. */
  to: PaymentState;
  /** The bank's status code (pain.002) or return reason (camt, MT940, CSV). */
  status?: string;
  reason?: string;
  /** A return's booking: recorded as the payment's return mark when applied (the first line wins). */
  booking?: Booking;
}

export type ProposalStatus = 'NONE' | 'AWAITING_CONFIRMATION' | 'APPLYING' | 'CONFIRMED';

export interface Proposal {
  status: ProposalStatus;
  /** `sha256:<hex>` of the set, in line order. */
  hash: string;
  changes: number;
  /** How many changes move payments to each state. */
  byState: Partial<Record<PaymentState, number>>;
  confirmedBy?: string;
  confirmedAt?: string;
  /** After applying: how many moved the ledger, and how many it already reflected or refused as stale. */
  applied?: number;
  unchanged?: number;
}

export const PROPOSAL_LABELS: Record<ProposalStatus, { vi: string; en: string }> = {
  NONE: { vi: 'Không có thay đổi sổ cái', en: 'No ledger changes' },
  AWAITING_CONFIRMATION: { vi: 'Chờ xác nhận', en: 'Awaiting confirmation' },
  APPLYING: { vi: 'Đang áp dụng', en: 'Applying' },
  CONFIRMED: { vi: 'Đã xác nhận và áp dụng', en: 'Confirmed and applied' },
};

/** One change as hashed: the fields that say what would happen to which payment, nothing incidental. */
const canonical = (c: ProposedChange) =>
  JSON.stringify([c.line, c.paymentId, c.to, c.status ?? null, c.reason ?? null, c.booking?.amount ?? null]);

/** Accumulates a set (in line order) into its summary and hash. */
export class ProposalBuilder {
  private readonly hash = createHash('sha256');
  private readonly byState: Partial<Record<PaymentState, number>> = {};
  private count = 0;

  add(change: ProposedChange): void {
    this.hash.update(`${canonical(change)}\n`);
    this.byState[change.to] = (this.byState[change.to] ?? 0) + 1;
    this.count++;
  }

  build(): Proposal {
    return {
      status: this.count ? 'AWAITING_CONFIRMATION' : 'NONE',
      hash: `sha256:${this.hash.digest('hex')}`,
      changes: this.count,
      byState: this.byState,
    };
  }
}

export function proposalOf(changes: Iterable<ProposedChange>): Proposal {
  const b = new ProposalBuilder();
  for (const c of changes) b.add(c);
  return b.build();
}
