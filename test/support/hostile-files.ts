/** Hostile and broken list files for upload tests. */
import { strToU8, zipSync } from 'fflate';

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

/**
 * An XLSX whose XML declares a DTD: `billion-laughs` (nested entities in the worksheet), `xxe` (an external
 * entity reading a local file, in the shared strings) or `doctype` (a bare DOCTYPE in the workbook part).
 * Everything else is a valid one-sheet workbook, so only the declaration can be what is refused.
 */
export function xlsxWithDtd(kind: 'billion-laughs' | 'xxe' | 'doctype'): Uint8Array {
  const ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
  const rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
  const laughs = `<!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from(
    { length: 9 },
    (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`,
  ).join('')}]>`;
  const xxe = '<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>';
  const decl = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';
  const workbook = `${decl}${kind === 'doctype' ? '<!DOCTYPE workbook>' : ''}<workbook ${ns} xmlns:r="${rel}"><sheets><sheet name="DS" sheetId="1" r:id="rId1"/></sheets></workbook>`;
  const rels = `${decl}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`;
  const sst = `${decl}${kind === 'xxe' ? xxe : ''}<sst ${ns}><si><t>${kind === 'xxe' ? '&xxe;' : 'Họ và tên'}</t></si></sst>`;
  const sheet = `${decl}${kind === 'billion-laughs' ? laughs : ''}<worksheet ${ns}><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>${kind === 'billion-laughs' ? '&lol9;' : 'Số định danh cá nhân'}</t></is></c></row></sheetData></worksheet>`;
  return zipSync({
    '[Content_Types].xml': strToU8(
      `${decl}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
    ),
    'xl/workbook.xml': strToU8(workbook),
    'xl/_rels/workbook.xml.rels': strToU8(rels),
    'xl/sharedStrings.xml': strToU8(sst),
    'xl/worksheets/sheet1.xml': strToU8(sheet),
  });
}
