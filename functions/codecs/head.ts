/** The first `n` bytes of a file read as chunks (a sniffer looks at the head before choosing a reader). */
export function firstBytes(chunks: readonly Uint8Array[], n: number): Uint8Array {
  const total = chunks.reduce((sum, c) => sum + c.length, 0);
  const first = new Uint8Array(Math.min(total, n));
  let o = 0;
  for (const c of chunks) {
    if (o >= first.length) break;
    const part = c.subarray(0, first.length - o);
    first.set(part, o);
    o += part.length;
  }
  return first;
}
