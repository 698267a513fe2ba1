/**
 * The payment ledger in DynamoDB. One payment per (programme, period, person), its id deterministic and
 * stored before anything is sent; it is the ISO 20022 EndToEndId. History is append-only: every change is
 * a new entry item (`E#<seq>`, written with attribute_not_exists), and the `HEAD` item is only the current
 * projection, moved forward in the same transaction under an optimistic lock on its sequence number.
 *
 * Items (paymentId / sk):
 *   <paymentId> / HEAD       → the instruction, current state, seq; `cycleState` feeds the byCycleState index
 *                              (sharded: `<cycleId>#<state>#<0..63>`, see `cycleStateKey`)
 *   <paymentId> / E#000001   → PENDING (the instruction as approved), then SENT, ACCEPTED, … never updated
 *   EVENT#<cycleId>#<uuid> / EVENT → one entry shared by the payments one transaction moved alike (a chunk
 *                              recorded PENDING, a file SENT, a report's wave); each HEAD names it in `inherited`
 *                              at its own sequence number, and its history reads it as its own entry
 *   <paymentId> / CONFLICT#… → a different instruction arrived under the same id: refused and audited
 *   BATCH#<msgId> / HEAD     → a chunk's pain.001 (its MsgId, stored bytes and payments), prepared once
 *   CHUNK#<cycleId>#<n> / DISPATCHED → the chunk's payments are recorded and handed to their rail
 *   CURSOR#camt054 / HEAD    → where the bank returns poll stopped
 *   TOTALS#<cycleId>#<0..31> / <commune>#<category> → count and VND per state of the cycle's payments of that
 *                              commune and category (one shard of 32), moved in the same transaction as the
 *                              HEAD, so a retried or redelivered write can never count twice (earlier drafts:
 *                              TOTALS#<cycleId>#<commune>#<0..15> / <category>, shared/cycle-totals-keys.ts)
 */
import { createHash, randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  type OurMessage,
  type Pain002Report,
  rejectsWholeBlocks,
  type StatusUpdate,
  type UnplacedRejection,
} from '../iso20022/pain002.js';
import { dynamo } from '../shared/aws-clients.js';
import { itemsOfCycleTotals, shardOfPayment, totalsCellId, totalsCellSortKey } from '../shared/cycle-totals-keys.js';
import { batchGetItems } from '../shared/dynamo-batch.js';
import { inParallel } from '../shared/in-parallel.js';
import { resources } from '../shared/resources.js';
import { DATED_STATES, decideTransition, type PaymentState, type TransitionDecision } from './payment-state.js';
import { reportedStatuses } from './status-report.js';

const table = () => resources.table('payments');

export interface PaymentInstruction {
  paymentId: string;
  cycleId: string;
  programme: string;
  period: string;
  personId: string;
  socialAccount: string;
  amount: number;
  channel: 'BANK' | 'POST_OFFICE';
  bankBin?: string;
  creditorAccount?: string;
  /** As banks expect it: upper-case ASCII. */
  creditorName: string;
  communeCode: string;
  /**
   * The payee's main allowance category (`mainCategory` of the entitlement lines), for reporting by
   * category. Absent on payments recorded before it was carried: those are reported as unknown.
   */
  categoryCode?: string;
  months: string[];
  /** A re-issue (supplementary cycle): the EndToEndId of the failed payment whose months it pays. */
  replaces?: string;
  /**
   * The entitlement lines behind the amount, for the payment's trace. Not part of the instruction's hash: the
   * cycle's content hash, which the approval names, already covers every line.
   */
  lines?: { month: string; kind: string; categoryCode: string; amount: number; ruleId: string; rulesVersion: string }[];
}

export interface PaymentHead extends PaymentInstruction {
  sk: 'HEAD';
  contentHash: string;
  state: PaymentState;
  seq: number;
  cycleState: string;
  chunk: number;
  createdAt: string;
  updatedAt: string;
  /** Entries this payment shares with others moved alike (`transitionMany`), by sequence number. */
  inherited?: InheritedEntry[];
  /** Post-office payments only: `<commune>#<cycleId>`, the sparse byCommune index's key (`cashCommuneKey`). */
  cashCommune?: string;
}

/** The byCommune key of a commune's cash payments of a cycle. */
const cashCommuneKey = (communeCode: string, cycleId: string) => `${communeCode}#${cycleId}`;

/** A HEAD's reference to a shared event (`EVENT#…`) that is this payment's entry number `seq`. */
export interface InheritedEntry {
  seq: number;
  event: string;
}

/**
 * One entry shared by the payments one write moved alike (same state, source and detail): written once, in the
 * transaction that moves their HEADs, never updated. `payments`: how many HEADs of that transaction name it.
 */
interface SharedEvent {
  paymentId: string;
  sk: 'EVENT';
  kind: LedgerEntry['kind'];
  state: PaymentState;
  at: string;
  source: string;
  detail?: Record<string, unknown>;
  payments: number;
}

/** A new shared event of a cycle carrying `entry`'s state, source and detail; its HEADs are counted as they join. */
function newSharedEvent(
  cycleId: string,
  entry: Pick<LedgerEntry, 'kind' | 'state' | 'source' | 'detail'>,
  at: string,
): SharedEvent {
  const { kind, state, source, detail } = entry;
  return {
    paymentId: `EVENT#${cycleId}#${randomUUID()}`,
    sk: 'EVENT',
    kind,
    state,
    at,
    source,
    ...(detail ? { detail } : {}),
    payments: 0,
  };
}

export interface LedgerEntry {
  paymentId: string;
  sk: string;
  seq: number;
  kind: 'STATE' | 'ANOMALY';
  state: PaymentState;
  at: string;
  source: string;
  detail?: Record<string, unknown>;
}

export class PaymentConflictError extends Error {
  override name = 'PaymentConflict';
}

const entryKey = (seq: number) => `E#${String(seq).padStart(6, '0')}`;

/**
 * Shards of a cycle's byCycleState key. Every payment of a cycle passes through `<cycle>#PENDING`, `#SENT`…:
 * one index partition key per state took every dispatch write of the province (about 40,000 a second at
 * 600,000 payees in the scale model, against DynamoDB's 1,000 writes a second on one key). Spread over 64
 * keys by the payment id's hash, the busiest takes about 630; readers query the 64 keys in turn.
 */
export const CYCLE_STATE_SHARDS = 64;

/** The byCycleState key of a payment in a state. */
export const cycleStateKey = (cycleId: string, state: PaymentState, paymentId: string): string =>
  `${cycleId}#${state}#${shardOfPayment(paymentId, CYCLE_STATE_SHARDS)}`;

/**
 * Shards of a cycle's totals. The dispatch and status workers move about 40,000 payments a second at 600,000
 * payees (the scale model), writing about 0.6 totals items a payment: spread over 32 partitions by the payment
 * id, the busiest takes about 750 writes a second, under DynamoDB's 1,000 on one key. Each item is one cell
 * (commune × category) of one shard, so two transactions rarely touch the same item at once (which cancels one,
 * TransactionConflict, retried). A reader queries the 32 partitions, whatever the province's communes.
 */
export const TOTALS_SHARDS = 32;

/** Payments recorded before categories were carried, and any without one: counted as unknown. */
export const UNKNOWN_TOTALS_CATEGORY = 'UNKNOWN';

/** The totals item a payment counts in: its cycle, commune and category, one shard by its id. */
export function totalsKeyOf(p: Pick<PaymentInstruction, 'paymentId' | 'cycleId' | 'communeCode' | 'categoryCode'>): {
  paymentId: string;
  sk: string;
} {
  return {
    paymentId: `TOTALS#${p.cycleId}#${shardOfPayment(p.paymentId, TOTALS_SHARDS)}`,
    sk: totalsCellSortKey(p.communeCode, p.categoryCode || UNKNOWN_TOTALS_CATEGORY),
  };
}

/**
 * What a ledger write does to the maintained totals, pure: a new payment adds one and its VND to PENDING; a
 * transition moves one and the VND from the state it leaves to the state it enters; an anomaly (no state
 * change) moves nothing. `transition` and `recordPending` write it in their transaction; the money-path
 * simulation applies it to its in-memory totals.
 */
export function totalsMoves(
  amount: number,
  from: PaymentState | undefined,
  to: PaymentState,
): { state: PaymentState; count: number; amount: number }[] {
  if (from === to) return [];
  return [...(from ? [{ state: from, count: -1, amount: -amount }] : []), { state: to, count: 1, amount }];
}

/** The calendar day in Vietnam (UTC+7, no daylight saving) of an instant, as `yyyymmdd`. */
export const creationDay = (createdAt: string): string =>
  new Date(new Date(createdAt).getTime() + 7 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '');

/** The totals cell a payment counts in, whichever of its shards a write goes to. */
const totalsCellOf = (p: Pick<PaymentInstruction, 'cycleId' | 'communeCode' | 'categoryCode'>) =>
  totalsCellId(p.cycleId, p.communeCode, p.categoryCode || UNKNOWN_TOTALS_CATEGORY);

/** What one ledger write adds to its totals item: the item, its identifying fields, and the counters to ADD. */
interface TotalsChange {
  key: { paymentId: string; sk: string };
  set: { cycleId: string; communeCode: string; categoryCode: string };
  add: Record<string, number>;
}

/**
 * One payment's change to its totals item, and for a dated state (payment-state.ts `DATED_STATES`) the same move
 * on its creation day's counters (`n_<state>_<yyyymmdd>`), which the cycle report reads.
 */
function totalsChange(
  p: Pick<PaymentInstruction, 'paymentId' | 'cycleId' | 'communeCode' | 'categoryCode' | 'amount'>,
  from: PaymentState | undefined,
  to: PaymentState,
  createdAt: string,
): TotalsChange | undefined {
  const moves = totalsMoves(p.amount, from, to);
  if (!moves.length) return undefined;
  const add: Record<string, number> = {};
  const day = creationDay(createdAt);
  for (const m of moves) {
    const names = DATED_STATES.has(m.state) ? [m.state, `${m.state}_${day}`] : [m.state];
    for (const name of names) {
      add[`n_${name}`] = (add[`n_${name}`] ?? 0) + m.count;
      add[`v_${name}`] = (add[`v_${name}`] ?? 0) + m.amount;
    }
  }
  return {
    key: totalsKeyOf(p),
    set: { cycleId: p.cycleId, communeCode: p.communeCode, categoryCode: p.categoryCode || UNKNOWN_TOTALS_CATEGORY },
    add,
  };
}

/**
 * The totals part of a ledger transaction: one Update per totals cell (cycle × commune × category), the changes
 * of every payment of the transaction that counts in it summed, written to the shard of the first of them.
 * Readers sum a cell's shards, so any shard may take any write (a payment may enter a state in one shard and
 * leave it in another); a transaction may touch an item only once. Counters that sum to nothing are left out,
 * and an item left with none is not written.
 */
function totalsWrites(changes: readonly (TotalsChange | undefined)[]) {
  const byItem = new Map<string, TotalsChange>();
  for (const c of changes) {
    if (!c) continue;
    const id = totalsCellOf(c.set);
    const into = byItem.get(id) ?? { key: c.key, set: c.set, add: {} };
    for (const [name, n] of Object.entries(c.add)) into.add[name] = (into.add[name] ?? 0) + n;
    byItem.set(id, into);
  }
  return [...byItem.values()].flatMap((c) => {
    const adds = Object.entries(c.add).filter(([, n]) => n !== 0);
    if (!adds.length) return [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets = Object.entries(c.set).map(([name, value], i) => {
      names[`#s${i}`] = name;
      values[`:s${i}`] = value;
      return `#s${i} = :s${i}`;
    });
    const added = adds.map(([name, n], i) => {
      names[`#a${i}`] = name;
      values[`:a${i}`] = n;
      return `#a${i} :a${i}`;
    });
    return [
      {
        Update: {
          TableName: table(),
          Key: c.key,
          UpdateExpression: `SET ${sets.join(', ')} ADD ${added.join(', ')}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
    ];
  });
}

/** The totals part of one payment's ledger transaction. */
const totalsUpdate = (
  p: Pick<PaymentInstruction, 'paymentId' | 'cycleId' | 'communeCode' | 'categoryCode' | 'amount'>,
  from: PaymentState | undefined,
  to: PaymentState,
  createdAt: string,
) => totalsWrites([totalsChange(p, from, to, createdAt)]);

/** Whether a cancelled transaction lost only a race with another transaction on one of its items. */
const onlyConflict = (err: TransactionCanceledException) =>
  (err.CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict') &&
  !(err.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed');

const backoff = (attempt: number) => new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));

/**
 * The hash of an instruction as recorded: every field of it. The category is appended only when present, so
 * an instruction drafted before categories were carried (and re-sent from its draft chunk) hashes exactly as
 * it did when it was first recorded: a redelivery stays a no-op, never a conflict.
 */
export function instructionHash(i: PaymentInstruction): string {
  const canonical = JSON.stringify([
    i.paymentId,
    i.cycleId,
    i.programme,
    i.period,
    i.personId,
    i.socialAccount,
    i.amount,
    i.channel,
    i.bankBin ?? null,
    i.creditorAccount ?? null,
    i.creditorName,
    i.communeCode,
    [...i.months].sort(),
    ...(i.categoryCode === undefined ? [] : [i.categoryCode]),
    ...(i.replaces === undefined ? [] : [`replaces:${i.replaces}`]),
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** A new payment's HEAD, PENDING under the instruction as approved. */
function pendingHead(i: PaymentInstruction, contentHash: string, chunk: number, at: string): PaymentHead {
  return {
    ...i,
    sk: 'HEAD',
    contentHash,
    state: 'PENDING',
    seq: 1,
    cycleState: cycleStateKey(i.cycleId, 'PENDING', i.paymentId),
    chunk,
    createdAt: at,
    updatedAt: at,
    ...(i.channel === 'POST_OFFICE' ? { cashCommune: cashCommuneKey(i.communeCode, i.cycleId) } : {}),
  };
}

/** The payment's own first entry (a payment recorded alone; a chunk's share one event: recordPendingMany). */
function pendingEntry(i: PaymentInstruction, contentHash: string, at: string): LedgerEntry {
  return {
    paymentId: i.paymentId,
    sk: entryKey(1),
    seq: 1,
    kind: 'STATE',
    state: 'PENDING',
    at,
    source: 'cycle-approval',
    detail: { contentHash, amount: i.amount, cycleId: i.cycleId },
  };
}

/**
 * Records the approved instruction as PENDING. The same instruction again is a no-op; a different one under
 * the same id is a hard error, audited, never an overwrite.
 */
export async function recordPending(i: PaymentInstruction, chunk: number): Promise<'CREATED' | 'EXISTS'> {
  if (!Number.isSafeInteger(i.amount) || i.amount <= 0) throw new RangeError('amount must be a positive integer VND');
  const contentHash = instructionHash(i);
  for (let attempt = 0; ; attempt++) {
    const at = new Date().toISOString();
    const head = pendingHead(i, contentHash, chunk, at);
    const entry = pendingEntry(i, contentHash, at);
    try {
      await dynamo().send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: table(), Item: head, ConditionExpression: 'attribute_not_exists(paymentId)' } },
            { Put: { TableName: table(), Item: entry, ConditionExpression: 'attribute_not_exists(paymentId)' } },
            // Counted with the record itself: a redelivery fails the HEAD's condition and counts nothing.
            ...totalsUpdate(i, undefined, 'PENDING', at),
          ],
        }),
      );
      return 'CREATED';
    } catch (err) {
      if (!(err instanceof TransactionCanceledException)) throw err;
      // Another payment's transaction held the commune's totals item: nothing was written, try again.
      if (onlyConflict(err) && attempt < 12) {
        await backoff(attempt);
        continue;
      }
      const existing = await getPayment(i.paymentId);
      if (existing?.contentHash === contentHash) return 'EXISTS';
      if (!existing) throw err;
      await dynamo().send(
        new PutCommand({
          TableName: table(),
          Item: {
            paymentId: i.paymentId,
            sk: `CONFLICT#${at}#${contentHash.slice(0, 8)}`,
            at,
            existingHash: existing.contentHash,
            refusedHash: contentHash,
            refusedCycle: i.cycleId,
          },
        }),
      );
      throw new PaymentConflictError(`payment ${i.paymentId} exists with different content`);
    }
  }
}

export async function getPayment(paymentId: string): Promise<PaymentHead | undefined> {
  const out = await dynamo().send(
    new GetCommand({ TableName: table(), Key: { paymentId, sk: 'HEAD' }, ConsistentRead: true }),
  );
  return out.Item as PaymentHead | undefined;
}

/** A shared event as one payment's entry number `seq`. */
function asEntryOf(paymentId: string, seq: number, e: SharedEvent): LedgerEntry {
  return {
    paymentId,
    sk: entryKey(seq),
    seq,
    kind: e.kind,
    state: e.state,
    at: e.at,
    source: e.source,
    ...(e.detail ? { detail: e.detail } : {}),
  };
}

/**
 * A payment's history, oldest first: its own entries and the shared events it took part in (a chunk's file
 * SENT, a status report's wave), each shown as the payment's own entry at its sequence number.
 */
export async function entries(paymentId: string): Promise<LedgerEntry[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: 'paymentId = :p',
        ExpressionAttributeValues: { ':p': paymentId },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  const own = items.filter((i) => String(i.sk).startsWith('E#')) as unknown as LedgerEntry[];
  const refs = ((items.find((i) => i.sk === 'HEAD') as PaymentHead | undefined)?.inherited ?? []) as InheritedEntry[];
  if (!refs.length) return own;
  const events = new Map(
    (
      await batchGetItems(
        table(),
        [...new Set(refs.map((r) => r.event))].map((event) => ({ paymentId: event, sk: 'EVENT' })),
      )
    ).map((e) => [e.paymentId as string, e as unknown as SharedEvent]),
  );
  const inherited = refs.flatMap((r): LedgerEntry[] => {
    const e = events.get(r.event);
    if (!e) return [];
    return [
      {
        paymentId,
        sk: entryKey(r.seq),
        seq: r.seq,
        kind: e.kind,
        state: e.state,
        at: e.at,
        source: e.source,
        detail: e.detail,
      },
    ];
  });
  return [...own, ...inherited].sort((a, b) => a.seq - b.seq);
}

/** What a transition appends: the entry, and the state the HEAD moves to. */
type NextAppend = { entry: LedgerEntry; state: PaymentState };

/**
 * The decision of a transition, pure: what the lifecycle says of `wanted` from the HEAD, and the entry to
 * append with the HEAD's new state (none for a repeat or a stale status). `transition` writes it under the
 * sequence lock; the money-path simulation (test/simulation) appends it to its in-memory ledger.
 */
export function nextEntry(
  head: Pick<PaymentHead, 'paymentId' | 'state' | 'seq'>,
  wanted: PaymentState,
  source: string,
  detail: Record<string, unknown>,
  at: string,
  /** The lifecycle; a parameter only so the simulation's self-test can prove a broken one is caught. */
  decide: typeof decideTransition = decideTransition,
): { decision: TransitionDecision; append?: NextAppend } {
  const decision = decide(head.state, wanted);
  if (decision.kind === 'already' || decision.kind === 'stale') return { decision };
  const seq = head.seq + 1;
  const entry: LedgerEntry = {
    paymentId: head.paymentId,
    sk: entryKey(seq),
    seq,
    kind: decision.kind === 'apply' ? 'STATE' : 'ANOMALY',
    state: decision.kind === 'apply' ? decision.to : wanted,
    at,
    source,
    detail: decision.kind === 'anomaly' ? { ...detail, reason: decision.reason } : detail,
  };
  return { decision, append: { entry, state: decision.kind === 'apply' ? decision.to : head.state } };
}

/**
 * A transition's HEAD moved forward, under the lock of the sequence number the decision read. With `event`, the
 * entry is a shared event the HEAD names at its sequence number instead of an entry of its own.
 */
function headMove(
  head: Pick<PaymentHead, 'paymentId' | 'seq' | 'cycleId'>,
  append: NextAppend,
  at: string,
  event?: string,
) {
  const { entry, state } = append;
  const inherit = event ? ', inherited = list_append(if_not_exists(inherited, :none), :ref)' : '';
  return {
    Update: {
      TableName: table(),
      Key: { paymentId: head.paymentId, sk: 'HEAD' },
      UpdateExpression: `SET #state = :state, seq = :seq, cycleState = :cs, updatedAt = :at${inherit}`,
      ConditionExpression: 'seq = :prev',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: {
        ':state': state,
        ':seq': entry.seq,
        ':prev': head.seq,
        ':cs': cycleStateKey(head.cycleId, state, head.paymentId),
        ':at': at,
        ...(event ? { ':none': [], ':ref': [{ seq: entry.seq, event } satisfies InheritedEntry] } : {}),
      },
    },
  };
}

/** The HEAD as `headMove` leaves it (with `event`, the entry it inherits at its new sequence number). */
function movedHead(head: PaymentHead, append: NextAppend, at: string, event?: string): PaymentHead {
  const { entry, state } = append;
  return {
    ...head,
    state,
    seq: entry.seq,
    cycleState: cycleStateKey(head.cycleId, state, head.paymentId),
    updatedAt: at,
    ...(event ? { inherited: [...(head.inherited ?? []), { seq: entry.seq, event }] } : {}),
  };
}

/** A transition's own entry and its HEAD moved forward. */
function appendItems(head: Pick<PaymentHead, 'paymentId' | 'seq' | 'cycleId'>, append: NextAppend, at: string) {
  return [
    { Put: { TableName: table(), Item: append.entry, ConditionExpression: 'attribute_not_exists(paymentId)' } },
    headMove(head, append, at),
  ];
}

/**
 * Moves a payment towards `wanted` if the lifecycle allows it. Concurrent callers (a callback twice, a
 * callback racing the dispatcher) serialise on the HEAD's sequence number: exactly one appends each entry.
 */
export async function transition(
  paymentId: string,
  wanted: PaymentState,
  source: string,
  detail: Record<string, unknown> = {},
): Promise<TransitionDecision> {
  for (let attempt = 0; attempt < 12; attempt++) {
    const head = await getPayment(paymentId);
    if (!head) throw new PaymentNotFoundError(paymentId);
    const at = new Date().toISOString();
    const { decision, append } = nextEntry(head, wanted, source, detail, at);
    if (!append) return decision;
    try {
      await dynamo().send(
        new TransactWriteCommand({
          TransactItems: [
            ...appendItems(head, append, at),
            // Under the same sequence lock: a transition retried after its write landed fails `seq = :prev`,
            // so the totals move exactly once per entry.
            ...totalsUpdate(head, head.state, append.state, head.createdAt),
          ],
        }),
      );
      return decision;
    } catch (err) {
      if (!(err instanceof TransactionCanceledException)) throw err;
      // Someone else appended first (or held the totals item): read again and decide again.
      await backoff(attempt);
    }
  }
  throw new Error(`payment ${paymentId}: too much contention`);
}

// ------------------------------------------------------------------ many payments, one transaction at a time

/**
 * DynamoDB's limit of items per transaction. A payment takes two (HEAD and entry) plus its totals item unless
 * another payment of the transaction already counts in it.
 */
const TRANSACTION_ITEMS = 100;
/** Transactions of one batch call in flight at once. */
const TRANSACTIONS_IN_FLIGHT = 4;

/**
 * Splits payments into transactions of at most 100 items: each payment's own items (`own`) and the items several
 * may share (`shared` keys: a totals item, a shared event), each shared item counted once per transaction.
 */
function packs<T>(items: readonly T[], own: (t: T) => number, shared: (t: T) => string[]): T[][] {
  const out: T[][] = [];
  let pack: T[] = [];
  let size = 0;
  let keys = new Set<string>();
  for (const item of items) {
    let fresh = shared(item).filter((k) => !keys.has(k));
    if (pack.length && size + own(item) + fresh.length > TRANSACTION_ITEMS) {
      out.push(pack);
      pack = [];
      size = 0;
      keys = new Set();
      fresh = shared(item);
    }
    pack.push(item);
    size += own(item) + fresh.length;
    for (const k of fresh) keys.add(k);
  }
  if (pack.length) out.push(pack);
  return out;
}

/**
 * The payments whose own items (HEAD or entry) a cancelled transaction names as the reason: another writer
 * holds them, so they go one at a time. The items are in `owners` order (undefined for a shared totals item).
 */
function heldBy<T>(err: TransactionCanceledException, owners: readonly (T | undefined)[]): Set<T> {
  const held = new Set<T>();
  (err.CancellationReasons ?? []).forEach((r, i) => {
    const owner = owners[i];
    if (owner !== undefined && r.Code && r.Code !== 'None') held.add(owner);
  });
  return held;
}

/**
 * `recordPending` for a chunk's instructions, up to about 95 payments per transaction: each payment's HEAD (the
 * instruction, its hash and amount) naming one shared PENDING event of the transaction as its entry 1, and the
 * totals items they share, summed. Exactly once as one at a time: each HEAD is written only if absent, so a
 * redelivered chunk fails that condition and its payments go one at a time through `recordPending` (EXISTS for
 * the same instruction, an audited conflict for another), which counts nothing again. A transaction that lost
 * a race on a shared totals item is retried whole, under a new event.
 */
export async function recordPendingMany(instructions: readonly PaymentInstruction[], chunk: number): Promise<void> {
  for (const i of instructions) {
    if (!Number.isSafeInteger(i.amount) || i.amount <= 0) throw new RangeError('amount must be a positive integer VND');
  }
  // A payment twice in one transaction is refused by DynamoDB: any repeat goes alone.
  const seen = new Set<string>();
  const once = instructions.filter((i) => !seen.has(i.paymentId) && seen.add(i.paymentId));
  const first = new Set(once);
  const repeats = instructions.filter((i) => !first.has(i));
  // Each totals cell's payments together: fewer totals items per transaction.
  once.sort((a, b) => (totalsCellOf(a) < totalsCellOf(b) ? -1 : totalsCellOf(a) > totalsCellOf(b) ? 1 : 0));
  const alone: PaymentInstruction[] = [...repeats];
  await inParallel(
    packs(
      once,
      () => 1,
      (i) => [totalsCellOf(i), `event|${i.cycleId}`],
    ),
    TRANSACTIONS_IN_FLIGHT,
    async (pack) => {
      let rest = pack;
      for (let attempt = 0; rest.length; attempt++) {
        const at = new Date().toISOString();
        const events = new Map<string, SharedEvent>();
        const heads = rest.map((i) => {
          let event = events.get(i.cycleId);
          if (!event) {
            event = newSharedEvent(
              i.cycleId,
              { kind: 'STATE', state: 'PENDING', source: 'cycle-approval', detail: { cycleId: i.cycleId, chunk } },
              at,
            );
            events.set(i.cycleId, event);
          }
          event.payments++;
          const head = pendingHead(i, instructionHash(i), chunk, at);
          return { ...head, inherited: [{ seq: 1, event: event.paymentId } satisfies InheritedEntry] };
        });
        const owners: (PaymentInstruction | undefined)[] = rest;
        try {
          await dynamo().send(
            new TransactWriteCommand({
              TransactItems: [
                ...heads.map((head) => ({
                  Put: { TableName: table(), Item: head, ConditionExpression: 'attribute_not_exists(paymentId)' },
                })),
                ...[...events.values()].map((event) => ({
                  Put: { TableName: table(), Item: event, ConditionExpression: 'attribute_not_exists(paymentId)' },
                })),
                ...totalsWrites(rest.map((i) => totalsChange(i, undefined, 'PENDING', at))),
              ],
            }),
          );
          return;
        } catch (err) {
          if (!(err instanceof TransactionCanceledException)) throw err;
          const held = heldBy(err, owners);
          alone.push(...held);
          rest = rest.filter((i) => !held.has(i));
          if (!held.size && attempt >= 12) {
            alone.push(...rest);
            return;
          }
          if (!held.size) await backoff(attempt);
        }
      }
    },
  );
  await inParallel(alone, 8, (i) => recordPending(i, chunk));
}

export interface TransitionRequest {
  paymentId: string;
  wanted: PaymentState;
  source: string;
  detail?: Record<string, unknown>;
}

/**
 * `transition` for many payments: their HEADs read in one consistent BatchGet, each decided as `transition`
 * decides, and the appends written up to about 95 payments per transaction, each under its own HEAD's sequence
 * lock. When a transaction is cancelled (another writer moved one of its payments in between, or held a totals
 * item), its payments are read and decided again together; one still named after `HELD_ROUNDS` rounds is moved
 * alone by `transition`.
 * A payment asked for twice is moved in order, once per round. Answers in request order; `undefined` for a
 * payment the ledger does not hold. With `heads`, also each HEAD as this call last read or wrote it (a payment
 * moved alone is left out): what a caller following up on the moves would otherwise read back.
 */
export async function transitionMany(
  requests: readonly TransitionRequest[],
  heads?: Map<string, PaymentHead>,
): Promise<(TransitionDecision | undefined)[]> {
  const results: (TransitionDecision | undefined)[] = new Array(requests.length);
  let pending = requests.map((r, index) => ({ ...r, index }));
  while (pending.length) {
    const seen = new Set<string>();
    const round = pending.filter((r) => !seen.has(r.paymentId) && seen.add(r.paymentId));
    const now = new Set(round);
    pending = pending.filter((r) => !now.has(r));
    await transitionRound(round, results, heads);
  }
  return results;
}

type IndexedRequest = TransitionRequest & { index: number };
/** Rounds a payment named by a cancelled transaction is retried with its pack before it goes alone. */
const HELD_ROUNDS = 3;
type Move = { r: IndexedRequest; head: PaymentHead; decision: TransitionDecision; append: NextAppend };

async function transitionRound(
  requests: IndexedRequest[],
  results: (TransitionDecision | undefined)[],
  after?: Map<string, PaymentHead>,
): Promise<void> {
  const alone: IndexedRequest[] = [];
  let rest = requests;
  for (let attempt = 0; rest.length; attempt++) {
    if (attempt >= 12) {
      alone.push(...rest);
      break;
    }
    const heads = new Map(
      (
        (await batchGetItems(
          table(),
          rest.map((r) => ({ paymentId: r.paymentId, sk: 'HEAD' })),
        )) as unknown as PaymentHead[]
      ).map((h) => [h.paymentId, h]),
    );
    const at = new Date().toISOString();
    const moves: Move[] = [];
    for (const r of rest) {
      const head = heads.get(r.paymentId);
      if (!head) {
        results[r.index] = undefined;
        continue;
      }
      const { decision, append } = nextEntry(head, r.wanted, r.source, r.detail ?? {}, at);
      if (append) moves.push({ r, head, decision, append });
      else {
        results[r.index] = decision;
        after?.set(head.paymentId, head);
      }
    }
    // Payments moved alike (the same state applied, from the same source with the same detail) share one entry.
    const group = (m: Move) => `${m.append.state}|${m.r.source}|${JSON.stringify(m.append.entry.detail ?? {})}`;
    const alike = new Map<string, number>();
    for (const m of moves) if (m.decision.kind === 'apply') alike.set(group(m), (alike.get(group(m)) ?? 0) + 1);
    const sharing = (m: Move) => m.decision.kind === 'apply' && (alike.get(group(m)) ?? 0) > 1;
    // Alike payments together, and within them each totals cell's payments together: fewer shared items.
    const order = (m: Move) => `${sharing(m) ? group(m) : ''}#${totalsCellOf(m.head)}`;
    moves.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
    const again: IndexedRequest[] = [];
    await inParallel(
      packs(
        moves,
        (m) => (sharing(m) ? 1 : 2),
        (m) => [totalsCellOf(m.head), ...(sharing(m) ? [`event|${group(m)}`] : [])],
      ),
      TRANSACTIONS_IN_FLIGHT,
      async (pack) => {
        const events = new Map<string, SharedEvent>();
        const items: NonNullable<TransactWriteCommandInput['TransactItems']> = [];
        const owners: (IndexedRequest | undefined)[] = [];
        for (const m of pack) {
          if (!sharing(m)) {
            items.push(...appendItems(m.head, m.append, at));
            owners.push(m.r, m.r);
            continue;
          }
          let event = events.get(group(m));
          if (!event) {
            event = newSharedEvent(m.head.cycleId, m.append.entry, at);
            events.set(group(m), event);
          }
          event.payments++;
          items.push(headMove(m.head, m.append, at, event.paymentId));
          owners.push(m.r);
        }
        try {
          await dynamo().send(
            new TransactWriteCommand({
              TransactItems: [
                ...items,
                ...[...events.values()].map((event) => ({
                  Put: { TableName: table(), Item: event, ConditionExpression: 'attribute_not_exists(paymentId)' },
                })),
                ...totalsWrites(pack.map((m) => totalsChange(m.head, m.head.state, m.append.state, m.head.createdAt))),
              ],
            }),
          );
          for (const m of pack) {
            results[m.r.index] = m.decision;
            after?.set(
              m.head.paymentId,
              movedHead(m.head, m.append, at, sharing(m) ? events.get(group(m))?.paymentId : undefined),
            );
          }
        } catch (err) {
          if (!(err instanceof TransactionCanceledException)) throw err;
          // A payment another writer moved (the bank's ACSP and ACSC reports of one file applied at once) is
          // decided again from its new HEAD with the rest of its pack: usually it has nothing left to append.
          // Only one still held after a few rounds goes alone.
          const held = attempt >= HELD_ROUNDS ? heldBy(err, owners) : new Set<IndexedRequest>();
          alone.push(...held);
          again.push(...pack.map((m) => m.r).filter((r) => !held.has(r)));
        }
      },
    );
    if (again.length) await backoff(attempt);
    rest = again;
  }
  await inParallel(alone, 8, async (r) => {
    after?.delete(r.paymentId); // moved by another call: not known here
    try {
      results[r.index] = await transition(r.paymentId, r.wanted, r.source, r.detail ?? {});
    } catch (err) {
      if (!(err instanceof PaymentNotFoundError)) throw err;
      results[r.index] = undefined;
    }
  });
}

export class PaymentNotFoundError extends Error {
  override name = 'PaymentNotFound';
}

/** The pages of a byCycleState query: payments of a cycle in one state (one shard), or the cycle's chunk markers. */
async function* cycleIndexPages(
  key: string,
  projection?: { expression: string; names?: Record<string, string> },
  pageSize?: number,
) {
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(
      new QueryCommand({
        TableName: table(),
        IndexName: 'byCycleState',
        KeyConditionExpression: 'cycleState = :k',
        ExpressionAttributeValues: { ':k': key },
        ...(projection
          ? {
              ProjectionExpression: projection.expression,
              ...(projection.names ? { ExpressionAttributeNames: projection.names } : {}),
            }
          : {}),
        ...(pageSize ? { Limit: pageSize } : {}),
        ExclusiveStartKey: start,
      }),
    );
    yield out;
    start = out.LastEvaluatedKey;
  } while (start);
}

/**
 * The byCycleState keys of a cycle's state: its shards, then the unsharded key that payments recorded before
 * the sharding still carry until their next transition moves them onto a shard.
 */
const cycleStateKeys = (cycleId: string, state: string): string[] => [
  ...Array.from({ length: CYCLE_STATE_SHARDS }, (_, shard) => `${cycleId}#${state}#${shard}`),
  `${cycleId}#${state}`,
];

/** Count and VND of a cycle's payments in one state, commune and category (the maintained totals). */
export interface TotalsCell {
  communeCode: string;
  categoryCode: string;
  state: PaymentState;
  count: number;
  amount: number;
}

/** A totals cell of one creation day (`day`, yyyy-mm-dd in Vietnam): only for `DATED_STATES`. */
export interface DatedTotalsCell extends TotalsCell {
  day?: string;
}

/** `n_<state>` or `n_<state>_<yyyymmdd>`: the state and, for a dated attribute, its day as yyyy-mm-dd. */
const COUNT_ATTRIBUTE = /^n_([A-Z_]+?)(?:_(\d{4})(\d{2})(\d{2}))?$/;

/**
 * The maintained totals of a cycle, per commune × category × state (shards summed): 32 queries of small items,
 * whatever the cycle's payments and communes (and per commune too for a draft computed before, `legacyCommunes`:
 * cycle-store.ts `legacyTotalsCommunes`). Read consistently: the close balances against them. Cells with nothing
 * left in them (every payment moved on) are left out.
 */
export async function maintainedTotals(cycleId: string, legacyCommunes: readonly string[]): Promise<TotalsCell[]> {
  return (await maintainedTotalsByDay(cycleId, legacyCommunes)).filter((c) => c.day === undefined);
}

/**
 * The same cells, and for the dated states the same again per creation day (the cycle report's input: the
 * undated cell of a dated state is the sum of its days, unless payments were counted before the days were).
 */
export async function maintainedTotalsByDay(
  cycleId: string,
  legacyCommunes: readonly string[],
): Promise<DatedTotalsCell[]> {
  const cells = new Map<string, DatedTotalsCell>();
  const where = { table: table(), partitionKey: 'paymentId', prefix: 'TOTALS', shards: TOTALS_SHARDS };
  await itemsOfCycleTotals(where, cycleId, legacyCommunes, ({ communeCode, categoryCode }, item) => {
    for (const [name, value] of Object.entries(item)) {
      const m = COUNT_ATTRIBUTE.exec(name);
      if (!m) continue;
      const state = m[1] as PaymentState;
      const day = m[2] ? `${m[2]}-${m[3]}-${m[4]}` : undefined;
      const id = `${communeCode}|${categoryCode}|${state}|${day ?? ''}`;
      const cell = cells.get(id) ?? { communeCode, categoryCode, state, ...(day ? { day } : {}), count: 0, amount: 0 };
      cell.count += value as number;
      cell.amount += (item[`v${name.slice(1)}`] as number | undefined) ?? 0;
      cells.set(id, cell);
    }
  });
  return [...cells.values()].filter((c) => c.count !== 0 || c.amount !== 0);
}

/**
 * A chunk whose payments are all recorded and handed to their rail. The marker sits in the byCycleState index
 * under `<cycleId>#DISPATCHED`, beside (never among) the payment states, so progress is one small query.
 */
export async function markChunkDispatched(cycleId: string, chunk: number, payments: number): Promise<void> {
  await dynamo().send(
    new PutCommand({
      TableName: table(),
      Item: {
        paymentId: `CHUNK#${cycleId}#${chunk}`,
        sk: 'DISPATCHED',
        cycleState: `${cycleId}#DISPATCHED`,
        cycleId,
        chunk,
        payments,
        at: new Date().toISOString(),
      },
    }),
  );
}

/** Whether one chunk of a cycle carries its DISPATCHED marker. */
export async function isChunkDispatched(cycleId: string, chunk: number): Promise<boolean> {
  const out = await dynamo().send(
    new GetCommand({
      TableName: table(),
      Key: { paymentId: `CHUNK#${cycleId}#${chunk}`, sk: 'DISPATCHED' },
      ConsistentRead: true,
    }),
  );
  return out.Item !== undefined;
}

/** Which of these payment ids the ledger holds (HEAD items, read 100 at a time, consistently). */
export async function recordedPayments(paymentIds: string[]): Promise<Set<string>> {
  const items = await batchGetItems(
    table(),
    paymentIds.map((paymentId) => ({ paymentId, sk: 'HEAD' })),
    { projection: 'paymentId' },
  );
  return new Set(items.map((item) => item.paymentId as string));
}

/** The chunk indexes of a cycle already dispatched (at most a few thousand for a national cycle). */
export async function dispatchedChunks(cycleId: string): Promise<Set<number>> {
  const done = new Set<number>();
  for await (const page of cycleIndexPages(`${cycleId}#DISPATCHED`)) {
    for (const item of page.Items ?? []) done.add(item.chunk as number);
  }
  return done;
}

/** Every payment of a cycle in one state (the byCycleState index, shard after shard), page by page. */
export async function* paymentsInState(cycleId: string, state: PaymentState): AsyncGenerator<PaymentHead> {
  for (const key of cycleStateKeys(cycleId, state)) {
    for await (const page of cycleIndexPages(key)) {
      for (const item of page.Items ?? []) yield item as PaymentHead;
    }
  }
}

/** What a cycle report needs of a payment, nothing more (no names, no accounts). */
export type ReportedPayment = Pick<
  PaymentHead,
  'paymentId' | 'amount' | 'state' | 'createdAt' | 'categoryCode' | 'communeCode'
>;

/**
 * The report projection of every payment of a cycle in one state, a page at a time (`pageSize` payments at
 * most, for a reader that stops early).
 */
export async function* reportedPaymentsInState(
  cycleId: string,
  state: string,
  pageSize?: number,
): AsyncGenerator<ReportedPayment[]> {
  for (const key of cycleStateKeys(cycleId, state)) {
    for await (const page of cycleIndexPages(
      key,
      {
        expression: 'paymentId, amount, #state, createdAt, categoryCode, communeCode',
        names: { '#state': 'state' },
      },
      pageSize,
    )) {
      yield (page.Items ?? []) as ReportedPayment[];
    }
  }
}

/**
 * A person's items in the byPerson index (payments of every programme; of one period when given): one query
 * page, which holds a person's few dozen payments.
 */
export async function personPayments(personId: string, period?: string): Promise<Record<string, unknown>[]> {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: table(),
      IndexName: 'byPerson',
      KeyConditionExpression: period ? 'personId = :p AND period = :m' : 'personId = :p',
      ExpressionAttributeValues: { ':p': personId, ...(period ? { ':m': period } : {}) },
    }),
  );
  return out.Items ?? [];
}

/** Payments (HEAD) by id, read eventually consistent as reconciliation always did; missing ones left out. */
export async function paymentHeads(paymentIds: string[]): Promise<PaymentHead[]> {
  return (await batchGetItems(
    table(),
    paymentIds.map((paymentId) => ({ paymentId, sk: 'HEAD' })),
    { consistentRead: false },
  )) as unknown as PaymentHead[];
}

/** The ids of the latest payments to a creditor account (byCreditor, keys only), newest period first. */
export async function latestPaymentIdsTo(account: string, limit: number): Promise<string[]> {
  const res = await dynamo().send(
    new QueryCommand({
      TableName: table(),
      IndexName: 'byCreditor',
      KeyConditionExpression: 'creditorAccount = :a',
      ExpressionAttributeValues: { ':a': account },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (res.Items ?? []).filter((i) => i.sk === 'HEAD').map((i) => i.paymentId as string);
}

// ------------------------------------------------------------------------------- pain.001 batches

/** A chunk's pain.001, prepared once: later attempts resubmit the same bytes. */
export interface BatchRecord {
  paymentId: string;
  sk: 'HEAD';
  msgId: string;
  cycleId: string;
  chunk: number;
  xmlKey: string;
  sha256: string;
  paymentIds: string[];
  state: 'PREPARED' | 'SUBMITTED';
}

export const batchRecordId = (msgId: string) => `BATCH#${msgId}`;

export async function getBatchRecord(msgId: string): Promise<BatchRecord | undefined> {
  const out = await dynamo().send(
    new GetCommand({ TableName: table(), Key: { paymentId: batchRecordId(msgId), sk: 'HEAD' }, ConsistentRead: true }),
  );
  return out.Item as BatchRecord | undefined;
}

/** Stores the batch unless one with its MsgId exists (then false: a concurrent delivery prepared it first). */
export async function createBatchRecord(batch: BatchRecord): Promise<boolean> {
  try {
    await dynamo().send(
      new PutCommand({ TableName: table(), Item: batch, ConditionExpression: 'attribute_not_exists(paymentId)' }),
    );
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
    throw err;
  }
}

export async function markBatchSubmitted(batch: Pick<BatchRecord, 'paymentId'>): Promise<void> {
  await dynamo().send(
    new UpdateCommand({
      TableName: table(),
      Key: { paymentId: batch.paymentId, sk: 'HEAD' },
      UpdateExpression: 'SET #s = :s',
      ExpressionAttributeNames: { '#s': 'state' },
      ExpressionAttributeValues: { ':s': 'SUBMITTED' },
    }),
  );
}

/** Batches by MsgId (eventually consistent, as reconciliation reads them); unknown ones left out. */
export async function batchRecords(msgIds: string[]): Promise<BatchRecord[]> {
  return (await batchGetItems(
    table(),
    msgIds.map((m) => ({ paymentId: batchRecordId(m), sk: 'HEAD' })),
    { consistentRead: false },
  )) as unknown as BatchRecord[];
}

// ------------------------------------------------------------------------------- returns poll position

const RETURNS_CURSOR = { paymentId: 'CURSOR#camt054', sk: 'HEAD' };

/** When the bank returns (camt.054) were last polled, if ever. */
export async function returnsPolledAt(): Promise<string | undefined> {
  const out = await dynamo().send(new GetCommand({ TableName: table(), Key: RETURNS_CURSOR, ConsistentRead: true }));
  return out.Item?.polledAt as string | undefined;
}

export async function saveReturnsPolledAt(polledAt: string): Promise<void> {
  await dynamo().send(new PutCommand({ TableName: table(), Item: { ...RETURNS_CURSOR, polledAt } }));
}

// ------------------------------------------------------------------------------- bank status reports

/**
 * The one place a pain.002 status report is applied to the ledger, whichever way it came (the bank's
 * callback, an officer's import): each status moves its payment forward through the lifecycle only (a
 * repeat changes nothing, an out-of-order one is stale, a contradictory one is recorded as an anomaly), and a
 * block or message rejected as a whole rejects each of its payments (pain002.ts statusUpdates).
 */
export interface AppliedStatus extends StatusUpdate {
  /** What the ledger did; `unknown-payment` when it holds no such payment, `no-state` for a status that moves none. */
  result: TransitionDecision | { kind: 'unknown-payment' } | { kind: 'no-state' };
}

/** Our pain.001 message a report answers, when a block or message rejection needs its payments. */
async function ourMessage(msgId: string): Promise<OurMessage | undefined> {
  const ids = (await getBatchRecord(msgId))?.paymentIds;
  return ids ? { msgId, paymentIds: ids } : undefined;
}

/**
 * Applies every status of the report (`transitionMany`: each payment under its own HEAD's lock). `source` and
 * `detail` go on each ledger entry. The result keeps the order of the updates.
 */
export async function applyStatusReport(
  report: Pain002Report,
  source: string,
  detail: Record<string, unknown> = {},
): Promise<{ applied: AppliedStatus[]; unplaced: UnplacedRejection[]; heads: Map<string, PaymentHead> }> {
  const message = rejectsWholeBlocks(report) ? await ourMessage(report.originalMsgId) : undefined;
  const { statuses, unplaced } = reportedStatuses(report, message);
  const moving = statuses.filter((u) => u.wanted);
  const heads = new Map<string, PaymentHead>();
  const decisions = await transitionMany(
    moving.map(({ wanted, ...u }) => ({
      paymentId: u.paymentId,
      wanted: wanted as PaymentState,
      source,
      detail: {
        ...detail,
        status: u.status,
        ...(u.reason ? { reason: u.reason } : {}),
        ...(u.source !== 'transaction' ? { statusOf: u.source } : {}),
      },
    })),
    heads,
  );
  const decided = new Map(moving.map((u, i) => [u, decisions[i]]));
  const applied = statuses.map((status): AppliedStatus => {
    const { wanted, ...u } = status;
    if (!wanted) return { ...u, result: { kind: 'no-state' } };
    return { ...u, result: decided.get(status) ?? { kind: 'unknown-payment' } };
  });
  return { applied, unplaced, heads };
}

// ------------------------------------------------------------------------------- the settlement cut-off

/**
 * Payments (HEAD) by id, read consistently: the cut-off decides from the state a payment is in now, the status
 * worker follows up on what it just wrote. Missing ones (never recorded: their chunk never reached the ledger)
 * are left out; an id named twice (a report may repeat a payment) is read once, as BatchGet refuses repeats.
 */
export async function currentPaymentHeads(paymentIds: readonly string[]): Promise<PaymentHead[]> {
  return (await batchGetItems(
    table(),
    [...new Set(paymentIds)].map((paymentId) => ({ paymentId, sk: 'HEAD' })),
  )) as unknown as PaymentHead[];
}

/**
 * Items (paymentId / sk), beside the payments, never in the byCycleState index:
 *   CUTOFF#<cycleId> / QUEUED      → the cut-off's work items (one per chunk) are on the queue: never again
 *   CUTOFF#<cycleId> / DONE#<n>    → chunk n's payments are resolved, what they became counted by state
 */
const cutoffKey = (cycleId: string) => `CUTOFF#${cycleId}`;

export interface CutoffQueued {
  chunks: number;
  queuedAt: string;
}

export async function cutoffQueued(cycleId: string): Promise<CutoffQueued | undefined> {
  const out = await dynamo().send(
    new GetCommand({ TableName: table(), Key: { paymentId: cutoffKey(cycleId), sk: 'QUEUED' }, ConsistentRead: true }),
  );
  return out.Item ? { chunks: out.Item.chunks as number, queuedAt: out.Item.queuedAt as string } : undefined;
}

/** Written after the work items are sent (a crash before it sends them again: the workers absorb a repeat). */
export async function markCutoffQueued(cycleId: string, chunks: number): Promise<void> {
  try {
    await dynamo().send(
      new PutCommand({
        TableName: table(),
        Item: { paymentId: cutoffKey(cycleId), sk: 'QUEUED', cycleId, chunks, queuedAt: new Date().toISOString() },
        ConditionExpression: 'attribute_not_exists(paymentId)',
      }),
    );
  } catch (err) {
    if (!(err instanceof ConditionalCheckFailedException)) throw err;
  }
}

/** A chunk's cut-off work item finished (a repeat overwrites it with what it found then). */
export async function markCutoffChunkDone(
  cycleId: string,
  chunk: number,
  resolved: Partial<Record<PaymentState, number>>,
): Promise<void> {
  await dynamo().send(
    new PutCommand({
      TableName: table(),
      Item: {
        paymentId: cutoffKey(cycleId),
        sk: `DONE#${String(chunk).padStart(6, '0')}`,
        cycleId,
        chunk,
        resolved,
        at: new Date().toISOString(),
      },
    }),
  );
}

export async function isCutoffChunkDone(cycleId: string, chunk: number): Promise<boolean> {
  const out = await dynamo().send(
    new GetCommand({
      TableName: table(),
      Key: { paymentId: cutoffKey(cycleId), sk: `DONE#${String(chunk).padStart(6, '0')}` },
      ConsistentRead: true,
    }),
  );
  return out.Item !== undefined;
}

/** How many chunks of the cycle finished their cut-off work item (a count, no item leaves the table). */
export async function cutoffChunksDone(cycleId: string): Promise<number> {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: 'paymentId = :p AND begins_with(sk, :d)',
        ExpressionAttributeValues: { ':p': cutoffKey(cycleId), ':d': 'DONE#' },
        Select: 'COUNT',
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    count += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  return count;
}

// ------------------------------------------------------------------------------- payment look-ups

/** What the payment look-ups show of a HEAD (payment-lookups/payment-view.ts): no name, no entitlement lines. */
export type PaymentHeadForView = Pick<
  PaymentHead,
  | 'paymentId'
  | 'cycleId'
  | 'programme'
  | 'period'
  | 'months'
  | 'amount'
  | 'channel'
  | 'creditorAccount'
  | 'categoryCode'
  | 'state'
  | 'seq'
  | 'updatedAt'
  | 'inherited'
>;

const VIEW_ATTRIBUTES = [
  'paymentId',
  'sk',
  'cycleId',
  'programme',
  'period',
  'months',
  'amount',
  'channel',
  'creditorAccount',
  'categoryCode',
  '#state',
  'seq',
  'updatedAt',
  'inherited',
].join(', ');

/**
 * A person's latest payments for the look-ups: HEAD items of the byPerson index, newest period first, at most
 * `max`, and only the attributes the view shows (one query page for a person's few dozen payments). State and
 * its time as the HEAD has them (the index follows the table within a second or so).
 */
export async function latestPaymentViewsOfPerson(personId: string, max: number): Promise<PaymentHeadForView[]> {
  const heads: PaymentHeadForView[] = [];
  let key: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(
      new QueryCommand({
        TableName: table(),
        IndexName: 'byPerson',
        KeyConditionExpression: 'personId = :p',
        ExpressionAttributeValues: { ':p': personId },
        ProjectionExpression: VIEW_ATTRIBUTES,
        ExpressionAttributeNames: { '#state': 'state' },
        ScanIndexForward: false,
        Limit: max - heads.length,
        ExclusiveStartKey: key,
      }),
    );
    for (const item of out.Items ?? []) if (item.sk === 'HEAD') heads.push(item as PaymentHeadForView);
    key = out.LastEvaluatedKey;
  } while (key && heads.length < max);
  return heads;
}

/**
 * The entry each HEAD's `seq` names, for many payments in one BatchGet (consistent): the entry that set a
 * payment's current state, unless an anomaly was appended after it (an anomaly moves `seq`, never the state).
 * Those payments, and any whose entry is not found, get all their entries (`entries`), so the caller always
 * finds the latest STATE entry among what it gets. Payment id → entries.
 */
export async function stateEntriesOf(
  heads: Pick<PaymentHead, 'paymentId' | 'seq' | 'inherited'>[],
): Promise<Map<string, LedgerEntry[]>> {
  // The entry at `seq` is the payment's own item, or a shared event its HEAD names at that number.
  const shared = new Map(
    heads.flatMap((h) => {
      const ref = h.inherited?.find((r) => r.seq === h.seq);
      return ref ? [[h.paymentId, ref.event] as const] : [];
    }),
  );
  const found = await batchGetItems(table(), [
    ...heads.filter((h) => !shared.has(h.paymentId)).map((h) => ({ paymentId: h.paymentId, sk: entryKey(h.seq) })),
    ...[...new Set(shared.values())].map((event) => ({ paymentId: event, sk: 'EVENT' })),
  ]);
  const events = new Map(
    found.filter((i) => i.sk === 'EVENT').map((e) => [e.paymentId as string, e as unknown as SharedEvent]),
  );
  const out = new Map<string, LedgerEntry[]>();
  for (const e of found as unknown as LedgerEntry[])
    if (e.sk !== 'EVENT' && e.kind === 'STATE') out.set(e.paymentId, [e]);
  for (const h of heads) {
    const event = events.get(shared.get(h.paymentId) ?? '');
    if (event?.kind === 'STATE') out.set(h.paymentId, [asEntryOf(h.paymentId, h.seq, event)]);
  }
  const rest = heads.filter((h) => !out.has(h.paymentId));
  await Promise.all(rest.map(async (h) => out.set(h.paymentId, await entries(h.paymentId))));
  return out;
}

// ------------------------------------------------------------------------------- post-office cash lists

/**
 * A commune's post-office payments of a cycle in one state, in payment-id order: the sparse byCommune index
 * gives the ids of that commune's cash payments of the cycle (nothing else carries its key), then their HEADs
 * are read consistently, 100 at a time, and those in `state` yielded. The work is that commune's cash payments,
 * whatever the size of the cycle.
 */
export async function* postOfficePaymentsOfCommune(
  cycleId: string,
  communeCode: string,
  state: PaymentState,
): AsyncGenerator<PaymentHead> {
  const ids: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(
      new QueryCommand({
        TableName: table(),
        IndexName: 'byCommune',
        KeyConditionExpression: 'cashCommune = :k',
        ExpressionAttributeValues: { ':k': cashCommuneKey(communeCode, cycleId) },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of out.Items ?? []) ids.push(item.paymentId as string);
    start = out.LastEvaluatedKey;
  } while (start);
  ids.sort();
  for (let i = 0; i < ids.length; i += 100) {
    const part = ids.slice(i, i + 100);
    const heads = new Map(
      (
        (await batchGetItems(
          table(),
          part.map((paymentId) => ({ paymentId, sk: 'HEAD' })),
        )) as unknown as PaymentHead[]
      ).map((h) => [h.paymentId, h]),
    );
    for (const id of part) {
      const head = heads.get(id);
      if (head?.state === state) yield head;
    }
  }
}
