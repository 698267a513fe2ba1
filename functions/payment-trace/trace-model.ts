/**
 * One payment's trace, pure: from the list row that enrolled the person to the bank line that booked the money,
 * in that order. What the reader gathered goes in; what an officer or auditor may read comes out: the identity
 * number masked (`07********34`), bank accounts as `******6789`, never a name. Steps with nothing recorded say so
 * (`recorded: false`) rather than disappear, so a gap in the trail is visible.
 */
import type { TRACE_STEPS } from '../../schemas/payment-trace.js';
import { maskAccount, maskDigits } from '../shared/pii.js';

/**
 * A stored item as the trace found it. The trace shows records of every version ever written (older items lack
 * newer fields, audit lines differ per action), reads each field defensively and renders what is there.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above; a trace must render any version of a record
export type StoredItem = Record<string, any>;

export interface TraceInput {
  paymentId: string;
  payment: StoredItem;
  entries: StoredItem[];
  account?: StoredItem;
  accountAudit: StoredItem[];
  enrolment?: StoredItem;
  list?: StoredItem;
  listRow?: StoredItem;
  cycle?: StoredItem;
  cycleAudit: StoredItem[];
  batch?: { msgId: string; paymentInfoId?: string; chunk?: number };
  booking?: StoredItem;
  returnBooking?: StoredItem;
  caseRecord?: StoredItem;
  notifications: StoredItem[];
}

export interface TraceStep {
  step: (typeof TRACE_STEPS)[number];
  recorded: boolean;
  [k: string]: unknown;
}

const method = (m: StoredItem | undefined) =>
  m && {
    kind: m.kind,
    ...(m.bankBin ? { bankBin: m.bankBin } : {}),
    ...(m.bankAccountNumber ? { bankAccount: maskAccount(String(m.bankAccountNumber)) } : {}),
    ...(m.communeCode ? { communeCode: m.communeCode } : {}),
  };

function accountChange(a: StoredItem) {
  const isMethod = a.before?.kind !== undefined || a.after?.kind !== undefined;
  return {
    action: a.action,
    at: a.at,
    by: a.actor,
    ...(a.version !== undefined ? { version: a.version } : {}),
    ...(a.reason ? { reason: a.reason } : {}),
    ...(isMethod ? { before: method(a.before), after: method(a.after) } : {}),
    ...(a.listId ? { listId: a.listId, line: a.line } : {}),
  };
}

const ACTION_ORDER = (a: { at?: string }, b: { at?: string }) => ((a.at ?? '') < (b.at ?? '') ? -1 : 1);

/** The reconciliation outcome of a payment from its bookings. */
export function reconciliationOutcome(input: Pick<TraceInput, 'booking' | 'returnBooking' | 'payment'>): string {
  if (input.returnBooking) return 'RETURN';
  if (input.booking) return String(input.booking.outcome);
  return input.payment.channel === 'POST_OFFICE' ? 'POST_OFFICE_CONFIRMATION' : 'NOT_BOOKED';
}

export function buildTrace(input: TraceInput) {
  const p = input.payment;
  const steps: TraceStep[] = [
    {
      step: 'LIST_ROW',
      recorded: input.enrolment !== undefined,
      ...(input.enrolment ? { listId: input.enrolment.listId, line: input.enrolment.line } : {}),
      ...(input.list ? { fileName: input.list.fileName, uploadedAt: input.list.createdAt } : {}),
      ...(input.listRow
        ? {
            outcome: input.listRow.outcome,
            findings: (input.listRow.findings ?? []).map((f: { code: string }) => f.code),
            categoryCode: input.listRow.candidate?.categoryCode,
            decisionDate: input.listRow.candidate?.decisionDate,
          }
        : {}),
    },
    {
      step: 'ACCOUNT',
      recorded: input.account !== undefined,
      ...(input.account
        ? {
            accountNumber: input.account.accountNumber,
            identityNumber: maskDigits(String(input.account.personalId)),
            status: input.account.status,
            paymentMethod: method(input.account.paymentMethod),
            version: input.account.version,
            changes: [...input.accountAudit].sort(ACTION_ORDER).map(accountChange),
          }
        : {}),
    },
    {
      step: 'ENTITLEMENT',
      recorded: Array.isArray(p.lines),
      months: p.months,
      amount: p.amount,
      ...(p.lines ? { lines: p.lines } : {}),
      ...(input.cycle?.draft?.ruleVersion ? { rulesVersion: input.cycle.draft.ruleVersion } : {}),
    },
    {
      step: 'CYCLE',
      recorded: input.cycle !== undefined,
      cycleId: p.cycleId,
      ...(input.cycle
        ? {
            kind: input.cycle.kind ?? 'MONTHLY',
            period: input.cycle.period,
            status: input.cycle.status,
            contentHash: input.cycle.draft?.contentHash,
            createdBy: input.cycle.createdBy,
            submittedBy: input.cycle.submittedBy,
            approvedBy: input.cycle.approvedBy,
            approvedAt: input.cycle.approvedAt,
            approvedHash: input.cycle.approvedHash,
            audit: [...input.cycleAudit]
              .sort(ACTION_ORDER)
              .map((a) => ({ action: a.action, at: a.at, by: a.actor, role: a.role })),
          }
        : {}),
      ...(p.replaces ? { replaces: p.replaces } : {}),
    },
    {
      step: 'PAIN001',
      recorded: input.batch !== undefined,
      ...(input.batch ? input.batch : {}),
      endToEndId: input.paymentId,
    },
    {
      step: 'STATUSES',
      recorded: input.entries.length > 0,
      statuses: [...input.entries]
        .sort((a, b) => a.seq - b.seq)
        .map((e) => ({
          seq: e.seq,
          kind: e.kind,
          state: e.state,
          at: e.at,
          source: e.source,
          ...(e.detail?.status ? { bankStatus: e.detail.status } : {}),
          ...(e.detail?.reason ? { reason: e.detail.reason } : {}),
          ...(e.detail?.msgId ? { msgId: e.detail.msgId } : {}),
        })),
      state: p.state,
    },
    {
      step: 'STATEMENT_LINES',
      recorded: input.booking !== undefined || input.returnBooking !== undefined,
      lines: [input.booking, input.returnBooking]
        .filter((b): b is StoredItem => b !== undefined)
        .map((b) => ({
          importId: b.importId,
          position: b.position,
          outcome: b.outcome,
          amount: b.amount,
          ...(b.bookingDate ? { bookingDate: b.bookingDate } : {}),
        })),
    },
    { step: 'RECONCILIATION', recorded: true, outcome: reconciliationOutcome(input) },
    {
      step: 'CASE',
      recorded: input.caseRecord !== undefined,
      ...(input.caseRecord
        ? {
            caseId: input.caseRecord.caseId,
            state: input.caseRecord.state,
            reasonCode: input.caseRecord.reasonCode,
            reason: input.caseRecord.reason,
            actions: input.caseRecord.actions,
            ...(input.caseRecord.reissue ? { reissue: input.caseRecord.reissue } : {}),
          }
        : {}),
    },
    {
      step: 'NOTIFICATIONS',
      recorded: input.notifications.length > 0,
      messages: input.notifications.sort(ACTION_ORDER).map((n) => ({
        event: n.event,
        channel: n.channel,
        status: n.status,
        createdAt: n.createdAt,
        ...(n.sentAt ? { sentAt: n.sentAt } : {}),
        ...(n.suppressedBecause ? { suppressedBecause: n.suppressedBecause } : {}),
        text: n.text,
      })),
    },
  ];
  return {
    paymentId: input.paymentId,
    period: p.period,
    programme: p.programme,
    socialAccount: p.socialAccount,
    amount: p.amount,
    state: p.state,
    channel: p.channel,
    ...(p.creditorAccount ? { creditorAccount: maskAccount(String(p.creditorAccount)) } : {}),
    steps,
  };
}
