import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { checkIdentityNumber, isKnownProvince2025 } from '../../../functions/population/identity-number.js';
import {
  DEFAULT_POPULATION,
  generatePopulation,
  POPULATION_CSV_HEADER,
  PopulationFormatError,
  PopulationIndex,
  populationLines,
  writePopulationCsv,
} from '../../../infra/local/population-registry/population-index.js';
import { RegistryPerson } from '../../../schemas/population-registry.js';

const dir = mkdtempSync(join(tmpdir(), 'ansinh-population-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function parse(line: string): RegistryPerson {
  const [personalId, fullName, dateOfBirth, gender, status, dateOfDeath, residenceProvinceCode] = line.split(',');
  return RegistryPerson.parse({
    personalId,
    fullName,
    dateOfBirth,
    gender,
    status,
    ...(dateOfDeath ? { dateOfDeath } : {}),
    residenceProvinceCode,
  });
}

async function collect(count: number, seed: number): Promise<string[]> {
  const out: string[] = [];
  for await (const line of generatePopulation(count, seed)) out.push(line);
  return out;
}

describe('generatePopulation', () => {
  it('gives the default population byte for byte as pinned (the README, demo users and tests name its people)', () => {
    const hash = createHash('sha256');
    for (const line of populationLines(DEFAULT_POPULATION.count, DEFAULT_POPULATION.seed)) hash.update(`${line}\n`);
    expect(hash.digest('hex')).toBe('7bb61769abe1d65212f1368f0833541fce5c2214f04ece2f589dfd390c64ae86');
    // The demo beneficiary (infra/local/demo-users.ts, README) is one of them.
    const demo = [...populationLines(2000, DEFAULT_POPULATION.seed)].find((l) => l.startsWith('079132108434,'));
    expect(demo).toBe('079132108434,Nguyễn Thu Minh Yến,1932-05-27,F,alive,,79');
  });

  it('is deterministic for a seed and differs between seeds', async () => {
    const a = await collect(2000, 7);
    const b = await collect(2000, 7);
    const c = await collect(2000, 8);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a[0]).toBe(POPULATION_CSV_HEADER);
    expect(a).toHaveLength(2001);
  });

  it('yields valid, unique people whose identity numbers agree with their date of birth and gender', async () => {
    const lines = await collect(20_000, 1);
    const ids = new Set<string>();
    let deceased = 0;
    for (const line of lines.slice(1)) {
      const p = parse(line); // schema-valid: 12-digit id, ISO dates, M/F, 2-digit province
      ids.add(p.personalId);
      const check = checkIdentityNumber(p.personalId, { dateOfBirth: p.dateOfBirth, gender: p.gender });
      expect(check).toMatchObject({ ok: true, birthPlace: { kind: 'province' } });
      expect(isKnownProvince2025(p.residenceProvinceCode)).toBe(true);
      expect(p.fullName).toBe(p.fullName.normalize('NFC'));
      if (p.status === 'deceased') {
        deceased++;
        expect(p.dateOfDeath! >= p.dateOfBirth).toBe(true);
        expect(p.dateOfDeath! < '2026-01-01').toBe(true);
      } else {
        expect(p.dateOfDeath).toBeUndefined();
      }
    }
    expect(ids.size).toBe(20_000);
    expect(deceased).toBeGreaterThan(100);
  });

  it('writePopulationCsv streams the same lines to a file', async () => {
    const file = join(dir, 'gen.csv');
    await writePopulationCsv(file, 3000, 3);
    const text = readFileSync(file, 'utf8');
    expect(text).toBe(`${[...populationLines(3000, 3)].join('\n')}\n`);
  });
});

describe('PopulationIndex', () => {
  it('returns every person exactly as the CSV has them', async () => {
    const lines = [...populationLines(5000, 11)];
    const index = await PopulationIndex.fromLines(lines);
    expect(index.size).toBe(5000);
    for (const line of lines.slice(1)) {
      const p = parse(line);
      expect(index.get(p.personalId)).toEqual(p);
    }
    expect(index.get('000000000000')).toBeUndefined();
    expect(index.get('not an id')).toBeUndefined();
    // Compact: well under 100 bytes per person.
    expect(index.byteLength / index.size).toBeLessThan(100);
  });

  it('loads a file as a stream, with CRLF line ends and a BOM', async () => {
    const file = join(dir, 'crlf.csv');
    writeFileSync(
      file,
      `\uFEFF${POPULATION_CSV_HEADER}\r\n079130796635,Hoàng Thanh Minh Ánh,1930-01-05,F,alive,,79\r\n` +
        '070173764732,Phan Khánh Khuê,1973-11-13,F,deceased,2026-01-06,75\r\n',
    );
    const index = await PopulationIndex.fromFile(file);
    expect(index.size).toBe(2);
    expect(index.get('070173764732')).toEqual({
      personalId: '070173764732',
      fullName: 'Phan Khánh Khuê',
      dateOfBirth: '1973-11-13',
      gender: 'F',
      status: 'deceased',
      dateOfDeath: '2026-01-06',
      residenceProvinceCode: '75',
    });
  });

  it.each([
    ['wrong header', 'id,name\n'],
    ['short id', `${POPULATION_CSV_HEADER}\n07913079663,A B,1930-01-05,F,alive,,79\n`],
    ['impossible date', `${POPULATION_CSV_HEADER}\n079130796635,A B,1930-02-30,F,alive,,79\n`],
    ['bad gender', `${POPULATION_CSV_HEADER}\n079130796635,A B,1930-01-05,X,alive,,79\n`],
    ['quoted name with comma', `${POPULATION_CSV_HEADER}\n079130796635,"B, A",1930-01-05,F,alive,,79\n`],
    [
      'duplicate id',
      `${POPULATION_CSV_HEADER}\n079130796635,A B,1930-01-05,F,alive,,79\n079130796635,A C,1930-01-05,F,alive,,79\n`,
    ],
  ])('rejects a file with a %s, naming the line but not its content', async (_what, text) => {
    const err = await PopulationIndex.fromLines(text.split('\n')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PopulationFormatError);
    expect((err as Error).message).toMatch(/^Line \d+/);
    expect((err as Error).message).not.toContain('079130796635');
  });

  it('fromFile fails clearly on a missing file', async () => {
    await expect(PopulationIndex.fromFile(join(dir, 'missing.csv'))).rejects.toThrow(/ENOENT/);
  });
});
