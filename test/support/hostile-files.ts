/** Hostile and broken list files for upload tests. */

/** Windows-1258 (Vietnamese ANSI code page): base letters plus separate combining tone bytes. */
const CP1258_BASE: Record<string, number> = {
  â: 0xe2,
  ê: 0xea,
  ô: 0xf4,
  ă: 0xe3,
  ơ: 0xf5,
  ư: 0xfd,
  đ: 0xf0,
  Â: 0xc2,
  Ê: 0xca,
  Ô: 0xd4,
  Ă: 0xc3,
  Ơ: 0xd5,
  Ư: 0xdd,
  Đ: 0xd0,
};
const CP1258_TONE: Record<string, number> = {
  '\u0300': 0xcc,
  '\u0301': 0xec,
  '\u0303': 0xde,
  '\u0309': 0xd2,
  '\u0323': 0xf2,
};

/** Encodes Vietnamese text as Windows-1258 bytes (what an old Excel "CSV (Comma delimited)" export gives). */
export function toWindows1258(text: string): Uint8Array {
  const out: number[] = [];
  for (const ch of text.normalize('NFC')) {
    const code = ch.codePointAt(0) as number;
    if (code < 0x80) {
      out.push(code);
      continue;
    }
    const parts = [...ch.normalize('NFD')];
    let base = parts.shift() as string;
    let tone: string | undefined;
    for (const m of parts) {
      if (m in CP1258_TONE) tone = m;
      else base = `${base}${m}`.normalize('NFC');
    }
    const b = CP1258_BASE[base] ?? (base.length === 1 && base.charCodeAt(0) < 0x100 ? base.charCodeAt(0) : 0x3f);
    out.push(b);
    if (tone) out.push(CP1258_TONE[tone] as number);
  }
  return new Uint8Array(out);
}

/** Pseudo-random bytes (deterministic), with NULs and control bytes: not a text file. */
export function binaryJunk(n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = 2463534242;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  // Not mistaken for a BOM or a zip.
  out[0] = 0x01;
  return out;
}

/** The OLE2 signature of a legacy .xls workbook followed by filler. */
export function legacyXls(): Uint8Array {
  const out = new Uint8Array(4096);
  out.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
  return out;
}
