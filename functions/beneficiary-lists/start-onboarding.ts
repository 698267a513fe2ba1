/** Starts the onboarding run of a list, named by the list id: a second start is the same run. */
import { ExecutionAlreadyExists, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { markDispatched } from '../jobs/job-store.js';
import { stepFunctions } from '../shared/aws-clients.js';
import { resources } from '../shared/resources.js';

export async function startOnboarding(listId: string): Promise<void> {
  try {
    await stepFunctions().send(
      new StartExecutionCommand({
        stateMachineArn: resources.stateMachineArn('onboarding'),
        name: listId,
        input: JSON.stringify({ listId }),
      }),
    );
  } catch (err) {
    if (!(err instanceof ExecutionAlreadyExists)) throw err;
  }
  await markDispatched(listId);
}
