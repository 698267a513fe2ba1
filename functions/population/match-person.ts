/**
 * A candidate beneficiary against the population registry's record of that identity number. Pure: no I/O.
 *
 * Outcome precedence (decided here, tested in test/unit/population/match-person.test.ts):
 *   1. NOT_IN_REGISTRY — no record for the number.
 *   2. DECEASED — wins over every mismatch, because paying a dead person is the worst error and the row must
 *      never be paid whatever else is wrong; the other mismatches are still listed in `findings` after it.
 *   3. NAME_MISMATCH / NAME_REVIEW (from compareNames), then DATE_OF_BIRTH_MISMATCH, then GENDER_MISMATCH —
 *      the order of ROW_OUTCOMES; `findings` lists every mismatch found, the outcome is the first.
 *   4. ACCEPTED.
 * Flags never reject: RESIDENT_OUTSIDE_JURISDICTION when the registry's province of residence (today's
 * 2-digit code) differs from the uploader's. Jurisdiction is never derived from the identity number, whose
 * prefix is where the birth was registered.
 *
 * Messages: Vietnamese first, English alongside; never the identity number, never a name (only that the full
 * name differs). Dates of birth and death are shown, as dd/mm/yyyy, because the officer must compare them.
 */
import type { CandidateBeneficiary, RowOutcome } from '../../schemas/beneficiary-lists.js';
import type { Finding } from '../../schemas/messages.js';
import type { RegistryPerson } from '../../schemas/population-registry.js';
import { formatDateVi } from '../shared/vi-format.js';
import { provinceName2025 } from './identity-number.js';
import { compareNames } from './person-name.js';

export interface MatchContext {
  /** Today's 2-digit province code of the uploading department; omit for no jurisdiction check. */
  uploaderProvince?: string;
}

export interface MatchResult {
  outcome: RowOutcome;
  findings: Finding[];
  flags: Finding[];
}

export const MATCH_FINDING_CODES = [
  'NOT_IN_REGISTRY',
  'DECEASED',
  // Name findings keep compareNames' codes: NAME_MISMATCH, NAME_DIACRITIC_MISMATCH, NAME_NO_DIACRITICS_REVIEW,
  // NAME_MISSING.
  'DATE_OF_BIRTH_MISMATCH',
  'GENDER_MISMATCH',
] as const;
export const MATCH_FLAG_CODES = ['RESIDENT_OUTSIDE_JURISDICTION'] as const;

const PROVINCE = /^\d{2}$/;

export { formatDateVi };

function provinceLabel(code: string): string {
  const name = provinceName2025(code);
  return name ? `${name} (${code})` : code;
}

const GENDER_VI = { M: 'nam', F: 'nữ' } as const;
const GENDER_EN = { M: 'male', F: 'female' } as const;

export function matchPerson(
  candidate: CandidateBeneficiary,
  registry: RegistryPerson | null,
  ctx: MatchContext = {},
): MatchResult {
  if (ctx.uploaderProvince !== undefined && !PROVINCE.test(ctx.uploaderProvince)) {
    // A 3-digit code here would be an identity-number (birth registration) code: a caller bug.
    throw new RangeError('uploaderProvince must be a 2-digit province code (2025 units)');
  }
  if (registry === null) {
    return {
      outcome: 'NOT_IN_REGISTRY',
      findings: [
        {
          code: 'NOT_IN_REGISTRY',
          message: {
            vi:
              'Số định danh cá nhân không có trong cơ sở dữ liệu quốc gia về dân cư. Hãy đối chiếu lại số với thẻ ' +
              'căn cước của người hưởng.',
            en:
              'The personal identification number is not in the national population database. Check the number ' +
              "against the beneficiary's identity card.",
          },
        },
      ],
      flags: [],
    };
  }
  if (registry.personalId !== candidate.personalId) {
    throw new RangeError('The registry record is for a different identity number');
  }

  const findings: Finding[] = [];
  let outcome: RowOutcome | undefined;
  const first = (o: RowOutcome) => {
    outcome ??= o;
  };

  if (registry.status === 'deceased') {
    first('DECEASED');
    const when = registry.dateOfDeath ? formatDateVi(registry.dateOfDeath) : undefined;
    findings.push({
      code: 'DECEASED',
      message: {
        vi:
          (when
            ? `Theo cơ sở dữ liệu quốc gia về dân cư, người này đã mất ngày ${when}. `
            : 'Theo cơ sở dữ liệu quốc gia về dân cư, người này đã mất (không rõ ngày mất). ') +
          'Không được chi trả; nếu thông tin này sai, cần xác minh với công an xã.',
        en:
          (when
            ? `According to the national population database, this person died on ${when}. `
            : 'According to the national population database, this person has died (date of death unknown). ') +
          'Do not pay; if this is wrong, it must be verified with the commune police.',
      },
    });
  }

  const name = compareNames(candidate.fullName, registry.fullName);
  if (name.verdict !== 'MATCH') {
    first(name.verdict === 'MISMATCH' ? 'NAME_MISMATCH' : 'NAME_REVIEW');
    findings.push(name.finding);
  }

  if (candidate.dateOfBirth !== registry.dateOfBirth) {
    first('DATE_OF_BIRTH_MISMATCH');
    const declared = formatDateVi(candidate.dateOfBirth);
    const recorded = formatDateVi(registry.dateOfBirth);
    findings.push({
      code: 'DATE_OF_BIRTH_MISMATCH',
      message: {
        vi: `Ngày sinh khai báo ${declared} khác ngày sinh trong cơ sở dữ liệu quốc gia về dân cư ${recorded}.`,
        en: `The declared date of birth ${declared} differs from the date of birth in the national population database, ${recorded}.`,
      },
    });
  }

  if (candidate.gender !== registry.gender) {
    first('GENDER_MISMATCH');
    findings.push({
      code: 'GENDER_MISMATCH',
      message: {
        vi: `Giới tính khai báo là ${GENDER_VI[candidate.gender]}, nhưng trong cơ sở dữ liệu quốc gia về dân cư là ${GENDER_VI[registry.gender]}.`,
        en: `The declared gender is ${GENDER_EN[candidate.gender]}, but the national population database records ${GENDER_EN[registry.gender]}.`,
      },
    });
  }

  const flags: Finding[] = [];
  if (ctx.uploaderProvince !== undefined && registry.residenceProvinceCode !== ctx.uploaderProvince) {
    const lives = provinceLabel(registry.residenceProvinceCode);
    const here = provinceLabel(ctx.uploaderProvince);
    flags.push({
      code: 'RESIDENT_OUTSIDE_JURISDICTION',
      message: {
        vi:
          `Theo cơ sở dữ liệu quốc gia về dân cư, người này cư trú tại ${lives}, ngoài địa bàn ${here} của đơn vị ` +
          'lập danh sách. Cần kiểm tra người này có thuộc diện do địa phương chi trả không (dòng này không bị loại).',
        en:
          `According to the national population database, this person resides in ${lives}, outside ${here}, ` +
          'the jurisdiction of the uploading department. Check that this locality should pay them (the row is ' +
          'not rejected).',
      },
    });
  }

  return { outcome: outcome ?? 'ACCEPTED', findings, flags };
}
