/** How dates read to people in Vietnam: dd/mm/yyyy. */

/** yyyy-mm-dd → dd/mm/yyyy. */
export function formatDateVi(isoDate: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!m) throw new RangeError(`not an ISO date: ${isoDate}`);
  return `${m[3]}/${m[2]}/${m[1]}`;
}
