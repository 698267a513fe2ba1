/**
 * Onboarding step 1: stream the uploaded file, check each row's cells and identity number, find
 * duplicates in the file, and cut the list into chunks (JSON lines in S3) for the verification Map
 * (chunk-list.ts; memory flat whatever the list's size).
 */
import type { Chunk, ParseOutput } from '../../schemas/onboarding.js';
import { ParseInput } from '../../schemas/onboarding.js';
import { FileFormatError } from '../codecs/errors.js';
import { closeJob, updateOpenJob } from '../jobs/job-store.js';
import { readObject, writeObject } from '../shared/objects.js';
import { logger } from '../shared/powertools.js';
import { InvalidInputError, invokedTask } from '../shared/task.js';
import { cutIntoChunks } from './chunk-list.js';
import { listKeys } from './list-objects.js';
import { getList } from './list-store.js';
import { chunkRows, todayInVietnam } from './onboarding-config.js';

export const handler = invokedTask(ParseInput, async ({ listId }): Promise<ParseOutput> => {
  const list = await getList(listId);
  if (!list) throw new InvalidInputError(`list ${listId} does not exist`);
  const context = {
    listId,
    jurisdiction: list.jurisdiction,
    programme: list.programme,
    uploadedBy: list.uploadedBy,
  };
  if (list.status === 'COMPLETED' || list.status === 'FAILED')
    return { ...context, rejected: true, chunks: [], rows: 0 };
  await updateOpenJob(listId, { status: 'PROCESSING' });

  let cut: Awaited<ReturnType<typeof cutIntoChunks>>;
  try {
    cut = await cutIntoChunks({
      source: () => readObject(list.objectKey),
      fileName: list.fileName,
      today: todayInVietnam(),
      chunkRows: chunkRows(),
      writeChunk: (chunk, body) => writeObject(listKeys.chunk(listId, chunk.index), body, 'application/x-ndjson'),
    });
  } catch (err) {
    if (!(err instanceof FileFormatError)) throw err;
    // The file itself is unusable: the list is rejected with the reason; nothing is retried.
    await closeJob(listId, 'FAILED', { failure: { code: err.code, message: err.text } });
    logger.info('List rejected', { listId, code: err.code });
    return { ...context, rejected: true, chunks: [], rows: 0 };
  }
  const { rows } = cut;
  const chunks: Chunk[] = cut.chunks.map(({ index, ...lines }) => ({
    index,
    key: listKeys.chunk(listId, index),
    ...lines,
  }));
  if (rows === 0) {
    await closeJob(listId, 'FAILED', {
      failure: {
        code: 'FILE_EMPTY',
        message: { vi: 'Tệp không có dòng dữ liệu nào.', en: 'The file has no data rows.' },
      },
    });
    return { ...context, rejected: true, chunks: [], rows: 0 };
  }
  logger.info('List parsed', { listId, rows, chunks: chunks.length });
  return { ...context, rejected: false, chunks, rows };
});
