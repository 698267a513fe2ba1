/**
 * The scale model: what one province's month costs each step of the platform AS IT IS (not as it should be),
 * from the definition (infra/system.ts: memory, timeouts, queue batch sizes; state-machines/*.asl.json: Wait
 * seconds, Map concurrency), the chunk sizes in the code, and per-item local costs kept as data with their
 * provenance (data/per-item-costs.json). Prices are data too (data/prices-ap-southeast-1.json).
 *
 * It is arithmetic on stated assumptions, meant to show which step breaks which AWS limit first and by how
 * much, and what a million payments cost; every assumption is named where it is used.
 */
import { ACCOUNTS_PER_TRANSACTION, JURISDICTION_SPREAD } from '../../functions/accounts/account-store.js';
import { CYCLE_STATE_SHARDS, TOTALS_SHARDS } from '../../functions/payment-ledger/ledger-store.js';
import disbursementAsl from '../../state-machines/disbursement.asl.json' with { type: 'json' };
import onboardingAsl from '../../state-machines/onboarding.asl.json' with { type: 'json' };
import costsData from './data/per-item-costs.json' with { type: 'json' };
import pricesData from './data/prices-ap-southeast-1.json' with { type: 'json' };

export type Flow = 'onboarding' | 'disbursement' | 'reconciliation';

/** The AWS limits the model checks. */
export const LIMITS = {
  /** Lambda's maximum timeout. */
  invocationSeconds: 900,
  /** Step Functions standard: events in one execution's history. */
  historyEvents: 25_000,
  /** Step Functions / Lambda payload between states. */
  payloadBytes: 256 * 1024,
  /** DynamoDB: writes per second on one partition key (1,000 WCU). */
  keyWritesPerSecond: 1_000,
} as const;
export type Limit = keyof typeof LIMITS;

export interface FunctionDef {
  memoryMb?: number;
  timeoutSeconds?: number;
  triggers?: readonly { kind: string; batchSize?: number; maxConcurrency?: number }[];
}

/** What the model needs of the definition and the code (read by `definitionInputs`, or given by a test). */
export interface Definition {
  functions: Record<string, FunctionDef>;
  /** Rows per onboarding chunk (onboarding-config.ts chunkRows). */
  listChunkRows: number;
  /** Payments per draft chunk, one pain.001 each (draft-objects.ts DRAFT_CHUNK). */
  draftChunk: number;
  /** Accounts per compute shard (compute-task.ts computeShardSize). */
  computeShard: number;
  /** Minutes from approval to the settlement cut-off (cutoff.ts cutoffMinutes). */
  cutoffMinutes: number;
  /** Seconds a reconcile run works before it hands the rest of the statement to a new run (run-budget.ts). */
  reconcileBudgetSeconds: number;
  /** Statement lines per reconcile batch (run-budget.ts RECONCILE_BATCH). */
  reconcileBatch: number;
  /** The disbursement run's Wait between two Collect steps (disbursement.asl.json AwaitStatuses). */
  collectWaitSeconds: number;
  /** Onboarding Map MaxConcurrency (onboarding.asl.json). */
  mapConcurrency: number;
  /** Lambda concurrency an SQS trigger scales to without a maximum (the account's default quota). */
  accountConcurrency: number;
}

export interface Scenario {
  /** Payees of the province (one beneficiary list onboarded, one cycle, one statement). */
  payees: number;
  /** Share of the payments still open at the cut-off: 1 is the case the cut-off exists for (callbacks lost). */
  openAtCutoff: number;
  /** Hours until the draft is approved (the AwaitApproval loop polls every 300 s for the first day). */
  approvalHours: number;
  /** Payees of the province's largest commune (its totals items take its share of the ledger's writes). */
  largestCommunePayees?: number;
  /** Payees of the nation (the period report reads every province's totals); the province alone if absent. */
  national?: number;
  /** Share of the payments REJECTED, RETURNED or NOT_SENT, which the cycle report reads one by one. */
  unpaidShare?: number;
}

/** "A commune has a few thousand payees at most": the largest one the model assumes unless told. */
export const LARGEST_COMMUNE_PAYEES = 5_000;
/** Categories a commune's payees fall in (totals cells per commune), an estimate. */
const CATEGORIES_PER_COMMUNE = 10;
/** One query of a totals partition, ms, and each item it returns (a few hundred bytes): assumptions, not measured. */
const TOTALS_QUERY_MS = 5;
const TOTALS_ITEM_MS = 0.03;
/** Totals partitions queried at once (ledger-store.ts maintainedTotals). */
const TOTALS_QUERIES_IN_PARALLEL = 16;
/**
 * Share of a month's payments rejected, returned or not sent: an assumption (the cycle report reads those
 * payments and their BOOK marks one by one; PENDING too, which is empty once dispatch is done).
 */
export const UNPAID_SHARE = 0.02;
/**
 * Reading one payment for a report (its share of a byCycleState query page, and its BOOK mark in a BatchGet of
 * 100), ms: an assumption, not measured.
 */
const REPORT_PAYMENT_READ_MS = 0.2;
/** Payments a cycle report reads at most to fill its lists (cycle-reconciliation.ts LIST_BUDGET). */
const LIST_BUDGET = 5_000;
/** Cycles the period report reconciles at once (period-report-handler.ts IN_PARALLEL). */
const PERIOD_CYCLES_IN_PARALLEL = 4;

export type PerItemMs = Record<keyof typeof costsData.ms, number>;
export type Prices = typeof pricesData.usd;

export interface StepRow {
  flow: Flow;
  step: string;
  /** The function of infra/system.ts that runs it. */
  fn: string;
  invocations: number;
  busiestItems: number;
  busiestSeconds: number;
  /** Step Functions transitions and history events this step adds to its run. */
  transitions: number;
  events: number;
  /** The largest state payload it takes or returns, in bytes. */
  payloadBytes: number;
  readUnits: number;
  writeUnits: number;
  hotKey: string;
  hotKeyWritesPerSecond: number;
  sqsRequests: number;
  s3Requests: { put: number; get: number };
  gbSeconds: number;
}

const TASK_EVENTS = 5; // TaskStateEntered, TaskScheduled, TaskStarted, TaskSucceeded, TaskStateExited
const PASS_EVENTS = 2; // Choice / Wait: entered, exited
const MAP_EVENTS = 4; // MapStateEntered, MapStateStarted, MapStateSucceeded, MapStateExited
const ITERATION_EVENTS = 2; // MapIterationStarted, MapIterationSucceeded
const EXECUTION_EVENTS = 2;
/** A chunk's entry in the onboarding Map's items ({ key, index, rows }): bytes, an estimate. */
const CHUNK_ITEM_BYTES = 110;
/** A compute shard's range in the Map's items ({ shard, from, to }, two account numbers): bytes, an estimate. */
const SHARD_ITEM_BYTES = 60;
/** Seconds the finish spends on one shard's result (one small S3 GET, 8 in flight): an assumption. */
const SHARD_RESULT_SECONDS = 0.01;
const SMALL_PAYLOAD = 300;
/**
 * Reading (streaming and parsing) one statement line that a resumed reconcile run skips, ms: an assumption, not
 * measured (the parse is a small fraction of a line's 2 reads and 2 writes).
 */
const STATEMENT_LINE_PARSE_MS = 0.02;
/** Read units per item read by a Query (eventually consistent, items of about 1 KB: 8 per 4 KB unit… × 0.5). */
const QUERY_ITEM_RRU = 0.125;

/** Read and write units per item, from the code (each named); transactions cost double. */
export const UNITS = {
  /**
   * account-store.ts openAccounts: 3 items per account (identity number guard, account carrying its enrolment,
   * account number guard) in a transaction of ACCOUNTS_PER_TRANSACTION (6 WRU), the transaction's one audit
   * item shared by all of them (2/33 WRU), and the byJurisdiction index entry.
   */
  openAccountWrites: 6 + 2 / ACCOUNTS_PER_TRANSACTION + 1,
  /**
   * verify-chunk-task.ts findEnrolments: the identity index and the account (which carries the enrolment) per
   * row (consistent gets); an ENROL# item only for a person enrolled in a later programme.
   */
  verifyRowReads: 2,
  /**
   * compute-shard-task.ts: byJurisdiction query item (the account carries its enrolment: no BatchGet), one
   * byPerson query per payee; the plan's page of account numbers costs a query item again (compute-task.ts).
   */
  computePayeeReads: QUERY_ITEM_RRU + 0.5,
  /**
   * ledger-store.ts recordPendingMany: the HEAD in a transaction (2 WRU) + byCycleState, byPerson, byCreditor
   * entries; its entry 1 is the transaction's shared PENDING event (about 2/95 WRU, left out); its totals item
   * is `totalsWrite` × the share (`ledgerTotalsShare`). (The sparse byCommune index takes cash payments only,
   * once; the model's province pays by bank.)
   */
  recordPendingWrites: 5,
  /**
   * ledger-store.ts transitionMany: the HEAD in a transaction (2) + byCycleState moved (2) + byPerson, byCreditor
   * (2); the entry is an event shared by the transaction's payments moved alike (about 2/90 WRU, left out); the
   * totals item as for recordPending.
   */
  transitionWrites: 6,
  /** One totals item written in a transaction. */
  totalsWrite: 2,
  /** transition's read of the HEAD (consistent get). */
  transitionReads: 1,
  /** reconcile-worker.ts: 2 reads and 2 writes per entry (issue 16). */
  reconcileReads: 2,
  reconcileWrites: 2,
  /**
   * reconciliation-store.ts recordEffects: each BOOK mark's booked-totals item, in the mark's transaction (2
   * WRU). A statement's lines scatter over communes × categories × 16 shards, so a batch's marks rarely share
   * one: counted as one item per booked line (an upper bound).
   */
  bookedTotalsWrites: 2,
} as const;

const gb = (fn: FunctionDef | undefined) => (fn?.memoryMb ?? 512) / 1024;

/**
 * Totals items written per payment by the ledger's batched writes: a transaction writes each totals cell (cycle
 * × commune × category) it touches once, its payments sorted by cell. A chunk of `draftChunk` payments in payment-id
 * (hash) order holds about draftChunk / cells payments of each cell, so a cell is written about once per chunk:
 * cells / draftChunk items per payment, and never more than one.
 */
export const ledgerTotalsShare = (cells: number, draftChunk: number): number => Math.min(1, cells / draftChunk);

/** How many invocations of a queue consumer run at once: its trigger's maximum, else the account's quota. */
function queueConcurrency(def: Definition, fn: string): number {
  const trigger = def.functions[fn]?.triggers?.find((t) => t.kind === 'queue');
  return Math.min(def.accountConcurrency, trigger?.maxConcurrency ?? Number.POSITIVE_INFINITY);
}

/** The steps of the three flows for one province, as the platform runs them on main. */
export function modelSteps(def: Definition, s: Scenario, ms: PerItemMs): StepRow[] {
  const P = s.payees;
  const f = (name: string) => def.functions[name];
  const row = (r: Omit<StepRow, 'gbSeconds'> & { totalSeconds: number }): StepRow => {
    const { totalSeconds, ...rest } = r;
    return { ...rest, gbSeconds: totalSeconds * gb(f(r.fn)) };
  };
  const listChunks = Math.ceil(P / def.listChunkRows);
  const draftChunks = Math.ceil(P / def.draftChunk);
  const shards = Math.max(1, Math.ceil(P / def.computeShard));
  const shardItems = Math.min(P, def.computeShard);
  /** pain.002 reports: per chunk a wave of ACSP, then the final statuses. */
  const reports = draftChunks * 2;
  const statusBatch = f('paymentStatusWorker')?.triggers?.find((t) => t.kind === 'queue')?.batchSize ?? 1;
  const perSecond = (msPerItem: number) => 1000 / msPerItem;
  const approvalLoops = Math.ceil((s.approvalHours * 3600) / 300);
  const collectLoops = Math.ceil((def.cutoffMinutes * 60) / def.collectWaitSeconds);
  const open = Math.ceil(P * s.openAtCutoff);
  /** Statement lines one reconcile run decides: its budget's worth, rounded up to whole batches. */
  const reconcileRunItems =
    Math.ceil((def.reconcileBudgetSeconds * 1000) / ms.reconcileEntry / def.reconcileBatch) * def.reconcileBatch;
  const reconcileRuns = Math.max(1, Math.ceil(P / reconcileRunItems));
  const dispatchConcurrency = Math.min(draftChunks, queueConcurrency(def, 'paymentDispatchWorker'));
  const statusConcurrency = Math.min(Math.ceil(reports / statusBatch), queueConcurrency(def, 'paymentStatusWorker'));
  const busiestStatusItems = Math.min(statusBatch, reports) * def.draftChunk;
  /**
   * A payment's ledger write lands on one of the state's CYCLE_STATE_SHARDS index keys, and its transaction's
   * totals writes (`totalsShare` a payment) on the cycle's TOTALS_SHARDS partitions, spread by the payment id. The
   * hotter of the two keys is the hot key.
   */
  const commune = Math.min(P, s.largestCommunePayees ?? LARGEST_COMMUNE_PAYEES);
  const cells = Math.ceil(P / commune) * CATEGORIES_PER_COMMUNE;
  const totalsShare = ledgerTotalsShare(cells, def.draftChunk);
  const ledgerHotKey = (writesPerSecond: number, state: string) => {
    const index = writesPerSecond / CYCLE_STATE_SHARDS;
    const totals = (writesPerSecond * totalsShare) / TOTALS_SHARDS;
    return index >= totals
      ? { hotKey: `payments.byCycleState <cycle>#${state}#<shard>`, hotKeyWritesPerSecond: index }
      : { hotKey: 'payments TOTALS#<cycle>#<shard>', hotKeyWritesPerSecond: totals };
  };
  /**
   * The close and every Collect read the maintained totals: a query per shard, each holding at most every cell
   * (commune × category) once, whatever the province's size.
   */
  const totalsItems = Math.min(cells * TOTALS_SHARDS, P);
  const totalsSeconds =
    (Math.ceil(TOTALS_SHARDS / TOTALS_QUERIES_IN_PARALLEL) * TOTALS_QUERY_MS +
      (totalsItems * TOTALS_ITEM_MS) / TOTALS_QUERIES_IN_PARALLEL) /
    1000;
  const pendingWrites = UNITS.recordPendingWrites + UNITS.totalsWrite * totalsShare;
  const transitionWrites = UNITS.transitionWrites + UNITS.totalsWrite * totalsShare;
  /**
   * A cycle report's numbers: the ledger's totals and the booked totals (read at once, each a query per commune
   * and shard), then the unpaid payments one by one with their BOOK marks (only when something is booked).
   */
  const unpaid = Math.ceil(P * (s.unpaidShare ?? UNPAID_SHARE));
  const cycleNumbersSeconds = 2 * totalsSeconds + (unpaid * REPORT_PAYMENT_READ_MS) / 1000;
  const cycleNumbersReadUnits = 2 * totalsItems * QUERY_ITEM_RRU * 2 + unpaid * (QUERY_ITEM_RRU + 0.5);
  const nation = Math.max(P, s.national ?? P);
  /** At the cut-off, the open payments of the busiest chunk (all of them may sit in one). */
  const busiestCutoffItems = Math.min(def.draftChunk, open);
  const cutoffConcurrency = Math.min(draftChunks, queueConcurrency(def, 'cutoffQueryWorker'));

  return [
    // ------------------------------------------------------------------ onboarding (one list of P rows)
    row({
      flow: 'onboarding',
      step: 'parse the list',
      fn: 'parseList',
      invocations: 1,
      busiestItems: P,
      busiestSeconds: (P * ms.parseRow) / 1000,
      transitions: 2, // ParseList, FileAccepted
      events: EXECUTION_EVENTS + TASK_EVENTS + PASS_EVENTS,
      payloadBytes: SMALL_PAYLOAD + listChunks * CHUNK_ITEM_BYTES,
      readUnits: 0,
      writeUnits: 1,
      hotKey: '-',
      hotKeyWritesPerSecond: 0,
      sqsRequests: 0,
      s3Requests: { put: listChunks, get: 1 },
      totalSeconds: (P * ms.parseRow) / 1000,
    }),
    row({
      flow: 'onboarding',
      step: 'verify chunks (Map)',
      fn: 'verifyListChunk',
      invocations: listChunks,
      busiestItems: Math.min(P, def.listChunkRows),
      busiestSeconds: (Math.min(P, def.listChunkRows) * ms.verifyRow) / 1000,
      transitions: 1 + listChunks,
      events: MAP_EVENTS + listChunks * (ITERATION_EVENTS + TASK_EVENTS),
      payloadBytes: SMALL_PAYLOAD + listChunks * CHUNK_ITEM_BYTES,
      readUnits: P * UNITS.verifyRowReads,
      writeUnits: listChunks,
      hotKey: '-',
      hotKeyWritesPerSecond: 0,
      sqsRequests: 0,
      s3Requests: { put: listChunks, get: listChunks },
      totalSeconds: (P * ms.verifyRow) / 1000,
    }),
    row({
      flow: 'onboarding',
      step: 'open accounts (Map)',
      fn: 'openListAccounts',
      invocations: listChunks,
      busiestItems: Math.min(P, def.listChunkRows),
      busiestSeconds: (Math.min(P, def.listChunkRows) * ms.openAccount) / 1000,
      transitions: 1 + listChunks + 1, // the Map, its iterations, Summarise
      events: MAP_EVENTS + listChunks * (ITERATION_EVENTS + TASK_EVENTS) + TASK_EVENTS,
      payloadBytes: SMALL_PAYLOAD + listChunks * CHUNK_ITEM_BYTES,
      readUnits: P,
      writeUnits: P * UNITS.openAccountWrites,
      // The province's accounts are spread over JURISDICTION_SPREAD index keys by the person id's hash.
      hotKey: 'accounts.byJurisdiction J#<province>#<slot>',
      hotKeyWritesPerSecond:
        (Math.min(listChunks, def.mapConcurrency) * perSecond(ms.openAccount)) / JURISDICTION_SPREAD,
      sqsRequests: 0,
      s3Requests: { put: 0, get: listChunks },
      totalSeconds: (P * ms.openAccount) / 1000,
    }),
    // ------------------------------------------------------------------ disbursement (one cycle)
    row({
      flow: 'disbursement',
      step: 'plan the compute',
      fn: 'computeCycle',
      invocations: 1,
      busiestItems: P,
      busiestSeconds: (P * ms.planAccount) / 1000,
      transitions: 1,
      events: EXECUTION_EVENTS + TASK_EVENTS,
      payloadBytes: SMALL_PAYLOAD + shards * SHARD_ITEM_BYTES,
      readUnits: P * QUERY_ITEM_RRU,
      writeUnits: 0,
      hotKey: '-',
      hotKeyWritesPerSecond: 0,
      sqsRequests: 0,
      s3Requests: { put: 0, get: 0 },
      totalSeconds: (P * ms.planAccount) / 1000,
    }),
    row({
      flow: 'disbursement',
      step: 'compute the draft',
      fn: 'computeShard',
      invocations: shards,
      busiestItems: shardItems,
      busiestSeconds: (shardItems * ms.computePayee) / 1000,
      transitions: 1 + shards, // the Map, its iterations
      events: MAP_EVENTS + shards * (ITERATION_EVENTS + TASK_EVENTS),
      payloadBytes: SMALL_PAYLOAD + shards * SHARD_ITEM_BYTES,
      readUnits: P * UNITS.computePayeeReads,
      writeUnits: 0,
      hotKey: '-',
      hotKeyWritesPerSecond: 0,
      sqsRequests: 0,
      // Each shard's chunk files, then its result.
      s3Requests: { put: shards * (Math.ceil(shardItems / def.draftChunk) + 1), get: 0 },
      totalSeconds: (P * ms.computePayee) / 1000,
    }),
    row({
      flow: 'disbursement',
      step: 'combine the shards',
      fn: 'finishCompute',
      invocations: 1,
      busiestItems: shards,
      busiestSeconds: shards * SHARD_RESULT_SECONDS,
      transitions: 1,
      events: TASK_EVENTS,
      payloadBytes: SMALL_PAYLOAD,
      readUnits: 1,
      writeUnits: 4, // the cycle and its audit entry, one transaction
      hotKey: '-',
      hotKeyWritesPerSecond: 0,
      sqsRequests: 0,
      s3Requests: { put: 0, get: shards },
      totalSeconds: shards * SHARD_RESULT_SECONDS,
    }),
    row({
      flow: 'disbursement',
      step: 'await approval',
      fn: 'checkApproval',
      invocations: approvalLoops + 1,
      busiestItems: 1,
      busiestSeconds: 0.05,
      transitions: (approvalLoops + 1) * 2 + approvalLoops,
      events: (approvalLoops + 1) * (TASK_EVENTS + PASS_EVENTS) + approvalLoops * PASS_EVENTS,
      payloadBytes: SMALL_PAYLOAD,
      readUnits: approvalLoops + 1,
      writeUnits: 0,
      hotKey: '-',
      hotKeyWritesPerSecond: 0,
      sqsRequests: 0,
      s3Requests: { put: 0, get: 0 },
      totalSeconds: (approvalLoops + 1) * 0.05,
    }),
    row({
      flow: 'disbursement',
      step: 'enqueue the chunks',
      fn: 'dispatchCycle',
      invocations: 1,
      busiestItems: draftChunks,
      busiestSeconds: draftChunks * 0.005,
      transitions: 1,
      events: TASK_EVENTS,
      payloadBytes: SMALL_PAYLOAD,
      readUnits: 1,
      writeUnits: 1,
      hotKey: '-',
      hotKeyWritesPerSecond: 0,
      sqsRequests: draftChunks,
      s3Requests: { put: 0, get: 0 },
      totalSeconds: draftChunks * 0.005,
    }),
    row({
      flow: 'disbursement',
      step: 'dispatch a chunk (SQS)',
      fn: 'paymentDispatchWorker',
      invocations: draftChunks,
      busiestItems: Math.min(P, def.draftChunk),
      busiestSeconds: (Math.min(P, def.draftChunk) * ms.dispatchPayment) / 1000,
      transitions: 0,
      events: 0,
      payloadBytes: SMALL_PAYLOAD,
      readUnits: P * UNITS.transitionReads + draftChunks * 2,
      writeUnits: P * (pendingWrites + transitionWrites) + draftChunks * 2,
      // Every payment of the cycle enters <cycle>#PENDING#<shard>, then <cycle>#SENT#<shard>.
      ...ledgerHotKey(dispatchConcurrency * perSecond(ms.dispatchPayment), 'PENDING'),
      sqsRequests: draftChunks * 2, // receive, delete
      s3Requests: { put: draftChunks, get: draftChunks },
      totalSeconds: (P * ms.dispatchPayment) / 1000,
    }),
    row({
      flow: 'disbursement',
      step: 'bank callbacks',
      fn: 'bankCallback',
      invocations: reports,
      busiestItems: def.draftChunk,
      busiestSeconds: 0.2,
      transitions: 0,
      events: 0,
      payloadBytes: SMALL_PAYLOAD,
      readUnits: 0,
      writeUnits: reports,
      hotKey: '-',
      hotKeyWritesPerSecond: 0,
      sqsRequests: reports,
      s3Requests: { put: reports, get: 0 },
      totalSeconds: reports * 0.2,
    }),
    row({
      flow: 'disbursement',
      step: 'apply statuses (SQS)',
      fn: 'paymentStatusWorker',
      invocations: Math.ceil(reports / statusBatch),
      busiestItems: busiestStatusItems,
      busiestSeconds: (busiestStatusItems * ms.statusPayment) / 2 / 1000,
      transitions: 0,
      events: 0,
      payloadBytes: SMALL_PAYLOAD,
      readUnits: 2 * P * UNITS.transitionReads,
      writeUnits: 2 * P * transitionWrites,
      ...ledgerHotKey(statusConcurrency * perSecond(ms.statusPayment / 2), 'ACCEPTED'),
      sqsRequests: reports * 2,
      s3Requests: { put: 0, get: reports },
      totalSeconds: (P * ms.statusPayment) / 1000,
    }),
    row({
      flow: 'disbursement',
      step: 'collect and cut-off',
      fn: 'collectStatuses',
      // A loop per Wait until the cut-off, then one more while the cut-off workers run.
      invocations: collectLoops + 1,
      busiestItems: draftChunks,
      busiestSeconds: 0.1 + draftChunks * 0.005,
      transitions: (collectLoops + 1) * 3,
      events: (collectLoops + 1) * (PASS_EVENTS + TASK_EVENTS + PASS_EVENTS),
      payloadBytes: SMALL_PAYLOAD,
      // openPayments reads the maintained totals at every Collect; at the cut-off one marker, then a count of chunks.
      readUnits: (collectLoops + 1) * totalsItems * QUERY_ITEM_RRU + draftChunks * QUERY_ITEM_RRU,
      writeUnits: 1,
      hotKey: '-',
      hotKeyWritesPerSecond: 0,
      // One work item per chunk, sent 10 a request, once.
      sqsRequests: Math.ceil(draftChunks / 10),
      s3Requests: { put: 0, get: 0 },
      totalSeconds: 0.1 * (collectLoops + 1) + draftChunks * 0.005,
    }),
    row({
      flow: 'disbursement',
      step: 'cut-off, one chunk (SQS)',
      fn: 'cutoffQueryWorker',
      invocations: draftChunks,
      busiestItems: busiestCutoffItems,
      // One bank query for the chunk's message, then a ledger transition per open payment of it.
      busiestSeconds: (ms.cutoffMessageQuery + busiestCutoffItems * ms.cutoffPayment) / 1000,
      transitions: 0,
      events: 0,
      payloadBytes: SMALL_PAYLOAD,
      // Every HEAD of the chunk (consistent BatchGet), the open ones read again and moved; the batch record and
      // the DONE marker per chunk.
      readUnits: P + open * UNITS.transitionReads + draftChunks * 2,
      writeUnits: open * transitionWrites + draftChunks,
      ...ledgerHotKey(open ? cutoffConcurrency * perSecond(ms.cutoffPayment) : 0, 'SETTLED'),
      sqsRequests: draftChunks * 2, // receive, delete
      s3Requests: { put: 0, get: draftChunks },
      totalSeconds: (draftChunks * ms.cutoffMessageQuery + open * ms.cutoffPayment) / 1000,
    }),
    row({
      flow: 'disbursement',
      step: 'close',
      fn: 'closeCycle',
      invocations: 1,
      // The maintained totals (a query per shard, read consistently), never the payments.
      busiestItems: totalsItems,
      busiestSeconds: totalsSeconds,
      transitions: 1,
      events: TASK_EVENTS,
      payloadBytes: SMALL_PAYLOAD,
      readUnits: totalsItems * QUERY_ITEM_RRU * 2,
      writeUnits: 2,
      hotKey: '-',
      hotKeyWritesPerSecond: 0,
      sqsRequests: 0,
      s3Requests: { put: 0, get: 0 },
      totalSeconds: totalsSeconds,
    }),
    // ------------------------------------------------------------------ reconciliation (the month's statement)
    row({
      flow: 'reconciliation',
      step: 'reconcile the statement (SQS)',
      fn: 'reconcileStatement',
      // A run works `reconcileBudgetSeconds`, finishes its batch, and hands the rest to a new run, which reads
      // the file again from the top and skips the lines before its checkpoint.
      invocations: reconcileRuns,
      busiestItems: Math.min(P, reconcileRunItems),
      busiestSeconds: (Math.min(P, reconcileRunItems) * ms.reconcileEntry + P * STATEMENT_LINE_PARSE_MS) / 1000,
      transitions: 0,
      events: 0,
      payloadBytes: SMALL_PAYLOAD,
      readUnits: P * UNITS.reconcileReads,
      writeUnits: P * (UNITS.reconcileWrites + UNITS.bookedTotalsWrites),
      // Every finding of the import is written under the import's key.
      hotKey: 'reconciliation <importId>',
      hotKeyWritesPerSecond: perSecond(ms.reconcileEntry),
      // Per run: the message received and deleted, the next one sent.
      sqsRequests: reconcileRuns * 3,
      // Each run reads the statement file again; the report is written once.
      s3Requests: { put: 1, get: reconcileRuns },
      totalSeconds: (P * ms.reconcileEntry + reconcileRuns * P * STATEMENT_LINE_PARSE_MS) / 1000,
    }),
    row({
      flow: 'reconciliation',
      step: 'cycle report (API)',
      fn: 'getCycleReconciliation',
      invocations: 1,
      // The ledger's and the booked totals (consistent queries), the unpaid payments with their BOOK marks, and
      // at most LIST_BUDGET payments for the lists: never every payment.
      busiestItems: 2 * totalsItems + unpaid + LIST_BUDGET,
      busiestSeconds: cycleNumbersSeconds + (LIST_BUDGET * REPORT_PAYMENT_READ_MS) / 1000,
      transitions: 0,
      events: 0,
      payloadBytes: SMALL_PAYLOAD,
      readUnits: cycleNumbersReadUnits + LIST_BUDGET * (QUERY_ITEM_RRU + 0.5),
      writeUnits: 0,
      hotKey: '-',
      hotKeyWritesPerSecond: 0,
      sqsRequests: 0,
      s3Requests: { put: 0, get: 0 },
      totalSeconds: cycleNumbersSeconds + (LIST_BUDGET * REPORT_PAYMENT_READ_MS) / 1000,
    }),
    row({
      flow: 'reconciliation',
      step: 'period report, the nation (API)',
      fn: 'getPeriodReconciliation',
      invocations: 1,
      // Every province's cycle numbers (no lists), four cycles at a time; provinces as large as this one.
      busiestItems: Math.ceil(nation / P) * (2 * totalsItems + unpaid),
      busiestSeconds: Math.ceil(nation / P / PERIOD_CYCLES_IN_PARALLEL) * cycleNumbersSeconds,
      transitions: 0,
      events: 0,
      payloadBytes: SMALL_PAYLOAD,
      readUnits: (nation / P) * cycleNumbersReadUnits,
      writeUnits: 0,
      hotKey: '-',
      hotKeyWritesPerSecond: 0,
      sqsRequests: 0,
      s3Requests: { put: 0, get: 0 },
      totalSeconds: Math.ceil(nation / P / PERIOD_CYCLES_IN_PARALLEL) * cycleNumbersSeconds,
    }),
  ];
}

/** One Step Functions execution per flow: its events, the sum of its steps' (the 25,000 limit is per run). */
export function runEvents(rows: readonly StepRow[]): Record<Flow, number> {
  const out: Record<Flow, number> = { onboarding: 0, disbursement: 0, reconciliation: 0 };
  for (const r of rows) out[r.flow] += r.events;
  return out;
}

export interface Breach {
  flow: Flow;
  step: string;
  limit: Limit;
  value: number;
}

/** Every limit each step (or its flow's run, for history events) passes. */
export function breaches(rows: readonly StepRow[]): Breach[] {
  const out: Breach[] = [];
  const events = runEvents(rows);
  for (const r of rows) {
    const check = (limit: Limit, value: number) => {
      if (value > LIMITS[limit]) out.push({ flow: r.flow, step: r.step, limit, value });
    };
    check('invocationSeconds', r.busiestSeconds);
    check('payloadBytes', r.payloadBytes);
    check('keyWritesPerSecond', r.hotKeyWritesPerSecond);
  }
  for (const flow of Object.keys(events) as Flow[]) {
    if (events[flow] > LIMITS.historyEvents) {
      out.push({ flow, step: '(run)', limit: 'historyEvents', value: events[flow] });
    }
  }
  return out;
}

export interface Cost {
  lambda: number;
  stepFunctions: number;
  dynamodb: number;
  sqs: number;
  s3: number;
  total: number;
}

/** USD at on-demand prices for the given steps. */
export function costOf(rows: readonly StepRow[], usd: Prices): Cost {
  let lambda = 0;
  let stepFunctions = 0;
  let dynamodb = 0;
  let sqs = 0;
  let s3 = 0;
  for (const r of rows) {
    lambda += r.gbSeconds * usd.lambdaGbSecond + r.invocations * usd.lambdaRequest;
    stepFunctions += r.transitions * usd.stepFunctionsTransition;
    dynamodb += r.writeUnits * usd.dynamoWriteRequestUnit + r.readUnits * usd.dynamoReadRequestUnit;
    sqs += r.sqsRequests * usd.sqsRequest;
    s3 += r.s3Requests.put * usd.s3Put + r.s3Requests.get * usd.s3Get;
  }
  return { lambda, stepFunctions, dynamodb, sqs, s3, total: lambda + stepFunctions + dynamodb + sqs + s3 };
}

/** Cost of paying a million people for a month (disbursement and reconciliation), from a province's run. */
export function costPerMillionPayments(rows: readonly StepRow[], payees: number, usd: Prices): Cost {
  const month = costOf(
    rows.filter((r) => r.flow !== 'onboarding'),
    usd,
  );
  const k = 1_000_000 / payees;
  return {
    lambda: month.lambda * k,
    stepFunctions: month.stepFunctions * k,
    dynamodb: month.dynamodb * k,
    sqs: month.sqs * k,
    s3: month.s3 * k,
    total: month.total * k,
  };
}

// ------------------------------------------------------------------------------------------ definition

interface Asl {
  States: Record<string, { Type: string; Seconds?: number; MaxConcurrency?: number }>;
}

/** The model's inputs from infra/system.ts, the state machines and the code's own chunk sizes. */
export function definitionInputs(
  functions: Record<string, FunctionDef>,
  code: Pick<
    Definition,
    'listChunkRows' | 'draftChunk' | 'computeShard' | 'cutoffMinutes' | 'reconcileBudgetSeconds' | 'reconcileBatch'
  >,
): Definition {
  const disbursement = disbursementAsl as Asl;
  const onboarding = onboardingAsl as Asl;
  const collectWaitSeconds = disbursement.States.AwaitStatuses?.Seconds;
  const mapConcurrency = onboarding.States.OpenAccounts?.MaxConcurrency;
  if (!collectWaitSeconds || !mapConcurrency) throw new Error('state machines changed: update the scale model');
  return { functions, ...code, collectWaitSeconds, mapConcurrency, accountConcurrency: 1000 };
}

export const perItemMs = (): PerItemMs =>
  Object.fromEntries(Object.entries(costsData.ms).map(([k, v]) => [k, v.value])) as PerItemMs;
export const prices = (): Prices => pricesData.usd;
export const dataDates = () => ({ costs: costsData.readOn, prices: pricesData.readOn, region: pricesData.region });
