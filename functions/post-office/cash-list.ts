/**
 * The post-office rail: a cash payment list per commune (what the commune payment point hands out on the
 * 2nd–10th), and the import of the paid / unpaid confirmations it sends back. Amounts are numbers (VND),
 * every text cell is safe from formula injection; the payment id is the key both ways.
 */
import type { Finding } from '../../schemas/messages.js';
import { csvRecords } from '../beneficiary-lists/file-formats/csv-reader.js';
import { sniffFormat } from '../beneficiary-lists/file-formats/detect.js';
import type { PhysicalRecord } from '../codecs/csv.js';
import { FileFormatError } from '../codecs/errors.js';
import type { XlsxColumn } from '../codecs/writers.js';
import { xlsxRecords } from '../codecs/xlsx.js';
import type { PaymentHead } from '../payment-ledger/ledger-store.js';

export const CASH_LIST_COLUMNS: XlsxColumn[] = [
  { header: 'STT', kind: 'number', width: 6 },
  { header: 'Mã thanh toán / Payment id', kind: 'text', width: 34 },
  { header: 'Tài khoản ASXH / Social account', kind: 'text', width: 20 },
  { header: 'Người nhận / Payee', kind: 'text', width: 30 },
  { header: 'Số tiền (VND) / Amount', kind: 'number', width: 16 },
  { header: 'Các tháng / Months', kind: 'text', width: 24 },
  { header: 'Đã nhận (Có/Không) / Paid (Y/N)', kind: 'text', width: 18 },
  { header: 'Ghi chú / Note', kind: 'text', width: 30 },
];

export function cashListRow(p: PaymentHead, index: number): (string | number)[] {
  return [index + 1, p.paymentId, p.socialAccount, p.creditorName, p.amount, p.months.join(', '), '', ''];
}

export interface Confirmation {
  line: number;
  paymentId: string;
  paid: boolean;
  note?: string;
}

const finding = (code: string, vi: string, en: string): Finding => ({ code, message: { vi, en } });

const YES = new Set(['co', 'có', 'x', 'y', 'yes', 'paid', 'da nhan', 'đã nhận', '1']);
const NO = new Set(['khong', 'không', 'n', 'no', 'unpaid', 'chua nhan', 'chưa nhận', '0']);

/** Reads a returned cash list (CSV or XLSX): one confirmation per row, or a finding explaining the row. */
export async function* readConfirmations(
  source: () => AsyncIterable<Uint8Array>,
): AsyncGenerator<{ ok: true; value: Confirmation } | { ok: false; line: number; finding: Finding }> {
  const it = source()[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) throw new FileFormatError('FILE_EMPTY', { vi: 'Tệp rỗng.', en: 'The file is empty.' });
  async function* replay() {
    yield first.value as Uint8Array;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  }
  const records: AsyncIterable<PhysicalRecord> =
    sniffFormat(first.value) === 'xlsx' ? xlsxRecords(replay()) : csvRecords(replay());
  let idColumn = -1;
  let paidColumn = -1;
  let noteColumn = -1;
  for await (const record of records) {
    if (idColumn < 0) {
      const headers = record.cells.map((c) => c.toLowerCase());
      idColumn = headers.findIndex((h) => h.includes('mã thanh toán') || h.includes('payment id'));
      paidColumn = headers.findIndex((h) => h.includes('đã nhận') || h.includes('paid'));
      noteColumn = headers.findIndex((h) => h.includes('ghi chú') || h.includes('note'));
      if (idColumn < 0 || paidColumn < 0) idColumn = -1;
      continue;
    }
    const paymentId = (record.cells[idColumn] ?? '').trim();
    const answer = (record.cells[paidColumn] ?? '').trim().toLowerCase();
    if (!paymentId) continue;
    if (!/^P\d{6}[A-Z2-7]{24}$/.test(paymentId)) {
      yield {
        ok: false,
        line: record.line,
        finding: finding('CONFIRMATION_BAD_ID', 'Mã thanh toán không hợp lệ.', 'The payment id is not valid.'),
      };
      continue;
    }
    const paid = YES.has(answer) ? true : NO.has(answer) ? false : undefined;
    if (paid === undefined) {
      yield {
        ok: false,
        line: record.line,
        finding: finding(
          'CONFIRMATION_NO_ANSWER',
          'Cột "Đã nhận" phải ghi Có hoặc Không.',
          'The "Paid" column must say Có (yes) or Không (no).',
        ),
      };
      continue;
    }
    const note = noteColumn >= 0 ? record.cells[noteColumn]?.trim() : undefined;
    yield { ok: true, value: { line: record.line, paymentId, paid, ...(note ? { note } : {}) } };
  }
  if (idColumn < 0) {
    throw new FileFormatError('HEADER_MISSING', {
      vi: 'Không tìm thấy cột "Mã thanh toán" và "Đã nhận".',
      en: 'The "Payment id" and "Paid" columns were not found.',
    });
  }
}
