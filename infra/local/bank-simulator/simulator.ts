/**
 * A local bank that speaks ISO 20022 over HTTP (node:http, 127.0.0.1 only), for tests, demos and the local
 * runtime. It receives pain.001 credit-transfer files, answers pain.002 status reports (synchronously for the
 * receipt, then as signed callbacks), serves camt.053 end-of-day statements and camt.054 notifications, and
 * injects the faults the platform must survive. The messages are read and written with the project's own
 * codecs (functions/iso20022); the pain.001 reader is ./pain001-reader.ts.
 *
 * HTTP API
 *   POST /iso20022/pain.001          pain.001 XML → 202 pain.002 GrpSts ACTC (receipt; processing is async);
 *                                    400 pain.002 GrpSts RJCT (FF01 format, AM18 NbOfTxs, AM10 CtrlSum, AM01 zero,
 *                                    AM12 amount/VND decimals, AM03 currency, DU02/DU04/DU05 ids repeated inside
 *                                    the file; a refused file is not kept, its MsgId can be used again);
 *                                    409 pain.002 GrpSts RJCT DU01 when the MsgId was already received, with
 *                                    `x-duplicate-identical: true|false` (SHA-256 of the body bytes compared).
 *   GET  /iso20022/payments/{e2e}    the latest status of a transaction as a pain.002 (404 if unknown).
 *   GET  /iso20022/messages/{MsgId}[?pmtInfId=]  the status of a whole message (or of one of its PmtInf) as a
 *                                    pain.002: GrpSts, PmtInfSts and every transaction it holds (TxInfAndSts),
 *                                    returns after settlement as an extra reason, as the per-payment answer; 404
 *                                    for a MsgId (or PmtInfId) it never received. The settlement cut-off's query.
 *   GET  /iso20022/camt.053?date=YYYY-MM-DD[&account=]  end-of-day statement (404 before the bank's first day,
 *                                    after today, or when no debtor account had activity yet).
 *   GET  /iso20022/camt.054?since=ISO[&account=]        notifications created at/after `since` (204 if none).
 *   POST /control/faults             JSON faults (see BankFaults), merged into the current ones; `reset: true`
 *                                    clears everything first. Answers the faults now in force.
 *   POST /iso20022/acmt.023          account verification (acmt.023 in, acmt.024 out): an account never set through
 *                                    /control/accounts (or UNKNOWN) → AC01; CLOSED → AC04; OPEN with the holder's
 *                                    name equal (case, spacing, Unicode form) → verified; else BE01 with the name
 *                                    the bank holds.
 *   PUT  /control/accounts/{bin}/{number}  JSON { status: OPEN|CLOSED|UNKNOWN, holderDeceased?, holderName? }.
 *   GET  /control/stats              the counters.
 *   POST /control/clock              JSON { advanceMs } moves the bank's clock forward (returns fall due).
 *
 * Processing of an accepted file, per transaction, `processingDelayMs` after the receipt (wave 1):
 *   EndToEndId already paid by an earlier file → RJCT DU04 (the first payment is never overwritten);
 *   creditor BIN not in banks.json (when known) → RJCT RC01; account UNKNOWN → RJCT AC01; CLOSED → RJCT AC04;
 *   holder deceased → RJCT MD07; debtor balance short → RJCT AM04; otherwise ACSP.
 *   Another `processingDelayMs` later (wave 2) the ACSP ones become ACSC (settled) and each PmtInf's settled
 *   transactions are booked as ONE debit on the debtor account (batch booking).
 *   One pain.002 callback per file per wave lists its transactions, POSTed to `callbackUrl` with
 *   `x-bank-timestamp: <Unix seconds>` and `x-bank-signature: sha256=<hex HMAC-SHA256(<timestamp>.<body>,
 *   callbackSecret)>` (signed afresh at each attempt; a 409 means the platform already has it); callbacks of one file are delivered in
 *   order; failures (network error, non-2xx, timeout) are retried with exponential backoff up to
 *   `callbackMaxAttempts` attempts.
 *   Default account policy: an account never set through `accounts.set` / PUT /control/accounts is OPEN.
 *
 * Returns (fault `returnAfterSettlement`): the beneficiary bank sends the money back (AC04, account closed) on
 * the first bank day after settlement: once the bank's date (Vietnam time, UTC+7) has moved past the settlement
 * date, the return is booked that day as a CRDT entry with RvslInd and RtrInf, and notified in camt.054. The
 * payment's pain.002 status stays ACSC (the transfer did settle) with a StsRsnInf carrying the return reason.
 * Use the `now` option or POST /control/clock to move to the next day.
 *
 * Dates: the bank day is the calendar date in Vietnam (UTC+7). ReqdExctnDt is not waited for (the simulator
 * executes at once). Statements: ElctrncSeqNb/LglSeqNb = days since the bank's first day + 1; opening balance
 * of a day = closing balance of the day before (`openingBalanceVnd` on the first day); past days are
 * deterministic (same bytes every time), today's statement is intraday and marked PROVISIONAL.
 */
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { buildAcmt024, parseAcmt023, type VerificationRequest } from '../../../functions/iso20022/acmt.js';
import {
  buildCamt053,
  buildCamt054,
  type CamtEntryInput,
  type CamtStatementInput,
} from '../../../functions/iso20022/camt.js';
import {
  buildPain002,
  isValidId,
  type Pain002Input,
  type Pain002ReasonInput,
  type PaymentStatus,
} from '../../../functions/iso20022/pain002.js';
import { isValidDate, isValidDateTime } from '../../../functions/iso20022/text.js';
import {
  checkPain001,
  Pain001FormatError,
  type Pain001Message,
  type Pain001Refusal,
  readPain001,
} from './pain001-reader.js';

export const DEFAULT_BANKS_FILE = new URL('../../../functions/accounts/data/banks.json', import.meta.url);
const MAX_PAIN001_BYTES = 64 * 1024 * 1024;
const MAX_JSON_BYTES = 64 * 1024;
const VN_OFFSET_MS = 7 * 3600_000;
const DAY_MS = 86_400_000;

export type AccountStatus = 'OPEN' | 'CLOSED' | 'UNKNOWN';
export interface AccountState {
  status: AccountStatus;
  holderDeceased?: boolean;
  /** The holder's name as the bank holds it (account verification). */
  holderName?: string;
}

export const BankFaultsInput = z
  .object({
    /** Clears every fault before applying the others. */
    reset: z.boolean().optional(),
    /** Every /iso20022 answer waits this long first. */
    delayMs: z.number().int().min(0).max(600_000).optional(),
    /** The next n pain.001 submissions answer 503 and are NOT recorded. */
    failNextSubmissions: z.number().int().min(0).optional(),
    /** The next n pain.001 submissions are processed (and recorded) but never answered. */
    timeoutNextSubmissions: z.number().int().min(0).optional(),
    /** Every callback is delivered twice (same body, same signature). */
    duplicateCallbacks: z.boolean().optional(),
    /** Per file, the ACSC wave is delivered before the ACSP/RJCT wave. */
    outOfOrderCallbacks: z.boolean().optional(),
    /** The next n callbacks are silently lost (never sent, never retried). */
    dropCallbacks: z.number().int().min(0).optional(),
    /** EndToEndIds returned with AC04 on the bank day after their settlement (added to the current set). */
    returnAfterSettlement: z.array(z.string().min(1).max(35)).max(100_000).optional(),
    /**
     * Booking errors a real bank makes, for reconciliation to catch (each EndToEndId once, when it settles):
     * booked at the instructed amount plus `delta` VND; settled but left off the statement; booked a second
     * time as its own entry; booked without its reference (EndToEndId NOTPROVIDED).
     */
    bookWrongAmount: z.record(z.string().min(1).max(35), z.number().int()).optional(),
    leaveUnbooked: z.array(z.string().min(1).max(35)).max(100_000).optional(),
    bookTwice: z.array(z.string().min(1).max(35)).max(100_000).optional(),
    bookWithoutReference: z.array(z.string().min(1).max(35)).max(100_000).optional(),
    /** Debits the paying account for something that is not ours (amount VND), booked on the next settlement. */
    foreignDebits: z.array(z.number().int().positive()).max(1000).optional(),
  })
  .strict();
export type BankFaults = z.infer<typeof BankFaultsInput>;

const AccountInput = z
  .object({
    status: z.enum(['OPEN', 'CLOSED', 'UNKNOWN']),
    holderDeceased: z.boolean().optional(),
    holderName: z.string().min(1).max(140).optional(),
  })
  .strict();
const ClockInput = z
  .object({
    advanceMs: z
      .number()
      .int()
      .min(0)
      .max(3650 * DAY_MS),
  })
  .strict();

export interface BankSimulatorStats {
  /** New pain.001 files accepted (202, or held by timeoutNextSubmissions). */
  messagesReceived: number;
  /** Submissions answered 409 DU01. */
  duplicatesRejected: number;
  /** Submissions answered 400. */
  messagesRefused: number;
  /** Submissions answered 503 by failNextSubmissions. */
  submissionsFailed: number;
  /** Submissions held without answer by timeoutNextSubmissions. */
  submissionsHeld: number;
  /** Callback deliveries answered 2xx (a duplicated callback counts twice). */
  callbacksSent: number;
  /** Callback attempts that failed (each retry counts). */
  callbacksFailed: number;
  /** Callbacks given up after callbackMaxAttempts. */
  callbacksAbandoned: number;
  /** Callbacks lost on purpose by dropCallbacks. */
  callbacksDropped: number;
  /** Account verifications answered (acmt.023 → acmt.024). */
  verifications: number;
  /** Transactions settled (ACSC). */
  settled: number;
  /** Transactions rejected (RJCT). */
  rejected: number;
  /** Settled transactions returned afterwards. */
  returned: number;
  /** Status queries answered for one payment (GET /iso20022/payments/{e2e}), 404s included. */
  paymentQueries: number;
  /** Status queries answered for a whole message (GET /iso20022/messages/{MsgId}), 404s included. */
  messageQueries: number;
}

export interface BankSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Where pain.002 callbacks are POSTed; none → no callbacks (GET /iso20022/payments/{e2e} still works). */
  callbackUrl?: string;
  callbackSecret: string;
  /** Delay before each processing wave (default 50 ms). */
  processingDelayMs?: number;
  now?: () => Date;
  /** Attempts per callback (default 5); backoff callbackRetryBaseMs × 2^(attempt-1), at most 5 s. */
  callbackMaxAttempts?: number;
  callbackRetryBaseMs?: number;
  /** Per-attempt timeout (default 5000 ms). */
  callbackTimeoutMs?: number;
  /** Balance of every debtor account on the bank's first day (default 10,000,000,000,000 VND). */
  openingBalanceVnd?: number | bigint;
  /** Creditor BINs the bank can reach (others → RJCT RC01). Default: the banks of functions/accounts/data/banks.json; null = all. */
  knownBins?: Iterable<string> | null;
  faults?: BankFaults;
}

export interface BankSimulator {
  url: string;
  port: number;
  stop(): Promise<void>;
  setFaults(f: BankFaults): void;
  accounts: {
    set(bin: string, number: string, state: AccountState): void;
    get(bin: string, number: string): AccountState;
  };
  /** Resolves when all queued processing and callbacks (with their retries) are done. */
  idle(): Promise<void>;
  stats: BankSimulatorStats;
  /** The camt.053 of a bank day (YYYY-MM-DD), or undefined when there is none. */
  statement(date: string, account?: string): string | undefined;
  /** Moves the bank's clock forward (on top of `now`). */
  advanceClock(ms: number): void;
}

interface Payment {
  ref: string;
  msg: Message;
  paymentInfoId: string;
  instructionId?: string;
  endToEndId: string;
  amount: bigint;
  creditorBin?: string;
  creditorAccountId: string;
  creditorName?: string;
  debtorAccountId: string;
  status: PaymentStatus;
  reason?: Pain002ReasonInput;
  acceptedAt?: string;
  settledDate?: string;
  /** Set when the payment is to be returned after settlement. */
  returnDue?: boolean;
  returned?: { date: string; reason: string };
}

interface Message {
  msgId: string;
  hash: string;
  receivedAt: string;
  message: Pain001Message;
  payments: Payment[];
  chain: Promise<void>;
}

interface Booking {
  account: string;
  date: string;
  signed: bigint;
  entry: CamtEntryInput;
}

interface Notification {
  seq: number;
  at: number;
  account: string;
  entry: CamtEntryInput;
}

interface DebtorAccount {
  id: string;
  firstDate: string;
  bin?: string;
  name?: string;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The bank day (Vietnam, UTC+7) of an instant. */
export const bankDate = (t: number): string => new Date(t + VN_OFFSET_MS).toISOString().slice(0, 10);
const dayNumber = (date: string): number => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
const compact = (date: string): string => date.replace(/-/g, '');

function loadKnownBins(o: BankSimulatorOptions): ReadonlySet<string> | undefined {
  if (o.knownBins === null) return undefined;
  if (o.knownBins !== undefined) return new Set(o.knownBins);
  const data = JSON.parse(readFileSync(fileURLToPath(DEFAULT_BANKS_FILE), 'utf8')) as { banks?: { bin?: string }[] };
  const bins = (data.banks ?? []).map((b) => b.bin).filter((b): b is string => typeof b === 'string');
  return bins.length ? new Set(bins) : undefined;
}

const REASON_TEXT: Record<string, string> = {
  AC01: 'Account number unknown at the creditor bank',
  AC04: 'Account closed',
  MD07: 'Account holder deceased',
  AM04: 'Insufficient funds on the debtor account',
  RC01: 'Creditor bank identifier unknown',
  DU04: 'EndToEndId already received in an earlier message',
};

export async function startBankSimulator(o: BankSimulatorOptions): Promise<BankSimulator> {
  if (!o.callbackSecret) throw new Error('callbackSecret is required');
  const clock = o.now ?? (() => new Date());
  let offsetMs = 0;
  const nowMs = (): number => clock().getTime() + offsetMs;
  const nowIso = (): string => new Date(nowMs()).toISOString();
  const processingDelay = o.processingDelayMs ?? 50;
  const maxAttempts = Math.max(1, o.callbackMaxAttempts ?? 5);
  const retryBase = o.callbackRetryBaseMs ?? 100;
  const callbackTimeout = o.callbackTimeoutMs ?? 5000;
  const openingBalance = BigInt(o.openingBalanceVnd ?? 10_000_000_000_000n);
  const knownBins = loadKnownBins(o);
  const firstDay = bankDate(nowMs());
  const stamp = Date.now().toString(36).toUpperCase();
  let idSeq = 0;
  const nextId = (prefix: string): string => `${prefix}${stamp}-${++idSeq}`;

  const stats: BankSimulatorStats = {
    messagesReceived: 0,
    duplicatesRejected: 0,
    messagesRefused: 0,
    submissionsFailed: 0,
    submissionsHeld: 0,
    callbacksSent: 0,
    callbacksFailed: 0,
    callbacksAbandoned: 0,
    callbacksDropped: 0,
    verifications: 0,
    settled: 0,
    rejected: 0,
    returned: 0,
    paymentQueries: 0,
    messageQueries: 0,
  };
  const faults = {
    delayMs: 0,
    failNextSubmissions: 0,
    timeoutNextSubmissions: 0,
    duplicateCallbacks: false,
    outOfOrderCallbacks: false,
    dropCallbacks: 0,
  };
  const returnSet = new Set<string>();
  const booking = {
    wrongAmount: new Map<string, number>(),
    unbooked: new Set<string>(),
    twice: new Set<string>(),
    noReference: new Set<string>(),
    foreign: [] as number[],
  };
  const setFaults = (f: BankFaults): void => {
    const v = BankFaultsInput.parse(f);
    if (v.reset) {
      Object.assign(faults, {
        delayMs: 0,
        failNextSubmissions: 0,
        timeoutNextSubmissions: 0,
        duplicateCallbacks: false,
        outOfOrderCallbacks: false,
        dropCallbacks: 0,
      });
      returnSet.clear();
      booking.wrongAmount.clear();
      booking.unbooked.clear();
      booking.twice.clear();
      booking.noReference.clear();
      booking.foreign = [];
    }
    for (const k of [
      'delayMs',
      'failNextSubmissions',
      'timeoutNextSubmissions',
      'duplicateCallbacks',
      'outOfOrderCallbacks',
      'dropCallbacks',
    ] as const) {
      if (v[k] !== undefined) (faults as Record<string, unknown>)[k] = v[k];
    }
    for (const id of v.returnAfterSettlement ?? []) returnSet.add(id);
    for (const [id, delta] of Object.entries(v.bookWrongAmount ?? {})) booking.wrongAmount.set(id, delta);
    for (const id of v.leaveUnbooked ?? []) booking.unbooked.add(id);
    for (const id of v.bookTwice ?? []) booking.twice.add(id);
    for (const id of v.bookWithoutReference ?? []) booking.noReference.add(id);
    booking.foreign.push(...(v.foreignDebits ?? []));
  };
  if (o.faults) setFaults(o.faults);

  const accountStates = new Map<string, AccountState>();
  const accountKey = (bin: string, number: string) => `${bin}/${number}`;
  const accounts = {
    set(bin: string, number: string, state: AccountState): void {
      if (!/^\d{6}$/.test(bin)) throw new Error('bin must be 6 digits');
      if (!/^[A-Za-z0-9]{1,34}$/.test(number)) throw new Error('account number must be 1-34 letters/digits');
      const s = AccountInput.parse(state);
      accountStates.set(accountKey(bin, number), {
        status: s.status,
        holderDeceased: s.holderDeceased ?? false,
        ...(s.holderName ? { holderName: s.holderName } : {}),
      });
    },
    /** Only accounts the bank was told about can be verified (the default policy pays any account). */
    known(bin: string, number: string): AccountState | undefined {
      return accountStates.get(accountKey(bin, number));
    },
    get(bin: string, number: string): AccountState {
      return accountStates.get(accountKey(bin, number)) ?? { status: 'OPEN', holderDeceased: false };
    },
  };

  const messages = new Map<string, Message>();
  const payments = new Map<string, Payment>();
  const debtors = new Map<string, DebtorAccount>();
  const available = new Map<string, bigint>();
  const bookings: Booking[] = [];
  const notifications: Notification[] = [];
  const dueReturns = new Set<Payment>();
  let paymentSeq = 0;
  let bookingSeq = 0;
  let notificationSeq = 0;

  // ------------------------------------------------------------------ async work, timers, idle and stop
  let stopped = false;
  const pending = new Set<Promise<void>>();
  const sleepers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  const aborter = new AbortController();
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (stopped) return resolve();
      const s = {
        timer: setTimeout(() => {
          sleepers.delete(s);
          resolve();
        }, ms),
        resolve,
      };
      sleepers.add(s);
    });
  const track = (p: Promise<void>): void => {
    const q = p.catch((err: unknown) => {
      if (!stopped) console.error('bank simulator: background task failed', err);
    });
    pending.add(q);
    void q.finally(() => pending.delete(q));
  };

  // ------------------------------------------------------------------ callbacks
  const sign = (timestamp: string, body: string): string =>
    `sha256=${createHmac('sha256', o.callbackSecret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
  async function sendOnce(body: string, msgId: string): Promise<void> {
    const url = o.callbackUrl as string;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (stopped) return;
      try {
        const timestamp = String(Math.floor(Date.now() / 1000));
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/xml; charset=utf-8',
            'x-bank-timestamp': timestamp,
            'x-bank-signature': sign(timestamp, body),
            'x-bank-message-id': msgId,
            'x-bank-attempt': String(attempt),
          },
          body,
          signal: AbortSignal.any([aborter.signal, AbortSignal.timeout(callbackTimeout)]),
        });
        await res.arrayBuffer().catch(() => undefined);
        // 409: the platform already holds this message (an earlier attempt got through): delivered.
        if (res.ok || res.status === 409) {
          stats.callbacksSent++;
          return;
        }
      } catch {
        // network error or timeout: retried below
      }
      if (stopped) return;
      stats.callbacksFailed++;
      if (attempt < maxAttempts) await sleep(Math.min(retryBase * 2 ** (attempt - 1), 5000));
    }
    stats.callbacksAbandoned++;
  }
  /** Queues a callback behind the earlier callbacks of the same file. */
  function deliver(msg: Message, body: string, msgId: string): void {
    if (!o.callbackUrl) return;
    const run = async (): Promise<void> => {
      if (stopped) return;
      if (faults.dropCallbacks > 0) {
        faults.dropCallbacks--;
        stats.callbacksDropped++;
        return;
      }
      const copies = faults.duplicateCallbacks ? 2 : 1;
      for (let c = 0; c < copies; c++) await sendOnce(body, msgId);
    };
    msg.chain = msg.chain.then(run, run);
    track(msg.chain);
  }

  // ------------------------------------------------------------------ pain.002
  const reasonOf = (code: string): Pain002ReasonInput => ({ code, additionalInfo: REASON_TEXT[code] ?? code });
  const uniform = (list: readonly Payment[]): PaymentStatus => {
    const first = list[0]?.status ?? 'ACTC';
    return list.every((p) => p.status === first) ? first : 'PART';
  };
  function statusReport(msg: Message, listed: readonly Payment[], forQuery = false): { xml: string; msgId: string } {
    const msgId = nextId(forQuery ? 'PSQ' : 'PSR');
    const byPmtInf = new Map<string, Payment[]>();
    for (const p of listed) {
      const g = byPmtInf.get(p.paymentInfoId);
      if (g) g.push(p);
      else byPmtInf.set(p.paymentInfoId, [p]);
    }
    const m = msg.message;
    const input: Pain002Input = {
      msgId,
      createdAt: nowIso(),
      initiatingPartyName: 'ANSINH LOCAL BANK SIMULATOR',
      originalMsgId: msg.msgId,
      originalMsgNameId: m.messageNameId ?? 'pain.001.001.09',
      originalNbOfTxs: m.nbOfTxs,
      originalCtrlSumVnd: m.ctrlSum,
      groupStatus: uniform(msg.payments),
      paymentInfos: [...byPmtInf].map(([pmtInfId, list]) => {
        const pi = m.paymentInfos.find((x) => x.paymentInfoId === pmtInfId);
        return {
          originalPaymentInfoId: pmtInfId,
          ...(pi ? { originalNbOfTxs: pi.transactions.length, originalCtrlSumVnd: pi.ctrlSum } : {}),
          status: uniform(msg.payments.filter((p) => p.paymentInfoId === pmtInfId)),
          transactions: list.map((p) => {
            const reasons: Pain002ReasonInput[] = [];
            if (p.reason) reasons.push(p.reason);
            if (forQuery && p.returned)
              reasons.push({
                code: p.returned.reason,
                additionalInfo: `Returned after settlement on ${p.returned.date}`,
              });
            return {
              ...(p.instructionId ? { originalInstrId: p.instructionId } : {}),
              originalEndToEndId: p.endToEndId,
              status: p.status,
              reasons,
              ...(p.acceptedAt ? { acceptanceDateTime: p.acceptedAt } : {}),
              accountServicerRef: p.ref,
            };
          }),
        };
      }),
    };
    if (m.createdAt !== undefined && isValidDateTime(m.createdAt)) input.originalCreatedAt = m.createdAt;
    return { xml: buildPain002(input), msgId };
  }
  function groupReport(
    originalMsgId: string | undefined,
    status: PaymentStatus,
    reasons: Pain002ReasonInput[],
    m?: Pain001Message,
  ): string {
    const input: Pain002Input = {
      msgId: nextId('PSG'),
      createdAt: nowIso(),
      initiatingPartyName: 'ANSINH LOCAL BANK SIMULATOR',
      originalMsgId: originalMsgId !== undefined && isValidId(originalMsgId) ? originalMsgId : 'NOTPROVIDED',
      groupStatus: status,
      groupReasons: reasons,
    };
    if (m) {
      input.originalNbOfTxs = m.nbOfTxs;
      input.originalCtrlSumVnd = m.ctrlSum;
      if (m.messageNameId) input.originalMsgNameId = m.messageNameId;
      if (m.createdAt !== undefined && isValidDateTime(m.createdAt)) input.originalCreatedAt = m.createdAt;
    }
    return buildPain002(input);
  }

  // ------------------------------------------------------------------ processing
  function decide(p: Payment): string | undefined {
    if (payments.get(p.endToEndId) !== p) return 'DU04';
    if (knownBins && p.creditorBin !== undefined && !knownBins.has(p.creditorBin)) return 'RC01';
    const acct = accounts.get(p.creditorBin ?? '', p.creditorAccountId);
    if (acct.status === 'UNKNOWN') return 'AC01';
    if (acct.status === 'CLOSED') return 'AC04';
    if (acct.holderDeceased) return 'MD07';
    const left = available.get(p.debtorAccountId) ?? openingBalance;
    if (left < p.amount) return 'AM04';
    available.set(p.debtorAccountId, left - p.amount);
    return undefined;
  }

  async function processMessage(msg: Message): Promise<void> {
    await sleep(processingDelay);
    if (stopped) return;
    catchUp();
    const outOfOrder = faults.outOfOrderCallbacks;
    const at = nowIso();
    const accepted: Payment[] = [];
    for (const p of msg.payments) {
      const code = decide(p);
      if (code) {
        p.status = 'RJCT';
        p.reason = reasonOf(code);
        stats.rejected++;
      } else {
        p.status = 'ACSP';
        p.acceptedAt = at;
        accepted.push(p);
      }
    }
    const wave1 = statusReport(msg, msg.payments);
    if (!outOfOrder || accepted.length === 0) deliver(msg, wave1.xml, wave1.msgId);
    if (accepted.length === 0) return;

    await sleep(processingDelay);
    if (stopped) return;
    catchUp();
    settle(msg, accepted);
    const wave2 = statusReport(msg, accepted);
    deliver(msg, wave2.xml, wave2.msgId);
    if (outOfOrder) deliver(msg, wave1.xml, wave1.msgId);
  }

  function settle(msg: Message, accepted: Payment[]): void {
    const date = bankDate(nowMs());
    for (const p of accepted) {
      p.status = 'ACSC';
      p.settledDate = date;
      stats.settled++;
      if (returnSet.delete(p.endToEndId)) {
        p.returnDue = true;
        dueReturns.add(p);
      }
    }
    // one debit per PmtInf (batch booking) with the settled transactions only
    for (const pi of msg.message.paymentInfos) {
      const settledHere = accepted.filter((p) => p.paymentInfoId === pi.paymentInfoId);
      const list = settledHere.filter((p) => !booking.unbooked.delete(p.endToEndId));
      if (list.length === 0) continue;
      const bookedAmount = (p: Payment) => {
        const delta = booking.wrongAmount.get(p.endToEndId);
        if (delta === undefined) return p.amount;
        booking.wrongAmount.delete(p.endToEndId);
        return p.amount + BigInt(delta);
      };
      const amounts = new Map(list.map((p) => [p, bookedAmount(p)]));
      const total = list.reduce((s, p) => s + (amounts.get(p) ?? p.amount), 0n);
      const ref = `BK${compact(date)}-${++bookingSeq}`;
      const entry: CamtEntryInput = {
        entryRef: ref,
        amountVnd: total,
        creditDebit: 'DBIT',
        status: 'BOOK',
        bookingDate: date,
        valueDate: date,
        accountServicerRef: ref,
        batch: {
          messageId: msg.msgId,
          paymentInfoId: pi.paymentInfoId,
          nbOfTxs: list.length,
          totalAmountVnd: total,
          creditDebit: 'DBIT',
        },
        transactions: list.map((p) => {
          const blind = booking.noReference.delete(p.endToEndId);
          return {
            messageId: msg.msgId,
            paymentInfoId: p.paymentInfoId,
            ...(p.instructionId && !blind ? { instructionId: p.instructionId } : {}),
            endToEndId: blind ? 'NOTPROVIDED' : p.endToEndId,
            accountServicerRef: p.ref,
            amountVnd: amounts.get(p) ?? p.amount,
            creditDebit: 'DBIT' as const,
            ...(p.creditorName ? { creditorName: p.creditorName } : {}),
            creditorAccountId: p.creditorAccountId,
          };
        }),
        additionalInfo: `Batch booking of ${list.length} credit transfers`,
      };
      book(pi.debtorAccountId, date, -total, entry);
      for (const p of list.filter((x) => booking.twice.delete(x.endToEndId))) {
        const ref = `BK${compact(date)}-${++bookingSeq}`;
        book(pi.debtorAccountId, date, -p.amount, {
          entryRef: ref,
          amountVnd: p.amount,
          creditDebit: 'DBIT',
          status: 'BOOK',
          bookingDate: date,
          valueDate: date,
          accountServicerRef: ref,
          transactions: [
            {
              messageId: msg.msgId,
              paymentInfoId: p.paymentInfoId,
              endToEndId: p.endToEndId,
              accountServicerRef: ref,
              amountVnd: p.amount,
              creditDebit: 'DBIT',
              creditorAccountId: p.creditorAccountId,
            },
          ],
          additionalInfo: 'Credit transfer booked again',
        });
      }
    }
    for (const amount of booking.foreign.splice(0)) {
      const account = msg.message.paymentInfos[0]?.debtorAccountId;
      if (!account) break;
      const ref = `FX${compact(date)}-${++bookingSeq}`;
      book(account, date, -BigInt(amount), {
        entryRef: ref,
        amountVnd: BigInt(amount),
        creditDebit: 'DBIT',
        status: 'BOOK',
        bookingDate: date,
        valueDate: date,
        accountServicerRef: ref,
        bankTransactionCode: { domain: 'ACMT', family: 'MDOP', subFamily: 'CHRG' },
        additionalInfo: 'Debit not initiated by the account holder',
      });
    }
  }

  function book(account: string, date: string, signed: bigint, entry: CamtEntryInput): void {
    bookings.push({ account, date, signed, entry });
    notifications.push({ seq: ++notificationSeq, at: nowMs(), account, entry });
  }

  /** Returns that have fallen due (the bank day moved past the settlement day) are booked now. */
  function catchUp(): void {
    if (dueReturns.size === 0) return;
    const today = bankDate(nowMs());
    for (const p of [...dueReturns]) {
      if (!p.settledDate || today <= p.settledDate) continue;
      dueReturns.delete(p);
      p.returnDue = false;
      p.returned = { date: today, reason: 'AC04' };
      stats.returned++;
      available.set(p.debtorAccountId, (available.get(p.debtorAccountId) ?? openingBalance) + p.amount);
      const ref = `RT${compact(today)}-${++bookingSeq}`;
      book(p.debtorAccountId, today, p.amount, {
        entryRef: ref,
        amountVnd: p.amount,
        creditDebit: 'CRDT',
        status: 'BOOK',
        bookingDate: today,
        valueDate: today,
        reversal: true,
        accountServicerRef: ref,
        bankTransactionCode: { domain: 'PMNT', family: 'ICDT', subFamily: 'RRTN' },
        transactions: [
          {
            messageId: p.msg.msgId,
            paymentInfoId: p.paymentInfoId,
            ...(p.instructionId ? { instructionId: p.instructionId } : {}),
            endToEndId: p.endToEndId,
            accountServicerRef: p.ref,
            amountVnd: p.amount,
            creditDebit: 'CRDT',
            returnReason: 'AC04',
            returnAdditionalInfo: 'Account closed after settlement, funds returned',
            ...(p.creditorName ? { creditorName: p.creditorName } : {}),
            creditorAccountId: p.creditorAccountId,
          },
        ],
        additionalInfo: 'Return of a credit transfer',
      });
    }
  }
  const catchUpTimer = setInterval(catchUp, 250);
  catchUpTimer.unref();

  // ------------------------------------------------------------------ statements
  function statement(date: string, account?: string): string | undefined {
    catchUp();
    if (!isValidDate(date)) return undefined;
    const today = bankDate(nowMs());
    if (date < firstDay || date > today) return undefined;
    const accountsOfDay = [...debtors.values()].filter(
      (d) => d.firstDate <= date && (account === undefined || d.id === account),
    );
    if (accountsOfDay.length === 0) return undefined;
    const provisional = date === today;
    const seq = dayNumber(date) - dayNumber(firstDay) + 1;
    const createdAt = provisional ? nowIso() : `${date}T23:59:59+07:00`;
    const statements: CamtStatementInput[] = accountsOfDay.map((d) => {
      let opening = openingBalance;
      let closing = openingBalance;
      const entries: CamtEntryInput[] = [];
      for (const b of bookings) {
        if (b.account !== d.id || b.date > date) continue;
        if (b.date < date) opening += b.signed;
        else entries.push(b.entry);
        closing += b.signed;
      }
      return {
        id: `S${compact(date)}-${d.id.slice(-24)}`,
        electronicSequenceNumber: seq,
        legalSequenceNumber: seq,
        createdAt,
        account: {
          id: d.id,
          ...(d.name ? { ownerName: d.name } : {}),
          ...(d.bin && /^\d{6}$/.test(d.bin) ? { servicerNapasBin: d.bin } : {}),
        },
        openingBalance: { amountVnd: opening, date },
        closingBalance: { amountVnd: closing, date },
        entries,
        ...(provisional ? { additionalInfo: 'PROVISIONAL intraday statement' } : {}),
      };
    });
    return buildCamt053({
      messageId: provisional ? nextId(`C053-${compact(date)}-`) : `C053-${compact(date)}-${seq}`,
      createdAt,
      statements,
    });
  }

  function notificationsSince(since: number, account?: string): string | undefined {
    catchUp();
    const list = notifications.filter((n) => n.at >= since && (account === undefined || n.account === account));
    if (list.length === 0) return undefined;
    return buildCamt054({
      messageId: nextId('C054-'),
      createdAt: nowIso(),
      statements: list.map((n) => {
        const d = debtors.get(n.account);
        return {
          id: `N${stamp}-${n.seq}`,
          electronicSequenceNumber: n.seq,
          createdAt: new Date(n.at).toISOString(),
          account: {
            id: n.account,
            ...(d?.name ? { ownerName: d.name } : {}),
            ...(d?.bin && /^\d{6}$/.test(d.bin) ? { servicerNapasBin: d.bin } : {}),
          },
          entries: [n.entry],
        };
      }),
    });
  }

  // ------------------------------------------------------------------ HTTP
  function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > limit) {
          reject(new HttpError(413, `body larger than ${limit} bytes`));
          req.destroy();
          return;
        }
        chunks.push(c);
      });
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
    });
  }
  async function readJson(req: IncomingMessage): Promise<unknown> {
    const body = await readBody(req, MAX_JSON_BYTES);
    try {
      return body.length ? JSON.parse(body.toString('utf8')) : {};
    } catch {
      throw new HttpError(400, 'body is not JSON');
    }
  }
  const sendXml = (res: ServerResponse, status: number, xml: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/xml; charset=utf-8', ...headers });
    res.end(xml);
  };
  const sendJson = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };

  async function submit(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, MAX_PAIN001_BYTES);
    if (faults.failNextSubmissions > 0) {
      faults.failNextSubmissions--;
      stats.submissionsFailed++;
      res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '1' });
      res.end(JSON.stringify({ error: { code: 'BANK_UNAVAILABLE', message: 'injected fault: try again later' } }));
      return;
    }
    const hold = faults.timeoutNextSubmissions > 0;
    if (hold) {
      faults.timeoutNextSubmissions--;
      stats.submissionsHeld++;
    }
    const answer = (status: number, xml: string, headers: Record<string, string> = {}) => {
      if (!hold) sendXml(res, status, xml, headers);
      // held: the socket stays open until the client gives up (or stop())
    };
    const hash = createHash('sha256').update(body).digest('hex');
    let message: Pain001Message;
    try {
      const raw = await readPain001(new Uint8Array(body.buffer, body.byteOffset, body.length));
      const first = raw.messageId !== undefined ? messages.get(raw.messageId) : undefined;
      if (first) return duplicate(first, hash, answer);
      const checked = checkPain001(raw);
      if (!checked.ok) return refuse(raw.messageId, checked.refusals, answer);
      message = checked.message;
    } catch (e) {
      if (e instanceof Pain001FormatError) {
        const first = e.messageId !== undefined ? messages.get(e.messageId) : undefined;
        if (first) return duplicate(first, hash, answer);
        return refuse(e.messageId, [e.refusal], answer);
      }
      throw e;
    }
    const dup = messages.get(message.messageId);
    if (dup) return duplicate(dup, hash, answer);

    const receivedAt = nowIso();
    const msg: Message = {
      msgId: message.messageId,
      hash,
      receivedAt,
      message,
      payments: [],
      chain: Promise.resolve(),
    };
    messages.set(msg.msgId, msg);
    stats.messagesReceived++;
    for (const pi of message.paymentInfos) {
      if (!debtors.has(pi.debtorAccountId)) {
        const d: DebtorAccount = { id: pi.debtorAccountId, firstDate: bankDate(nowMs()) };
        if (pi.debtorAgentBin) d.bin = pi.debtorAgentBin;
        if (pi.debtorName) d.name = pi.debtorName;
        debtors.set(d.id, d);
      }
      for (const t of pi.transactions) {
        const p: Payment = {
          ref: `TX${stamp}-${++paymentSeq}`,
          msg,
          paymentInfoId: pi.paymentInfoId,
          endToEndId: t.endToEndId,
          amount: t.amount,
          creditorAccountId: t.creditorAccountId,
          debtorAccountId: pi.debtorAccountId,
          status: 'ACTC',
        };
        if (t.instructionId !== undefined) p.instructionId = t.instructionId;
        if (t.creditorAgentBin !== undefined) p.creditorBin = t.creditorAgentBin;
        if (t.creditorName !== undefined) p.creditorName = t.creditorName;
        if (!payments.has(p.endToEndId)) payments.set(p.endToEndId, p);
        msg.payments.push(p);
      }
    }
    track(processMessage(msg));
    answer(202, groupReport(msg.msgId, 'ACTC', [], message), {
      'x-bank-received-at': receivedAt,
      'x-content-sha256': hash,
    });
  }

  function duplicate(
    first: Message,
    hash: string,
    answer: (s: number, xml: string, h?: Record<string, string>) => void,
  ) {
    stats.duplicatesRejected++;
    const identical = first.hash === hash;
    answer(
      409,
      groupReport(
        first.msgId,
        'RJCT',
        [
          {
            code: 'DU01',
            additionalInfo: `MsgId already received at ${first.receivedAt}; content ${identical ? 'identical' : 'different'}`,
          },
        ],
        first.message,
      ),
      { 'x-duplicate-identical': String(identical), 'x-bank-received-at': first.receivedAt },
    );
  }

  function refuse(
    msgId: string | undefined,
    refusals: Pain001Refusal[],
    answer: (s: number, xml: string, h?: Record<string, string>) => void,
  ) {
    stats.messagesRefused++;
    answer(
      400,
      groupReport(
        msgId,
        'RJCT',
        refusals.map((r) => ({ code: r.code, additionalInfo: r.info })),
      ),
      { 'x-reject-reason': refusals[0]?.code ?? 'FF01' },
    );
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    catchUp();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const methodNotAllowed = (allow: string) => {
      res.writeHead(405, { allow });
      res.end();
    };
    if (path.startsWith('/iso20022/') && faults.delayMs > 0) await sleep(faults.delayMs);

    if (path === '/iso20022/pain.001') {
      if (method !== 'POST') return methodNotAllowed('POST');
      return submit(req, res);
    }
    if (path === '/iso20022/acmt.023') {
      if (method !== 'POST') return methodNotAllowed('POST');
      let request: VerificationRequest;
      try {
        request = await parseAcmt023((await readBody(req, MAX_JSON_BYTES)).toString('utf8'));
      } catch (e) {
        throw new HttpError(400, (e as Error).message);
      }
      stats.verifications++;
      const state = accounts.known(request.bankBin, request.accountNumber);
      const same = (a: string, b: string) =>
        a.normalize('NFC').toLocaleLowerCase('vi').replace(/\s+/g, ' ').trim() ===
        b.normalize('NFC').toLocaleLowerCase('vi').replace(/\s+/g, ' ').trim();
      const verdict: { verified: boolean; reason?: 'AC01' | 'AC04' | 'BE01'; holderName?: string } =
        !state || state.status === 'UNKNOWN' || !state.holderName
          ? { verified: false, reason: 'AC01' }
          : state.status === 'CLOSED'
            ? { verified: false, reason: 'AC04' }
            : same(state.holderName, request.holderName)
              ? { verified: true }
              : { verified: false, reason: 'BE01', holderName: state.holderName };
      return sendXml(
        res,
        200,
        buildAcmt024({
          msgId: `V${createHash('sha256').update(request.msgId).digest('hex').slice(0, 30).toUpperCase()}`,
          originalMsgId: request.msgId,
          id: request.id,
          ...verdict,
        }),
      );
    }
    if (path.startsWith('/iso20022/payments/')) {
      if (method !== 'GET') return methodNotAllowed('GET');
      let e2e: string;
      try {
        e2e = decodeURIComponent(path.slice('/iso20022/payments/'.length));
      } catch {
        throw new HttpError(400, 'bad EndToEndId escape');
      }
      stats.paymentQueries++;
      const p = payments.get(e2e);
      if (!p) throw new HttpError(404, 'unknown EndToEndId');
      const r = statusReport(p.msg, [p], true);
      return sendXml(res, 200, r.xml, {
        'x-payment-status': p.status,
        ...(p.returned ? { 'x-payment-returned': 'true' } : {}),
      });
    }
    if (path.startsWith('/iso20022/messages/')) {
      if (method !== 'GET') return methodNotAllowed('GET');
      let msgId: string;
      try {
        msgId = decodeURIComponent(path.slice('/iso20022/messages/'.length));
      } catch {
        throw new HttpError(400, 'bad MsgId escape');
      }
      stats.messageQueries++;
      const msg = messages.get(msgId);
      if (!msg) throw new HttpError(404, 'unknown MsgId');
      const pmtInfId = url.searchParams.get('pmtInfId');
      const listed = pmtInfId === null ? msg.payments : msg.payments.filter((p) => p.paymentInfoId === pmtInfId);
      if (pmtInfId !== null && listed.length === 0) throw new HttpError(404, 'unknown PmtInfId in this message');
      const r = statusReport(msg, listed, true);
      return sendXml(res, 200, r.xml, { 'x-message-status': uniform(msg.payments) });
    }
    if (path === '/iso20022/camt.053') {
      if (method !== 'GET') return methodNotAllowed('GET');
      const date = url.searchParams.get('date') ?? '';
      if (!isValidDate(date)) throw new HttpError(400, 'date must be YYYY-MM-DD');
      const xml = statement(date, url.searchParams.get('account') ?? undefined);
      if (xml === undefined) throw new HttpError(404, 'no statement for this date');
      return sendXml(res, 200, xml);
    }
    if (path === '/iso20022/camt.054') {
      if (method !== 'GET') return methodNotAllowed('GET');
      const sinceText = url.searchParams.get('since') ?? '1970-01-01T00:00:00Z';
      const since = Date.parse(sinceText);
      if (!isValidDateTime(sinceText) || Number.isNaN(since))
        throw new HttpError(400, 'since must be an ISO date-time');
      const xml = notificationsSince(since, url.searchParams.get('account') ?? undefined);
      if (xml === undefined) {
        res.writeHead(204);
        res.end();
        return;
      }
      return sendXml(res, 200, xml);
    }
    if (path === '/control/faults') {
      if (method !== 'POST') return methodNotAllowed('POST');
      const parsed = BankFaultsInput.safeParse(await readJson(req));
      if (!parsed.success) throw new HttpError(400, parsed.error.message);
      setFaults(parsed.data);
      return sendJson(res, 200, { ...faults, returnAfterSettlement: [...returnSet] });
    }
    const acct = /^\/control\/accounts\/([^/]+)\/([^/]+)$/.exec(path);
    if (acct) {
      if (method !== 'PUT') return methodNotAllowed('PUT');
      const parsed = AccountInput.safeParse(await readJson(req));
      if (!parsed.success) throw new HttpError(400, parsed.error.message);
      try {
        accounts.set(decodeURIComponent(acct[1] as string), decodeURIComponent(acct[2] as string), parsed.data);
      } catch (e) {
        throw new HttpError(400, (e as Error).message);
      }
      return sendJson(
        res,
        200,
        accounts.get(decodeURIComponent(acct[1] as string), decodeURIComponent(acct[2] as string)),
      );
    }
    if (path === '/control/stats') {
      if (method !== 'GET') return methodNotAllowed('GET');
      return sendJson(res, 200, stats);
    }
    if (path === '/control/clock') {
      if (method !== 'POST') return methodNotAllowed('POST');
      const parsed = ClockInput.safeParse(await readJson(req));
      if (!parsed.success) throw new HttpError(400, parsed.error.message);
      advanceClock(parsed.data.advanceMs);
      return sendJson(res, 200, { now: nowIso(), bankDate: bankDate(nowMs()) });
    }
    throw new HttpError(404, 'not found');
  }

  function advanceClock(ms: number): void {
    if (!(ms >= 0)) throw new Error('advanceClock: ms must be ≥ 0');
    offsetMs += ms;
    catchUp();
  }

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      if (res.headersSent || res.destroyed) return;
      const status = err instanceof HttpError ? err.status : 500;
      if (status === 500) console.error('bank simulator: request failed', err);
      sendJson(res, status, {
        error: { code: `HTTP_${status}`, message: err instanceof HttpError ? err.message : 'internal error' },
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stats,
    accounts,
    setFaults,
    statement,
    advanceClock,
    async idle() {
      catchUp();
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    stop() {
      stopped = true;
      clearInterval(catchUpTimer);
      aborter.abort();
      for (const s of sleepers) {
        clearTimeout(s.timer);
        s.resolve();
      }
      sleepers.clear();
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
