/** XLSX beneficiary lists on the XLSX codec (functions/codecs/xlsx.ts): the first visible sheet's rows. */
import type { RawRow } from '../../../schemas/beneficiary-lists.js';
import { type ListLimits, resolveLimits } from '../../codecs/limits.js';
import { xlsxRecords } from '../../codecs/xlsx.js';
import { type ReadOptions, recordsToRows } from './template.js';

/**
 * Reads an XLSX beneficiary list (first visible sheet): header found and mapped as for CSV; cell text as
 * stored (numbers as their XML text, so a date serial stays "45292" and a number-typed identity number
 * loses its leading zero visibly; formulas give their cached value, never evaluated). `line` = the row's r.
 */
export async function* readXlsx(
  source: AsyncIterable<Uint8Array>,
  limits: Partial<ListLimits> = {},
  options: ReadOptions = {},
): AsyncGenerator<RawRow> {
  const resolved = resolveLimits(limits);
  yield* recordsToRows(xlsxRecords(source, resolved), resolved, options);
}
