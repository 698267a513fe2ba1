/**
 * Beneficiary lists built from the synthetic population with KNOWN injected defects. Each row's expected
 * outcome is decided here, from the population and the defect injected, never by the code under test: the
 * rules restated are those of the domain reference (identity-number structure, name equivalences).
 */
import { readFileSync } from 'node:fs';
import { ageAtDecision, bandedCategoryForAge, LIST_DECISION_DATE } from './categories.js';
import { type Citizen, dmy, LIST_HEADER, listRow } from './population.js';

export const DEFECT_KINDS = [
  'accepted_plain',
  'accepted_upper_spaces',
  'accepted_nfd',
  'accepted_tone',
  // Cells as spreadsheets write them: invisible characters and NBSP in the name, the keep-as-text apostrophe
  // on the numbers, dates with a time part.
  'accepted_invisible_chars',
  'accepted_apostrophe_numbers',
  'accepted_date_with_time',
  // Ages: a category the registry age does not fit; the 80th birthday the day after / on the decision date.
  'age_ineligible',
  'age_edge_day_before_80',
  'age_edge_on_80th_birthday',
  'name_mismatch_u_horn',
  'name_mismatch_o_horn',
  'name_mismatch_a_circumflex',
  'name_mismatch_a_breve',
  'name_mismatch_d_stroke',
  'name_review_no_diacritics',
  'dob_mismatch',
  'deceased',
  'not_in_registry',
  'duplicate_in_file',
  'id_leading_zero_lost',
  'id_old_cmnd',
  'id_gender_digit',
  'invalid_category',
  'invalid_date',
  'invalid_name_missing',
  'invalid_commune',
  'invalid_bank_bin',
  'already_enrolled',
] as const;
export type DefectKind = (typeof DEFECT_KINDS)[number];

export interface ExpectedRow {
  line: number;
  kind: DefectKind;
  outcome: string;
  /** A finding code the row must carry (none for ACCEPTED). */
  code?: string;
  /** RESIDENT_OUTSIDE_JURISDICTION expected. */
  flagged: boolean;
  personalId: string;
}

export interface GeneratedList {
  /** Header first, then the data rows in file order (line = index + 1). */
  rows: string[][];
  expected: ExpectedRow[];
  /** Accepted citizens (to enrol them, or check accounts). */
  accepted: Citizen[];
}

// Read from the data file itself, not through the module under test.
const ID_PROVINCES = new Set(
  Object.keys(
    (
      JSON.parse(
        readFileSync(new URL('../../functions/population/data/id-province-codes.json', import.meta.url), 'utf8'),
      ) as { codes: Record<string, string> }
    ).codes,
  ),
);

/** Tone-placement twins (README: "Hòa"/"Hoà", "Thủy"/"Thuỷ", "Thúy"/"Thuý", "Khỏe"/"Khoẻ"). */
const TONE_TWINS: Record<string, string> = {
  Hòa: 'Hoà',
  Hoà: 'Hòa',
  Thủy: 'Thuỷ',
  Thuỷ: 'Thủy',
  Thúy: 'Thuý',
  Thuý: 'Thúy',
  Khỏe: 'Khoẻ',
  Khoẻ: 'Khỏe',
};

/** Quality marks removed one letter at a time, in NFD (the tone mark, if any, stays). */
const MARK_DROPS: Record<string, { test: RegExp; drop: (nfd: string) => string }> = {
  name_mismatch_u_horn: { test: /[uU]\u031B/, drop: (s) => s.replace(/([uU])\u031B/, '$1') },
  name_mismatch_o_horn: { test: /[oO]\u031B/, drop: (s) => s.replace(/([oO])\u031B/, '$1') },
  name_mismatch_a_circumflex: { test: /[aA]\u0302/, drop: (s) => s.replace(/([aA])\u0302/, '$1') },
  name_mismatch_a_breve: { test: /[aA]\u0306/, drop: (s) => s.replace(/([aA])\u0306/, '$1') },
  name_mismatch_d_stroke: { test: /[đĐ]/, drop: (s) => s.replace(/đ/, 'd').replace(/^([^đ]*)Đ/, '$1D') },
};

const stripAll = (s: string) =>
  s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').normalize('NFC');
const hasNonAscii = (s: string) => /[^\x20-\x7e]/.test(s);

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A citizen the generator can use as-is: structure consistent with the README (12 digits, known birth
 * province when the first digit is 0, digit 4 = gender and century, digits 5-6 = year), born before the
 * decision date the rows carry, a plain name of letters and spaces.
 */
export function isClean(c: Citizen): boolean {
  const id = c.personalId;
  if (!/^\d{12}$/.test(id)) return false;
  if (id[0] === '0' && !ID_PROVINCES.has(id.slice(0, 3))) return false;
  const d4 = Number(id[3]);
  if ((d4 % 2 === 0 ? 'M' : 'F') !== c.gender) return false;
  const year = Number(c.dateOfBirth.slice(0, 4));
  if (1900 + Math.floor(d4 / 2) * 100 !== Math.floor(year / 100) * 100) return false;
  if (id.slice(4, 6) !== c.dateOfBirth.slice(2, 4)) return false;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(c.dateOfBirth) || c.dateOfBirth >= '2025-01-01') return false;
  const name = c.fullName;
  return (
    name.length > 0 && name.length <= 100 && /^[\p{L}]+( [\p{L}]+)*$/u.test(name) && name === name.normalize('NFC')
  );
}

export class ListGenerator {
  private readonly random: () => number;
  private readonly used = new Set<string>();
  private readonly allIds: Set<string>;
  private readonly alive: Citizen[];
  private readonly deceased: Citizen[];
  private cursorAlive = 0;
  private cursorDeceased = 0;
  private serial = 0;

  constructor(
    population: Citizen[],
    readonly uploaderProvince = '79',
    seed = 20250701,
  ) {
    this.random = rng(seed);
    this.allIds = new Set(population.map((p) => p.personalId));
    const clean = population.filter(isClean);
    this.alive = this.shuffle(clean.filter((p) => p.status === 'alive'));
    this.deceased = this.shuffle(clean.filter((p) => p.status === 'deceased'));
  }

  private shuffle<T>(xs: T[]): T[] {
    const a = [...xs];
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [a[i], a[j]] = [a[j] as T, a[i] as T];
    }
    return a;
  }

  /** The next unused alive citizen satisfying `pred` (scans the shuffled pool). */
  private take(pred: (c: Citizen) => boolean = () => true, pool: 'alive' | 'deceased' = 'alive'): Citizen {
    const list = pool === 'alive' ? this.alive : this.deceased;
    const start = pool === 'alive' ? this.cursorAlive : this.cursorDeceased;
    for (let i = start; i < list.length; i++) {
      const c = list[i] as Citizen;
      if (this.used.has(c.personalId) || !pred(c)) continue;
      this.used.add(c.personalId);
      // Advance the cursor past a dense prefix of used people.
      if (i === start) {
        if (pool === 'alive') this.cursorAlive = i + 1;
        else this.cursorDeceased = i + 1;
      }
      return c;
    }
    throw new Error(`population has no more ${pool} citizens for this defect`);
  }

  private unknownIdLike(c: Citizen): string {
    for (;;) {
      const tail = String(Math.floor(this.random() * 1_000_000)).padStart(6, '0');
      const id = `${c.personalId.slice(0, 6)}${tail}`;
      if (!this.allIds.has(id) && !this.used.has(id)) {
        this.used.add(id);
        return id;
      }
    }
  }

  private flag(c: Citizen): boolean {
    return c.residenceProvinceCode !== this.uploaderProvince;
  }

  /**
   * One list: `plan` says how many rows of each defect; `enrolled` are citizens an earlier list enrolled
   * (needed for already_enrolled). Rows are shuffled; each duplicate comes after its first occurrence.
   */
  build(plan: Partial<Record<DefectKind, number>>, enrolled: Citizen[] = []): GeneratedList {
    type Entry = Omit<ExpectedRow, 'line'> & { citizen: Citizen; overrides: Record<string, string> };
    const entries: Entry[] = [];
    const add = (kind: DefectKind, citizen: Citizen, e: Partial<Entry> & Pick<Entry, 'outcome'>) =>
      entries.push({
        kind,
        citizen,
        overrides: {},
        flagged: false,
        personalId: citizen.personalId,
        ...e,
      });
    const accepted = (kind: DefectKind, c: Citizen, overrides: Record<string, string> = {}) =>
      add(kind, c, { outcome: 'ACCEPTED', flagged: this.flag(c), overrides });

    for (const kind of DEFECT_KINDS) {
      const n = plan[kind] ?? 0;
      if (kind === 'duplicate_in_file' || n === 0) continue;
      for (let k = 0; k < n; k++) {
        switch (kind) {
          case 'accepted_plain':
            accepted(kind, this.take());
            break;
          case 'accepted_upper_spaces': {
            const c = this.take();
            accepted(kind, c, { fullName: ` ${c.fullName.toUpperCase().replace(/ /g, '  ')} ` });
            break;
          }
          case 'accepted_nfd': {
            const c = this.take((p) => p.fullName.normalize('NFD') !== p.fullName);
            accepted(kind, c, { fullName: c.fullName.normalize('NFD') });
            break;
          }
          case 'accepted_tone': {
            const c = this.take((p) => p.fullName.split(' ').some((w) => w in TONE_TWINS));
            const twin = c.fullName
              .split(' ')
              .map((w) => TONE_TWINS[w] ?? w)
              .join(' ');
            accepted(kind, c, { fullName: k % 2 ? twin.normalize('NFD') : twin });
            break;
          }
          case 'accepted_invisible_chars': {
            // U+FEFF inside the family name, U+200B inside the given name, NBSP between words: what copy-paste
            // from web pages and Word leaves; JavaScript's \s matches U+FEFF, so it must not split "Trần".
            const c = this.take((p) => /^\S{2,} .* \S{2,}$/.test(p.fullName));
            const words = c.fullName.split(' ');
            const first = words[0] as string;
            const last = words.at(-1) as string;
            words[0] = `${first.slice(0, 1)}\uFEFF${first.slice(1)}`;
            words[words.length - 1] = `${last.slice(0, -1)}\u200B${last.slice(-1)}`;
            accepted(kind, c, { fullName: words.join(k % 2 ? '\u00A0' : ' \u200C') });
            break;
          }
          case 'accepted_apostrophe_numbers': {
            const c = this.take();
            accepted(kind, c, {
              personalId: `'${c.personalId}`,
              method: 'Ngân hàng',
              bin: '970436',
              account: `'00${String(1_000_000_000 + this.serial + k)}`,
              phone: "'0912345678",
            });
            break;
          }
          case 'accepted_date_with_time': {
            const c = this.take();
            const [y, m, d] = c.dateOfBirth.split('-') as [string, string, string];
            const forms = [
              { dateOfBirth: `${Number(d)}/${Number(m)}/${y} 0:00`, decisionDate: '15/3/2025 0:00' },
              { dateOfBirth: `${d}/${m}/${y} 00:00:00`, decisionDate: '15/03/2025 00:00:00' },
              { dateOfBirth: `${c.dateOfBirth} 00:00:00`, decisionDate: '2025-03-15 00:00:00' },
            ];
            accepted(kind, c, forms[k % forms.length] as Record<string, string>);
            break;
          }
          case 'age_ineligible': {
            // A category the registry age cannot fit on the decision date: the elderly groups for people under
            // 60, a child's group for people 60 and over.
            const c = this.take();
            const age = ageAtDecision(c);
            const category = age < 60 ? (['NCT_80', 'NCT_NGHEO_80', 'NCT_NGHEO_60_80'][k % 3] as string) : 'TE_4_16';
            add(kind, c, {
              outcome: 'CATEGORY_AGE_MISMATCH',
              code: 'CATEGORY_AGE_MISMATCH',
              flagged: this.flag(c),
              overrides: { category },
            });
            break;
          }
          case 'age_edge_day_before_80':
          case 'age_edge_on_80th_birthday': {
            // The decision is signed on the 80th birthday (80: fits NCT_80) or the day before (79: does not).
            // Born by 1945-11 so that the birthday is in the past; 29 February left out (no such day in 2025).
            const c = this.take((p) => p.dateOfBirth <= '1945-11-30' && !p.dateOfBirth.endsWith('-02-29'));
            const birthday = `${Number(c.dateOfBirth.slice(0, 4)) + 80}${c.dateOfBirth.slice(4)}`;
            const dayBefore = new Date(Date.parse(`${birthday}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
            const on = kind === 'age_edge_on_80th_birthday';
            add(kind, c, {
              outcome: on ? 'ACCEPTED' : 'CATEGORY_AGE_MISMATCH',
              ...(on ? {} : { code: 'CATEGORY_AGE_MISMATCH' }),
              flagged: this.flag(c),
              overrides: { category: 'NCT_80', decisionDate: dmy(on ? birthday : dayBefore) },
            });
            break;
          }
          case 'name_mismatch_u_horn':
          case 'name_mismatch_o_horn':
          case 'name_mismatch_a_circumflex':
          case 'name_mismatch_a_breve':
          case 'name_mismatch_d_stroke': {
            const m = MARK_DROPS[kind] as (typeof MARK_DROPS)[string];
            const c = this.take((p) => m.test.test(p.fullName.normalize('NFD')));
            const declared = m.drop(c.fullName.normalize('NFD')).normalize('NFC');
            if (declared === c.fullName) throw new Error(`generator: ${kind} changed nothing`);
            // Different letters: a mismatch; unless no diacritic at all is left, which goes to review.
            const review = !hasNonAscii(declared);
            add(kind, c, {
              outcome: review ? 'NAME_REVIEW' : 'NAME_MISMATCH',
              code: review ? 'NAME_NO_DIACRITICS_REVIEW' : 'NAME_DIACRITIC_MISMATCH',
              flagged: this.flag(c),
              overrides: { fullName: declared },
            });
            break;
          }
          case 'name_review_no_diacritics': {
            const c = this.take((p) => hasNonAscii(p.fullName));
            add(kind, c, {
              outcome: 'NAME_REVIEW',
              code: 'NAME_NO_DIACRITICS_REVIEW',
              flagged: this.flag(c),
              overrides: { fullName: k % 2 ? stripAll(c.fullName).toUpperCase() : stripAll(c.fullName) },
            });
            break;
          }
          case 'dob_mismatch': {
            const c = this.take();
            const [y, m, d] = c.dateOfBirth.split('-') as [string, string, string];
            const day = d === '01' ? '02' : '01';
            add(kind, c, {
              outcome: 'DATE_OF_BIRTH_MISMATCH',
              code: 'DATE_OF_BIRTH_MISMATCH',
              flagged: this.flag(c),
              overrides: { dateOfBirth: `${day}/${m}/${y}` },
            });
            break;
          }
          case 'deceased': {
            const c = this.take(undefined, 'deceased');
            add(kind, c, { outcome: 'DECEASED', code: 'DECEASED', flagged: this.flag(c) });
            break;
          }
          case 'not_in_registry': {
            const c = this.take();
            const id = this.unknownIdLike(c);
            add(kind, c, {
              outcome: 'NOT_IN_REGISTRY',
              code: 'NOT_IN_REGISTRY',
              personalId: id,
              overrides: { personalId: id },
            });
            break;
          }
          case 'id_leading_zero_lost': {
            const c = this.take((p) => p.personalId.startsWith('0'));
            add(kind, c, {
              outcome: 'INVALID_IDENTITY_NUMBER',
              code: 'ID_LEADING_ZERO_LOST',
              overrides: { personalId: c.personalId.slice(1) },
            });
            break;
          }
          case 'id_old_cmnd': {
            const c = this.take();
            const cmnd = `${1 + Math.floor(this.random() * 3)}${String(Math.floor(this.random() * 1e8)).padStart(8, '0')}`;
            add(kind, c, { outcome: 'INVALID_IDENTITY_NUMBER', code: 'ID_OLD_CMND', overrides: { personalId: cmnd } });
            break;
          }
          case 'id_gender_digit': {
            const c = this.take();
            add(kind, c, {
              outcome: 'INVALID_IDENTITY_NUMBER',
              code: 'ID_GENDER_MISMATCH',
              overrides: { gender: c.gender === 'M' ? 'Nữ' : 'Nam' },
            });
            break;
          }
          case 'invalid_category':
            add(kind, this.take(), {
              outcome: 'INVALID_ROW',
              code: 'ROW_CATEGORY_UNKNOWN',
              overrides: { category: 'KHONG_CO' },
            });
            break;
          case 'invalid_date': {
            const c = this.take();
            add(kind, c, {
              outcome: 'INVALID_ROW',
              code: 'ROW_DOB_INVALID',
              overrides: { dateOfBirth: `31/02/${c.dateOfBirth.slice(0, 4)}` },
            });
            break;
          }
          case 'invalid_name_missing':
            add(kind, this.take(), { outcome: 'INVALID_ROW', code: 'ROW_NAME_MISSING', overrides: { fullName: '' } });
            break;
          case 'invalid_commune':
            add(kind, this.take(), {
              outcome: 'INVALID_ROW',
              code: 'ROW_COMMUNE_INVALID',
              overrides: { commune: '1234' },
            });
            break;
          case 'invalid_bank_bin':
            add(kind, this.take(), {
              outcome: 'INVALID_ROW',
              code: 'ROW_BANK_UNKNOWN',
              overrides: { method: 'Ngân hàng', bin: '999999', account: '0123456789' },
            });
            break;
          case 'already_enrolled': {
            const c = enrolled[k];
            if (!c) throw new Error('generator: not enough enrolled citizens for already_enrolled');
            add(kind, c, { outcome: 'ALREADY_ENROLLED', code: 'ALREADY_ENROLLED' });
            break;
          }
        }
      }
    }

    const order = this.shuffle(entries);
    const dups = plan.duplicate_in_file ?? 0;
    for (let k = 0; k < dups; k++) {
      const originals = order.map((e, i) => [e, i] as const).filter(([e]) => e.kind === 'accepted_plain');
      const [orig, at] = originals[Math.floor(this.random() * originals.length)] ?? [];
      if (!orig || at === undefined) throw new Error('generator: duplicates need accepted_plain rows');
      const pos = at + 1 + Math.floor(this.random() * (order.length - at));
      order.splice(pos, 0, {
        ...orig,
        kind: 'duplicate_in_file',
        outcome: 'DUPLICATE_IN_FILE',
        code: 'DUPLICATE_IN_FILE',
        flagged: false,
        // The file's own duplicate need not be the same row: another STT and account.
        overrides: { ...orig.overrides },
      });
      // A citizen duplicated twice is fine: every later occurrence is a duplicate of the first.
    }

    const rows: string[][] = [LIST_HEADER];
    const expected: ExpectedRow[] = [];
    const acceptedCitizens: Citizen[] = [];
    order.forEach((e, i) => {
      this.serial++;
      // A category that fits the registry age on the default decision date, unless the defect sets one.
      const category = bandedCategoryForAge(e.citizen.dateOfBirth, LIST_DECISION_DATE);
      rows.push(listRow(e.citizen, this.serial, { category, ...e.overrides }));
      rows[rows.length - 1]![0] = String(i + 1);
      expected.push({
        line: i + 2,
        kind: e.kind,
        outcome: e.outcome,
        ...(e.code ? { code: e.code } : {}),
        flagged: e.flagged,
        personalId: e.personalId,
      });
      if (e.outcome === 'ACCEPTED') acceptedCitizens.push(e.citizen);
    });
    return { rows, expected, accepted: acceptedCitizens };
  }
}

/** Counts per outcome of an expected list. */
export function countByOutcome(expected: readonly ExpectedRow[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of expected) out[e.outcome] = (out[e.outcome] ?? 0) + 1;
  return out;
}

/** Tab-separated UTF-16LE with BOM, CRLF: what Excel writes for "Unicode Text (*.txt)". */
export function toUnicodeText(rows: readonly (readonly string[])[]): Uint8Array {
  const text = `\uFEFF${rows.map((r) => r.join('\t')).join('\r\n')}\r\n`;
  return new Uint8Array(Buffer.from(text, 'utf16le'));
}

/** Semicolon CSV (Excel in locales whose decimal separator is a comma), UTF-8 with BOM. */
export function toSemicolonCsv(rows: readonly (readonly string[])[]): string {
  const cell = (v: string) => (/[";\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return `\uFEFF${rows.map((r) => r.map(cell).join(';')).join('\r\n')}\r\n`;
}
