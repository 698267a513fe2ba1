/**
 * The reconciliation report an officer downloads (CSV or XLSX): one line per statement line with its outcome,
 * money as numbers (VND, no decimals; a line in another currency has no VND amount but its own currency and
 * amount in the last two columns, never converted), every text cell safe from spreadsheet formula injection (writers.ts).
 */
import { toCsv, writeXlsx, type XlsxColumn } from '../codecs/writers.js';
import type { Finding } from './match.js';
import { OUTCOME_LABELS, SEVERITY } from './outcomes.js';
import { allFindings } from './reconciliation-store.js';

export const REPORT_COLUMNS: XlsxColumn[] = [
  { header: 'Sao kê / Statement', kind: 'number', width: 10 },
  { header: 'Bút toán / Entry', kind: 'number', width: 10 },
  { header: 'Giao dịch / Transaction', kind: 'number', width: 12 },
  { header: 'Kết quả / Outcome', kind: 'text', width: 22 },
  { header: 'Kết quả (mô tả)', kind: 'text', width: 32 },
  { header: 'Mức độ / Severity', kind: 'number', width: 10 },
  { header: 'Nợ/Có / D/C', kind: 'text', width: 8 },
  { header: 'Số tiền sao kê (VND) / Statement amount', kind: 'number', width: 18 },
  { header: 'Số tiền sổ cái (VND) / Ledger amount', kind: 'number', width: 18 },
  { header: 'Mã thanh toán / EndToEndId', kind: 'text', width: 36 },
  { header: 'Kỳ chi trả / Cycle', kind: 'text', width: 30 },
  { header: 'Ngày hạch toán / Booking date', kind: 'text', width: 14 },
  { header: 'Tham chiếu ngân hàng / Bank ref', kind: 'text', width: 24 },
  { header: 'Mã lý do / Reason', kind: 'text', width: 10 },
  { header: 'Gợi ý / Suggestions', kind: 'text', width: 40 },
  { header: 'Ghi chú / Note', kind: 'text', width: 60 },
  { header: 'Ngoại tệ / Currency', kind: 'text', width: 10 },
  { header: 'Số tiền ngoại tệ / Foreign amount', kind: 'text', width: 18 },
];

const dmy = (d?: string) =>
  d && /^\d{4}-\d{2}-\d{2}/.test(d) ? `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}` : '';

function cells(f: Finding): (string | number | undefined)[] {
  return [
    f.statement,
    f.entry,
    f.tx,
    f.outcome,
    OUTCOME_LABELS[f.outcome].vi,
    SEVERITY[f.outcome],
    f.creditDebit,
    f.currency ? undefined : f.amount,
    f.currency ? undefined : f.expectedAmount,
    f.endToEndId ?? f.paymentId,
    f.cycleId,
    dmy(f.bookingDate),
    f.accountServicerRef,
    f.reasonCode,
    f.suggestions?.join(' '),
    f.note,
    f.currency,
    f.foreignAmount,
  ];
}

async function* rowsOf(importId: string) {
  for await (const f of allFindings(importId)) yield cells(f);
}

async function* withHeader(importId: string) {
  yield REPORT_COLUMNS.map((c) => c.header);
  yield* rowsOf(importId);
}

export const reportCsv = (importId: string): AsyncIterable<Uint8Array> => toCsv(withHeader(importId));
export const reportXlsx = (importId: string): AsyncIterable<Uint8Array> =>
  writeXlsx([{ name: 'Đối chiếu', columns: REPORT_COLUMNS, rows: rowsOf(importId) }]);
