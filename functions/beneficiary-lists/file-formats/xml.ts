/**
 * A small streaming XML tokenizer for the SpreadsheetML subset the XLSX reader needs. It never expands
 * entities beyond the five predefined ones and numeric references, and refuses any DOCTYPE/ENTITY
 * declaration (XML bombs, external entities) with XLSX_XML_DECLARATIONS before reading a byte further.
 */
import { fileErrors } from './errors.js';

export interface XmlHandler {
  open(name: string, attrs: Record<string, string>): void;
  close(name: string): void;
  /** Raw (still entity-encoded) character data; may arrive in several pieces. */
  text(raw: string): void;
}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the predefined entities and numeric character references; anything else is corrupt. */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&([^;&\s]{1,10});/g, (m, body: string) => {
    if (body[0] === '#') {
      const code =
        body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
      if (!Number.isFinite(code) || code < 0 || code > 0x10ffff)
        throw fileErrors.xlsxCorrupt('bad character reference');
      return String.fromCodePoint(code);
    }
    const v = NAMED[body];
    if (v === undefined) throw fileErrors.xlsxCorrupt(`undeclared entity ${m}`);
    return v;
  });
}

/** OOXML escapes control characters in strings as _xHHHH_ (and a literal "_x" as _x005F_x). */
export function decodeOoxmlEscapes(s: string): string {
  if (!s.includes('_x')) return s;
  return s.replace(/_x([0-9A-Fa-f]{4})_/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
}

const localName = (qname: string): string => {
  const i = qname.indexOf(':');
  return i < 0 ? qname : qname.slice(i + 1);
};

const ATTR = /([^\s=/]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

export class XmlTokenizer {
  private buf = '';

  constructor(
    private readonly handler: XmlHandler,
    /** Longest incomplete markup held between pushes. */
    private readonly maxPending = 1024 * 1024,
    /** The zip entry being read, named in errors (never personal data). */
    private readonly part = 'xml',
  ) {}

  push(text: string): void {
    const buf = this.buf === '' ? text : this.buf + text;
    const n = buf.length;
    const h = this.handler;
    let pos = 0;
    while (pos < n) {
      if (buf.charCodeAt(pos) !== 60) {
        const lt = buf.indexOf('<', pos);
        if (lt < 0) {
          h.text(buf.slice(pos));
          pos = n;
          break;
        }
        h.text(buf.slice(pos, lt));
        pos = lt;
      }
      if (buf.charCodeAt(pos + 1) === 33) {
        // <!
        if (buf.startsWith('<!--', pos)) {
          const end = buf.indexOf('-->', pos + 4);
          if (end < 0) break;
          pos = end + 3;
          continue;
        }
        if (n - pos < 10) break;
        if (buf.startsWith('<![CDATA[', pos)) {
          const end = buf.indexOf(']]>', pos + 9);
          if (end < 0) break;
          h.text(buf.slice(pos + 9, end).replace(/&/g, '&amp;'));
          pos = end + 3;
          continue;
        }
        // `<!DOCTYPE`, `<!ENTITY`, `<!ELEMENT`, `<!ATTLIST`, `<!NOTATION`: a DTD. Anything else after `<!` is broken.
        if (/^<!(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/.test(buf.slice(pos, pos + 10))) {
          throw fileErrors.xlsxXmlDeclarations(this.part);
        }
        throw fileErrors.xlsxCorrupt('malformed <! markup');
      }
      if (buf.charCodeAt(pos + 1) === 63) {
        // <? ... ?>
        const end = buf.indexOf('?>', pos + 2);
        if (end < 0) break;
        pos = end + 2;
        continue;
      }
      let q = 0;
      let k = pos + 1;
      for (; k < n; k++) {
        const c = buf.charCodeAt(k);
        if (q) {
          if (c === q) q = 0;
        } else if (c === 34 || c === 39) q = c;
        else if (c === 62) break;
      }
      if (k >= n) break;
      const tag = buf.slice(pos + 1, k);
      pos = k + 1;
      if (tag.charCodeAt(0) === 47) {
        h.close(localName(tag.slice(1).trim()));
        continue;
      }
      const selfClose = tag.charCodeAt(tag.length - 1) === 47;
      const body = selfClose ? tag.slice(0, -1) : tag;
      const m = /^\s*([^\s/>]+)/.exec(body);
      if (!m) throw fileErrors.xlsxCorrupt('malformed tag');
      const name = localName(m[1] as string);
      const attrs: Record<string, string> = {};
      const rest = body.slice(m[0].length);
      if (rest.trim() !== '') {
        for (const a of rest.matchAll(ATTR)) attrs[a[1] as string] = decodeEntities(a[2] ?? a[3] ?? '');
      }
      h.open(name, attrs);
      if (selfClose) h.close(name);
    }
    this.buf = pos >= n ? '' : buf.slice(pos);
    if (this.buf.length > this.maxPending) throw fileErrors.xlsxCorrupt('unterminated markup');
  }

  end(): void {
    if (this.buf.trim() !== '') throw fileErrors.xlsxCorrupt('truncated XML');
  }
}

/** Attribute by local name ("r:id" and "id" both answer "id" when asked for a prefixed one). */
export function attr(attrs: Record<string, string>, local: string): string | undefined {
  if (attrs[local] !== undefined) return attrs[local];
  for (const [k, v] of Object.entries(attrs)) if (localName(k) === local) return v;
  return undefined;
}
