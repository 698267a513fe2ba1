/**
 * Social security accounts in DynamoDB, one per person, opened idempotently: the identity number item
 * (`PID#…`) is the uniqueness guard, written in the same transaction as the person's account (which carries
 * the enrolment it was opened with) and the audit entry. A second list, a retry or a concurrent run never
 * opens a second account.
 *
 * Items (pk / sk):
 *   PID#<personalId>      / PERSON      → personId (identity numbers can be re-determined: the person id is ours)
 *   PERSON#<personId>     / ACCOUNT     → account: number, payment method, status, version, and `enrolment`:
 *                                         the programme it was opened for (categories, decision dates, list)
 *   PERSON#<personId>     / ENROL#<programme> → an enrolment in a later programme (an existing person), or the
 *                                         first one of an account opened before enrolments were carried
 *   PERSON#<personId>     / AUDIT#<iso time>#<version> → who changed what, from which list
 *   PERSON#<personId>     / METHOD_CHANGE#<changeId> → a proposed payment-method change (two people)
 *   ACCT#<accountNumber>  / ACCOUNT     → personId (account numbers are unique)
 *   OPENED#<listId>       / <first line>#<iso time>#<rand> → the audit of the accounts one transaction of a list
 *                                       opened (openAccounts): actor, and per account its person, number and line
 *   PERSON#<personId>     / LOOKUP#<iso time>#<rand> → a payment look-up of a person who has an account (FOUND,
 *                                                       or OUT_OF_JURISDICTION: refused, answered like a miss)
 *   LOOKUPS#<yyyy-mm-dd>  / <iso time>#<rand>        → a look-up of an identity number without an account
 *                                                       (one partition per UTC day: misses have no person)
 * Accounts carry `jurisdictionKey` = `J#<province>#<0..JURISDICTION_SPREAD-1>` (the byJurisdiction index: a
 * province's accounts, spread over several keys by the person id; accounts opened before carry `J#<province>`).
 * Every enrolment is read through `enrolmentsOfAccounts`, every province through `provincePages`: both places.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { CandidateBeneficiary } from '../../schemas/beneficiary-lists.js';
import type { RoleId } from '../../schemas/roles.js';
import { categoryRule } from '../entitlements/rules.js';
import { dynamo } from '../shared/aws-clients.js';
import { batchGetItems } from '../shared/dynamo-batch.js';
import { maskDigits } from '../shared/pii.js';
import { resources } from '../shared/resources.js';
import { accountNumber } from './account-number.js';

const table = () => resources.table('accounts');
const PERSON = 'PERSON#';

/**
 * A province's accounts are spread over this many byJurisdiction keys: one key takes at most 1,000 writes a
 * second, and onboarding a large province (4 chunks at once) writes about 1,400 accounts a second on AWS
 * (docs/scale-model.md); 8 keys leave each about 180. Readers read the keys 0..n-1 of the value in force: it
 * may grow without moving an account (the old slots are among them), never shrink without a backfill.
 */
export const JURISDICTION_SPREAD = 8;

/** The byJurisdiction key of an account: its province and a spread slot from the person id. */
export const jurisdictionKeyOf = (province: string, personId: string) =>
  `J#${province}#${createHash('sha256').update(personId).digest().readUInt32BE(0) % JURISDICTION_SPREAD}`;

/** Every key a province's accounts may be under: the spread ones and the one of accounts opened before. */
const provinceKeys = (province: string) => [
  `J#${province}`,
  ...Array.from({ length: JURISDICTION_SPREAD }, (_, slot) => `J#${province}#${slot}`),
];

/** Whether an account is of a province (under either key form). */
export const isInProvince = (account: Pick<AccountRecord, 'jurisdictionKey'>, province: string) =>
  account.jurisdictionKey === `J#${province}` || account.jurisdictionKey.startsWith(`J#${province}#`);

export type AccountStatus = 'ACTIVE' | 'SUSPENDED' | 'CLOSED';

export interface PaymentMethodRecord {
  kind: 'BANK' | 'POST_OFFICE';
  bankBin?: string;
  bankAccountNumber?: string;
  communeCode: string;
}

export interface AccountRecord {
  pk: string;
  sk: 'ACCOUNT';
  personId: string;
  personalId: string;
  accountNumber: string;
  fullName: string;
  dateOfBirth: string;
  gender: 'M' | 'F';
  jurisdiction: string;
  communeCode: string;
  paymentMethod: PaymentMethodRecord;
  status: AccountStatus;
  /** YYYY-MM-DD, set (with status CLOSED) when the population registry reports the person's death. */
  dateOfDeath?: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  /** `byJurisdiction` index: every account of a province, for disbursement cycles. */
  jurisdictionKey: string;
  /** Opened with others (openAccounts): the key of the audit item of that transaction, which names it. */
  openingAudit?: { pk: string; sk: string };
  /**
   * The enrolment the account was opened with (absent on accounts opened before it was carried: their first
   * enrolment is an ENROL# item). Never rewritten by an ENROL# item: a later programme gets its own item.
   */
  enrolment?: CarriedEnrolment;
}

export interface EnrolmentRecord {
  pk: string;
  sk: string;
  programme: string;
  categories: {
    code: string;
    decisionDate: string;
    startMonth: string;
    /**
     * The category's conditions the officer declared by listing the person under it and the platform cannot
     * check (poor household, no one obliged to support, still studying…), recorded as declared. Absent on
     * enrolments made before they were recorded.
     */
    declared?: string[];
  }[];
  listId: string;
  line: number;
  enrolledAt: string;
}

/** An enrolment as the account carries it: the ENROL# item without its key. */
export type CarriedEnrolment = Omit<EnrolmentRecord, 'pk' | 'sk'>;

export interface Enrolment {
  personId: string;
  listId: string;
  line: number;
}

/** For each identity number: its enrolment in the programme, if any (batch of up to 100). */
export async function findEnrolments(personalIds: string[], programme: string): Promise<Map<string, Enrolment>> {
  const found = new Map<string, Enrolment>();
  // BatchGetItem refuses a request that names the same key twice.
  const people = await batchGet([...new Set(personalIds)].map((id) => ({ pk: `PID#${id}`, sk: 'PERSON' })));
  const personIdOf = new Map(people.map((p) => [String(p.personId), String(p.pk).slice(4)]));
  const accounts = (await batchGet(
    [...personIdOf.keys()].map((pid) => ({ pk: `${PERSON}${pid}`, sk: 'ACCOUNT' })),
  )) as unknown as AccountRecord[];
  for (const [personId, e] of await enrolmentsOfAccounts(accounts, programme)) {
    const personalId = personIdOf.get(personId);
    if (personalId) found.set(personalId, { personId, listId: e.listId, line: e.line });
  }
  return found;
}

const batchGet = (keys: { pk: string; sk: string }[]) => batchGetItems(table(), keys);

export type OpenResult =
  | { result: 'OPENED'; accountNumber: string; personId: string }
  /** `accountOpened`: this list and line opened the account (not only enrolled an existing person). */
  | { result: 'ALREADY_DONE'; personId: string; accountOpened: boolean }
  | { result: 'ALREADY_ENROLLED'; personId: string; listId: string; line: number }
  | { result: 'ENROLLED_EXISTING_PERSON'; personId: string };

export interface OpenRequest {
  candidate: CandidateBeneficiary;
  programme: string;
  listId: string;
  jurisdiction: string;
  actor: string;
}

const startMonth = (isoDate: string) => isoDate.slice(0, 7);

/**
 * Opens the person's account and enrols them, or recognises that it was already done. Safe to call any
 * number of times, concurrently, for the same person from the same or different lists.
 */
export async function openAccount(req: OpenRequest): Promise<OpenResult> {
  const { candidate: c } = req;
  const now = new Date().toISOString();
  const personId = `p-${randomUUID()}`;
  // The serial comes from the person id: a collision with another account fails the transaction's
  // uniqueness guard and the next attempt draws a new person id.
  for (let attempt = 0; attempt < 3; attempt++) {
    const pid = attempt === 0 ? personId : `p-${randomUUID()}`;
    const account: AccountRecord = newAccount(c, req, pid, now);
    const number = account.accountNumber;
    try {
      await dynamo().send(
        new TransactWriteCommand({
          TransactItems: [
            put({ pk: `PID#${c.personalId}`, sk: 'PERSON', personId: pid, since: now }),
            put(account),
            put({ pk: `ACCT#${number}`, sk: 'ACCOUNT', personId: pid }),
            put(audit(pid, 1, now, req, 'ACCOUNT_OPENED', { accountNumber: number })),
          ],
        }),
      );
      return { result: 'OPENED', accountNumber: number, personId: pid };
    } catch (err) {
      if (!(err instanceof TransactionCanceledException)) throw err;
      const reasons = err.CancellationReasons ?? [];
      if (reasons[0]?.Code === 'ConditionalCheckFailed') return enrolExistingPerson(req, now);
      if (reasons[2]?.Code === 'ConditionalCheckFailed') continue; // account number collision: new serial
      // Another transaction on the same person (a concurrent list) was in progress: DynamoDB cancels this one
      // with TransactionConflict instead of evaluating the conditions. Once it commits, the next attempt
      // finds the person (ConditionalCheckFailed above).
      if (reasons.some((r) => r.Code === 'TransactionConflict')) {
        await new Promise((r) => setTimeout(r, 20 + Math.random() * 80 * 2 ** attempt));
        continue;
      }
      throw err;
    }
  }
  throw new Error('could not draw a unique account number');
}

/**
 * Accounts one transaction opens: 3 items each (identity number guard, account with its enrolment, account
 * number guard) and one audit item for all of them, within TransactWriteItems' 100 items.
 */
export const ACCOUNTS_PER_TRANSACTION = 33;
const ITEMS_PER_ACCOUNT = 3;

export interface OpenBatchRequest extends Omit<OpenRequest, 'candidate'> {
  /** At most ACCOUNTS_PER_TRANSACTION rows of one list (distinct lines). */
  candidates: CandidateBeneficiary[];
}

/** The audit of one transaction of openAccounts: who opened which accounts from which lines of a list. */
export interface OpeningAuditRecord {
  pk: string;
  sk: string;
  action: 'ACCOUNTS_OPENED';
  actor: string;
  listId: string;
  at: string;
  accounts: { personId: string; accountNumber: string; line: number }[];
}

/**
 * openAccount for several rows of a list at once, with the same outcomes: the accounts that can be opened are
 * opened together in one transaction (a person's items as openAccount writes them, less the per-person audit
 * entry: one audit item names every account of the transaction). A row the transaction's conditions refuse
 * (person known, account number taken) or that collides with another transaction leaves the batch, which is
 * tried again without it; each such row then goes through openAccount alone, which records its true outcome
 * (ALREADY_DONE, ALREADY_ENROLLED, ENROLLED_EXISTING_PERSON, or OPENED on a new serial). A second row of the
 * same person in the batch goes alone too (one transaction may not write an item twice).
 * Results by line. Safe to call again with the same rows: the identity number guards make it idempotent.
 */
export async function openAccounts(req: OpenBatchRequest): Promise<Map<number, OpenResult>> {
  if (req.candidates.length > ACCOUNTS_PER_TRANSACTION) {
    throw new RangeError(`at most ${ACCOUNTS_PER_TRANSACTION} accounts per transaction`);
  }
  const { candidates, ...common } = req;
  const results = new Map<number, OpenResult>();
  const alone: CandidateBeneficiary[] = [];
  const people = new Set<string>();
  let together: CandidateBeneficiary[] = [];
  for (const c of candidates) {
    if (people.has(c.personalId)) alone.push(c);
    else {
      people.add(c.personalId);
      together.push(c);
    }
  }
  const now = new Date().toISOString();
  while (together.length) {
    const drafts = together.map((c) => newAccount(c, req, `p-${randomUUID()}`, now));
    const auditKey = {
      pk: `OPENED#${req.listId}`,
      sk: `${String(together[0]?.line).padStart(7, '0')}#${now}#${randomBytes(3).toString('hex')}`,
    };
    const audit: OpeningAuditRecord = {
      ...auditKey,
      action: 'ACCOUNTS_OPENED',
      actor: req.actor,
      listId: req.listId,
      at: now,
      accounts: drafts.map((a, i) => ({
        personId: a.personId,
        accountNumber: a.accountNumber,
        line: together[i]?.line ?? 0,
      })),
    };
    try {
      await dynamo().send(
        new TransactWriteCommand({
          TransactItems: [
            ...drafts.flatMap((account, i) => {
              const c = together[i] as CandidateBeneficiary;
              return [
                put({ pk: `PID#${c.personalId}`, sk: 'PERSON', personId: account.personId, since: now }),
                put({ ...account, openingAudit: auditKey }),
                put({ pk: `ACCT#${account.accountNumber}`, sk: 'ACCOUNT', personId: account.personId }),
              ];
            }),
            put(audit),
          ],
        }),
      );
      for (const [i, a] of drafts.entries()) {
        results.set(together[i]?.line ?? 0, { result: 'OPENED', accountNumber: a.accountNumber, personId: a.personId });
      }
      break;
    } catch (err) {
      if (!(err instanceof TransactionCanceledException)) throw err;
      const refused = new Set(
        (err.CancellationReasons ?? [])
          .map((r, i) => (r.Code && r.Code !== 'None' ? Math.floor(i / ITEMS_PER_ACCOUNT) : -1))
          .filter((i) => i >= 0 && i < together.length),
      );
      // No reason that names an account: every row alone rather than guess.
      if (!refused.size) {
        alone.push(...together);
        break;
      }
      alone.push(...together.filter((_, i) => refused.has(i)));
      together = together.filter((_, i) => !refused.has(i));
    }
  }
  for (const candidate of alone) results.set(candidate.line, await openAccount({ ...common, candidate }));
  return results;
}

/** The account item of a person id that is not yet anyone's (its number derived from that id), enrolled. */
function newAccount(c: CandidateBeneficiary, req: Omit<OpenRequest, 'candidate'>, pid: string, now: string) {
  return {
    pk: `PERSON#${pid}`,
    sk: 'ACCOUNT',
    personId: pid,
    personalId: c.personalId,
    accountNumber: accountNumber(req.jurisdiction.slice(0, 2), serialFor(pid)),
    fullName: c.fullName,
    dateOfBirth: c.dateOfBirth,
    gender: c.gender,
    jurisdiction: req.jurisdiction,
    communeCode: c.communeCode,
    paymentMethod: paymentMethodOf(c),
    status: 'ACTIVE',
    version: 1,
    createdAt: now,
    updatedAt: now,
    jurisdictionKey: jurisdictionKeyOf(req.jurisdiction.slice(0, 2), pid),
    enrolment: carriedEnrolment({ ...req, candidate: c }, now),
  } satisfies AccountRecord;
}

/** Tries of one enrolment against concurrent writers of the same person before the caller's retry takes over. */
const ENROL_ATTEMPTS = 5;

async function enrolExistingPerson(req: OpenRequest, now: string, attempt = 0): Promise<OpenResult> {
  const person = await dynamo().send(
    new GetCommand({
      TableName: table(),
      Key: { pk: `PID#${req.candidate.personalId}`, sk: 'PERSON' },
      ConsistentRead: true,
    }),
  );
  const personId = String(person.Item?.personId);
  const account = await getAccountOfPerson(personId);
  if (!account) throw new Error(`person ${personId} has no account`); // written with the PID# item: never
  const e = (await enrolmentsOfAccounts([account], req.programme)).get(personId);
  if (e) {
    if (e.listId === req.listId && e.line === req.candidate.line) {
      return { result: 'ALREADY_DONE', personId, accountOpened: opensAccount(account, e) };
    }
    return { result: 'ALREADY_ENROLLED', personId, listId: e.listId, line: e.line };
  }
  try {
    await dynamo().send(
      new TransactWriteCommand({
        TransactItems: [
          // The account carries its first programme's enrolment: an ENROL# item never doubles it.
          {
            ConditionCheck: {
              TableName: table(),
              Key: { pk: account.pk, sk: 'ACCOUNT' },
              ConditionExpression: 'attribute_not_exists(#e.#p) OR #e.#p <> :p',
              ExpressionAttributeNames: { '#e': 'enrolment', '#p': 'programme' },
              ExpressionAttributeValues: { ':p': req.programme },
            },
          },
          put({ pk: `${PERSON}${personId}`, sk: `ENROL#${req.programme}`, ...carriedEnrolment(req, now) }),
          put(audit(personId, 0, now, req, 'ENROLLED', { programme: req.programme })),
        ],
      }),
    );
    return { result: 'ENROLLED_EXISTING_PERSON', personId };
  } catch (err) {
    // Refused (enrolled meanwhile: the next read finds it) or cancelled by a concurrent writer: read again,
    // a few times with a growing pause; past that the error goes to the chunk's retry.
    if (err instanceof TransactionCanceledException && attempt + 1 < ENROL_ATTEMPTS) {
      if (err.CancellationReasons?.some((r) => r.Code === 'TransactionConflict'))
        await new Promise((r) => setTimeout(r, 20 + Math.random() * 80 * 2 ** attempt));
      return enrolExistingPerson(req, now, attempt + 1);
    }
    throw err;
  }
}

export async function getAccountByPersonalId(personalId: string): Promise<AccountRecord | undefined> {
  const person = await dynamo().send(
    new GetCommand({ TableName: table(), Key: { pk: `PID#${personalId}`, sk: 'PERSON' }, ConsistentRead: true }),
  );
  if (!person.Item) return undefined;
  const account = await dynamo().send(
    new GetCommand({
      TableName: table(),
      Key: { pk: `PERSON#${person.Item.personId}`, sk: 'ACCOUNT' },
      ConsistentRead: true,
    }),
  );
  return account.Item as AccountRecord | undefined;
}

function put(item: object) {
  return { Put: { TableName: table(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' } };
}

function carriedEnrolment(req: OpenRequest, now: string): CarriedEnrolment {
  const c = req.candidate;
  return {
    programme: req.programme,
    categories: [
      {
        code: c.categoryCode,
        decisionDate: c.decisionDate,
        startMonth: startMonth(c.decisionDate),
        declared: categoryRule(c.categoryCode)?.declared.map((d) => d.code) ?? [],
      },
    ],
    listId: req.listId,
    line: c.line,
    enrolledAt: now,
  };
}

function audit(personId: string, version: number, now: string, req: OpenRequest, action: string, detail: object) {
  return {
    pk: `PERSON#${personId}`,
    sk: `AUDIT#${now}#${version}#${randomBytes(3).toString('hex')}`,
    action,
    actor: req.actor,
    listId: req.listId,
    line: req.candidate.line,
    at: now,
    ...detail,
  };
}

function paymentMethodOf(c: CandidateBeneficiary): PaymentMethodRecord {
  return c.paymentMethod === 'BANK'
    ? { kind: 'BANK', bankBin: c.bankBin, bankAccountNumber: c.accountNumber, communeCode: c.communeCode }
    : { kind: 'POST_OFFICE', communeCode: c.communeCode };
}

/** 10 digits from the person id's hash. */
function serialFor(personId: string): string {
  const n = createHash('sha256').update(personId).digest().readBigUInt64BE(0) % 10_000_000_000n;
  return n.toString().padStart(10, '0');
}

export class AccountNotFoundError extends Error {
  override name = 'AccountNotFound';
}

/** The account of an account number, if `mayChange` accepts it (a refused account answers like a missing one). */
export async function accountToChange(
  accountNumberValue: string,
  mayChange: (account: AccountRecord) => boolean,
): Promise<AccountRecord> {
  const link = await dynamo().send(
    new GetCommand({
      TableName: table(),
      Key: { pk: `ACCT#${accountNumberValue}`, sk: 'ACCOUNT' },
      ConsistentRead: true,
    }),
  );
  if (!link.Item) throw new AccountNotFoundError(accountNumberValue);
  const current = await dynamo().send(
    new GetCommand({
      TableName: table(),
      Key: { pk: `PERSON#${String(link.Item.personId)}`, sk: 'ACCOUNT' },
      ConsistentRead: true,
    }),
  );
  const account = current.Item as AccountRecord | undefined;
  if (!account || !mayChange(account)) throw new AccountNotFoundError(accountNumberValue);
  return account;
}

/**
 * Where a person is paid changes on two people's word: one officer proposes (this record, audited), another
 * confirms it, and for a bank account the bank first confirms the account and its holder (acmt.023/024).
 *
 *   PERSON#<personId> / METHOD_CHANGE#<changeId> → the proposal: method, reason, who, the account version it
 *                                                  was made against, status PROPOSED → CONFIRMED | REFUSED
 */
export interface MethodChangeRecord {
  pk: string;
  sk: string;
  changeId: string;
  accountNumber: string;
  method: PaymentMethodRecord;
  reason: string;
  proposedBy: string;
  proposedAt: string;
  baseVersion: number;
  status: 'PROPOSED' | 'CONFIRMED' | 'REFUSED';
  decidedBy?: string;
  decidedAt?: string;
  verification?: string;
}

const auditItem = (pk: string, at: string, tag: string, audit: Record<string, unknown>) => ({
  pk,
  sk: `AUDIT#${at}#${tag}#${randomBytes(3).toString('hex')}`,
  ...audit,
  at,
});

export async function proposePaymentMethod(
  account: AccountRecord,
  method: PaymentMethodRecord,
  actor: string,
  reason: string,
): Promise<MethodChangeRecord> {
  const at = new Date().toISOString();
  const changeId = `pm-${randomBytes(8).toString('hex')}`;
  const change: MethodChangeRecord = {
    pk: account.pk,
    sk: `METHOD_CHANGE#${changeId}`,
    changeId,
    accountNumber: account.accountNumber,
    method,
    reason,
    proposedBy: actor,
    proposedAt: at,
    baseVersion: account.version,
    status: 'PROPOSED',
  };
  await dynamo().send(
    new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: table(), Item: change, ConditionExpression: 'attribute_not_exists(pk)' } },
        {
          Put: {
            TableName: table(),
            Item: auditItem(account.pk, at, 'proposal', {
              action: 'PAYMENT_METHOD_CHANGE_PROPOSED',
              actor,
              reason,
              changeId,
              before: account.paymentMethod,
              after: method,
            }),
          },
        },
      ],
    }),
  );
  return change;
}

export async function getMethodChange(
  account: AccountRecord,
  changeId: string,
): Promise<MethodChangeRecord | undefined> {
  const out = await dynamo().send(
    new GetCommand({
      TableName: table(),
      Key: { pk: account.pk, sk: `METHOD_CHANGE#${changeId}` },
      ConsistentRead: true,
    }),
  );
  return out.Item as MethodChangeRecord | undefined;
}

/** The account's payment-method proposals, newest first (a person has a handful over a lifetime). */
export async function methodChangesOf(account: AccountRecord): Promise<MethodChangeRecord[]> {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': account.pk, ':sk': 'METHOD_CHANGE#' },
      ConsistentRead: true,
    }),
  );
  return ((out.Items ?? []) as MethodChangeRecord[]).sort((a, b) => (a.proposedAt < b.proposedAt ? 1 : -1));
}

const decide = (
  change: MethodChangeRecord,
  status: 'CONFIRMED' | 'REFUSED',
  actor: string,
  at: string,
  verification?: string,
) => ({
  Update: {
    TableName: table(),
    Key: { pk: change.pk, sk: change.sk },
    UpdateExpression: `SET #s = :s, decidedBy = :by, decidedAt = :at${verification ? ', verification = :v' : ''}`,
    ConditionExpression: '#s = :proposed',
    ExpressionAttributeNames: { '#s': 'status' },
    ExpressionAttributeValues: {
      ':s': status,
      ':by': actor,
      ':at': at,
      ':proposed': 'PROPOSED',
      ...(verification ? { ':v': verification } : {}),
    },
  },
});

/**
 * Applies a confirmed proposal: the account moves to the method (versioned: only from the version the
 * proposal was made against) and the proposal is marked confirmed, with the audit entry, in one transaction.
 */
export async function confirmPaymentMethod(
  account: AccountRecord,
  change: MethodChangeRecord,
  actor: string,
  verification?: string,
): Promise<AccountRecord> {
  const at = new Date().toISOString();
  const { version, updatedAt } = await versionedChange(
    account,
    { paymentMethod: change.method },
    {
      action: 'PAYMENT_METHOD_CHANGED',
      actor,
      reason: change.reason,
      proposedBy: change.proposedBy,
      changeId: change.changeId,
      ...(verification ? { verification } : {}),
      before: account.paymentMethod,
      after: change.method,
    },
    [decide(change, 'CONFIRMED', actor, at, verification)],
  );
  return { ...account, paymentMethod: change.method, version, updatedAt };
}

/** A proposal the bank's answer refuses: closed for good, audited; the account is unchanged. */
export async function refusePaymentMethod(
  account: AccountRecord,
  change: MethodChangeRecord,
  actor: string,
  verification: string,
): Promise<void> {
  const at = new Date().toISOString();
  await dynamo().send(
    new TransactWriteCommand({
      TransactItems: [
        decide(change, 'REFUSED', actor, at, verification),
        {
          Put: {
            TableName: table(),
            Item: auditItem(account.pk, at, 'refusal', {
              action: 'PAYMENT_METHOD_CHANGE_REFUSED',
              actor,
              reason: change.reason,
              proposedBy: change.proposedBy,
              changeId: change.changeId,
              verification,
            }),
          },
        },
      ],
    }),
  );
}

/**
 * The population registry reports the person dead: the account is CLOSED with the date of death, versioned
 * and audited (before and after). Nothing to do when that date is already recorded. Returns false when the
 * account changed since it was read (the next computation records it then).
 */
export async function recordDeath(
  account: AccountRecord,
  dateOfDeath: string,
  actor: string,
  source: string,
): Promise<boolean> {
  if (account.dateOfDeath === dateOfDeath && account.status === 'CLOSED') return true;
  try {
    await versionedChange(
      account,
      { status: 'CLOSED', dateOfDeath },
      {
        action: 'DEATH_RECORDED',
        actor,
        reason: source,
        before: { status: account.status, dateOfDeath: account.dateOfDeath ?? null },
        after: { status: 'CLOSED', dateOfDeath },
      },
    );
    return true;
  } catch (err) {
    if (err instanceof AccountChangedError) return false;
    throw err;
  }
}

/** Someone changed the account (or the proposal) since it was read: nothing was written; read again. */
export class AccountChangedError extends Error {
  override name = 'AccountChanged';
}

/**
 * One change to an account: the attributes set only if nobody changed the account since it was read (version),
 * and an audit entry with before and after, in one transaction.
 */
async function versionedChange(
  account: AccountRecord,
  set: Record<string, unknown>,
  audit: { action: string; actor: string; reason: string; before: unknown; after: unknown; [k: string]: unknown },
  /** Further writes that must hold together with the change (a proposal's status). */
  extra: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [],
): Promise<{ version: number; updatedAt: string }> {
  const updatedAt = new Date().toISOString();
  const version = account.version + 1;
  const values = { ...set, version, updatedAt };
  const names = Object.fromEntries(Object.keys(values).map((k, i) => [`#a${i}`, k]));
  const write = dynamo().send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Update: {
            TableName: table(),
            Key: { pk: account.pk, sk: 'ACCOUNT' },
            UpdateExpression: `SET ${Object.keys(names)
              .map((n, i) => `${n} = :a${i}`)
              .join(', ')}`,
            ConditionExpression: '#v = :prev',
            ExpressionAttributeNames: { ...names, '#v': 'version' },
            ExpressionAttributeValues: {
              ...Object.fromEntries(Object.values(values).map((v, i) => [`:a${i}`, v])),
              ':prev': account.version,
            },
          },
        },
        {
          Put: {
            TableName: table(),
            Item: {
              pk: account.pk,
              sk: `AUDIT#${updatedAt}#${version}#${randomBytes(3).toString('hex')}`,
              ...audit,
              at: updatedAt,
              version,
            },
          },
        },
        ...extra,
      ],
    }),
  );
  try {
    await write;
  } catch (err) {
    if (err instanceof TransactionCanceledException) throw new AccountChangedError(err.message, { cause: err });
    throw err;
  }
  return { version, updatedAt };
}

/** The account of a person id (the ledger's and the cases' key), if any. */
export async function getAccountOfPerson(personId: string): Promise<AccountRecord | undefined> {
  const out = await dynamo().send(
    new GetCommand({ TableName: table(), Key: { pk: `PERSON#${personId}`, sk: 'ACCOUNT' }, ConsistentRead: true }),
  );
  return out.Item as AccountRecord | undefined;
}

/** The accounts of people by their person ids (BatchGet, 100 a call, read consistently), keyed by person id. */
export async function accountsOfPeople(personIds: readonly string[]): Promise<Map<string, AccountRecord>> {
  const items = (await batchGet(
    [...new Set(personIds)].map((personId) => ({ pk: `${PERSON}${personId}`, sk: 'ACCOUNT' })),
  )) as unknown as AccountRecord[];
  return new Map(items.map((a) => [a.personId, a]));
}

/** What the person chose about messages: none at all, and/or a message when a payment arrives. */
export interface NotificationChoice {
  optOut: boolean;
  settlementOptIn: boolean;
}

/** Records the person's choice on the account (versioned and audited, like every account change). */
export async function setNotificationChoice(
  account: AccountRecord & { notifications?: NotificationChoice },
  choice: NotificationChoice,
  actor: string,
): Promise<number> {
  const { version } = await versionedChange(
    account,
    { notifications: choice },
    {
      action: 'NOTIFICATION_CHOICE_CHANGED',
      actor,
      reason: 'BENEFICIARY_REQUEST',
      before: account.notifications ?? null,
      after: choice,
    },
  );
  return version;
}

/**
 * The accounts of a province whose account number is in [from, to) (either end open), in account-number
 * order, page by page (the byJurisdiction index): a compute shard's range, or the whole province.
 */
export async function* accountsOfProvince(
  province: string,
  range: { from?: string; to?: string } = {},
): AsyncGenerator<AccountRecord> {
  for await (const item of provincePages(province, range)) yield item as unknown as AccountRecord;
}

/** Only the account numbers of a province, ascending: what a compute plan cuts into shards. */
export async function* accountNumbersOfProvince(province: string): AsyncGenerator<string> {
  for await (const item of provincePages(province, {}, 'accountNumber')) yield String(item.accountNumber);
}

/**
 * A province's accounts in account-number order: one paged query per byJurisdiction key (the spread ones and
 * the one of accounts opened before), merged. Each key's next page is asked for while its current one is read.
 */
async function* provincePages(province: string, range: { from?: string; to?: string }, projection?: string) {
  const sources = provinceKeys(province).map((key) => keyPages(key, range, projection));
  try {
    const heads = await Promise.all(sources.map((s) => s.next()));
    for (;;) {
      let min = -1;
      for (const [i, head] of heads.entries()) {
        if (head.done) continue;
        const least = heads[min];
        if (min < 0 || (least && !least.done && String(head.value.accountNumber) < String(least.value.accountNumber)))
          min = i;
      }
      const head = heads[min];
      if (!head || head.done) return;
      yield head.value;
      heads[min] = await (sources[min] as (typeof sources)[number]).next();
    }
  } finally {
    await Promise.all(sources.map((s) => s.return(undefined)));
  }
}

/** One byJurisdiction key's accounts in [from, to), ascending, page by page. */
async function* keyPages(
  jurisdictionKey: string,
  range: { from?: string; to?: string },
  projection?: string,
): AsyncGenerator<Record<string, unknown>, void, undefined> {
  // BETWEEN is inclusive: the range's exclusive end is dropped below.
  const bound =
    range.from !== undefined && range.to !== undefined
      ? ' AND accountNumber BETWEEN :from AND :to'
      : range.from !== undefined
        ? ' AND accountNumber >= :from'
        : range.to !== undefined
          ? ' AND accountNumber < :to'
          : '';
  const page = (key: Record<string, unknown> | undefined) =>
    dynamo().send(
      new QueryCommand({
        TableName: table(),
        IndexName: 'byJurisdiction',
        KeyConditionExpression: `jurisdictionKey = :j${bound}`,
        ExpressionAttributeValues: {
          ':j': jurisdictionKey,
          ...(range.from !== undefined ? { ':from': range.from } : {}),
          ...(range.to !== undefined ? { ':to': range.to } : {}),
        },
        ...(projection ? { ProjectionExpression: projection } : {}),
        ExclusiveStartKey: key,
      }),
    );
  let next: ReturnType<typeof page> | undefined = page(undefined);
  while (next) {
    const out: Awaited<ReturnType<typeof page>> = await next;
    next = out.LastEvaluatedKey ? page(out.LastEvaluatedKey) : undefined;
    next?.catch(() => undefined); // awaited on the next turn; no unhandled rejection if the reader stops first
    for (const item of out.Items ?? []) {
      if (range.to !== undefined && String(item.accountNumber) >= range.to) return;
      yield item;
    }
  }
}

/** A person's enrolment in a programme, if any (enrolmentsOfAccounts on the account, read consistently). */
export async function enrolmentOf(personId: string, programme: string): Promise<EnrolmentRecord | undefined> {
  const account = await getAccountOfPerson(personId);
  return account ? (await enrolmentsOfAccounts([account], programme)).get(personId) : undefined;
}

/**
 * The one reading of enrolments: for each account (distinct people), its enrolment in the programme, by person
 * id. The account carries the one it was opened with; any other (a later programme, or the first one of an
 * account opened before enrolments were carried) is an ENROL# item, read in batches only for those accounts.
 * A carried enrolment is answered with the account's key (`sk` ACCOUNT), an item's with its own.
 */
export async function enrolmentsOfAccounts(
  accounts: readonly Pick<AccountRecord, 'personId' | 'enrolment'>[],
  programme: string,
): Promise<Map<string, EnrolmentRecord>> {
  const found = new Map<string, EnrolmentRecord>();
  const elsewhere: string[] = [];
  for (const a of accounts) {
    if (a.enrolment?.programme === programme) {
      found.set(a.personId, { pk: `${PERSON}${a.personId}`, sk: 'ACCOUNT', ...a.enrolment });
    } else elsewhere.push(a.personId);
  }
  if (elsewhere.length) {
    const items = await batchGet(elsewhere.map((p) => ({ pk: `${PERSON}${p}`, sk: `ENROL#${programme}` })));
    for (const e of items) found.set(String(e.pk).slice(PERSON.length), e as unknown as EnrolmentRecord);
  }
  return found;
}

/**
 * Whether the enrolment is the one the account was opened with: carried, or (an account opened before they
 * were carried) an ENROL# item written in the account's own transaction.
 */
const opensAccount = (account: AccountRecord, e: EnrolmentRecord) =>
  e.sk === 'ACCOUNT' || e.enrolledAt === account.createdAt;

/**
 * The audit trail of a person's account, oldest first. An account opened with others (openAccounts) has its
 * opening in the audit item of that transaction: it is given here as the person's own ACCOUNT_OPENED entry.
 */
export async function accountAudit(personId: string): Promise<Record<string, unknown>[]> {
  const [out, account] = await Promise.all([
    dynamo().send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: 'pk = :p AND begins_with(sk, :a)',
        ExpressionAttributeValues: { ':p': `${PERSON}${personId}`, ':a': 'AUDIT#' },
        ConsistentRead: true,
      }),
    ),
    getAccountOfPerson(personId),
  ]);
  const items = out.Items ?? [];
  const ref = account?.openingAudit;
  if (!ref) return items;
  const opening = (await dynamo().send(new GetCommand({ TableName: table(), Key: ref, ConsistentRead: true }))).Item as
    | OpeningAuditRecord
    | undefined;
  const mine = opening?.accounts.find((a) => a.personId === personId);
  if (!opening || !mine) return items;
  return [
    {
      pk: `${PERSON}${personId}`,
      sk: `AUDIT#${opening.at}#1#${ref.sk}`,
      action: 'ACCOUNT_OPENED',
      actor: opening.actor,
      listId: opening.listId,
      line: mine.line,
      at: opening.at,
      accountNumber: mine.accountNumber,
      openingAudit: ref,
    },
    ...items,
  ];
}

/**
 * The account of an identity number, with the same two reads whether it exists or not (the identity number
 * item, then the account item, of a person id that cannot exist when there is none): an officer outside the
 * person's province must not tell "exists elsewhere" from "does not exist" by the time the answer takes.
 */
export async function findAccountEvenly(personalId: string): Promise<AccountRecord | undefined> {
  const person = await dynamo().send(
    new GetCommand({ TableName: table(), Key: { pk: `PID#${personalId}`, sk: 'PERSON' }, ConsistentRead: true }),
  );
  const personId = person.Item ? String(person.Item.personId) : '-';
  const account = await dynamo().send(
    new GetCommand({ TableName: table(), Key: { pk: `${PERSON}${personId}`, sk: 'ACCOUNT' }, ConsistentRead: true }),
  );
  return person.Item ? (account.Item as AccountRecord | undefined) : undefined;
}

export type LookupOutcome = 'FOUND' | 'NOT_FOUND' | 'OUT_OF_JURISDICTION';

/** An officer's payment look-up: who (subject), role(s), jurisdiction, the identity number (stored masked). */
export interface LookupAudit {
  actor: string;
  roles: RoleId[];
  jurisdiction?: string;
  identityNumber: string;
  outcome: LookupOutcome;
  /** The person, when the identity number has an account (whatever the outcome for the caller). */
  personId?: string;
  requestId: string;
  route: string;
}

/** Writes the audit item of a payment look-up (before anything is answered: no look-up goes unrecorded). */
export async function recordLookup(audit: LookupAudit, now = new Date()): Promise<void> {
  const at = now.toISOString();
  const rand = randomBytes(4).toString('hex');
  const key = audit.personId
    ? { pk: `${PERSON}${audit.personId}`, sk: `LOOKUP#${at}#${rand}` }
    : { pk: `LOOKUPS#${at.slice(0, 10)}`, sk: `${at}#${rand}` };
  await dynamo().send(
    new PutCommand({
      TableName: table(),
      Item: {
        ...key,
        action: 'PAYMENTS_LOOKUP',
        actor: audit.actor,
        roles: audit.roles,
        ...(audit.jurisdiction ? { jurisdiction: audit.jurisdiction } : {}),
        identityNumber: maskDigits(audit.identityNumber),
        outcome: audit.outcome,
        ...(audit.personId ? { personId: audit.personId } : {}),
        requestId: audit.requestId,
        route: audit.route,
        at,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

/** What a beneficiary's own view shows of their account (payment-lookups/payment-view.ts accountView, ageChange). */
export type AccountForView = Pick<
  AccountRecord,
  'personId' | 'status' | 'dateOfDeath' | 'dateOfBirth' | 'paymentMethod'
>;

/**
 * The person id an identity number has an account under (its PID item, the id only), read consistently. With
 * it, a beneficiary's account and payments can be read at the same time (accountForView, the ledger's byPerson).
 */
export async function personIdOfPersonalId(personalId: string): Promise<string | undefined> {
  const out = await dynamo().send(
    new GetCommand({
      TableName: table(),
      Key: { pk: `PID#${personalId}`, sk: 'PERSON' },
      ProjectionExpression: 'personId',
      ConsistentRead: true,
    }),
  );
  return out.Item?.personId as string | undefined;
}

/** A person's account, only what the beneficiary's view shows: never the name, the identity number or the version. */
export async function accountForView(personId: string): Promise<AccountForView | undefined> {
  const out = await dynamo().send(
    new GetCommand({
      TableName: table(),
      Key: { pk: `PERSON#${personId}`, sk: 'ACCOUNT' },
      ProjectionExpression: 'personId, #status, dateOfDeath, dateOfBirth, paymentMethod',
      ExpressionAttributeNames: { '#status': 'status' },
      ConsistentRead: true,
    }),
  );
  return out.Item as AccountForView | undefined;
}
