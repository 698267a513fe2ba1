/**
 * The money path with in-memory stores and an in-memory bank. Every decision is the platform's own pure
 * function (named at each use); what is modelled is only what the stores and AWS do around them, in the order
 * the handlers do it: conditional writes become map checks, a queue redelivers until maxReceiveCount, a crash
 * leaves exactly the writes made before it.
 *
 * A step is plain data (see `Step`), so a sequence can be printed, shrunk and replayed. Every step is a no-op
 * when it does not apply (a cycle that is not there, an empty queue), so any subsequence is a valid sequence.
 */
import {
  type CaseActor,
  type CaseCommand,
  type CaseRecord,
  caseIdFor,
  decideCaseCommand,
  newCase,
} from '../../functions/cases/case-model.js';
import {
  atCutoff,
  type BankAnswer,
  type Closing,
  closingOf,
  cutoffAt,
  emptyStateTotals,
  mayStillSend,
  OPEN_AT_CUTOFF,
  type OpenState,
} from '../../functions/disbursement-cycles/cutoff.js';
import {
  cycleIdFor,
  type MonthlyTurn,
  type CycleStatus as Status,
} from '../../functions/disbursement-cycles/cycle-store.js';
import {
  approvalTurn,
  FINISHED,
  MONTHLY_NOT_IN_LEDGER,
  monthlyPeriodsAround,
  supplementaryCycleIdFor,
  supplementaryPeriodsBefore,
} from '../../functions/disbursement-cycles/cycle-turns.js';
import {
  draftChunks,
  monthlyInstruction,
  type PayeeAccount,
  reissueInstruction,
} from '../../functions/disbursement-cycles/draft-instruction.js';
import { paidMonthsOf } from '../../functions/disbursement-cycles/paid-months.js';
import {
  type CycleTotals,
  cycleContentHash,
  cycleTotals,
  type PersonEntitlement,
} from '../../functions/entitlements/cycle-totals.js';
import { computeEntitlement, type EntitlementCategory } from '../../functions/entitlements/entitlement.js';
import { addMonths } from '../../functions/entitlements/months.js';
import type { StatementEntry } from '../../functions/iso20022/camt.js';
import { type Pain002Report, statusUpdates } from '../../functions/iso20022/pain002.js';
import {
  instructionHash,
  type LedgerEntry,
  nextEntry,
  type PaymentHead,
  type PaymentInstruction,
} from '../../functions/payment-ledger/ledger-store.js';
import {
  decideTransition,
  type PaymentState,
  stateForBankStatus,
  UNPAID_STATES,
} from '../../functions/payment-ledger/payment-state.js';
import { type Booking, type LedgerPayment, matchEntry, type OurBatch } from '../../functions/reconciliation/match.js';
import { hash32 } from './rng.js';

export const PROGRAMME = 'TCXH_HANG_THANG';
export const PROVINCE = '79';
export const CUTOFF_MINUTES = 60;
export const SEND_TIMEOUT_MS = 60_000;
export const MAX_RECEIVE = 4;
const STEP_MS = 4 * 60_000;
const START = Date.parse('2026-01-05T02:00:00.000Z');

export interface SimPerson {
  account: PayeeAccount;
  categories: EntitlementCategory[];
}

export interface SimConfig {
  seed: number;
  people: SimPerson[];
  chunkSize: number;
}

export type BankFault = 'ok' | '503' | 'timeout';
export type Step =
  /** A finance officer asks for the period's monthly cycle; it is computed at once (refused while another runs). */
  | { k: 'monthly'; period: string }
  /** The period's supplementary cycle (re-issues); `crashAfter` cases taken, the compute dies (restart resumes). */
  | { k: 'supplementary'; period: string; crashAfter: number }
  /** An approval of the n-th cycle (a second one: the dispatch step runs again and enqueues every chunk again). */
  | { k: 'approve'; cycle: number }
  /** The queue hands the n-th visible message to the dispatch worker, which dies before its `crashAt`-th write. */
  | { k: 'deliver'; pick: number; crashAt: number; bank: BankFault }
  /** The bank's callback (a pain.002) number n arrives; `dup`: it will arrive again; `lose`: it never arrives. */
  | { k: 'callback'; pick: number; dup: boolean; lose: boolean }
  /** The settlement cut-off of the n-th cycle, dying after `crashAfter` payments; `noAnswer`: the bank times out. */
  | { k: 'cutoff'; cycle: number; crashAfter: number; noAnswer: boolean }
  | { k: 'close'; cycle: number }
  /** The bank returns the n-th settled payment (account closed at the beneficiary's bank). */
  | { k: 'return'; pick: number }
  /** The bank's statement of everything booked since the last one; `again`: an earlier statement loaded again. */
  | { k: 'statement'; again: number | null }
  /** An officer records the action taken on the n-th open case (the account fixed). */
  | { k: 'officer'; pick: number }
  /** The process restarts: the dead-letter queue is redriven, interrupted computes and cut-offs run again. */
  | { k: 'restart' };

export interface Sequence {
  config: SimConfig;
  steps: Step[];
}

export class Crash extends Error {}
/** An invariant broken while the steps run (checked again, in full, after every step). */
export class Violation extends Error {}

interface Cycle {
  cycleId: string;
  programme: string;
  kind: 'MONTHLY' | 'SUPPLEMENTARY';
  period: string;
  status: Status;
  draft?: {
    contentHash: string;
    totals: CycleTotals;
    chunks: { index: number; part: PaymentInstruction[]; count: number; amount: number }[];
    computedAt: string;
  };
  approvedAt?: number;
  closing?: Closing;
}

interface Message {
  cycleId: string;
  chunk: number;
  receives: number;
}

interface BankPayment {
  msgId: string;
  amount: number;
  /** Its outcome, decided when it arrives: ACSC, RJCT, or ACSP (never further before the cut-off). */
  status: 'ACSC' | 'RJCT' | 'ACSP';
  acceptedTimes: number;
  returned: boolean;
  /** Booked on a statement already (the debit), and its return (the credit). */
  stated: boolean;
  returnStated: boolean;
}

export interface WorldOptions {
  /** The lifecycle the ledger applies; the real one unless the self-test injects a broken one. */
  decide?: typeof decideTransition;
}

const SYSTEM: CaseActor = { subject: 'system:simulation', role: 'system' };
const OFFICER: CaseActor = { subject: 'officer-79', role: 'labor_officer' };

export class World {
  now = START;
  readonly cycles: Cycle[] = [];
  readonly heads = new Map<string, PaymentHead>();
  readonly history = new Map<string, LedgerEntry[]>();
  readonly batches = new Map<string, OurBatch & { chunkKey: string }>();
  readonly dispatched = new Set<string>();
  readonly queue: Message[] = [];
  readonly dlq: Message[] = [];
  readonly bankMessages = new Set<string>();
  readonly bank = new Map<string, BankPayment>();
  readonly callbacks: Pain002Report[] = [];
  readonly cases = new Map<string, CaseRecord>();
  readonly bookings = new Map<string, Booking>();
  readonly returns = new Map<string, Booking>();
  readonly statements: StatementEntry[][] = [];
  /** Cut-offs and supplementary computes a crash interrupted: the restart runs them again. */
  readonly interrupted: Step[] = [];
  readonly log: string[] = [];
  private imports = 0;
  private readonly decide: typeof decideTransition;
  /** cycle-store.ts: the programme's monthly turn (one province, one programme here). */
  private turn: MonthlyTurn = {};

  constructor(
    readonly config: SimConfig,
    opts: WorldOptions = {},
  ) {
    this.decide = opts.decide ?? decideTransition;
  }

  private at(): string {
    return new Date(this.now).toISOString();
  }

  // ---------------------------------------------------------------------------------------------- ledger

  /** ledger-store.ts recordPending: the same instruction again is a no-op, a different one a conflict. */
  private recordPending(i: PaymentInstruction, chunk: number): void {
    const hash = instructionHash(i);
    const existing = this.heads.get(i.paymentId);
    if (existing) {
      if (existing.contentHash !== hash) throw new Violation(`payment ${i.paymentId} recorded with other content`);
      return;
    }
    const at = this.at();
    this.heads.set(i.paymentId, {
      ...i,
      sk: 'HEAD',
      contentHash: hash,
      state: 'PENDING',
      seq: 1,
      cycleState: `${i.cycleId}#PENDING`,
      chunk,
      createdAt: at,
      updatedAt: at,
    });
    const first: LedgerEntry = {
      paymentId: i.paymentId,
      sk: 'E#000001',
      seq: 1,
      kind: 'STATE',
      state: 'PENDING',
      at,
      source: 'cycle-approval',
    };
    this.history.set(i.paymentId, [Object.freeze(first)]);
  }

  /** ledger-store.ts transition: the decision is `nextEntry`'s, the write an append under the HEAD's seq. */
  transition(paymentId: string, wanted: PaymentState, source: string): void {
    const head = this.heads.get(paymentId);
    if (!head) return; // a status for a payment we never recorded (the worker logs it)
    const { append } = nextEntry(head, wanted, source, {}, this.at(), this.decide);
    if (!append) return;
    (this.history.get(paymentId) as LedgerEntry[]).push(Object.freeze(append.entry));
    head.seq = append.entry.seq;
    head.state = append.state;
    head.cycleState = `${head.cycleId}#${append.state}`;
    head.updatedAt = this.at();
    this.afterState(head);
  }

  /** open-on-failure.ts: a failed payment opens its case (a failed re-issue reopens it); a settled re-issue closes it. */
  private afterState(head: PaymentHead): void {
    const caseId = caseIdFor(head.programme, head.period, head.personId);
    if (head.state === 'SETTLED' && head.replaces) {
      const c = this.cases.get(caseId);
      if (c?.state === 'REISSUED' && c.reissue?.paymentId === head.paymentId) {
        this.act(caseId, { kind: 'CLOSE', note: head.paymentId }, SYSTEM);
      }
      return;
    }
    if (!UNPAID_STATES.has(head.state)) return;
    const fresh = newCase({ ...head, province: PROVINCE }, head.state, this.at());
    if (!this.cases.has(caseId)) this.cases.set(caseId, fresh);
    const c = this.cases.get(caseId) as CaseRecord;
    if (c.state === 'REISSUED' && c.reissue?.paymentId === head.paymentId) {
      this.act(caseId, { kind: 'REISSUE_FAILED', paymentId: head.paymentId, reasonCode: fresh.reasonCode }, SYSTEM);
    }
  }

  private act(caseId: string, cmd: CaseCommand, actor: CaseActor): boolean {
    const c = this.cases.get(caseId);
    if (!c) return false;
    const d = decideCaseCommand(c, cmd, actor, this.at());
    if (d.kind === 'refused') return false;
    this.cases.set(caseId, d.next);
    return true;
  }

  private paymentsOf(personId: string): PaymentHead[] {
    return [...this.heads.values()].filter((h) => h.personId === personId);
  }

  // ---------------------------------------------------------------------------------------------- cycles

  private cycleAt(n: number): Cycle | undefined {
    return this.cycles.length ? this.cycles[n % this.cycles.length] : undefined;
  }

  private finishDraft(c: Cycle, people: PersonEntitlement[], instructions: PaymentInstruction[]): void {
    const totals = cycleTotals(c.period, people);
    const parts = draftChunks(instructions, this.config.chunkSize);
    c.draft = {
      contentHash: cycleContentHash(c.period, people),
      totals,
      chunks: parts.map((p, index) => ({ index, ...p })),
      computedAt: this.at(),
    };
    c.status = 'DRAFT';
  }

  /** compute-task.ts, per payee: what the ledger holds (paid-months.ts), the rules, the instruction. */
  private computeMonthly(c: Cycle): void {
    const people: PersonEntitlement[] = [];
    const instructions: PaymentInstruction[] = [];
    for (const p of this.config.people) {
      const paid = paidMonthsOf(this.paymentsOf(p.account.personId), (id) => this.cases.get(id), PROGRAMME);
      const result = computeEntitlement({
        period: c.period,
        months: [c.period],
        province: PROVINCE,
        categories: p.categories,
        accountStatus: 'ACTIVE',
        alreadyPaidMonths: paid,
      });
      people.push({
        personId: p.account.personId,
        communeCode: p.account.communeCode,
        channel: p.account.paymentMethod.kind,
        result,
      });
      const i = monthlyInstruction(c, p.account, result);
      if (i) instructions.push(i);
    }
    this.finishDraft(c, people, instructions);
  }

  /** supplementary-compute.ts: the cases ready for a re-issue are taken one by one, then the draft. */
  private computeSupplementary(c: Cycle, crashAfter: number): void {
    const people: PersonEntitlement[] = [];
    const instructions: PaymentInstruction[] = [];
    let taken = 0;
    for (const k of [...this.cases.keys()].sort()) {
      const cs = this.cases.get(k) as CaseRecord;
      if (cs.period !== c.period) continue;
      const mine = cs.state === 'REISSUED' && cs.reissue?.cycleId === c.cycleId;
      if (!(cs.state === 'ACTION_TAKEN' && !cs.writeOff) && !mine) continue;
      const original = this.heads.get(cs.paymentId);
      if (!original || !UNPAID_STATES.has(original.state)) continue;
      const person = this.config.people.find((p) => p.account.personId === cs.personId) as SimPerson;
      const paid = paidMonthsOf(this.paymentsOf(cs.personId), (id) => this.cases.get(id), PROGRAMME, {
        ignoreClaimsOf: c.cycleId,
      });
      const result = computeEntitlement({
        period: c.period,
        months: [c.period],
        province: PROVINCE,
        categories: person.categories,
        accountStatus: 'ACTIVE',
        alreadyPaidMonths: paid,
      });
      const reissue = reissueInstruction(c, original, person.account, result);
      if (!reissue) continue;
      if (!mine) {
        if (taken === crashAfter) throw new Crash('supplementary compute died while taking cases');
        const ok = this.act(
          k,
          { kind: 'REISSUE', paymentId: reissue.instruction.paymentId, cycleId: c.cycleId },
          SYSTEM,
        );
        if (!ok) continue;
        taken++;
      }
      people.push({
        personId: cs.personId,
        communeCode: person.account.communeCode,
        channel: person.account.paymentMethod.kind,
        result: reissue.result,
      });
      instructions.push(reissue.instruction);
    }
    this.finishDraft(c, people, instructions);
  }

  private cycle(cycleId: string): Cycle | undefined {
    return this.cycles.find((c) => c.cycleId === cycleId);
  }

  /** cycle-turns.ts nextSupplementary: the period's open supplementary cycle, else the next id. */
  private nextSupplementary(period: string): { cycleId: string; existing?: Cycle } {
    for (let n = 1; ; n++) {
      const cycleId = supplementaryCycleIdFor(PROGRAMME, period, PROVINCE, n);
      const existing = this.cycle(cycleId);
      if (!existing) return { cycleId };
      if (!FINISHED.has(existing.status)) return { cycleId, existing };
    }
  }

  /** cycle-turns.ts runningMonthly: one of these periods' monthly cycles is not all in the ledger. */
  private monthlyRunning(periods: string[]): boolean {
    return periods.some((p) => {
      const c = this.cycle(cycleIdFor(PROGRAMME, p, PROVINCE));
      return c !== undefined && MONTHLY_NOT_IN_LEDGER.has(c.status);
    });
  }

  /** create-handler.ts: which cycle a request means, or the cycle that makes it wait (OTHER_CYCLE_RUNNING). */
  private cycleToCreate(kind: Cycle['kind'], period: string): string | undefined {
    if (kind === 'SUPPLEMENTARY') {
      const next = this.nextSupplementary(period);
      if (next.existing) return next.cycleId;
      return this.monthlyRunning([period, ...monthlyPeriodsAround(period)]) ? undefined : next.cycleId;
    }
    const computing = supplementaryPeriodsBefore(period).some(
      (p) => this.nextSupplementary(p).existing?.status === 'COMPUTING',
    );
    if (computing) return undefined;
    return cycleIdFor(PROGRAMME, period, PROVINCE);
  }

  // ---------------------------------------------------------------------------------------------- dispatch

  /** dispatch-worker.ts, write by write; `crashAt` = the write it dies before. */
  private dispatch(m: Message, crashAt: number, bankFault: BankFault): void {
    const c = this.cycles.find((x) => x.cycleId === m.cycleId) as Cycle;
    const chunk = c.draft?.chunks[m.chunk] as { part: PaymentInstruction[] };
    const approvedAt = new Date(c.approvedAt as number).toISOString();
    const key = `${c.cycleId}#${m.chunk}`;
    let writes = 0;
    const write = () => {
      if (writes++ === crashAt) throw new Crash(`dispatch died before write ${crashAt}`);
    };
    const tooLate = () =>
      !mayStillSend(approvedAt, this.now, SEND_TIMEOUT_MS, CUTOFF_MINUTES) && !this.dispatched.has(key);
    if (tooLate()) {
      this.log.push(`  chunk ${key} past the cut-off: not sent`);
      return;
    }
    for (const i of chunk.part) {
      write();
      this.recordPending(i, m.chunk);
    }
    if (tooLate()) return;
    const bank = chunk.part.filter((i) => i.channel === 'BANK');
    if (bank.length) {
      const msgId = `M-${c.cycleId}-${m.chunk}`;
      if (!this.batches.has(msgId)) {
        write();
        this.batches.set(msgId, { msgId, paymentIds: bank.map((i) => i.paymentId), chunkKey: key });
      }
      write();
      this.submit(msgId, bank, bankFault);
      for (const i of bank) {
        write();
        this.transition(i.paymentId, 'SENT', 'bank-receipt');
      }
    }
    for (const i of chunk.part.filter((x) => x.channel === 'POST_OFFICE')) {
      write();
      this.transition(i.paymentId, 'SENT', 'post-office-list');
    }
    write();
    this.dispatched.add(key);
  }

  /** The bank (as the simulator): a message id once (DU01 after), its outcome per payment, then callbacks. */
  private submit(msgId: string, payments: PaymentInstruction[], fault: BankFault): void {
    if (fault === '503') throw new Crash('bank 503');
    if (!this.bankMessages.has(msgId)) {
      this.bankMessages.add(msgId);
      const wholeRejected = hash32(`${this.config.seed}:${msgId}`) % 9 === 0;
      const report: Pain002Report = {
        msgId: `S-${msgId}-1`,
        originalMsgId: msgId,
        groupReasons: [],
        paymentInfoStatuses: [],
        transactions: [],
      };
      const final: Pain002Report = { ...report, msgId: `S-${msgId}-2`, transactions: [] };
      if (wholeRejected) {
        final.groupStatus = 'RJCT';
        final.groupReasons = [{ code: 'FF01' }];
      }
      for (const p of payments) {
        const held = this.bank.get(p.paymentId);
        if (held) {
          held.acceptedTimes++;
          continue;
        }
        const roll = hash32(`${this.config.seed}:${p.paymentId}`) % 6;
        const status = wholeRejected ? 'RJCT' : roll < 3 ? 'ACSC' : roll < 5 ? 'RJCT' : 'ACSP';
        this.bank.set(p.paymentId, {
          msgId,
          amount: p.amount,
          status,
          acceptedTimes: 1,
          returned: false,
          stated: false,
          returnStated: false,
        });
        report.transactions.push({
          originalEndToEndId: p.paymentId,
          status: 'ACSP',
          statusSource: 'transaction',
          reasons: [],
        });
        if (!wholeRejected && status !== 'ACSP') {
          final.transactions.push({
            originalEndToEndId: p.paymentId,
            status,
            statusSource: 'transaction',
            reasons: status === 'RJCT' ? [{ code: 'AC04' }] : [],
            ...(status === 'RJCT' ? { reasonCode: 'AC04' } : {}),
          });
        }
      }
      this.callbacks.push(report);
      if (final.transactions.length || wholeRejected) this.callbacks.push(final);
    }
    if (fault === 'timeout') throw new Crash('bank timeout (the message was taken)');
  }

  /** status-worker.ts → ledger-store.ts applyStatusReport: statusUpdates, then each payment's transition. */
  private applyReport(report: Pain002Report): void {
    const batch = this.batches.get(report.originalMsgId);
    const { updates } = statusUpdates(report, batch);
    for (const u of updates) {
      const wanted = stateForBankStatus(u.status);
      if (wanted) this.transition(u.paymentId, wanted, 'bank-callback');
    }
  }

  // ---------------------------------------------------------------------------------------------- cut-off

  private cutoff(c: Cycle, crashAfter: number, noAnswer: boolean): void {
    if (c.status !== 'DISPATCHING') return;
    const at = cutoffAt(new Date(c.approvedAt as number).toISOString(), CUTOFF_MINUTES);
    this.now = Math.max(this.now, at); // the state machine's wait ends at the cut-off
    let done = 0;
    const open = [...this.heads.values()]
      .filter((h) => h.cycleId === c.cycleId && (OPEN_AT_CUTOFF as readonly string[]).includes(h.state))
      .sort((a, b) => (a.paymentId < b.paymentId ? -1 : 1));
    for (const h of open) {
      if (done === crashAfter) throw new Crash('cut-off died');
      const held = this.bank.get(h.paymentId);
      const answer: BankAnswer | undefined =
        h.channel !== 'BANK'
          ? undefined
          : noAnswer
            ? { kind: 'no-answer' }
            : held
              ? { kind: 'status', status: held.status, state: stateForBankStatus(held.status) }
              : { kind: 'unknown-to-bank' };
      this.transition(h.paymentId, atCutoff(h.state as OpenState, h.channel, answer).to, 'cut-off');
      done++;
    }
    c.status = 'COLLECTING';
    this.log.push(`  ${c.cycleId} cut-off: ${open.length} open payments resolved`);
  }

  /** close-task.ts: the closing from the ledger's state totals and the chunks that never reached it. */
  private close(c: Cycle): void {
    if (c.status !== 'COLLECTING' || !c.draft) return;
    const totals = emptyStateTotals();
    for (const h of this.heads.values()) {
      if (h.cycleId !== c.cycleId) continue;
      totals[h.state].count++;
      totals[h.state].amount += h.amount;
    }
    const notDispatched = { count: 0, amount: 0 };
    for (const chunk of c.draft.chunks) {
      if (this.dispatched.has(`${c.cycleId}#${chunk.index}`)) continue;
      for (const i of chunk.part) {
        if (this.heads.has(i.paymentId)) continue;
        notDispatched.count++;
        notDispatched.amount += i.amount;
      }
    }
    c.closing = closingOf({ count: c.draft.totals.payees, amount: c.draft.totals.amount }, totals, notDispatched);
    c.status = 'CLOSED';
    if (c.kind === 'MONTHLY') this.turn = { releasedAt: this.at() }; // close-task.ts releaseTurn
    const { approved, balanced } = c.closing;
    this.log.push(
      `  ${c.cycleId} closed: ${approved.count} approved, ${approved.amount} VND, balanced ${balanced.count && balanced.amount}`,
    );
  }

  // ---------------------------------------------------------------------------------------------- statements

  /** The bank's camt.053 since the last one: a debit per settled payment, a credit per return. */
  private newStatement(): StatementEntry[] {
    const entries: StatementEntry[] = [];
    const n = this.statements.length + 1;
    const entry = (paymentId: string, amount: number, cd: 'DBIT' | 'CRDT'): StatementEntry => ({
      type: 'entry',
      statement: n,
      entry: entries.length + 1,
      amount: { currency: 'VND', minor: BigInt(amount), exponent: 0 },
      creditDebit: cd,
      status: 'BOOK',
      bookingDate: this.at().slice(0, 10),
      reversal: false,
      accountServicerRef: `B${n}-${entries.length + 1}`,
      batches: [],
      ...(cd === 'CRDT' ? { bankTransactionCode: { subFamily: 'RRTN' } } : {}),
      transactions: [
        {
          endToEndId: paymentId,
          amount: { currency: 'VND', minor: BigInt(amount), exponent: 0 },
          ...(cd === 'CRDT' ? { returnReason: 'AC04' } : {}),
        },
      ],
    });
    for (const [id, p] of [...this.bank].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (p.status === 'ACSC' && !p.stated) {
        entries.push(entry(id, p.amount, 'DBIT'));
        p.stated = true;
      }
      if (p.returned && !p.returnStated) {
        entries.push(entry(id, p.amount, 'CRDT'));
        p.returnStated = true;
      }
    }
    this.statements.push(entries);
    return entries;
  }

  /** reconcile-worker.ts: matchEntry per line; BOOK records the first booking, RETURN moves the ledger. */
  private reconcile(entries: StatementEntry[]): void {
    const importId = `IMP${++this.imports}`;
    const payments = new Map<string, LedgerPayment>();
    for (const h of this.heads.values()) payments.set(h.paymentId, h);
    for (const e of entries) {
      const r = matchEntry(importId, e, {
        payments,
        bookings: this.bookings,
        returns: this.returns,
        batches: this.batches,
        candidates: new Map(),
        message: 'camt.053',
      });
      for (const eff of r.effects) {
        if (eff.kind === 'BOOK' && !this.bookings.has(eff.paymentId)) this.bookings.set(eff.paymentId, eff.booking);
        if (eff.kind === 'RETURN') {
          if (!this.returns.has(eff.paymentId)) this.returns.set(eff.paymentId, eff.booking);
          this.transition(eff.paymentId, 'RETURNED', 'reconciliation');
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------- steps

  run(step: Step): void {
    this.now += STEP_MS;
    try {
      this.apply(step);
    } catch (err) {
      if (!(err instanceof Crash)) throw err;
      this.log.push(`  crash: ${err.message}`);
      if (step.k === 'cutoff' || step.k === 'supplementary') this.interrupted.push(step);
    }
  }

  private apply(step: Step): void {
    switch (step.k) {
      case 'monthly':
      case 'supplementary': {
        const kind = step.k === 'monthly' ? 'MONTHLY' : 'SUPPLEMENTARY';
        const cycleId = this.cycleToCreate(kind, step.period);
        if (!cycleId) {
          this.log.push(`  refused: another cycle could pay the same months (OTHER_CYCLE_RUNNING)`);
          return;
        }
        let c = this.cycle(cycleId);
        if (!c) {
          c = { cycleId, programme: PROGRAMME, kind, period: step.period, status: 'COMPUTING' };
          this.cycles.push(c);
        }
        // recompute-handler.ts: the officer's answer to DRAFT_STALE (or any change) is to compute it again.
        if (kind === 'MONTHLY' && c.status === 'DRAFT') c.status = 'COMPUTING';
        if (c.status !== 'COMPUTING') return;
        if (kind === 'MONTHLY') this.computeMonthly(c);
        else this.computeSupplementary(c, step.k === 'supplementary' ? step.crashAfter : -1);
        return;
      }
      case 'approve': {
        const c = this.cycleAt(step.cycle);
        if (!c?.draft) return;
        if (c.status === 'DRAFT') {
          // approve-handler.ts: a monthly cycle takes the programme's turn (cycle-turns.ts approvalTurn).
          const refusal = c.kind === 'MONTHLY' ? approvalTurn(c.cycleId, c.draft.computedAt, this.turn) : undefined;
          if (refusal) {
            this.log.push(`  ${c.cycleId} approval refused: ${refusal.code}`);
            return;
          }
          if (c.kind === 'MONTHLY') this.turn = { ...this.turn, holder: c.cycleId };
          c.status = 'DISPATCHING';
          c.approvedAt = this.now;
          this.log.push(`  ${c.cycleId} approved: ${c.draft.chunks.length} chunks enqueued`);
        } else if (c.status === 'DISPATCHING') {
          this.log.push(`  ${c.cycleId} approved again: its chunks enqueued again`);
        } else return; // approving a closed cycle is refused
        for (const chunk of c.draft.chunks) this.queue.push({ cycleId: c.cycleId, chunk: chunk.index, receives: 0 });
        return;
      }
      case 'deliver': {
        if (!this.queue.length) return;
        const [m] = this.queue.splice(step.pick % this.queue.length, 1) as [Message];
        m.receives++;
        try {
          this.dispatch(m, step.crashAt, step.bank);
        } catch (err) {
          if (!(err instanceof Crash)) throw err;
          (m.receives >= MAX_RECEIVE ? this.dlq : this.queue).push(m);
          throw err;
        }
        return;
      }
      case 'callback': {
        if (!this.callbacks.length) return;
        const n = step.pick % this.callbacks.length;
        const report = this.callbacks[n] as Pain002Report;
        if (!step.dup) this.callbacks.splice(n, 1);
        if (!step.lose) this.applyReport(report);
        return;
      }
      case 'cutoff': {
        const c = this.cycleAt(step.cycle);
        if (c) this.cutoff(c, step.crashAfter, step.noAnswer);
        return;
      }
      case 'close': {
        const c = this.cycleAt(step.cycle);
        if (c) this.close(c);
        return;
      }
      case 'return': {
        const settled = [...this.bank].filter(([, p]) => p.status === 'ACSC' && !p.returned);
        if (!settled.length) return;
        (settled[step.pick % settled.length] as [string, BankPayment])[1].returned = true;
        return;
      }
      case 'statement': {
        const entries =
          step.again !== null && this.statements.length
            ? (this.statements[step.again % this.statements.length] as StatementEntry[])
            : this.newStatement();
        this.reconcile(entries);
        return;
      }
      case 'officer': {
        const open = [...this.cases.values()]
          .filter((c) => c.state === 'OPEN')
          .sort((a, b) => (a.caseId < b.caseId ? -1 : 1));
        if (!open.length) return;
        const c = open[step.pick % open.length] as CaseRecord;
        this.act(c.caseId, { kind: 'RECORD_ACTION', note: 'tài khoản đã sửa / account fixed' }, OFFICER);
        return;
      }
      case 'restart': {
        this.queue.push(...this.dlq.splice(0).map((m) => ({ ...m, receives: 0 })));
        for (const s of this.interrupted.splice(0)) {
          if (s.k === 'cutoff') this.run({ ...s, crashAfter: -1 });
          if (s.k === 'supplementary') this.run({ ...s, crashAfter: -1 });
        }
        return;
      }
    }
  }
}

export const periodsFrom = (first: string, n: number) => Array.from({ length: n }, (_, i) => addMonths(first, i));
