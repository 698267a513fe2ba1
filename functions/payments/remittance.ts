/**
 * The remittance line of a payment (pain.001 RmtInf/Ustrd, what the person's bank shows): the months paid and
 * the social security account. ISO 20022 allows 140 characters, and a first payment can carry up to 36 months
 * of arrears, so consecutive months are written as one range: `TRO CAP XA HOI THANG 03/2025-04/2026 AS79…`.
 */

const label = (m: string) => `${m.slice(5, 7)}/${m.slice(0, 4)}`;

function nextMonth(m: string): string {
  const y = Number(m.slice(0, 4));
  const mo = Number(m.slice(5, 7));
  return mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
}

export const REMITTANCE_MAX = 140;

export function remittanceFor(months: string[], socialAccount: string): string {
  const sorted = [...new Set(months)].sort();
  const runs: string[][] = [];
  for (const m of sorted) {
    const run = runs.at(-1);
    if (run && nextMonth(run.at(-1) as string) === m) run.push(m);
    else runs.push([m]);
  }
  const text = runs.map((r) =>
    r.length === 1 ? label(r[0] as string) : `${label(r[0] as string)}-${label(r.at(-1) as string)}`,
  );
  const line = `TRO CAP XA HOI THANG ${text.join(' ')} ${socialAccount}`;
  if (line.length <= REMITTANCE_MAX || !sorted.length) return line;
  // Many separate months: the span and how many months it pays.
  return `TRO CAP XA HOI ${sorted.length} THANG ${label(sorted[0] as string)}-${label(sorted.at(-1) as string)} ${socialAccount}`;
}
