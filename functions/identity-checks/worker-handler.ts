/**
 * Queue consumer: one state machine run per check, named by the check id. Starting the same name again
 * is harmless (Step Functions returns the running execution, or refuses a closed one), so duplicate
 * deliveries and redrives never run a check twice.
 */
import { ExecutionAlreadyExists, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { IdentityCheckMessage } from '../../schemas/identity-checks.js';
import { stepFunctions } from '../shared/aws-clients.js';
import { logger } from '../shared/powertools.js';
import { resources } from '../shared/resources.js';
import { queueConsumer } from '../shared/task.js';

export const handler = queueConsumer(IdentityCheckMessage, async ({ checkId }) => {
  try {
    await stepFunctions().send(
      new StartExecutionCommand({
        stateMachineArn: resources.stateMachineArn('identityCheck'),
        name: checkId,
        input: JSON.stringify({ checkId }),
      }),
    );
    logger.info('Identity check run started', { checkId });
  } catch (err) {
    if (!(err instanceof ExecutionAlreadyExists)) throw err;
    logger.info('Identity check run already exists', { checkId });
  }
});
