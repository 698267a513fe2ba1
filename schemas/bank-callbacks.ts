/** POST /v1/bank/callbacks: the bank's signed pain.002 status report, taken in and queued. */
import { z } from 'zod';

export const CALLBACK_TYPES = ['application/xml', 'text/xml'] as const;

export const CallbackReceipt = z.object({ received: z.literal(true) });
