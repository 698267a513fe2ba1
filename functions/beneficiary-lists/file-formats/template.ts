/**
 * The documented beneficiary-list template: columns in order, their Vietnamese header, accepted aliases
 * (English and common variants) and whether each is required; header matching; the downloadable template
 * files (CSV and XLSX).
 */
import type { ListField, RawRow } from '../../../schemas/beneficiary-lists.js';
import type { PhysicalRecord } from '../../codecs/csv.js';
import { fileErrors } from '../../codecs/errors.js';
import type { ListLimits } from '../../codecs/limits.js';
import { toCsv, writeXlsxBytes } from '../../codecs/writers.js';

export interface TemplateColumn {
  field: ListField;
  /** Header as written in the template (Vietnamese). */
  vi: string;
  /** English name, used in messages. */
  en: string;
  /** Other headers accepted for this column (matched like the Vietnamese one). */
  aliases: readonly string[];
  required: boolean;
  kind: 'text' | 'number' | 'date';
  width: number;
}

export const TEMPLATE_COLUMNS: readonly TemplateColumn[] = [
  {
    field: 'stt',
    vi: 'STT',
    en: 'No.',
    aliases: ['Số TT', 'Số thứ tự', 'TT', 'No', 'Number', 'Row'],
    required: false,
    kind: 'number',
    width: 6,
  },
  {
    field: 'fullName',
    vi: 'Họ và tên',
    en: 'Full name',
    aliases: ['Họ tên', 'Full name', 'Name'],
    required: true,
    kind: 'text',
    width: 28,
  },
  {
    field: 'dateOfBirth',
    vi: 'Ngày sinh',
    en: 'Date of birth',
    aliases: ['Ngày tháng năm sinh', 'Date of birth', 'Birth date', 'DOB'],
    required: true,
    kind: 'text',
    width: 14,
  },
  {
    field: 'gender',
    vi: 'Giới tính',
    en: 'Gender',
    aliases: ['Gender', 'Sex'],
    required: true,
    kind: 'text',
    width: 10,
  },
  {
    field: 'personalId',
    vi: 'Số định danh cá nhân',
    en: 'Personal ID',
    aliases: [
      'Personal ID',
      'Identity number',
      'CCCD',
      'Số CCCD',
      'Số căn cước',
      'Số căn cước công dân',
      'Personal identification number',
      'ID number',
    ],
    required: true,
    kind: 'text',
    width: 18,
  },
  {
    field: 'categoryCode',
    vi: 'Mã đối tượng',
    en: 'Category code',
    aliases: ['Category code', 'Category'],
    required: true,
    kind: 'text',
    width: 18,
  },
  {
    field: 'decisionDate',
    vi: 'Ngày quyết định',
    en: 'Decision date',
    aliases: ['Decision date', 'Ngày QĐ'],
    required: true,
    kind: 'text',
    width: 16,
  },
  {
    field: 'paymentMethod',
    vi: 'Phương thức nhận',
    en: 'Payment method',
    aliases: ['Payment method', 'Hình thức nhận', 'Hình thức chi trả'],
    required: true,
    kind: 'text',
    width: 16,
  },
  {
    field: 'bankBin',
    vi: 'Mã ngân hàng',
    en: 'Bank BIN',
    aliases: ['Bank BIN', 'NAPAS BIN', 'BIN', 'Bank code'],
    required: false,
    kind: 'text',
    width: 14,
  },
  {
    field: 'accountNumber',
    vi: 'Số tài khoản',
    en: 'Account number',
    aliases: ['Account number', 'Account no', 'STK'],
    required: false,
    kind: 'text',
    width: 20,
  },
  {
    field: 'communeCode',
    vi: 'Mã xã',
    en: 'Commune code',
    aliases: ['Commune code', 'Mã xã, phường', 'Mã đơn vị hành chính cấp xã'],
    required: true,
    kind: 'text',
    width: 10,
  },
  {
    field: 'phone',
    vi: 'Số điện thoại',
    en: 'Phone',
    aliases: ['Phone', 'Phone number', 'Điện thoại', 'SĐT'],
    required: false,
    kind: 'text',
    width: 14,
  },
];

/** Rows searched for the header (title rows such as "DANH SÁCH ĐỐI TƯỢNG ..." may precede it). */
export const HEADER_SEARCH_ROWS = 20;

/**
 * A header key: NFD, combining marks removed, Đ/đ → d (it does not decompose), lower case, a trailing
 * parenthesised note dropped ("Số định danh cá nhân (12 số)"), everything but letters and digits removed.
 */
export function headerKey(text: string): string {
  let s = text.normalize('NFC').trim();
  // Drop trailing parenthesised/bracketed notes, possibly several: "Ngày sinh (dd/mm/yyyy) [*]".
  for (;;) {
    const next = s.replace(/\s*[([][^()[\]]*[)\]]\s*$/u, '');
    if (next === s || next === '') break;
    s = next;
  }
  s = s.replace(/\*+\s*$/u, ''); // "Họ và tên *" marks a required column
  return s
    .replace(/[Đđ]/g, 'd')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}

const KEY_TO_FIELD: ReadonlyMap<string, ListField> = (() => {
  const map = new Map<string, ListField>();
  for (const col of TEMPLATE_COLUMNS) {
    for (const h of [col.vi, col.en, col.field, ...col.aliases]) {
      const k = headerKey(h);
      const prior = map.get(k);
      if (prior && prior !== col.field) throw new Error(`template alias clash: ${h}`);
      map.set(k, col.field);
    }
  }
  return map;
})();

export const COLUMN_BY_FIELD: ReadonlyMap<ListField, TemplateColumn> = new Map(
  TEMPLATE_COLUMNS.map((c) => [c.field, c]),
);

/** The field a header cell names, if any. */
export function fieldForHeader(text: string): ListField | undefined {
  const k = headerKey(text);
  return k === '' ? undefined : KEY_TO_FIELD.get(k);
}

export interface HeaderMapping {
  /** Record (1-based) holding the header. */
  line: number;
  /** Field per column index; undefined for ignored columns. */
  columns: (ListField | undefined)[];
  /** Non-empty headers that name no template column (ignored; report as a warning). */
  unknown: string[];
}

/** Maps one header record, or throws HEADER_DUPLICATE / HEADER_REQUIRED_MISSING. */
export function mapHeader(cells: readonly string[], line: number): HeaderMapping {
  const columns: (ListField | undefined)[] = [];
  const unknown: string[] = [];
  const seen = new Map<ListField, string[]>();
  cells.forEach((cell, i) => {
    const field = fieldForHeader(cell);
    columns[i] = field;
    if (field) seen.set(field, [...(seen.get(field) ?? []), cell.trim()]);
    else if (cell.trim() !== '') unknown.push(cell.trim());
  });
  const dups = [...seen.entries()].filter(([, hs]) => hs.length > 1);
  if (dups.length > 0) {
    throw fileErrors.headerDuplicate(
      dups.map(([f, headers]) => {
        const c = COLUMN_BY_FIELD.get(f) as TemplateColumn;
        return { vi: c.vi, en: c.en, headers };
      }),
      line,
    );
  }
  const missing = TEMPLATE_COLUMNS.filter((c) => c.required && !seen.has(c.field));
  if (missing.length > 0) {
    throw fileErrors.headerRequiredMissing(
      missing.map((c) => ({ field: c.field, vi: c.vi, en: c.en })),
      line,
    );
  }
  return { line, columns, unknown };
}

/** A record is taken as the header when it names at least this many template columns. */
const HEADER_MIN_MATCHES = 3;

function countMatches(cells: readonly string[]): number {
  const fields = new Set<ListField>();
  for (const c of cells) {
    const f = fieldForHeader(c);
    if (f) fields.add(f);
  }
  return fields.size;
}

/** Score used by delimiter detection: how many template columns the best record among these names. */
export function bestHeaderScore(records: readonly (readonly string[])[]): number {
  let best = 0;
  for (const r of records.slice(0, HEADER_SEARCH_ROWS)) best = Math.max(best, countMatches(r));
  return best;
}

export interface ReadOptions {
  /** Called once the header row is found (unknown columns are a warning for the officer). */
  onHeader?: (header: HeaderMapping) => void;
}

/**
 * Turns physical records into RawRows: finds the header within the first HEADER_SEARCH_ROWS non-empty
 * records, maps columns, trims cells, skips rows whose cells are all empty and enforces maxRows.
 */
export async function* recordsToRows(
  records: AsyncIterable<PhysicalRecord>,
  limits: Pick<ListLimits, 'maxRows'>,
  options: ReadOptions = {},
): AsyncGenerator<RawRow> {
  let header: HeaderMapping | undefined;
  let searched = 0;
  let rows = 0;
  let sawAny = false;
  for await (const rec of records) {
    const cells = rec.cells.map((c) => c.trim());
    if (cells.every((c) => c === '')) continue;
    sawAny = true;
    if (!header) {
      searched++;
      if (countMatches(cells) >= HEADER_MIN_MATCHES) {
        header = mapHeader(cells, rec.line);
        options.onHeader?.(header);
      } else if (searched >= HEADER_SEARCH_ROWS) {
        throw fileErrors.headerMissing(HEADER_SEARCH_ROWS);
      }
      continue;
    }
    const out: RawRow['cells'] = {};
    let any = false;
    header.columns.forEach((field, i) => {
      if (!field) return;
      const v = cells[i] ?? '';
      if (v !== '') any = true;
      out[field] = v;
    });
    if (!any) continue; // only ignored columns had content
    if (++rows > limits.maxRows) throw fileErrors.tooManyRows(limits.maxRows);
    yield { line: rec.line, cells: out };
  }
  if (!sawAny) throw fileErrors.empty();
  if (!header) throw fileErrors.headerMissing(HEADER_SEARCH_ROWS);
}

/** Two synthetic people from the shared test population, as the template's example rows. */
export const TEMPLATE_EXAMPLES: readonly (readonly string[])[] = [
  [
    '1',
    'Nguyễn Thu Minh Yến',
    '27/05/1932',
    'Nữ',
    '079132108434',
    'NCT_80',
    '15/07/2025',
    'Bưu điện',
    '',
    '',
    '26734',
    '0912345678',
  ],
  [
    '2',
    'Bùi Xuân Nghĩa',
    '10/10/2016',
    'Nam',
    '051216975805',
    'TE_4_16',
    '01/08/2025',
    'Ngân hàng',
    '970436',
    '1023456789',
    '21244',
    '',
  ],
];

/** The template as CSV: UTF-8 with BOM, CRLF, comma; the identity number quoted as text. */
export function templateCsv(): string {
  const header = TEMPLATE_COLUMNS.map((c) => c.vi);
  const idIdx = TEMPLATE_COLUMNS.findIndex((c) => c.field === 'personalId');
  return toCsv([header, ...TEMPLATE_EXAMPLES.map((r) => [...r])], { alwaysQuoteColumns: [idIdx] });
}

export const GUIDE_SHEET_NAME = 'Hướng dẫn';

/** Accepted values, for the guide sheet. */
export const ACCEPTED_VALUES: Partial<Record<ListField, string>> = {
  gender: 'Nam / Nữ / M / F',
  paymentMethod: 'Ngân hàng / Bưu điện / BANK / POST_OFFICE',
  dateOfBirth:
    'dd/mm/yyyy (ví dụ 27/05/1932), d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy, yyyy-mm-dd, có thể kèm giờ (5/1/1930 0:00), ' +
    'hoặc ô kiểu Ngày của Excel',
  decisionDate:
    'dd/mm/yyyy (ví dụ 15/07/2025), d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy, yyyy-mm-dd, có thể kèm giờ (15/7/2025 0:00), ' +
    'hoặc ô kiểu Ngày của Excel',
  personalId: '12 chữ số, định dạng Văn bản (Text) để giữ số 0 đầu / 12 digits, Text format to keep leading zeros',
  bankBin: '6 chữ số NAPAS BIN (ví dụ 970436 Vietcombank); bắt buộc khi nhận qua ngân hàng',
  accountNumber: 'Tối đa 19 ký tự chữ/số; bắt buộc khi nhận qua ngân hàng',
  communeCode: '5 chữ số (mã xã theo Quyết định 19/2025/QĐ-TTg)',
  categoryCode:
    'Mã nhóm đối tượng, ví dụ NCT_80, TE_4_16, KT_NANG; tuổi vào ngày quyết định (theo ngày sinh trong CSDL dân cư) ' +
    'phải thuộc độ tuổi của nhóm / the age on the decision date (registry birth date) must fit the group',
  stt: 'Số thứ tự (không bắt buộc)',
  phone: 'Không bắt buộc',
  fullName: 'Họ và tên đầy đủ, có dấu',
};

/** The template as XLSX: the list sheet (identity number column formatted as Text "@") and a guide sheet. */
export function templateXlsx(): Uint8Array {
  return writeXlsxBytes([
    {
      name: 'Danh sách',
      columns: TEMPLATE_COLUMNS.map((c) => ({ header: c.vi, width: c.width, kind: c.kind })),
      rows: TEMPLATE_EXAMPLES.map((r) =>
        r.map((v, i) => (TEMPLATE_COLUMNS[i]?.kind === 'number' && v !== '' ? Number(v) : v)),
      ),
    },
    {
      name: GUIDE_SHEET_NAME,
      columns: [
        { header: 'Cột / Column', width: 24, kind: 'text' },
        { header: 'Tiếng Anh / English', width: 22, kind: 'text' },
        { header: 'Bắt buộc / Required', width: 14, kind: 'text' },
        { header: 'Tên cột khác được chấp nhận / Accepted aliases', width: 50, kind: 'text' },
        { header: 'Giá trị / Values', width: 70, kind: 'text' },
      ],
      rows: TEMPLATE_COLUMNS.map((c) => [
        c.vi,
        c.en,
        c.required ? 'Có / Yes' : 'Không / No',
        c.aliases.join('; '),
        ACCEPTED_VALUES[c.field] ?? '',
      ]),
    },
  ]);
}
