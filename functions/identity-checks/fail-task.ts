/** State machine task (Catch path): the check could not be completed; record why, in both languages. */
import { FailTaskInput } from '../../schemas/identity-checks.js';
import { maskText } from '../shared/pii.js';
import { logger } from '../shared/powertools.js';
import { invokedTask } from '../shared/task.js';
import { failCheck } from './check-store.js';

export const handler = invokedTask(FailTaskInput, async ({ checkId, error }) => {
  const recorded = await failCheck(checkId, {
    code: 'CHECK_NOT_COMPLETED',
    message: {
      vi: `Không hoàn thành được việc kiểm tra (${error.Error}). Vui lòng gửi lại sau ít phút.`,
      en: `The check could not be completed (${error.Error}). Please submit it again in a few minutes.`,
    },
  });
  logger.warn('Identity check failed', { checkId, error: error.Error, cause: maskText(error.Cause ?? ''), recorded });
  return { checkId, status: 'FAILED' };
});
