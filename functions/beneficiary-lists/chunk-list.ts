/**
 * The parse step's loop, apart from where its output goes: each row's cells and identity number checked,
 * duplicates in the file found, and the rows cut into chunks of JSON lines handed to `writeChunk` one at a
 * time. Memory stays flat: one chunk is held at a time, plus 12 bytes per row for the duplicate check
 * (id-set.ts). A FileFormatError (the file itself is unusable) propagates: the caller rejects the list.
 */
import type { RowVerdict } from '../../schemas/beneficiary-lists.js';
import type { ListLimits } from '../codecs/limits.js';
import { readList } from './file-formats/detect.js';
import { FirstSeenIdentityNumbers } from './id-set.js';
import type { ChunkLine } from './onboarding-config.js';
import { checkRow, DUPLICATE_IN_FILE } from './row-checks.js';

export interface CutChunk {
  index: number;
  firstLine: number;
  lastLine: number;
  rows: number;
}

export async function cutIntoChunks(opts: {
  source: () => AsyncIterable<Uint8Array>;
  fileName: string;
  today: string;
  chunkRows: number;
  writeChunk: (chunk: CutChunk, body: string) => Promise<void>;
  /** Only a benchmark passes larger ones than the defaults (codecs/limits.ts). */
  limits?: Partial<ListLimits>;
}): Promise<{ chunks: CutChunk[]; rows: number }> {
  const chunks: CutChunk[] = [];
  let lines: string[] = [];
  let firstLine = 0;
  let lastLine = 0;
  let rows = 0;
  const flush = async () => {
    if (!lines.length) return;
    const chunk = { index: chunks.length, firstLine, lastLine, rows: lines.length };
    await opts.writeChunk(chunk, `${lines.join('\n')}\n`);
    chunks.push(chunk);
    lines = [];
  };
  const seen = new FirstSeenIdentityNumbers(1024);
  for await (const row of readList(opts.source, opts.limits, { fileName: opts.fileName })) {
    const checked = checkRow(row, { today: opts.today });
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
    if (lines.length >= opts.chunkRows) await flush();
  }
  await flush();
  return { chunks, rows };
}
