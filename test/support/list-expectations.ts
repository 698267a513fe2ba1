/** Compares a list's rows (from the API) with the generator's expected outcomes. */

import type { ListRow } from './list-api.js';
import type { ExpectedRow } from './list-generator.js';

export interface Comparison {
  mismatches: { line: number; kind: string; expected: string; got: string | undefined; codes: string[] }[];
  wrongAccepts: number;
  wrongRejects: number;
  missingCode: { line: number; kind: string; code: string; codes: string[] }[];
  wrongFlag: { line: number; kind: string; expectedFlag: boolean; flags: string[] }[];
  extraRows: number[];
}

export function compareRows(expected: readonly ExpectedRow[], got: readonly ListRow[]): Comparison {
  const byLine = new Map(got.map((r) => [r.line, r]));
  const c: Comparison = {
    mismatches: [],
    wrongAccepts: 0,
    wrongRejects: 0,
    missingCode: [],
    wrongFlag: [],
    extraRows: [],
  };
  const lines = new Set(expected.map((e) => e.line));
  c.extraRows = got.filter((r) => !lines.has(r.line)).map((r) => r.line);
  for (const e of expected) {
    const r = byLine.get(e.line);
    const codes = r?.findings.map((f) => f.code) ?? [];
    if (r?.outcome !== e.outcome) {
      c.mismatches.push({ line: e.line, kind: e.kind, expected: e.outcome, got: r?.outcome, codes });
      if (r?.outcome === 'ACCEPTED') c.wrongAccepts++;
      if (e.outcome === 'ACCEPTED') c.wrongRejects++;
      continue;
    }
    if (e.code && !codes.includes(e.code)) c.missingCode.push({ line: e.line, kind: e.kind, code: e.code, codes });
    const flags = r.flags.map((f) => f.code);
    if (flags.includes('RESIDENT_OUTSIDE_JURISDICTION') !== e.flagged) {
      c.wrongFlag.push({ line: e.line, kind: e.kind, expectedFlag: e.flagged, flags });
    }
  }
  return c;
}

/** A short report of the first problems, for the assertion message. */
export function describeComparison(c: Comparison, max = 15): string {
  return JSON.stringify(
    {
      mismatches: c.mismatches.length,
      wrongAccepts: c.wrongAccepts,
      wrongRejects: c.wrongRejects,
      firstMismatches: c.mismatches.slice(0, max),
      missingCode: c.missingCode.slice(0, max),
      wrongFlag: c.wrongFlag.slice(0, max),
      extraRows: c.extraRows.slice(0, max),
    },
    null,
    1,
  );
}
