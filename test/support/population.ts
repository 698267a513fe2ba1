/** The synthetic population the local registry serves by default, for tests that build beneficiary lists. */
import { DEFAULT_POPULATION, populationLines } from '../../infra/local/population-registry/population-index.js';

export interface Citizen {
  personalId: string;
  fullName: string;
  dateOfBirth: string;
  gender: 'M' | 'F';
  status: 'alive' | 'deceased';
  dateOfDeath?: string;
  residenceProvinceCode: string;
}

/** The first `limit` people of the population the registry serves (generated, the same every time). */
export function loadPopulation(limit = Number.POSITIVE_INFINITY): Citizen[] {
  const lines = populationLines(Math.min(limit, DEFAULT_POPULATION.count), DEFAULT_POPULATION.seed);
  lines.next(); // the header
  const people: Citizen[] = [];
  for (const line of lines) {
    const [personalId, fullName, dateOfBirth, gender, status, dateOfDeath, residenceProvinceCode] = line.split(',');
    people.push({
      personalId: personalId ?? '',
      fullName: fullName ?? '',
      dateOfBirth: dateOfBirth ?? '',
      gender: gender === 'F' ? 'F' : 'M',
      status: status === 'deceased' ? 'deceased' : 'alive',
      ...(dateOfDeath ? { dateOfDeath } : {}),
      residenceProvinceCode: residenceProvinceCode ?? '',
    });
  }
  return people;
}

export const dmy = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

export const LIST_HEADER = [
  'STT',
  'Họ và tên',
  'Ngày sinh',
  'Giới tính',
  'Số định danh cá nhân',
  'Mã đối tượng',
  'Ngày quyết định',
  'Phương thức nhận',
  'Mã ngân hàng',
  'Số tài khoản',
  'Mã xã',
  'Số điện thoại',
];

/** A list row as an office would type it for this citizen. */
export function listRow(c: Citizen, i: number, overrides: Partial<Record<string, string>> = {}): string[] {
  const byBank = i % 3 !== 0;
  const row: Record<string, string> = {
    stt: String(i + 1),
    fullName: c.fullName,
    dateOfBirth: dmy(c.dateOfBirth),
    gender: c.gender === 'M' ? 'Nam' : 'Nữ',
    personalId: c.personalId,
    category: 'NCT_80',
    decisionDate: '15/03/2025',
    method: byBank ? 'Ngân hàng' : 'Bưu điện',
    bin: byBank ? '970436' : '',
    account: byBank ? `00${String(1000000000 + i)}` : '',
    commune: '26734',
    phone: '0912345678',
    ...overrides,
  };
  return [
    row.stt,
    row.fullName,
    row.dateOfBirth,
    row.gender,
    row.personalId,
    row.category,
    row.decisionDate,
    row.method,
    row.bin,
    row.account,
    row.commune,
    row.phone,
  ].map((v) => v ?? '');
}

/** CSV as Excel saves "CSV UTF-8": BOM, CRLF, quotes where needed. */
export function toExcelCsv(rows: string[][]): string {
  const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return `\uFEFF${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}
