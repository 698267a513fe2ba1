/**
 * Queue consumer: reconciles one imported statement file against the payment ledger, streaming it (any
 * size, flat memory) in batches of 100 entries: fetch what the lines refer to, decide (match.ts, pure),
 * record bookings (conditional: the first line to book a payment wins, later ones are duplicates), write one
 * finding per line, and *propose* the ledger changes the file implies (returns, pain.002 statuses): they apply
 * only when a second finance officer confirms the set (proposal.ts, confirm-handler.ts). Every write is keyed deterministically, so a redelivered message,
 * a resumed run or an officer loading the same file again changes nothing.
 *
 * Long files: the run checkpoints after each batch and, near its time budget, hands the rest to a new
 * message, so a 1,000,000-entry statement never depends on one Lambda invocation.
 */
import { z } from 'zod';
import { readStatement } from '../bank-statements/detect.js';
import { getCycle } from '../disbursement-cycles/cycle-store.js';
import type { StatementEntry, StatementEvent, StatementHeader, StatementMessage } from '../iso20022/camt.js';
import { Iso20022Error } from '../iso20022/errors.js';
import type { Pain002Report } from '../iso20022/pain002.js';
import { closeJob, getJob, updateOpenJob } from '../jobs/job-store.js';
import { reportedStatuses } from '../payment-ledger/status-report.js';
import payingAccounts from '../payments/data/paying-accounts.json' with { type: 'json' };
import { readObject } from '../shared/objects.js';
import { maskDigits } from '../shared/pii.js';
import { logger } from '../shared/powertools.js';
import { queueConsumer } from '../shared/task.js';
import {
  type ContinuityProblem,
  continuityWith,
  duplicateOf,
  StatementArithmetic,
  signedBalance,
  statementAccount,
  statementChain,
  statementMoney,
  statementSequence,
  withClosing,
} from './continuity.js';
import { dispatchImport, type StatementImportJob, type StatementSummary } from './import-job.js';
import {
  alreadyLoadedFinding,
  type Effect,
  type Finding,
  fallbackAccounts,
  type LedgerPayment,
  matchEntry,
  type OurBatch,
  referencesOf,
} from './match.js';
import { ProposalBuilder, type ProposedChange } from './proposal.js';
import {
  candidatesByAccount,
  ledgerPayments,
  lineKey,
  ourBatches,
  paymentsAndBookings,
  previousStatement,
  proposedChanges,
  recordEffects,
  recordStatement,
  returnMarks,
  saveFindings,
  saveProposedChanges,
  statementById,
} from './reconciliation-store.js';
import { addTo, emptyTotals, mergeTotals, type OutcomeTotals } from './report.js';
import { RECONCILE_BATCH, reconcileBudgetSeconds } from './run-budget.js';
import { decideReportedStatuses, statusFindings } from './status-findings.js';

const Message = z.object({ importId: z.string().min(1).max(64) });
/** Batches in flight at once: DynamoDB answers one while the next is being decided. */
const WINDOW = 4;

/**
 * A statement or status report belongs to one paying account: the account the importer's province pays from
 * (payments/data/paying-accounts.json). A file about another account is refused whole; within the file, a
 * line touches only payments paid from that account (bank payments of that province's cycles), any other is
 * NOT_OURS. So an officer can neither move another province's payments nor learn their ids.
 */
const PAYING_ACCOUNTS = payingAccounts.accounts as Record<string, { accountId: string }>;

export class ForeignStatementError extends Error {
  readonly code = 'STATEMENT_NOT_OUR_ACCOUNT';
  constructor(
    readonly text: { vi: string; en: string },
    readonly account: string,
  ) {
    super(text.en);
  }
}

const foreignAccount = (account: string, ours: string | undefined) =>
  new ForeignStatementError(
    {
      vi: `Tệp này là sao kê/báo cáo của tài khoản ${maskDigits(account)}, không phải tài khoản chi trả của địa bàn bạn (${ours ? maskDigits(ours) : 'chưa cấu hình'}); không có gì được thay đổi.`,
      en: `This file reports on account ${maskDigits(account)}, not your jurisdiction's paying account (${ours ? maskDigits(ours) : 'none configured'}); nothing was changed.`,
    },
    account,
  );

/** The province of an import: its importer's province claim, or a province jurisdiction (older imports). */
const provinceOf = (job: StatementImportJob) =>
  job.province ?? (/^\d{2}$/.test(job.jurisdiction) ? job.jurisdiction : undefined);

/** Which paying account each cycle pays from (the dispatch worker's debtor), cached per run. */
function paidFromResolver() {
  const byCycle = new Map<string, Promise<string | undefined>>();
  const accountOfCycle = (cycleId: string) => {
    let found = byCycle.get(cycleId);
    if (!found) {
      found = getCycle(cycleId).then((c) => (c ? PAYING_ACCOUNTS[c.jurisdiction.slice(0, 2)]?.accountId : undefined));
      byCycle.set(cycleId, found);
    }
    return found;
  };
  /** Whether a payment left through the bank from this account (post-office payments never do). */
  return async (p: LedgerPayment, account: string) => !!p.bankBin && (await accountOfCycle(p.cycleId)) === account;
}
type PaidFrom = ReturnType<typeof paidFromResolver>;

/** Keeps only what this account paid: other payments, their bookings and batches are invisible to the file. */
async function keepPaidFrom(
  account: string,
  paidFrom: PaidFrom,
  payments: Map<string, LedgerPayment>,
  bookings: Map<string, unknown>,
  batches?: Map<string, OurBatch>,
) {
  for (const [id, p] of payments) {
    if (!(await paidFrom(p, account))) {
      payments.delete(id);
      bookings.delete(id);
    }
  }
  for (const [msgId, b] of batches ?? []) {
    if (!b.paymentIds.every((id) => payments.has(id))) batches?.delete(msgId);
  }
}

/** Statement-level findings sit at entry 0, one fixed slot per kind, so re-running rewrites the same keys. */
const SLOT: Record<ContinuityProblem['code'], number> = {
  DUPLICATE_STATEMENT: 1,
  COPY_OF_LOADED: 2,
  SEQUENCE_GAP: 3,
  OPENING_BALANCE_MISMATCH: 4,
  BALANCE_MISMATCH: 5,
};

function statementFinding(importId: string, statement: number, p: ContinuityProblem): Finding {
  return {
    importId,
    statement,
    entry: 0,
    tx: SLOT[p.code],
    outcome: p.code === 'DUPLICATE_STATEMENT' || p.code === 'COPY_OF_LOADED' ? 'DUPLICATE_STATEMENT' : 'CONTINUITY',
    creditDebit: (p.difference ?? 0) < 0 ? 'DBIT' : 'CRDT',
    // Continuity differences are not statement money: kept apart from the line totals (see report).
    amount: 0,
    expectedAmount: p.difference,
    ...(p.currency ? { currency: p.currency, foreignAmount: p.foreignDifference } : {}),
    note: `${p.code}: ${p.detail}`,
  };
}

/** The lines of one batch of entries: decided together, written together. */
/** Counts and VND per outcome of some findings. */
function totalsOf(findings: Finding[]): OutcomeTotals {
  const totals = emptyTotals();
  for (const f of findings) addTo(totals, f.outcome, f.amount);
  return totals;
}

async function reconcileBatch(
  importId: string,
  entries: StatementEntry[],
  duplicateStatement: boolean,
  message: StatementMessage,
  account: string,
  paidFrom: PaidFrom,
): Promise<OutcomeTotals> {
  if (duplicateStatement) {
    const findings: Finding[] = entries.map((e) => alreadyLoadedFinding(importId, e));
    await saveFindings(importId, findings);
    return totalsOf(findings);
  }
  const refs = entries.map(referencesOf);
  const ids = [...new Set(refs.flatMap((r) => r.paymentIds))];
  const msgIds = [...new Set(refs.flatMap((r) => r.msgIds))];
  const credited = new Set(refs.flatMap((r, i) => (entries[i]?.creditDebit === 'CRDT' ? r.paymentIds : [])));
  const [{ payments, bookings, returns }, batches] = await Promise.all([
    paymentsAndBookings(ids, credited),
    ourBatches(msgIds),
  ]);
  // Lines of whole batches need the batch's payments too.
  const batchPaymentIds = [...batches.values()].flatMap((b) => b.paymentIds).filter((id) => !payments.has(id));
  if (batchPaymentIds.length) {
    const more = await paymentsAndBookings(batchPaymentIds);
    for (const [k, v] of more.payments) payments.set(k, v);
    for (const [k, v] of more.bookings) bookings.set(k, v);
  }
  await keepPaidFrom(account, paidFrom, payments, bookings, batches);
  // Fallback candidates only for transactions we could not place by reference, and only this account's.
  const accounts = new Set(entries.flatMap((e) => fallbackAccounts(e, payments)));
  const candidates = await candidatesByAccount([...accounts]);
  for (const [acct, list] of candidates) {
    const mine: LedgerPayment[] = [];
    for (const p of list) if (await paidFrom(p, account)) mine.push(p);
    if (mine.length) candidates.set(acct, mine);
    else candidates.delete(acct);
  }

  const findings: Finding[] = [];
  const effects: { effect: Effect; finding: Finding }[] = [];
  for (const entry of entries) {
    const r = matchEntry(importId, entry, { payments, bookings, returns, batches, candidates, message });
    findings.push(...r.findings);
    for (const effect of r.effects) {
      const finding = r.findings.find((f) => f.paymentId === effect.paymentId) ?? (r.findings[0] as Finding);
      effects.push({ effect, finding });
      // A later line of this batch booking the same payment is a duplicate of this one.
      if (effect.kind === 'BOOK') bookings.set(effect.paymentId, effect.booking);
    }
  }
  // Bookings only say which line booked a payment (the first one wins); they move no payment.
  const books = effects.filter((e) => e.effect.kind === 'BOOK');
  const lost = await recordEffects(
    importId,
    books.map((e) => e.effect),
    payments,
  );
  for (const { effect, finding } of books) {
    if (lost.has(effect)) {
      // Another line (here or in another import) booked this payment first.
      finding.outcome = 'DUPLICATE_ENTRY';
      finding.note = `booking already recorded for ${effect.paymentId}`;
    }
  }
  // A return moves the payment (RETURNED, then owed again as arrears): proposed here, applied only once a
  // second officer confirms the import (confirm-handler.ts).
  const returnEffects = effects.filter((e) => e.effect.kind === 'RETURN');
  const recorded = returnEffects.length ? await returnMarks(returnEffects.map((e) => e.effect.paymentId)) : new Map();
  const proposed: ProposedChange[] = [];
  const proposedFor = new Set<string>();
  for (const { effect, finding } of returnEffects) {
    const mark = recorded.get(effect.paymentId);
    if ((mark && mark.position !== effect.booking.position) || proposedFor.has(effect.paymentId)) {
      finding.outcome = 'DUPLICATE_ENTRY';
      finding.note = `return already recorded for ${effect.paymentId}`;
      continue;
    }
    proposedFor.add(effect.paymentId);
    proposed.push({
      line: lineKey(finding),
      paymentId: effect.paymentId,
      to: 'RETURNED',
      reason: effect.reasonCode,
      booking: effect.booking,
    });
  }
  await saveProposedChanges(importId, proposed);
  await saveFindings(importId, findings);
  return totalsOf(findings);
}

/**
 * A pain.002 status report. It answers one of our pain.001 messages (its original MsgId); that message must
 * have left from the importer's paying account, and each status may only touch a payment of that message. A
 * block or the whole message rejected is expanded to its payments (pain002.ts statusUpdates, the one reading
 * the callback path uses too). Each status is decided against the ledger now and *proposed*: it applies only
 * once a second finance officer confirms the import.
 */
async function reconcileStatusReport(
  importId: string,
  report: Pain002Report,
  ours: string | undefined,
  paidFrom: PaidFrom,
): Promise<OutcomeTotals> {
  const original = (await ourBatches([report.originalMsgId])).get(report.originalMsgId);
  const first = original?.paymentIds[0];
  const head = first ? (await ledgerPayments([first])).get(first) : undefined;
  if (!original || !head || !ours || !(await paidFrom(head, ours))) {
    throw new ForeignStatementError(
      {
        vi: 'Báo cáo trạng thái này không trả lời lệnh chi nào gửi từ tài khoản chi trả của địa bàn bạn (mã thông điệp gốc không khớp); không có gì được thay đổi.',
        en: "This status report answers no payment message sent from your jurisdiction's paying account (unknown original message id); nothing was changed.",
      },
      report.originalMsgId,
    );
  }
  const { statuses, unplaced } = reportedStatuses(report, original);
  const inMessage = new Set(original.paymentIds);
  const named = statuses.flatMap((s) => (inMessage.has(s.paymentId) ? [s.paymentId] : []));
  const heads = await ledgerPayments([...new Set(named)]);
  const decided = decideReportedStatuses(statuses, inMessage, (id) => heads.get(id)?.state);
  const findings = statusFindings(importId, report.originalMsgId, decided, unplaced);
  const proposed: ProposedChange[] = [];
  decided.forEach((d, i) => {
    const wanted = statuses[i]?.wanted;
    if (!wanted || (d.result.kind !== 'apply' && d.result.kind !== 'anomaly')) return;
    proposed.push({
      line: lineKey(findings[i] as Finding),
      paymentId: d.paymentId,
      to: wanted,
      status: d.status,
      reason: d.reason,
    });
  });
  await saveProposedChanges(importId, proposed);
  await saveFindings(importId, findings);
  return totalsOf(findings);
}

interface OpenStatement {
  header: StatementHeader;
  duplicate: boolean;
  sum: StatementArithmetic;
  entries: number;
  problems: ContinuityProblem[];
}

/** Reconciles an import from its stored file (`source` lets the benchmark stream a generated one instead). */
export async function reconcileImport(
  job: StatementImportJob,
  source: AsyncIterable<Uint8Array> = readObject(job.objectKey),
): Promise<'DONE' | 'CONTINUED'> {
  const importId = job.jobId;
  const started = Date.now();
  const opened = await readStatement(source, job.fileName);
  // Totals are kept as the work goes: the lines' totals are saved with the checkpoint in one write (so a
  // resumed run counts each line once); statement-level findings are recounted by every run.
  let totals = emptyTotals();
  const province = provinceOf(job);
  const ours = province ? PAYING_ACCOUNTS[province]?.accountId : undefined;
  const paidFrom = paidFromResolver();
  if (opened.format === 'pain.002') {
    totals = await reconcileStatusReport(importId, opened.report, ours, paidFrom);
  } else {
    let lineTotals = job.lineTotals ?? emptyTotals();
    let statementTotals = emptyTotals();
    const checkpoint = job.checkpoint ?? 0;
    const summaries: StatementSummary[] = [];
    let current: OpenStatement | undefined;
    let ordinal = 0;
    let batch: StatementEntry[] = [];
    // Rows the parser could not read (bank CSV) and its own checks: reported with the import, never dropped.
    const fileProblems: { statement: number; line?: number; code: string; message: { vi: string; en: string } }[] = [];
    let fileProblemCount = 0;
    // Batches run a few at a time; the checkpoint only ever moves past batches finished in order, so a
    // resumed run redoes at most the window (harmlessly: every write is keyed by its line).
    const inFlight: { done: Promise<OutcomeTotals>; upTo: number }[] = [];
    const settle = async (keep: number) => {
      while (inFlight.length > keep) {
        const oldest = inFlight.shift() as { done: Promise<OutcomeTotals>; upTo: number };
        lineTotals = mergeTotals(lineTotals, await oldest.done);
        await updateOpenJob(importId, {
          checkpoint: oldest.upTo,
          lineTotals,
          status: 'RECONCILING',
          format: opened.format,
        });
      }
    };
    const flush = async () => {
      if (batch.length && current) {
        const done = reconcileBatch(
          importId,
          batch,
          current.duplicate,
          current.header.message,
          statementAccount(current.header),
          paidFrom,
        );
        done.catch(() => undefined); // awaited in order by settle(); this only stops an early unhandled report
        inFlight.push({ done, upTo: ordinal });
        batch = [];
      }
      await settle(WINDOW - 1);
    };
    const drain = async () => {
      await flush();
      await settle(0);
    };
    for await (const event of opened.events as AsyncIterable<StatementEvent>) {
      if (event.type === 'problem') {
        fileProblemCount++;
        if (fileProblems.length < 200) {
          fileProblems.push({ statement: event.statement, line: event.line, code: event.code, message: event.message });
        }
      } else if (event.type === 'header') {
        const account = statementAccount(event);
        // Refused before any of its lines is read: another account's statement changes nothing.
        if (!ours || account !== ours) throw foreignAccount(account, ours);
        const sameId = await statementById(account, event.id);
        const dup = duplicateOf(importId, event, sameId);
        const problems = dup ? [dup] : continuityWith(event, await previousOf(account, event, importId));
        current = { header: event, duplicate: !!dup, sum: new StatementArithmetic(), entries: 0, problems };
      } else if (event.type === 'entry' && current) {
        ordinal++;
        current.entries++;
        current.sum.add(event.creditDebit, Number(event.amount.minor), event.status === 'BOOK');
        if (ordinal <= checkpoint) continue; // reconciled by an earlier run
        batch.push(event);
        if (batch.length >= RECONCILE_BATCH) {
          await flush();
          if ((Date.now() - started) / 1000 > reconcileBudgetSeconds()) {
            // The rest goes to a fresh invocation; it resumes after `checkpoint`.
            await drain();
            await dispatchImport(importId);
            logger.info('Statement reconciliation continues in a new run', { importId, entries: ordinal });
            return 'CONTINUED';
          }
        }
      } else if (event.type === 'end' && current) {
        current.header = withClosing(current.header, event);
        await drain();
        const balance = current.sum.check(current.header);
        if (balance && !current.duplicate) current.problems.push(balance);
        const statementFindings = current.problems.map((p) =>
          statementFinding(importId, current?.header.statement ?? 0, p),
        );
        await saveFindings(importId, statementFindings);
        statementTotals = mergeTotals(statementTotals, totalsOf(statementFindings));
        const h = current.header;
        const summary: StatementSummary = {
          statement: h.statement,
          statementId: h.id,
          account: statementAccount(h),
          chain: statementChain(h),
          sequence: statementSequence(h),
          ...statementMoney(h, current.sum.totals()),
          entries: current.entries,
          problems: current.problems,
        };
        summaries.push(summary);
        if (!current.duplicate) {
          await recordStatement({
            importId,
            account: summary.account,
            statementId: h.id,
            chain: summary.chain,
            sequence: summary.sequence,
            closingBalance: signedBalance(h.closingBalance),
            currency: summary.currency,
          });
        }
        current = undefined;
      }
    }
    await drain();
    await updateOpenJob(importId, { statements: summaries, fileProblems, fileProblemCount });
    totals = mergeTotals(lineTotals, statementTotals);
  }
  const lines = Object.values(totals).reduce((n, t) => n + t.count, 0);
  // The set of ledger changes the file proposes, named by its hash: a second officer confirms exactly it.
  const proposal = new ProposalBuilder();
  for await (const change of proposedChanges(importId)) proposal.add(change);
  await closeJob(importId, 'COMPLETED', {
    totals,
    lines,
    finishedAt: new Date().toISOString(),
    format: opened.format,
    proposal: proposal.build(),
  });
  logger.info('Statement reconciled', { importId, lines });
  return 'DONE';
}

/** The statement this one should continue; a statement this same import recorded earlier does not count. */
async function previousOf(account: string, header: StatementHeader, importId: string) {
  const prev = await previousStatement(account, statementChain(header), statementSequence(header));
  return prev && prev.statementId === header.id && prev.importId === importId ? undefined : prev;
}

export const handler = queueConsumer(Message, async ({ importId }) => {
  const job = await getJob<StatementImportJob>(importId);
  if (!job?.openKind) return; // finished already: a redelivery changes nothing
  try {
    await reconcileImport(job);
  } catch (err) {
    if (err instanceof ForeignStatementError) {
      await closeJob(importId, 'FAILED', { failure: { code: err.code, message: err.text } });
      logger.warn('Statement of another account refused', { importId });
      return;
    }
    if (err instanceof Iso20022Error) {
      // A file we cannot read is the officer's to fix: the import fails with the reasons, nothing is retried.
      await closeJob(importId, 'FAILED', {
        failure: { code: err.code, message: err.text },
        problems: err.problems.slice(0, 50),
        ...(err.details ? { failureDetails: err.details } : {}),
      });
      return;
    }
    throw err;
  }
});
