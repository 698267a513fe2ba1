/** Onboarding Catch path: the list could not be processed; record why, in both languages. */
import { FailListInput } from '../../schemas/onboarding.js';
import { closeJob } from '../jobs/job-store.js';
import { maskText } from '../shared/pii.js';
import { logger } from '../shared/powertools.js';
import { invokedTask } from '../shared/task.js';

export const handler = invokedTask(FailListInput, async ({ listId, error }) => {
  const unavailable = error.Error.startsWith('Registry');
  const recorded = await closeJob(listId, 'FAILED', {
    failure: {
      code: unavailable ? 'REGISTRY_UNAVAILABLE' : 'LIST_NOT_PROCESSED',
      message: unavailable
        ? {
            vi: 'Không kết nối được Cơ sở dữ liệu quốc gia về dân cư. Vui lòng gửi lại danh sách sau.',
            en: 'The national population database could not be reached. Please submit the list again later.',
          }
        : {
            vi: `Không xử lý được danh sách (${error.Error}). Vui lòng gửi lại sau ít phút.`,
            en: `The list could not be processed (${error.Error}). Please submit it again in a few minutes.`,
          },
    },
  });
  logger.warn('List failed', { listId, error: error.Error, cause: maskText(error.Cause ?? ''), recorded });
  return { listId, status: 'FAILED' };
});
