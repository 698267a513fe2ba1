/** A beneficiary's notification choices (PUT /v1/me/notification-preferences). */
import { z } from 'zod';

export const NotificationChoice = z.strictObject({ optOut: z.boolean(), settlementOptIn: z.boolean() });

/** The choice as recorded, and the account's version after it. */
export const NotificationPreferences = z.object({ notifications: NotificationChoice, version: z.number().int() });
