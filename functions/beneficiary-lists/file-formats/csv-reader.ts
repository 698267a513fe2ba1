/**
 * CSV beneficiary lists on the CSV codec (functions/codecs/csv.ts): the delimiter is the one under which the
 * first records read best as the list template's header; the header is then found and mapped as for XLSX.
 */
import type { RawRow } from '../../../schemas/beneficiary-lists.js';
import { type CsvFormat, csvRecords as codecRecords, type PhysicalRecord } from '../../codecs/csv.js';
import { type ListLimits, resolveLimits } from '../../codecs/limits.js';
import { bestHeaderScore, HEADER_SEARCH_ROWS, type ReadOptions, recordsToRows } from './template.js';

export interface CsvReadOptions extends ReadOptions {
  /** Called once the encoding and delimiter are known. */
  onFormat?: (format: CsvFormat) => void;
}

/** Physical records of a CSV list (cells untrimmed, empty records included; a `sep=` line is not counted). */
export function csvRecords(
  source: AsyncIterable<Uint8Array>,
  limitsIn: Partial<ListLimits> = {},
  options: Pick<CsvReadOptions, 'onFormat'> = {},
): AsyncGenerator<PhysicalRecord> {
  const limits = resolveLimits(limitsIn);
  return codecRecords(source, {
    maxFileBytes: limits.maxFileBytes,
    maxRecordChars: limits.maxCellChars,
    headerScore: bestHeaderScore,
    searchRecords: HEADER_SEARCH_ROWS,
    ...(options.onFormat ? { onFormat: options.onFormat } : {}),
  });
}

/**
 * Reads a CSV beneficiary list: finds and maps the header (within the first 20 non-empty records), then
 * yields one RawRow per non-empty data record with trimmed cell text exactly as written (no evaluation of
 * `=`, `+`, `-`, `@`; leading zeros and `7.9E+10` kept as text). `line` is the record number.
 */
export async function* readCsv(
  source: AsyncIterable<Uint8Array>,
  limits: Partial<ListLimits> = {},
  options: CsvReadOptions = {},
): AsyncGenerator<RawRow> {
  const resolved = resolveLimits(limits);
  yield* recordsToRows(csvRecords(source, resolved, options), resolved, options);
}
