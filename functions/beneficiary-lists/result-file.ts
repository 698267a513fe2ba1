/**
 * The result file an officer downloads: one line per row of their file with the outcome and the reasons,
 * in Vietnamese and English. Text cells are made safe from spreadsheet formula injection.
 */
import { OUTCOME_LABELS } from '../../schemas/beneficiary-lists.js';
import { toCsv, writeXlsx, type XlsxColumn } from '../codecs/writers.js';
import { allRows, type RowItem } from './list-store.js';

export const RESULT_COLUMNS: XlsxColumn[] = [
  { header: 'Dòng / Line', kind: 'number', width: 8 },
  { header: 'Kết quả / Outcome', kind: 'text', width: 24 },
  { header: 'Kết quả (mô tả)', kind: 'text', width: 30 },
  { header: 'Lý do', kind: 'text', width: 60 },
  { header: 'Reason', kind: 'text', width: 60 },
  { header: 'Cảnh báo / Flags', kind: 'text', width: 40 },
];

function cells(r: RowItem): (string | number)[] {
  return [
    r.line,
    r.outcome,
    OUTCOME_LABELS[r.outcome].vi,
    r.findings.map((f) => f.message.vi).join(' | '),
    r.findings.map((f) => f.message.en).join(' | '),
    r.flags.map((f) => `${f.code}: ${f.message.vi}`).join(' | '),
  ];
}

async function* rowsOf(listId: string): AsyncGenerator<(string | number)[]> {
  for await (const r of allRows(listId)) yield cells(r);
}

async function* withHeader(listId: string): AsyncGenerator<(string | number)[]> {
  yield RESULT_COLUMNS.map((c) => c.header);
  yield* rowsOf(listId);
}

export function resultCsv(listId: string): AsyncIterable<Uint8Array> {
  return toCsv(withHeader(listId));
}

export function resultXlsx(listId: string): AsyncIterable<Uint8Array> {
  return writeXlsx([{ name: 'Kết quả', columns: RESULT_COLUMNS, rows: rowsOf(listId) }]);
}
