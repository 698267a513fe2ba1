/**
 * Onboarding step 1: stream the uploaded file, check each row's cells and identity number, find
 * duplicates in the file, and cut the list into chunks (JSON lines in S3) for the verification Map.
 * Memory stays flat: one chunk is held at a time, plus 12 bytes per row for the duplicate check.
 */
import type { RowVerdict } from '../../schemas/beneficiary-lists.js';
import type { Chunk, ParseOutput } from '../../schemas/onboarding.js';
import { ParseInput } from '../../schemas/onboarding.js';
import { FileFormatError } from '../codecs/errors.js';
import { closeJob, updateOpenJob } from '../jobs/job-store.js';
import { readObject, writeObject } from '../shared/objects.js';
import { logger } from '../shared/powertools.js';
import { InvalidInputError, invokedTask } from '../shared/task.js';
import { readList } from './file-formats/detect.js';
import { FirstSeenIdentityNumbers } from './id-set.js';
import { listKeys } from './list-objects.js';
import { getList } from './list-store.js';
import { type ChunkLine, chunkRows, todayInVietnam } from './onboarding-config.js';
import { checkRow, DUPLICATE_IN_FILE } from './row-checks.js';

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

  const chunks: Chunk[] = [];
  const size = chunkRows();
  let lines: string[] = [];
  let firstLine = 0;
  let lastLine = 0;
  let rows = 0;
  const flush = async () => {
    if (!lines.length) return;
    const index = chunks.length;
    const key = listKeys.chunk(listId, index);
    await writeObject(key, `${lines.join('\n')}\n`, 'application/x-ndjson');
    chunks.push({ index, key, firstLine, lastLine, rows: lines.length });
    lines = [];
  };

  const seen = new FirstSeenIdentityNumbers(1024);
  const today = todayInVietnam();
  try {
    for await (const row of readList(() => readObject(list.objectKey), undefined, { fileName: list.fileName })) {
      const checked = checkRow(row, { today });
      let line: ChunkLine;
      if (!checked.ok) {
        line = { verdict: checked.verdict };
      } else {
        const first = seen.firstLine(checked.candidate.personalId, row.line);
        line =
          first === undefined
            ? { candidate: checked.candidate, ...(checked.flags.length ? { flags: checked.flags } : {}) }
            : {
                verdict: {
                  line: row.line,
                  outcome: 'DUPLICATE_IN_FILE',
                  findings: [DUPLICATE_IN_FILE(first)],
                  flags: [],
                } satisfies RowVerdict,
              };
      }
      if (!lines.length) firstLine = row.line;
      lastLine = row.line;
      lines.push(JSON.stringify(line));
      rows++;
      if (lines.length >= size) await flush();
    }
    await flush();
  } catch (err) {
    if (!(err instanceof FileFormatError)) throw err;
    // The file itself is unusable: the list is rejected with the reason; nothing is retried.
    await closeJob(listId, 'FAILED', { failure: { code: err.code, message: err.text } });
    logger.info('List rejected', { listId, code: err.code });
    return { ...context, rejected: true, chunks: [], rows: 0 };
  }
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
