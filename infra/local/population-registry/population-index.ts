/**
 * The local population registry's data: a population CSV
 * `personal_id,full_name,date_of_birth,gender,status,date_of_death,residence_province_code`
 * streamed into a compact in-memory index, and a deterministic generator of synthetic populations in the
 * same format (for benchmarks with millions of people).
 *
 * Layout, chosen to hold millions of people without millions of JS objects (no GC pressure, ~45-60 bytes
 * per person, see `byteLength`):
 * - an open-addressing hash table (linear probing, load ≤ 0.7) of two typed arrays: the identity number as a
 *   float64 (12 digits < 2^53, exact) and a uint32 offset into the record store;
 * - a record store (one growable byte buffer) of packed records:
 *   [flags u8: 1 = female, 2 = deceased, 4 = has date of death][residence province u8]
 *   [date of birth u24][date of death u24][name length u16][name, UTF-8].
 *   Dates are packed as year << 9 | month << 5 | day.
 * Limits: record store ≤ 4 GiB (≈ 120 million people); names must not contain commas or quotes (the file is
 * plain CSV without quoting, as the shared file is; a quoted line is rejected with its line number).
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import idProvinceData from '../../../functions/population/data/id-province-codes.json' with { type: 'json' };
import provinces2025Data from '../../../functions/population/data/provinces-2025.json' with { type: 'json' };
import type { RegistryPerson } from '../../../schemas/population-registry.js';

export const POPULATION_CSV_HEADER =
  'personal_id,full_name,date_of_birth,gender,status,date_of_death,residence_province_code';

const ID = /^\d{12}$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
const PROVINCE = /^\d{2}$/;
const EMPTY = -1;
const MAX_LOAD = 0.7;
const HEAD = 10; // fixed part of a record

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
}

/** `yyyy-mm-dd` → year << 9 | month << 5 | day, or -1 when not a real calendar date. */
function packDate(s: string): number {
  const m = ISO.exec(s);
  if (!m) return -1;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return -1;
  return (y << 9) | (mo << 5) | d;
}

function unpackDate(v: number): string {
  const y = v >> 9;
  const mo = (v >> 5) & 15;
  const d = v & 31;
  return `${String(y).padStart(4, '0')}-${mo < 10 ? '0' : ''}${mo}-${d < 10 ? '0' : ''}${d}`;
}

function hashId(id: number, mask: number): number {
  const lo = (id % 4294967296) | 0;
  const hi = (id / 4294967296) | 0;
  let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 13;
  return h & mask;
}

export class PopulationFormatError extends Error {
  override name = 'PopulationFormatError';
}

export class PopulationIndex {
  private keys = new Float64Array(1024).fill(EMPTY);
  private offsets = new Uint32Array(1024);
  private store = Buffer.allocUnsafe(1 << 16);
  private used = 0;
  private count = 0;

  /** Streams a population CSV (readline over a read stream; the file is never held whole). */
  static async fromFile(path: string | URL): Promise<PopulationIndex> {
    const input = createReadStream(path, { encoding: 'utf8' });
    const opened = once(input, 'open');
    // A missing file surfaces here with its own ENOENT error rather than as an unhandled stream error.
    await Promise.race([opened, once(input, 'error').then(([e]) => Promise.reject(e))]);
    const rl = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    return PopulationIndex.fromLines(rl);
  }

  /** Lines of a population CSV, header first (as `generatePopulation` yields them). */
  static async fromLines(lines: AsyncIterable<string> | Iterable<string>): Promise<PopulationIndex> {
    const index = new PopulationIndex();
    let lineNo = 0;
    for await (const line of lines) {
      lineNo++;
      if (lineNo === 1) {
        if (line.replace(/^\uFEFF/, '').trim() !== POPULATION_CSV_HEADER) {
          throw new PopulationFormatError(`Line 1 is not the population CSV header (${POPULATION_CSV_HEADER})`);
        }
        continue;
      }
      if (line === '') continue;
      index.addLine(line, lineNo);
    }
    index.trim();
    return index;
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held by the index structures (hash table and record store). */
  get byteLength(): number {
    return this.keys.byteLength + this.offsets.byteLength + this.store.byteLength;
  }

  /** Adds one data line; throws PopulationFormatError naming the line (never its content: it is personal data). */
  addLine(line: string, lineNo = this.count + 2): void {
    const f = line.split(',');
    const bad = (what: string) => new PopulationFormatError(`Line ${lineNo}: ${what}`);
    if (f.length !== 7) throw bad(`expected 7 comma-separated fields, found ${f.length} (quoting is not supported)`);
    const [pid, fullName, dob, gender, status, dod, province] = f as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    if (!ID.test(pid)) throw bad('personal_id is not 12 digits');
    if (fullName.trim() === '' || fullName.includes('"')) throw bad('full_name is empty or quoted');
    const dobPacked = packDate(dob);
    if (dobPacked < 0) throw bad('date_of_birth is not a valid yyyy-mm-dd date');
    if (gender !== 'M' && gender !== 'F') throw bad('gender is not M or F');
    if (status !== 'alive' && status !== 'deceased') throw bad('status is not alive or deceased');
    const dodPacked = dod === '' ? 0 : packDate(dod);
    if (dodPacked < 0) throw bad('date_of_death is not empty or a valid yyyy-mm-dd date');
    if (!PROVINCE.test(province)) throw bad('residence_province_code is not 2 digits');
    const name = fullName.normalize('NFC');
    const nameBytes = Buffer.byteLength(name, 'utf8');
    if (nameBytes > 0xffff) throw bad('full_name is too long');

    const at = this.reserve(HEAD + nameBytes);
    const s = this.store;
    s[at] = (gender === 'F' ? 1 : 0) | (status === 'deceased' ? 2 : 0) | (dod === '' ? 0 : 4);
    s[at + 1] = Number(province);
    s.writeUIntBE(dobPacked, at + 2, 3);
    s.writeUIntBE(dodPacked, at + 5, 3);
    s.writeUInt16BE(nameBytes, at + 8);
    s.write(name, at + HEAD, 'utf8');

    if (!this.insert(Number(pid), at)) {
      this.used = at; // roll the record back
      throw bad('personal_id appears twice in the file');
    }
  }

  get(personalId: string): RegistryPerson | undefined {
    if (!ID.test(personalId)) return undefined;
    const at = this.find(Number(personalId));
    if (at < 0) return undefined;
    const s = this.store;
    const flags = s[at] as number;
    const nameBytes = s.readUInt16BE(at + 8);
    const person: RegistryPerson = {
      personalId,
      fullName: s.toString('utf8', at + HEAD, at + HEAD + nameBytes),
      dateOfBirth: unpackDate(s.readUIntBE(at + 2, 3)),
      gender: flags & 1 ? 'F' : 'M',
      status: flags & 2 ? 'deceased' : 'alive',
      residenceProvinceCode: String(s[at + 1]).padStart(2, '0'),
    };
    if (flags & 4) person.dateOfDeath = unpackDate(s.readUIntBE(at + 5, 3));
    return person;
  }

  has(personalId: string): boolean {
    return ID.test(personalId) && this.find(Number(personalId)) >= 0;
  }

  private find(id: number): number {
    const keys = this.keys;
    const mask = keys.length - 1;
    for (let i = hashId(id, mask); ; i = (i + 1) & mask) {
      const k = keys[i] as number;
      if (k === id) return this.offsets[i] as number;
      if (k === EMPTY) return -1;
    }
  }

  private insert(id: number, offset: number): boolean {
    if ((this.count + 1) / this.keys.length > MAX_LOAD) this.rehash(this.keys.length * 2);
    const keys = this.keys;
    const mask = keys.length - 1;
    for (let i = hashId(id, mask); ; i = (i + 1) & mask) {
      const k = keys[i] as number;
      if (k === id) return false;
      if (k === EMPTY) {
        keys[i] = id;
        this.offsets[i] = offset;
        this.count++;
        return true;
      }
    }
  }

  private rehash(capacity: number): void {
    const oldKeys = this.keys;
    const oldOffsets = this.offsets;
    this.keys = new Float64Array(capacity).fill(EMPTY);
    this.offsets = new Uint32Array(capacity);
    const mask = capacity - 1;
    for (let j = 0; j < oldKeys.length; j++) {
      const id = oldKeys[j] as number;
      if (id === EMPTY) continue;
      let i = hashId(id, mask);
      while (this.keys[i] !== EMPTY) i = (i + 1) & mask;
      this.keys[i] = id;
      this.offsets[i] = oldOffsets[j] as number;
    }
  }

  private reserve(n: number): number {
    const at = this.used;
    if (at + n > this.store.length) {
      const size = Math.max(this.store.length * 2, at + n);
      if (size > 0xffffffff) throw new PopulationFormatError('Population too large for one index (4 GiB of records)');
      const next = Buffer.allocUnsafe(Math.min(size, 0xffffffff));
      this.store.copy(next, 0, 0, at);
      this.store = next;
    }
    this.used = at + n;
    return at;
  }

  /** Drops the spare capacity of the record store once loading is done. */
  private trim(): void {
    if (this.store.length > this.used) {
      const exact = Buffer.allocUnsafe(this.used);
      this.store.copy(exact, 0, 0, this.used);
      this.store = exact;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Synthetic populations
// ---------------------------------------------------------------------------------------------------------

/** mulberry32: small, fast, deterministic; fine for synthetic data (not for anything secret). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function weighted<T>(items: ReadonlyArray<readonly [T, number]>): (r: number) => T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let sum = 0;
  const cumulative = items.map(([, w]) => {
    sum += w;
    return sum / total;
  });
  return (r) => {
    const i = cumulative.findIndex((c) => r < c);
    return (items[i === -1 ? items.length - 1 : i] as readonly [T, number])[0];
  };
}

const SURNAME = weighted([
  ['Nguyễn', 38],
  ['Trần', 11],
  ['Lê', 9.5],
  ['Phạm', 7],
  ['Hoàng', 3.5],
  ['Huỳnh', 2],
  ['Phan', 4.5],
  ['Vũ', 2],
  ['Võ', 2],
  ['Đặng', 2],
  ['Bùi', 2],
  ['Đỗ', 1.5],
  ['Hồ', 1.5],
  ['Ngô', 1.4],
  ['Dương', 1.1],
  ['Đinh', 0.7],
  ['Trương', 0.5],
  ['Lý', 0.5],
  ['Lương', 0.5],
  ['Đào', 0.4],
] as const);
const MIDDLE = {
  M: ['Văn', 'Hữu', 'Đức', 'Thanh', 'Minh', 'Quang', 'Công', 'Xuân', 'Ngọc', 'Đình', 'Quốc', 'Gia'],
  F: ['Thị', 'Ngọc', 'Thu', 'Thanh', 'Diệu', 'Kim', 'Minh', 'Bích', 'Thùy', 'Mỹ', 'Hồng', 'Phương'],
} as const;
const GIVEN = {
  M: [
    'An',
    'Bình',
    'Cường',
    'Dũng',
    'Hùng',
    'Hưng',
    'Huy',
    'Khoa',
    'Long',
    'Minh',
    'Nam',
    'Phúc',
    'Quân',
    'Sơn',
    'Thắng',
    'Toàn',
    'Tuấn',
    'Việt',
    'Hòa',
    'Khải',
    'Nghĩa',
    'Thủy',
    'Đạt',
    'Hoàng',
  ],
  F: [
    'Anh',
    'Ánh',
    'Châu',
    'Dung',
    'Hà',
    'Hạnh',
    'Hằng',
    'Hoa',
    'Hòa',
    'Hương',
    'Lan',
    'Linh',
    'Loan',
    'Mai',
    'Ngân',
    'Nhung',
    'Phượng',
    'Quyên',
    'Thảo',
    'Thủy',
    'Thúy',
    'Trang',
    'Uyên',
    'Yến',
    'Khuê',
    'Đào',
  ],
} as const;

const ID_PROVINCE_CODES = Object.keys(idProvinceData.codes);
const RESIDENCE_CODES = provinces2025Data.provinces.map((p) => p.code);
const CROSSWALK = new Map(
  provinces2025Data.provinces.flatMap((p) => p.formedFromIdProvinceCodes.map((c) => [c, p.code])),
);
// People move to the two metropolises more than anywhere else.
const MIGRATION = weighted([
  ['79', 40],
  ['01', 20],
  ['48', 5],
  ['31', 5],
  ['92', 5],
  ['__', 25],
] as const);

/**
 * The population the local registry serves unless told otherwise: generated here, so a clone needs nothing
 * beside the repository. The README's examples, the demo users and the tests name people of this population.
 */
export const DEFAULT_POPULATION = Object.freeze({ count: 100_000, seed: 20_250_701 });

/** Dates in generated data are relative to this fixed day, so output never depends on when it runs. */
const REFERENCE_YEAR = 2026;
const SERIAL_STRIDE = 387_391; // coprime to 10^6: serial = (n × stride + offset) mod 10^6 is a bijection

function pick<T>(arr: readonly T[], r: number): T {
  return arr[Math.floor(r * arr.length)] as T;
}

function isoDate(y: number, m: number, d: number): string {
  return `${y}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

function randomDay(rand: () => number, year: number): [number, number] {
  const m = 1 + Math.floor(rand() * 12);
  return [m, 1 + Math.floor(rand() * daysInMonth(year, m))];
}

/**
 * Deterministic synthetic population CSV lines (header first, no line terminators): `count` people with
 * unique, well-formed identity numbers (province of birth registration, gender/century digit, year digits,
 * then a serial that is a bijection of a per-prefix counter, so no two people share a number). Names in NFC.
 */
export function* populationLines(count: number, seed: number): Generator<string> {
  if (!Number.isInteger(count) || count < 0) throw new RangeError('count must be a non-negative integer');
  const rand = prng(seed ^ 0x5eed);
  const counters = new Map<string, number>();
  yield POPULATION_CSV_HEADER;
  for (let n = 0; n < count; n++) {
    const gender: 'M' | 'F' = rand() < 0.5 ? 'M' : 'F';
    // Ages 0..100, fewer of the very old.
    const age = Math.floor(100 * rand() ** 1.15);
    const year = REFERENCE_YEAR - 1 - age;
    const [month, day] = randomDay(rand, year);
    const birthCode = pick(ID_PROVINCE_CODES, rand());
    const centuryDigit = ((Math.floor(year / 100) - 19) * 2 + (gender === 'F' ? 1 : 0)).toString();
    const prefix = `${birthCode}${centuryDigit}${String(year % 100).padStart(2, '0')}`;
    const k = counters.get(prefix) ?? 0;
    if (k >= 1_000_000) throw new RangeError(`More than 10^6 people share the id prefix of person ${n}`);
    counters.set(prefix, k + 1);
    const offset = hashId(Number(prefix) * 7919 + seed, 0x7fffffff) % 1_000_000;
    const serial = (k * SERIAL_STRIDE + offset) % 1_000_000;
    const personalId = `${prefix}${String(serial).padStart(6, '0')}`;

    const words: string[] = [SURNAME(rand()), pick(MIDDLE[gender], rand())];
    if (rand() < 0.15) {
      const second = pick(MIDDLE[gender], rand());
      if (second !== words[1]) words.push(second); // "Minh Minh" is no one's name
    }
    words.push(pick(GIVEN[gender], rand()));
    const fullName = words.join(' ').normalize('NFC');

    let residence = CROSSWALK.get(birthCode) as string;
    if (rand() < 0.15) {
      const moved = MIGRATION(rand());
      residence = moved === '__' ? pick(RESIDENCE_CODES, rand()) : moved;
    }

    let status = 'alive';
    let dateOfDeath = '';
    // Older people die more often; deaths fall between 2015 and the reference year.
    if (rand() < 0.01 + (age / 100) * 0.08) {
      const dy = Math.max(year, 2015) + Math.floor(rand() * (REFERENCE_YEAR - Math.max(year, 2015)));
      let [dm, dd] = randomDay(rand, dy);
      if (dy === year && (dm < month || (dm === month && dd < day))) [dm, dd] = [month, day];
      status = 'deceased';
      dateOfDeath = isoDate(dy, dm, dd);
    }
    yield `${personalId},${fullName},${isoDate(year, month, day)},${gender},${status},${dateOfDeath},${residence}`;
  }
}

/** The same lines as an async generator (header first), for streaming consumers. */
export async function* generatePopulation(count: number, seed: number): AsyncGenerator<string> {
  yield* populationLines(count, seed);
}

/** Writes a generated population CSV of any size, in chunks, honouring stream back-pressure. */
export async function writePopulationCsv(path: string | URL, count: number, seed: number): Promise<void> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  let chunk: string[] = [];
  let bytes = 0;
  const flush = async () => {
    const ok = out.write(`${chunk.join('\n')}\n`);
    chunk = [];
    bytes = 0;
    if (!ok) await once(out, 'drain');
  };
  try {
    for (const line of populationLines(count, seed)) {
      chunk.push(line);
      bytes += line.length;
      if (bytes > 1 << 16) await flush();
    }
    if (chunk.length > 0) await flush();
  } finally {
    out.end();
    await once(out, 'close');
  }
}
