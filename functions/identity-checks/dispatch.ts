/** Sends a check to its queue. At-least-once: receivers are idempotent by check id. */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { IdentityCheckMessage } from '../../schemas/identity-checks.js';
import { markDispatched } from '../jobs/job-store.js';
import { queues } from '../shared/aws-clients.js';
import { resources } from '../shared/resources.js';

export async function dispatchCheck(checkId: string): Promise<void> {
  const message: IdentityCheckMessage = { checkId };
  await queues().send(
    new SendMessageCommand({ QueueUrl: resources.queueUrl('identityChecks'), MessageBody: JSON.stringify(message) }),
  );
  await markDispatched(checkId);
}
