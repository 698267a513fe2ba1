/**
 * The scale model: what one province's month costs each step of the platform AS IT IS (not as it should be),
 * from the definition (infra/system.ts: memory, timeouts, queue batch sizes; state-machines/*.asl.json: Wait
 * seconds, Map concurrency), the chunk sizes in the code, and per-item local costs kept as data with their
 * provenance (data/per-item-costs.json). Prices are data too (data/prices-ap-southeast-1.json).
 *
 * It is arithmetic on stated assumptions, meant to show which step breaks which AWS limit first and by how
 * much, and what a million payments cost; every assumption is named where it is used.
 */
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
  triggers?: readonly { kind: string; batchSize?: number }[];
}

/** What the model needs of the definition and the code (read by `definitionInputs`, or given by a test). */
export interface Definition {
  functions: Record<string, FunctionDef>;
  /** Rows per onboarding chunk (onboarding-config.ts chunkRows). */
  listChunkRows: number;
  /** Payments per draft chunk, one pain.001 each (draft-objects.ts DRAFT_CHUNK). */
  draftChunk: number;
  /** Minutes from approval to the settlement cut-off (cutoff.ts cutoffMinutes). */
  cutoffMinutes: number;
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
}

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
const SMALL_PAYLOAD = 300;
/** Read units per item read by a Query (eventually consistent, items of about 1 KB: 8 per 4 KB unit… × 0.5). */
const QUERY_ITEM_RRU = 0.125;

/** Read and write units per item, from the code (each named); transactions cost double. */
export const UNITS = {
  /**
   * account-store.ts openAccounts: 4 items per account in a transaction of 24 accounts (8 WRU), the
   * transaction's one audit item shared by 24 (2/24 WRU), and the byJurisdiction index entry.
   */
  openAccountWrites: 8 + 2 / 24 + 1,
  /** verify-chunk-task.ts: the enrolment and the identity index read per row (consistent gets). */
  verifyRowReads: 2,
  /** compute-task.ts: byJurisdiction query item, enrolment BatchGet (consistent), one byPerson query per payee. */
  computePayeeReads: QUERY_ITEM_RRU + 1 + 0.5,
  /** ledger-store.ts recordPending: 2-item transaction (4 WRU) + byCycleState, byPerson, byCreditor entries. */
  recordPendingWrites: 7,
  /** ledger-store.ts transition: 2-item transaction (4) + byCycleState moved (2) + byPerson, byCreditor (2). */
  transitionWrites: 8,
  /** transition's read of the HEAD (consistent get). */
  transitionReads: 1,
  /** reconcile-worker.ts: 2 reads and 2 writes per entry (issue 16). */
  reconcileReads: 2,
  reconcileWrites: 2,
} as const;

const gb = (fn: FunctionDef | undefined) => (fn?.memoryMb ?? 512) / 1024;

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
  /** pain.002 reports: per chunk a wave of ACSP, then the final statuses. */
  const reports = draftChunks * 2;
  const statusBatch = f('paymentStatusWorker')?.triggers?.find((t) => t.kind === 'queue')?.batchSize ?? 1;
  const perSecond = (msPerItem: number) => 1000 / msPerItem;
  const approvalLoops = Math.ceil((s.approvalHours * 3600) / 300);
  const collectLoops = Math.ceil((def.cutoffMinutes * 60) / def.collectWaitSeconds);
  const open = Math.ceil(P * s.openAtCutoff);
  const dispatchConcurrency = Math.min(draftChunks, def.accountConcurrency);
  const statusConcurrency = Math.min(Math.ceil(reports / statusBatch), def.accountConcurrency);
  const busiestStatusItems = Math.min(statusBatch, reports) * def.draftChunk;

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
      // Every account of the province carries jurisdictionKey J#<province>: one index partition key.
      hotKey: 'accounts.byJurisdiction J#<province>',
      hotKeyWritesPerSecond: Math.min(listChunks, def.mapConcurrency) * perSecond(ms.openAccount),
      sqsRequests: 0,
      s3Requests: { put: 0, get: listChunks },
      totalSeconds: (P * ms.openAccount) / 1000,
    }),
    // ------------------------------------------------------------------ disbursement (one cycle)
    row({
      flow: 'disbursement',
      step: 'compute the draft',
      fn: 'computeCycle',
      invocations: 1,
      busiestItems: P,
      busiestSeconds: (P * ms.computePayee) / 1000,
      transitions: 1,
      events: EXECUTION_EVENTS + TASK_EVENTS,
      payloadBytes: SMALL_PAYLOAD,
      readUnits: P * UNITS.computePayeeReads,
      writeUnits: 2,
      hotKey: '-',
      hotKeyWritesPerSecond: 0,
      sqsRequests: 0,
      s3Requests: { put: draftChunks, get: 0 },
      totalSeconds: (P * ms.computePayee) / 1000,
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
      writeUnits: P * (UNITS.recordPendingWrites + UNITS.transitionWrites) + draftChunks * 2,
      // Every payment of the cycle enters <cycle>#PENDING, then <cycle>#SENT: one index key each, for the cycle.
      hotKey: 'payments.byCycleState <cycle>#PENDING',
      hotKeyWritesPerSecond: dispatchConcurrency * perSecond(ms.dispatchPayment),
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
      writeUnits: 2 * P * UNITS.transitionWrites,
      hotKey: 'payments.byCycleState <cycle>#ACCEPTED',
      hotKeyWritesPerSecond: statusConcurrency * perSecond(ms.statusPayment / 2),
      sqsRequests: reports * 2,
      s3Requests: { put: 0, get: reports },
      totalSeconds: (P * ms.statusPayment) / 1000,
    }),
    row({
      flow: 'disbursement',
      step: 'collect and cut-off',
      fn: 'collectStatuses',
      invocations: collectLoops,
      busiestItems: open,
      busiestSeconds: (open * ms.cutoffPayment) / 1000,
      transitions: collectLoops * 3,
      events: collectLoops * (PASS_EVENTS + TASK_EVENTS + PASS_EVENTS),
      payloadBytes: SMALL_PAYLOAD,
      // openPayments counts the open payments at every Collect; at the cut-off each is read and moved.
      readUnits: collectLoops * open * QUERY_ITEM_RRU + open * UNITS.transitionReads,
      writeUnits: open * UNITS.transitionWrites,
      hotKey: 'payments.byCycleState <cycle>#UNKNOWN',
      hotKeyWritesPerSecond: open ? perSecond(ms.cutoffPayment) : 0,
      sqsRequests: 0,
      s3Requests: { put: 0, get: 0 },
      totalSeconds: (open * ms.cutoffPayment) / 1000 + collectLoops * 0.1,
    }),
    row({
      flow: 'disbursement',
      step: 'close',
      fn: 'closeCycle',
      invocations: 1,
      busiestItems: P,
      busiestSeconds: (P * ms.closePayment) / 1000,
      transitions: 1,
      events: TASK_EVENTS,
      payloadBytes: SMALL_PAYLOAD,
      readUnits: P * QUERY_ITEM_RRU,
      writeUnits: 2,
      hotKey: '-',
      hotKeyWritesPerSecond: 0,
      sqsRequests: 0,
      s3Requests: { put: 0, get: 0 },
      totalSeconds: (P * ms.closePayment) / 1000,
    }),
    // ------------------------------------------------------------------ reconciliation (the month's statement)
    row({
      flow: 'reconciliation',
      step: 'reconcile the statement (SQS)',
      fn: 'reconcileStatement',
      invocations: 1,
      busiestItems: P,
      busiestSeconds: (P * ms.reconcileEntry) / 1000,
      transitions: 0,
      events: 0,
      payloadBytes: SMALL_PAYLOAD,
      readUnits: P * UNITS.reconcileReads,
      writeUnits: P * UNITS.reconcileWrites,
      // Every finding of the import is written under the import's key.
      hotKey: 'reconciliation <importId>',
      hotKeyWritesPerSecond: perSecond(ms.reconcileEntry),
      sqsRequests: 3,
      s3Requests: { put: 1, get: 1 },
      totalSeconds: (P * ms.reconcileEntry) / 1000,
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
  code: { listChunkRows: number; draftChunk: number; cutoffMinutes: number },
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
