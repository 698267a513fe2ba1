/**
 * Queue consumer: reconciles one imported statement file against the payment ledger, streaming it (any
 * size, flat memory) in batches of 100 entries: fetch what the lines refer to, decide (match.ts, pure),
 * record bookings and returns (conditional: the first line to book a payment wins, later ones are
 * duplicates), write one finding per line. Every write is keyed deterministically, so a redelivered message,
 * a resumed run or an officer loading the same file again changes nothing.
 *
 * Long files: the run checkpoints after each batch and, near its time budget, hands the rest to a new
 * message, so a 1,000,000-entry statement never depends on one Lambda invocation.
 */
import { z } from 'zod';
import { closeCaseOnSettlement, openCaseOnFailure } from '../cases/open-on-failure.js';
import { closeJob, getJob, updateOpenJob } from '../jobs/job-store.js';
import type { StatementEntry, StatementEvent, StatementHeader } from '../payments/iso20022/camt.js';
import { Iso20022Error } from '../payments/iso20022/errors.js';
import type { Pain002Report } from '../payments/iso20022/pain002.js';
import { PaymentNotFoundError, transition } from '../payments/ledger/ledger-store.js';
import { stateForBankStatus, UNPAID_STATES } from '../payments/ledger/payment-state.js';
import { readStatement } from '../payments/statements/detect.js';
import { readObject } from '../shared/objects.js';
import { logger } from '../shared/powertools.js';
import { queueConsumer } from '../shared/task.js';
import {
  type ContinuityProblem,
  continuityWith,
  duplicateOf,
  StatementArithmetic,
  signedBalance,
  statementAccount,
  statementSequence,
} from './continuity.js';
import { dispatchImport, type StatementImportJob, type StatementSummary } from './import-job.js';
import { type Effect, type Finding, fallbackAccounts, matchEntry, referencesOf } from './match.js';
import type { Outcome } from './outcomes.js';
import {
  candidatesByAccount,
  ourBatches,
  paymentsAndBookings,
  previousStatement,
  recordEffects,
  recordStatement,
  saveFindings,
  statementById,
} from './reconciliation-store.js';
import { addTo, emptyTotals, mergeTotals, type OutcomeTotals } from './report.js';

const Message = z.object({ importId: z.string().min(1).max(64) });
const BATCH = 100;
/** Batches in flight at once: DynamoDB answers one while the next is being decided. */
const WINDOW = 4;
/** Seconds of work per invocation before the rest goes to a new message (Lambda allows 900). */
const BUDGET_SECONDS = () => Number(process.env.ANSINH_RECONCILE_BUDGET_SECONDS ?? 720);

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
): Promise<OutcomeTotals> {
  if (duplicateStatement) {
    const findings: Finding[] = entries.map((e) => ({
      importId,
      statement: e.statement,
      entry: e.entry,
      tx: 0,
      outcome: 'DUPLICATE_STATEMENT',
      creditDebit: e.creditDebit,
      amount: Number(e.amount.minor),
      bookingDate: e.bookingDate,
      note: 'statement already loaded: this line was reconciled there',
    }));
    await saveFindings(importId, findings);
    return totalsOf(findings);
  }
  const refs = entries.map(referencesOf);
  const ids = [...new Set(refs.flatMap((r) => r.paymentIds))];
  const msgIds = [...new Set(refs.flatMap((r) => r.msgIds))];
  const [{ payments, bookings }, batches] = await Promise.all([paymentsAndBookings(ids), ourBatches(msgIds)]);
  // Lines of whole batches need the batch's payments too.
  const batchPaymentIds = [...batches.values()].flatMap((b) => b.paymentIds).filter((id) => !payments.has(id));
  if (batchPaymentIds.length) {
    const more = await paymentsAndBookings(batchPaymentIds);
    for (const [k, v] of more.payments) payments.set(k, v);
    for (const [k, v] of more.bookings) bookings.set(k, v);
  }
  // Fallback candidates only for transactions we could not place by reference.
  const accounts = new Set(entries.flatMap((e) => fallbackAccounts(e, payments)));
  const candidates = await candidatesByAccount([...accounts]);

  const findings: Finding[] = [];
  const effects: { effect: Effect; finding: Finding }[] = [];
  for (const entry of entries) {
    const r = matchEntry(importId, entry, { payments, bookings, batches, candidates });
    findings.push(...r.findings);
    for (const effect of r.effects) {
      const finding = r.findings.find((f) => f.paymentId === effect.paymentId) ?? (r.findings[0] as Finding);
      effects.push({ effect, finding });
      // A later line of this batch booking the same payment is a duplicate of this one.
      if (effect.kind === 'BOOK') bookings.set(effect.paymentId, effect.booking);
    }
  }
  const lost = await recordEffects(
    importId,
    effects.map((e) => e.effect),
  );
  for (const { effect, finding } of effects) {
    if (lost.has(effect)) {
      // Another line (here or in another import) booked this payment first.
      finding.outcome = 'DUPLICATE_ENTRY';
      finding.note = `${effect.kind === 'RETURN' ? 'return' : 'booking'} already recorded for ${effect.paymentId}`;
    } else if (effect.kind === 'RETURN') {
      // The ledger gets a new RETURNED entry linked to the original payment; never an update of the old ones.
      await transition(effect.paymentId, 'RETURNED', 'statement-import', {
        importId,
        line: effect.booking.position,
        reason: effect.reasonCode,
      });
      // A return opens the person's case like the bank's own notification does (idempotent: one case, one message).
      await openCaseOnFailure(effect.paymentId, 'RETURNED', effect.reasonCode);
    }
  }
  await saveFindings(importId, findings);
  return totalsOf(findings);
}

/** A pain.002 status report: each status applied through the ledger's lifecycle, and said what it was. */
async function reconcileStatusReport(importId: string, report: Pain002Report): Promise<OutcomeTotals> {
  const findings: Finding[] = [];
  let n = 0;
  for (const tx of report.transactions) {
    n++;
    const base: Finding = {
      importId,
      statement: 1,
      entry: n,
      tx: 0,
      outcome: 'NOT_OURS',
      creditDebit: 'DBIT',
      amount: 0,
      endToEndId: tx.originalEndToEndId,
      reasonCode: tx.reasons?.[0]?.code,
    };
    const wanted = tx.status ? stateForBankStatus(tx.status) : undefined;
    if (!tx.originalEndToEndId || !wanted) {
      findings.push({ ...base, note: `status ${tx.status ?? 'none'} without a payment we can place` });
      continue;
    }
    try {
      const d = await transition(tx.originalEndToEndId, wanted, 'status-report-import', {
        importId,
        status: tx.status,
        reason: tx.reasons?.[0]?.code,
      });
      if (d.kind === 'apply' || d.kind === 'already') {
        if (UNPAID_STATES.has(wanted)) await openCaseOnFailure(tx.originalEndToEndId, wanted, tx.reasons?.[0]?.code);
        if (wanted === 'SETTLED') await closeCaseOnSettlement(tx.originalEndToEndId);
      }
      const outcome: Outcome =
        d.kind === 'apply'
          ? 'STATUS_APPLIED'
          : d.kind === 'already'
            ? 'MATCHED'
            : d.kind === 'stale'
              ? 'LATE_STATUS'
              : 'CONTRADICTORY_STATUS';
      findings.push({ ...base, outcome, paymentId: tx.originalEndToEndId, note: `${tx.status} → ${d.kind}` });
    } catch (err) {
      if (!(err instanceof PaymentNotFoundError)) throw err;
      findings.push({ ...base, note: 'status for a payment the ledger does not hold' });
    }
  }
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
  if (opened.format === 'pain.002') {
    totals = await reconcileStatusReport(importId, opened.report);
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
        const done = reconcileBatch(importId, batch, current.duplicate);
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
        if (batch.length >= BATCH) {
          await flush();
          if ((Date.now() - started) / 1000 > BUDGET_SECONDS()) {
            // The rest goes to a fresh invocation; it resumes after `checkpoint`.
            await drain();
            await dispatchImport(importId);
            logger.info('Statement reconciliation continues in a new run', { importId, entries: ordinal });
            return 'CONTINUED';
          }
        }
      } else if (event.type === 'end' && current) {
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
          sequence: statementSequence(h),
          openingBalance: signedBalance(h.openingBalance),
          closingBalance: signedBalance(h.closingBalance),
          ...current.sum.totals(),
          entries: current.entries,
          problems: current.problems,
        };
        summaries.push(summary);
        if (!current.duplicate) {
          await recordStatement({
            importId,
            account: summary.account,
            statementId: h.id,
            sequence: summary.sequence,
            closingBalance: summary.closingBalance,
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
  await closeJob(importId, 'COMPLETED', { totals, lines, finishedAt: new Date().toISOString(), format: opened.format });
  logger.info('Statement reconciled', { importId, lines });
  return 'DONE';
}

/** The statement this one should continue; a statement this same import recorded earlier does not count. */
async function previousOf(account: string, header: StatementHeader, importId: string) {
  const prev = await previousStatement(account, statementSequence(header));
  return prev && prev.statementId === header.id && prev.importId === importId ? undefined : prev;
}

export const handler = queueConsumer(Message, async ({ importId }) => {
  const job = await getJob<StatementImportJob>(importId);
  if (!job?.openKind) return; // finished already: a redelivery changes nothing
  try {
    await reconcileImport(job);
  } catch (err) {
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
