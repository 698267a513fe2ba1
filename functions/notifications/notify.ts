/**
 * Tells a beneficiary about one event, once: the message is built (message.ts), recorded in the outbox under
 * its event key, and sent now unless the quiet hours hold it (the sweep sends it later) or the person opted out
 * (recorded as SUPPRESSED, so the case shows why nobody was told). Safe to call on every redelivery.
 */
import type { AccountRecord } from '../accounts/account-store.js';
import {
  deliverAt,
  type NotificationEvent,
  type NotificationPreferences,
  parseQuietHours,
  shouldNotify,
} from './message.js';
import { deliver, enqueue, getNotification, type NotificationRecord } from './outbox-store.js';
import { notificationPort } from './port.js';

/** What the account may carry for notifications (recorded with the person's consent; absent: defaults). */
export type ContactAccount = AccountRecord & { notifications?: NotificationPreferences; notificationPhone?: string };

export interface NotifyRequest {
  account: ContactAccount;
  event: NotificationEvent;
  key: string;
  text: string;
  paymentId: string;
  caseId?: string;
  now: string;
}

export async function notifyBeneficiary(req: NotifyRequest): Promise<NotificationRecord> {
  const { account } = req;
  const send = shouldNotify(req.event, account.notifications);
  const rec: NotificationRecord = {
    personId: account.personId,
    key: req.key,
    event: req.event,
    // No phone on the account: the national app / the person's own page carries it.
    channel: account.notificationPhone ? 'SMS' : 'APP',
    text: req.text,
    paymentId: req.paymentId,
    ...(req.caseId ? { caseId: req.caseId } : {}),
    createdAt: req.now,
    notBefore: deliverAt(req.now, parseQuietHours(process.env.ANSINH_NOTIFY_QUIET_HOURS)),
    status: send ? 'PENDING' : 'SUPPRESSED',
    ...(send ? {} : { suppressedBecause: account.notifications?.optOut ? 'OPTED_OUT' : 'NOT_OPTED_IN' }),
  };
  await enqueue(rec);
  const current = (await getNotification(rec.personId, rec.key)) ?? rec;
  await deliver(current, notificationPort(), req.now, account.notificationPhone);
  return (await getNotification(rec.personId, rec.key)) ?? current;
}
