/**
 * Every 15 minutes: sends the messages the quiet hours held (or a crash left unsent), oldest first. Each is
 * marked SENT with a conditional write, so two sweeps at once send a message at most once more, never more.
 */
import { z } from 'zod';
import { getAccountOfPerson } from '../accounts/account-store.js';
import { logger } from '../shared/powertools.js';
import { invokedTask } from '../shared/task.js';
import type { ContactAccount } from './notify.js';
import { deliver, dueMessages } from './outbox-store.js';
import { notificationPort } from './port.js';

export const handler = invokedTask(z.object({}).passthrough(), async () => {
  const now = new Date().toISOString();
  let sent = 0;
  for await (const rec of dueMessages(now)) {
    const account = (await getAccountOfPerson(rec.personId)) as ContactAccount | undefined;
    // An opt-out recorded after the message was queued still holds.
    if (account?.notifications?.optOut) continue;
    if (await deliver(rec, notificationPort(), now, account?.notificationPhone)) sent++;
  }
  logger.info('Due notifications sent', { sent });
  return { sent };
});
