/**
 * Reads for the payment look-ups, and the audit of every officer look-up.
 *
 * Payments of a person come from the payments table's `byPerson` index (personId + period; only HEAD items
 * carry a personId), newest period first: state and its time as the HEAD has them (the index follows the table
 * within a second or so). Only a rejected or returned payment needs its entries (the bank's reason is in the
 * latest one's detail): those are read consistently from the table, and their latest state entry decides.
 * One read per payment less for every settled one: a person's twelve settled months cost one query, not 13.
 *
 * Look-up audit items live in the accounts table:
 *   PERSON#<personId>     / LOOKUP#<iso time>#<rand> → a look-up of a person who has an account (FOUND, or
 *                                                       OUT_OF_JURISDICTION: refused, answered like a miss)
 *   LOOKUPS#<yyyy-mm-dd>  / <iso time>#<rand>        → a look-up of an identity number without an account
 *                                                       (one partition per UTC day: misses have no person)
 * Each records who (subject), role(s), jurisdiction, the masked identity number, time, outcome and request id.
 */
import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { RoleId } from '../../schemas/roles.js';
import type { AccountRecord } from '../accounts/account-store.js';
import { entries, type LedgerEntry, type PaymentHead } from '../payment-ledger/ledger-store.js';
import { dynamo } from '../shared/aws-clients.js';
import { maskDigits } from '../shared/pii.js';
import { resources } from '../shared/resources.js';

/**
 * The account of an identity number, with the same two reads whether it exists or not (the identity number
 * item, then the account item, of a person id that cannot exist when there is none): an officer outside the
 * person's province must not tell "exists elsewhere" from "does not exist" by the time the answer takes.
 */
export async function findAccount(personalId: string): Promise<AccountRecord | undefined> {
  const table = resources.table('accounts');
  const person = await dynamo().send(
    new GetCommand({ TableName: table, Key: { pk: `PID#${personalId}`, sk: 'PERSON' }, ConsistentRead: true }),
  );
  const personId = person.Item ? String(person.Item.personId) : '-';
  const account = await dynamo().send(
    new GetCommand({ TableName: table, Key: { pk: `PERSON#${personId}`, sk: 'ACCOUNT' }, ConsistentRead: true }),
  );
  return person.Item ? (account.Item as AccountRecord | undefined) : undefined;
}

const NEEDS_REASON: ReadonlySet<PaymentHead['state']> = new Set(['REJECTED', 'RETURNED']);

/** Five years of monthly payments: what a person or an officer is shown at most. */
export const MAX_PAYMENTS = 60;

export async function paymentsOfPerson(
  personId: string,
  max = MAX_PAYMENTS,
): Promise<{ head: PaymentHead; entries: LedgerEntry[] }[]> {
  const heads: PaymentHead[] = [];
  let key: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(
      new QueryCommand({
        TableName: resources.table('payments'),
        IndexName: 'byPerson',
        KeyConditionExpression: 'personId = :p',
        ExpressionAttributeValues: { ':p': personId },
        ScanIndexForward: false,
        Limit: max - heads.length,
        ExclusiveStartKey: key,
      }),
    );
    for (const item of out.Items ?? []) if (item.sk === 'HEAD') heads.push(item as PaymentHead);
    key = out.LastEvaluatedKey;
  } while (key && heads.length < max);
  return Promise.all(
    heads.map(async (head) => ({ head, entries: NEEDS_REASON.has(head.state) ? await entries(head.paymentId) : [] })),
  );
}

export type LookupOutcome = 'FOUND' | 'NOT_FOUND' | 'OUT_OF_JURISDICTION';

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

/** Writes the audit item before anything is answered: no look-up goes unrecorded. */
export async function recordLookup(audit: LookupAudit, now = new Date()): Promise<void> {
  const at = now.toISOString();
  const rand = randomBytes(4).toString('hex');
  const key = audit.personId
    ? { pk: `PERSON#${audit.personId}`, sk: `LOOKUP#${at}#${rand}` }
    : { pk: `LOOKUPS#${at.slice(0, 10)}`, sk: `${at}#${rand}` };
  await dynamo().send(
    new PutCommand({
      TableName: resources.table('accounts'),
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
