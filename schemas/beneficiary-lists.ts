/**
 * Beneficiary lists as labour departments upload them. The file template (Vietnamese headers, English
 * aliases) maps onto these canonical fields; everything downstream speaks only these names.
 */
import { z } from 'zod';
import { Finding } from './messages.js';

export const LIST_FIELDS = [
  'stt',
  'fullName',
  'dateOfBirth',
  'gender',
  'personalId',
  'categoryCode',
  'decisionDate',
  'paymentMethod',
  'bankBin',
  'accountNumber',
  'communeCode',
  'phone',
] as const;
export const ListField = z.enum(LIST_FIELDS);
export type ListField = z.infer<typeof ListField>;

/** One data row as read from the file: cell text by field, and the row number the officer sees in Excel. */
export interface RawRow {
  /** Spreadsheet row number (header is row 1 in a file whose header is on the first line). */
  line: number;
  cells: Partial<Record<ListField, string>>;
}

/** Row outcomes, in the order checks run; each is a stable code with a bilingual message. */
export const ROW_OUTCOMES = [
  'ACCEPTED',
  'INVALID_ROW',
  'INVALID_IDENTITY_NUMBER',
  'DUPLICATE_IN_FILE',
  'ALREADY_ENROLLED',
  'NOT_IN_REGISTRY',
  'NAME_MISMATCH',
  'NAME_REVIEW',
  'DATE_OF_BIRTH_MISMATCH',
  'GENDER_MISMATCH',
  'CATEGORY_AGE_MISMATCH',
  'DECEASED',
  'REGISTRY_UNAVAILABLE',
] as const;
export const RowOutcome = z.enum(ROW_OUTCOMES);
export type RowOutcome = z.infer<typeof RowOutcome>;

export const PaymentMethod = z.enum(['BANK', 'POST_OFFICE']);
export type PaymentMethod = z.infer<typeof PaymentMethod>;

/** A row that passed the file-level checks, normalised (ISO dates, 12-digit id, canonical codes). */
export const CandidateBeneficiary = z.object({
  line: z.number().int().positive(),
  personalId: z.string().regex(/^\d{12}$/),
  fullName: z.string().min(1),
  dateOfBirth: z.iso.date(),
  gender: z.enum(['M', 'F']),
  categoryCode: z.string(),
  decisionDate: z.iso.date(),
  paymentMethod: PaymentMethod,
  bankBin: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
  accountNumber: z
    .string()
    .regex(/^[0-9A-Za-z]{1,19}$/)
    .optional(),
  communeCode: z.string().regex(/^\d{5}$/),
  phone: z.string().optional(),
});
export type CandidateBeneficiary = z.infer<typeof CandidateBeneficiary>;

export const RowVerdict = z.object({
  line: z.number().int().positive(),
  outcome: RowOutcome,
  findings: z.array(Finding),
  /** Flags never reject a row by themselves (e.g. resident outside the uploading jurisdiction). */
  flags: z.array(Finding).default([]),
  candidate: CandidateBeneficiary.optional(),
});
export type RowVerdict = z.infer<typeof RowVerdict>;

/** How each outcome reads to the officer. */
export const OUTCOME_LABELS: Record<RowOutcome, { vi: string; en: string }> = {
  ACCEPTED: { vi: 'Hợp lệ, đã mở tài khoản', en: 'Accepted, account opened' },
  INVALID_ROW: { vi: 'Dòng không hợp lệ', en: 'Invalid row' },
  INVALID_IDENTITY_NUMBER: { vi: 'Số định danh không hợp lệ', en: 'Invalid identity number' },
  DUPLICATE_IN_FILE: { vi: 'Trùng trong tệp', en: 'Duplicate in file' },
  ALREADY_ENROLLED: { vi: 'Đã hưởng chương trình', en: 'Already enrolled' },
  NOT_IN_REGISTRY: { vi: 'Không có trong CSDL dân cư', en: 'Not in the population registry' },
  NAME_MISMATCH: { vi: 'Họ tên không khớp', en: 'Name does not match' },
  NAME_REVIEW: { vi: 'Họ tên cần kiểm tra', en: 'Name needs review' },
  DATE_OF_BIRTH_MISMATCH: { vi: 'Ngày sinh không khớp', en: 'Date of birth does not match' },
  GENDER_MISMATCH: { vi: 'Giới tính không khớp', en: 'Gender does not match' },
  CATEGORY_AGE_MISMATCH: { vi: 'Tuổi không thuộc đối tượng', en: 'Age outside the category' },
  DECEASED: { vi: 'Đã chết', en: 'Deceased' },
  REGISTRY_UNAVAILABLE: { vi: 'Chưa đối chiếu được', en: 'Registry unavailable' },
};

export const SubmitListFromUpload = z.object({
  uploadId: z.uuid(),
  fileName: z.string().min(1).max(255),
  programme: z.string().default('TCXH_HANG_THANG'),
});

/** A list as a caller may see it (never the object key or the uploader's subject). */
export const ListView = z.object({
  listId: z.string(),
  status: z.enum(['RECEIVED', 'PROCESSING', 'COMPLETED', 'FAILED']),
  programme: z.string(),
  jurisdiction: z.string(),
  fileName: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  totals: z
    .object({
      rows: z.number().int().nonnegative(),
      byOutcome: z.partialRecord(RowOutcome, z.number().int().nonnegative()),
      flagged: z.number().int().nonnegative(),
      accountsOpened: z.number().int().nonnegative(),
    })
    .optional(),
  failure: Finding.optional(),
});
export type ListView = z.infer<typeof ListView>;

/** POST /v1/beneficiary-lists: the list, and whether the same file had been uploaded before. */
export const SubmittedList = ListView.extend({ duplicate: z.boolean() });

/** GET /v1/beneficiary-lists/{listId}/rows: one page of rows, by line. */
export const ListRowsPage = z.object({
  rows: z.array(
    z.object({
      line: z.number().int().positive(),
      outcome: RowOutcome,
      findings: z.array(Finding),
      flags: z.array(Finding),
      fullName: z.string().optional(),
      personalId: z.string().optional(),
    }),
  ),
  nextCursor: z.string().optional(),
});
