/**
 * Pure checks of one list row, before any registry call: the schema of each cell and the identity number's
 * structure. Every problem is a stable code with a Vietnamese and English message; a row collects all its
 * problems so the officer can fix them in one pass.
 */

import type { CandidateBeneficiary, PaymentMethod, RawRow, RowVerdict } from '../../schemas/beneficiary-lists.js';
import type { Finding } from '../../schemas/messages.js';
import bankList from '../accounts/data/banks.json' with { type: 'json' };
import categoryTable from '../entitlements/data/allowance-categories.json' with { type: 'json' };
import { checkIdentityNumber } from '../population/identity-number.js';
import { cleanCell, dropTextPrefix } from '../shared/cell-text.js';
import { ACCEPTED_DATE_FORMS, parseListDate } from './file-formats/dates.js';

const BANK_BINS = new Set(bankList.banks.map((b) => b.bin));
const CATEGORY_CODES = new Set(categoryTable.categories.map((c) => c.code));

const finding = (code: string, vi: string, en: string): Finding => ({ code, message: { vi, en } });

const GENDERS: Record<string, 'M' | 'F'> = { nam: 'M', m: 'M', male: 'M', nu: 'F', nữ: 'F', f: 'F', female: 'F' };

/** "Ngân hàng", "chuyển khoản", "BANK" / "Bưu điện", "tiền mặt", "POST_OFFICE". */
function paymentMethodOf(text: string): PaymentMethod | undefined {
  const key = fold(text);
  if (['ngan hang', 'chuyen khoan', 'bank', 'tai khoan'].includes(key)) return 'BANK';
  if (['buu dien', 'tien mat', 'post office', 'post_office', 'cash'].includes(key)) return 'POST_OFFICE';
  return undefined;
}

function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

export interface RowCheckContext {
  /** "Today" in Asia/Ho_Chi_Minh, ISO date: dates after it are errors. */
  today: string;
}

/** An accepted row can still carry flags (an ignored phone number) that the officer must see. */
export type RowCheck =
  | { ok: true; candidate: CandidateBeneficiary; flags: Finding[] }
  | { ok: false; verdict: RowVerdict };

/** Every cell through the one cleaning (invisible characters, NBSP, spaces, NFC) before any check. */
function cleanCells(cells: RawRow['cells']): RawRow['cells'] {
  const out: RawRow['cells'] = {};
  for (const [field, text] of Object.entries(cells) as [keyof RawRow['cells'], string | undefined][]) {
    out[field] = cleanCell(text);
  }
  return out;
}

export function checkRow(row: RawRow, ctx: RowCheckContext): RowCheck {
  const c = cleanCells(row.cells);
  const problems: Finding[] = [];
  let identityProblem = false;

  // Stored as cleaned: NFC, single spaces, no invisible characters.
  const fullName = c.fullName ?? '';
  if (!fullName) problems.push(finding('ROW_NAME_MISSING', 'Thiếu họ và tên.', 'Full name is missing.'));
  else if (fullName.length > 100 || /[0-9@#$%^&*=<>{}[\]\\|;:"]/.test(fullName)) {
    problems.push(
      finding('ROW_NAME_INVALID', 'Họ và tên chứa ký tự không hợp lệ.', 'Full name contains invalid characters.'),
    );
  }

  const dob = parseListDate(c.dateOfBirth ?? '');
  if (!c.dateOfBirth) problems.push(finding('ROW_DOB_MISSING', 'Thiếu ngày sinh.', 'Date of birth is missing.'));
  else if (!dob.ok) {
    problems.push(
      finding(
        'ROW_DOB_INVALID',
        `Ngày sinh không phải một ngày hợp lệ; ${ACCEPTED_DATE_FORMS.vi}.`,
        `The date of birth is not a valid date; ${ACCEPTED_DATE_FORMS.en}.`,
      ),
    );
  } else if (dob.iso > ctx.today) {
    problems.push(finding('ROW_DOB_INVALID', 'Ngày sinh ở tương lai.', 'The date of birth is in the future.'));
  }

  const gender = GENDERS[fold(c.gender ?? '')];
  if (!gender) {
    problems.push(
      finding('ROW_GENDER_INVALID', 'Giới tính phải là Nam hoặc Nữ.', 'Gender must be Nam (male) or Nữ (female).'),
    );
  }

  const id = checkIdentityNumber(c.personalId ?? '', {
    dateOfBirth: dob.ok ? dob.iso : undefined,
    gender,
  });
  if (!id.ok) {
    problems.push(id.finding);
    identityProblem = true;
  }

  const categoryCode = (c.categoryCode ?? '').toUpperCase();
  if (!CATEGORY_CODES.has(categoryCode)) {
    problems.push(
      finding(
        'ROW_CATEGORY_UNKNOWN',
        'Mã đối tượng không có trong danh mục (Nghị định 20/2021/NĐ-CP).',
        'Unknown category code (Decree 20/2021/NĐ-CP).',
      ),
    );
  }

  const decision = parseListDate(c.decisionDate ?? '');
  if (!decision.ok) {
    problems.push(
      finding(
        'ROW_DECISION_DATE_INVALID',
        `Thiếu ngày quyết định hoặc không phải một ngày hợp lệ; ${ACCEPTED_DATE_FORMS.vi}.`,
        `The decision date is missing or not a valid date; ${ACCEPTED_DATE_FORMS.en}.`,
      ),
    );
  } else if (decision.iso > ctx.today || (dob.ok && decision.iso < dob.iso)) {
    problems.push(
      finding(
        'ROW_DECISION_DATE_INVALID',
        'Ngày quyết định sau ngày hôm nay hoặc trước ngày sinh.',
        'The decision date is in the future or before the date of birth.',
      ),
    );
  }

  const paymentMethod = paymentMethodOf(c.paymentMethod ?? '');
  const bankBin = c.bankBin ?? '';
  const accountNumber = dropTextPrefix(c.accountNumber ?? '').replace(/[\s.-]/g, '');
  if (!paymentMethod) {
    problems.push(
      finding(
        'ROW_PAYMENT_METHOD_INVALID',
        'Phương thức nhận phải là "Ngân hàng" hoặc "Bưu điện".',
        'Payment method must be "Ngân hàng" (bank) or "Bưu điện" (post office).',
      ),
    );
  } else if (paymentMethod === 'BANK') {
    if (!BANK_BINS.has(bankBin)) {
      problems.push(
        finding(
          'ROW_BANK_UNKNOWN',
          'Mã ngân hàng (BIN NAPAS 6 số) không có trong danh sách.',
          'Bank BIN (6-digit NAPAS) is not in the bank list.',
        ),
      );
    }
    if (!/^[0-9A-Za-z]{4,19}$/.test(accountNumber)) {
      problems.push(
        finding(
          'ROW_ACCOUNT_INVALID',
          'Số tài khoản phải có 4 đến 19 chữ số hoặc chữ cái (chuẩn VietQR).',
          'Account number must be 4 to 19 letters or digits (VietQR).',
        ),
      );
    }
  }

  const communeCode = c.communeCode ?? '';
  if (!/^\d{5}$/.test(communeCode)) {
    problems.push(
      finding(
        'ROW_COMMUNE_INVALID',
        'Mã xã phải có 5 chữ số (danh mục 2025).',
        'Commune code must be 5 digits (2025 list).',
      ),
    );
  }

  const flags: Finding[] = [];
  const phone = dropTextPrefix(c.phone ?? '').replace(/[\s.-]/g, '');
  if (phone && !/^(0|\+?84)\d{9}$/.test(phone)) {
    flags.push(
      finding(
        'ROW_PHONE_INVALID',
        'Số điện thoại không đúng định dạng (bỏ qua).',
        'Phone number looks invalid (ignored).',
      ),
    );
  }

  if (problems.length || !id.ok || !dob.ok || !decision.ok || !gender || !paymentMethod) {
    return {
      ok: false,
      verdict: {
        line: row.line,
        outcome: identityProblem ? 'INVALID_IDENTITY_NUMBER' : 'INVALID_ROW',
        findings: problems,
        flags,
      },
    };
  }
  return {
    ok: true,
    flags,
    candidate: {
      line: row.line,
      personalId: id.personalId,
      fullName,
      dateOfBirth: dob.iso,
      gender,
      categoryCode,
      decisionDate: decision.iso,
      paymentMethod,
      ...(paymentMethod === 'BANK' ? { bankBin, accountNumber } : {}),
      communeCode,
      ...(phone && !flags.length ? { phone } : {}),
    },
  };
}

export const DUPLICATE_IN_FILE = (firstLine: number): Finding =>
  finding(
    'DUPLICATE_IN_FILE',
    `Số định danh cá nhân đã xuất hiện ở dòng ${firstLine} của tệp.`,
    `The identity number already appears on line ${firstLine} of the file.`,
  );
