/** State machine task: verify every person of the check and record the verdicts once. */
import { CheckTaskInput } from '../../schemas/identity-checks.js';
import { logger } from '../shared/powertools.js';
import { InvalidInputError, invokedTask } from '../shared/task.js';
import { completeCheck, getCheck } from './check-store.js';
import { summarise, verifyPeople } from './verify-people.js';

export const handler = invokedTask(CheckTaskInput, async ({ checkId }) => {
  const record = await getCheck(checkId);
  if (!record) throw new InvalidInputError(`check ${checkId} does not exist`);
  if (record.status !== 'ACCEPTED') return { checkId, status: record.status, summary: record.summary };
  const results = verifyPeople(record.people);
  const summary = summarise(results);
  const recorded = await completeCheck(checkId, results, summary);
  logger.info('Identity check completed', { checkId, ...summary, recorded });
  return { checkId, status: 'COMPLETED', summary };
});
