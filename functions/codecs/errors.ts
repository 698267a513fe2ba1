/**
 * File-level failures of an uploaded tabular file (CSV, XLSX: beneficiary lists, post-office confirmations;
 * bank statement CSVs map them to their own codes). Each has a stable code and a bilingual explanation for
 * the officer (Vietnamese first). A FileFormatError rejects the whole file; row-level problems are not
 * reported here.
 */
import type { Localized } from '../../schemas/messages.js';

export const FILE_FORMAT_ERROR_CODES = [
  'FILE_EMPTY',
  'FILE_TOO_LARGE',
  'TOO_MANY_ROWS',
  'LINE_TOO_LONG',
  'UNKNOWN_FORMAT',
  'ENCODING_INVALID',
  'XLSX_CORRUPT',
  'XLSX_XML_DECLARATIONS',
  'XLSX_TOO_LARGE_UNCOMPRESSED',
  'XLSX_NO_SHEET',
  'HEADER_MISSING',
  'HEADER_DUPLICATE',
  'HEADER_REQUIRED_MISSING',
] as const;
export type FileFormatErrorCode = (typeof FILE_FORMAT_ERROR_CODES)[number];

export class FileFormatError extends Error {
  readonly code: FileFormatErrorCode;
  readonly text: Localized;
  /** Machine-readable extras (e.g. the missing columns), never personal data. */
  readonly details?: Record<string, unknown>;

  constructor(code: FileFormatErrorCode, text: Localized, details?: Record<string, unknown>) {
    super(`${code}: ${text.en}`);
    this.name = 'FileFormatError';
    this.code = code;
    this.text = text;
    if (details !== undefined) this.details = details;
  }

  /** The error as a Finding ({code, message}) for API responses and reports. */
  toFinding(): { code: FileFormatErrorCode; message: Localized } {
    return { code: this.code, message: this.text };
  }
}

const MiB = 1024 * 1024;
const size = (bytes: number): string =>
  bytes >= MiB ? `${Math.round((bytes / MiB) * 10) / 10} MiB` : `${Math.round(bytes / 1024)} KiB`;

/** Constructors with the standard messages. */
export const fileErrors = {
  empty: () =>
    new FileFormatError('FILE_EMPTY', {
      vi: 'Tệp không có dữ liệu.',
      en: 'The file is empty.',
    }),
  tooLarge: (limit: number) =>
    new FileFormatError(
      'FILE_TOO_LARGE',
      {
        vi: `Tệp vượt quá dung lượng cho phép (${size(limit)}). Hãy chia danh sách thành nhiều tệp.`,
        en: `The file exceeds the size limit (${size(limit)}). Split the list into several files.`,
      },
      { limitBytes: limit },
    ),
  tooManyRows: (limit: number) =>
    new FileFormatError(
      'TOO_MANY_ROWS',
      {
        vi: `Danh sách có quá ${limit.toLocaleString('vi-VN')} dòng dữ liệu. Hãy chia danh sách thành nhiều tệp.`,
        en: `The list has more than ${limit.toLocaleString('en-US')} data rows. Split the list into several files.`,
      },
      { limitRows: limit },
    ),
  lineTooLong: (limit: number, line?: number) =>
    new FileFormatError(
      'LINE_TOO_LONG',
      {
        vi: `${line ? `Dòng ${line}: ` : ''}một dòng hoặc ô dài quá ${limit.toLocaleString('vi-VN')} ký tự. Tệp có thể bị hỏng hoặc không phải danh sách.`,
        en: `${line ? `Line ${line}: ` : ''}a line or cell is longer than ${limit.toLocaleString('en-US')} characters. The file may be damaged or not a list.`,
      },
      { limitChars: limit, ...(line ? { line } : {}) },
    ),
  unknownFormat: () =>
    new FileFormatError('UNKNOWN_FORMAT', {
      vi: 'Không nhận dạng được định dạng tệp. Chỉ chấp nhận tệp Excel (.xlsx) hoặc CSV (UTF-8).',
      en: 'Unrecognised file format. Only Excel (.xlsx) or CSV (UTF-8) files are accepted.',
    }),
  legacyXls: () =>
    new FileFormatError(
      'UNKNOWN_FORMAT',
      {
        vi: 'Tệp Excel cũ (.xls) không được hỗ trợ. Trong Excel, chọn "Lưu thành" (Save As) và chọn "Sổ làm việc Excel (.xlsx)" hoặc "CSV UTF-8 (phân cách bằng dấu phẩy)".',
        en: 'Legacy Excel files (.xls) are not supported. In Excel, use "Save As" and choose "Excel Workbook (.xlsx)" or "CSV UTF-8 (Comma delimited)".',
      },
      { detected: 'xls' },
    ),
  encodingInvalid: () =>
    new FileFormatError('ENCODING_INVALID', {
      vi: 'Tệp không đúng bảng mã UTF-8 (có thể đã lưu bằng bảng mã cũ như TCVN3/VNI/Windows-1258). Trong Excel, hãy lưu thành "CSV UTF-8 (phân cách bằng dấu phẩy)" hoặc tệp .xlsx.',
      en: 'The file is not valid UTF-8 (it may use a legacy encoding such as TCVN3/VNI/Windows-1258). In Excel, save it as "CSV UTF-8 (Comma delimited)" or as .xlsx.',
    }),
  xlsxCorrupt: (reason?: string) =>
    new FileFormatError(
      'XLSX_CORRUPT',
      {
        vi: 'Tệp Excel bị hỏng hoặc không đầy đủ (có thể tải lên bị gián đoạn). Hãy mở lại tệp trong Excel, lưu lại và tải lên lần nữa.',
        en: 'The Excel file is damaged or incomplete (the upload may have been interrupted). Open it in Excel, save it again and re-upload.',
      },
      reason ? { reason } : undefined,
    ),
  /**
   * DOCTYPE/ENTITY declarations inside the workbook's XML: the shape of an XML attack (external entities,
   * "billion laughs"), never written by Excel or LibreOffice. Not "damaged": re-saving it would not help.
   */
  xlsxXmlDeclarations: (part: string) =>
    new FileFormatError(
      'XLSX_XML_DECLARATIONS',
      {
        vi: 'Tệp Excel bị từ chối vì XML bên trong có khai báo DOCTYPE/ENTITY (dạng tấn công XXE hoặc "billion laughs"); Excel không bao giờ tạo ra khai báo này. Tệp không được đọc. Hãy dùng tệp gốc xuất từ Excel hoặc mẫu danh sách.',
        en: 'The Excel file is refused because its XML declares a DOCTYPE/ENTITY (the shape of an XXE or "billion laughs" attack); Excel never writes such declarations. The file was not read. Use the original file exported from Excel, or the list template.',
      },
      { part },
    ),
  xlsxTooLargeUncompressed: (limit: number) =>
    new FileFormatError(
      'XLSX_TOO_LARGE_UNCOMPRESSED',
      {
        vi: `Nội dung tệp Excel sau khi giải nén vượt quá giới hạn (${size(limit)}) hoặc có tỷ lệ nén bất thường. Tệp bị từ chối.`,
        en: `The Excel file expands beyond the limit (${size(limit)}) or has an abnormal compression ratio. The file is refused.`,
      },
      { limitBytes: limit },
    ),
  xlsxNoSheet: () =>
    new FileFormatError('XLSX_NO_SHEET', {
      vi: 'Tệp Excel không có trang tính (sheet) nào chứa dữ liệu.',
      en: 'The Excel file has no worksheet with data.',
    }),
  headerMissing: (rowsSearched: number) =>
    new FileFormatError(
      'HEADER_MISSING',
      {
        vi: `Không tìm thấy dòng tiêu đề cột trong ${rowsSearched} dòng đầu. Hãy dùng mẫu danh sách (cột "Họ và tên", "Số định danh cá nhân", ...).`,
        en: `No column header row found in the first ${rowsSearched} rows. Use the list template (columns "Họ và tên" / Full name, "Số định danh cá nhân" / Personal ID, ...).`,
      },
      { rowsSearched },
    ),
  headerDuplicate: (columns: { vi: string; en: string; headers: string[] }[], line: number) =>
    new FileFormatError(
      'HEADER_DUPLICATE',
      {
        vi: `Dòng tiêu đề (dòng ${line}) có cột bị lặp: ${columns.map((c) => `"${c.vi}" (${c.headers.map((h) => `"${h}"`).join(', ')})`).join('; ')}.`,
        en: `The header row (line ${line}) repeats a column: ${columns.map((c) => `"${c.en}" (${c.headers.map((h) => `"${h}"`).join(', ')})`).join('; ')}.`,
      },
      { line, fields: columns.map((c) => c.en) },
    ),
  headerRequiredMissing: (missing: { field: string; vi: string; en: string }[], line: number) =>
    new FileFormatError(
      'HEADER_REQUIRED_MISSING',
      {
        vi: `Thiếu cột bắt buộc ở dòng tiêu đề (dòng ${line}): ${missing.map((m) => `"${m.vi}"`).join(', ')}.`,
        en: `Required columns missing from the header row (line ${line}): ${missing.map((m) => `"${m.en}"`).join(', ')}.`,
      },
      { line, missing: missing.map((m) => m.field) },
    ),
};
