/**
 * The one streaming XML tokenizer: ISO 20022 messages (pain.001/002, camt.053/054, acmt), the bank
 * simulator's pain.001 reader and the parts of an XLSX all read through it, under one set of limits
 * (limits.ts). Measured against saxes (docs/codecs.md): saxes holds a whole text node, name or attribute in
 * memory before any handler can refuse it, so it stays hand-written.
 *
 * - Refuses any DOCTYPE/ENTITY/ELEMENT/ATTLIST/NOTATION declaration before anything is expanded (no external
 *   entities, no billion laughs); any other `<!` than a comment or CDATA is malformed.
 * - Decodes only the five predefined entities and numeric character references.
 * - Element names are reported by local name (namespace prefixes and default namespaces vary).
 * - Leaf text is delivered with the close event; whitespace between elements is dropped. Memory is
 *   bounded by the limits whatever the document size: only the open-element stack and one pending
 *   tag/text are held.
 * - Errors are built by the caller's XmlErrors, so each capability reports its own codes and messages.
 */
import { DEFAULT_XML_LIMITS, type XmlLimits } from './limits.js';

export { DEFAULT_XML_LIMITS, type XmlLimits };

export interface XmlSink {
  /** `attrs` is null when the element has none (most elements). */
  open(name: string, attrs: Record<string, string> | null): void;
  /** `text` is the decoded character data when the element had no child elements, else ''. */
  close(name: string, text: string): void;
}

/** What the tokenizer refuses, built by the caller (offsets are in characters from the document's start). */
export interface XmlErrors {
  dtdForbidden(offset: number): Error;
  malformed(reason: string, offset: number): Error;
  tooDeep(limit: number, offset: number): Error;
  textTooLong(limit: number, offset: number): Error;
  encoding(encoding: string): Error;
}

/** The tokenizer's own error, for callers that need no codes of their own (tests, tools). */
export class XmlError extends Error {
  constructor(
    readonly code:
      | 'XML_DTD_FORBIDDEN'
      | 'XML_MALFORMED'
      | 'XML_TOO_DEEP'
      | 'XML_TEXT_TOO_LONG'
      | 'XML_ENCODING_UNSUPPORTED',
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'XmlError';
  }
}

export const PLAIN_XML_ERRORS: XmlErrors = {
  dtdForbidden: (offset) => new XmlError('XML_DTD_FORBIDDEN', `DOCTYPE/ENTITY declaration at ${offset}`),
  malformed: (reason, offset) => new XmlError('XML_MALFORMED', `${reason} at ${offset}`),
  tooDeep: (limit, offset) => new XmlError('XML_TOO_DEEP', `deeper than ${limit} at ${offset}`),
  textTooLong: (limit, offset) => new XmlError('XML_TEXT_TOO_LONG', `longer than ${limit} at ${offset}`),
  encoding: (encoding) => new XmlError('XML_ENCODING_UNSUPPORTED', encoding),
};

/** A chunk source: bytes or strings, sync or async. */
export type XmlSource = string | Uint8Array | AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const ENTITY = /&([^;&]{0,12});?/g;

const localName = (qname: string): string => {
  const i = qname.indexOf(':');
  return i < 0 ? qname : qname.slice(i + 1);
};

const isNameStart = (c: number): boolean =>
  (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 58 || c > 127;
const isSpace = (c: number): boolean => c === 32 || c === 10 || c === 13 || c === 9;
const DECLARATIONS = ['<!DOCTYPE', '<!ENTITY', '<!ELEMENT', '<!ATTLIST', '<!NOTATION'];
const DECLARATION = /^<!(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/;
const ATTR = /([^\s=/]+)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/g;

export class XmlStreamReader {
  private buf = '';
  /** Characters consumed before `buf`. */
  private base = 0;
  private readonly stack: string[] = [];
  private text = '';
  /** True while the innermost open element has had no child element. */
  private leaf = false;
  private rootSeen = false;
  private declSeen = false;
  private readonly limits: XmlLimits;

  constructor(
    private readonly sink: XmlSink,
    limits: Partial<XmlLimits> = {},
    private readonly errors: XmlErrors = PLAIN_XML_ERRORS,
  ) {
    this.limits = { ...DEFAULT_XML_LIMITS, ...limits };
  }

  get depth(): number {
    return this.stack.length;
  }

  /** Character offset of the reader (start of the pending input). */
  get offset(): number {
    return this.base;
  }

  push(chunk: string): void {
    let buf = this.buf === '' ? chunk : this.buf + chunk;
    if (this.base === 0 && buf.charCodeAt(0) === 0xfeff) buf = buf.slice(1);
    const n = buf.length;
    let pos = 0;
    try {
      while (pos < n) {
        if (buf.charCodeAt(pos) !== 60) {
          const lt = buf.indexOf('<', pos);
          if (lt < 0) break; // keep the partial text until its end is known
          this.addText(buf, pos, lt);
          pos = lt;
        }
        if (n - pos < 2) break;
        const c1 = buf.charCodeAt(pos + 1);
        if (c1 === 33) {
          // <!
          if (n - pos < 4) break;
          if (buf.startsWith('<!--', pos)) {
            const end = buf.indexOf('-->', pos + 4);
            if (end < 0) break;
            pos = end + 3;
            continue;
          }
          if (buf.startsWith('<![CDATA[', pos)) {
            const end = buf.indexOf(']]>', pos + 9);
            if (end < 0) break;
            if (this.stack.length === 0) throw this.errors.malformed('CDATA outside the root element', this.base + pos);
            this.appendText(buf.slice(pos + 9, end), this.base + pos);
            pos = end + 3;
            continue;
          }
          const head = buf.slice(pos, Math.min(n, pos + 10));
          if (DECLARATION.test(head)) throw this.errors.dtdForbidden(this.base + pos);
          if (n - pos < 10 && [...DECLARATIONS, '<![CDATA['].some((d) => d.startsWith(head))) break; // not decided yet
          throw this.errors.malformed('malformed <! markup', this.base + pos);
        }
        if (c1 === 63) {
          // <? ... ?>
          const end = buf.indexOf('?>', pos + 2);
          if (end < 0) break;
          this.instruction(buf.slice(pos + 2, end), this.base + pos);
          pos = end + 2;
          continue;
        }
        // a tag: find its '>' outside quotes
        let k = buf.indexOf('>', pos + 1);
        if (k < 0) break;
        let quoted = false;
        for (let i = pos + 1; i < k; i++) {
          const c = buf.charCodeAt(i);
          if (c === 34 || c === 39) {
            quoted = true;
            break;
          }
        }
        if (quoted) {
          let q = 0;
          for (k = pos + 1; k < n; k++) {
            const c = buf.charCodeAt(k);
            if (q) {
              if (c === q) q = 0;
            } else if (c === 34 || c === 39) q = c;
            else if (c === 62) break;
          }
          if (k >= n) break;
        }
        if (c1 === 47) this.closeTag(buf.slice(pos + 2, k).trim(), this.base + pos);
        else this.openTag(buf, pos + 1, k, this.base + pos);
        pos = k + 1;
      }
    } catch (e) {
      this.buf = '';
      throw e;
    }
    this.base += pos;
    this.buf = pos >= n ? '' : buf.slice(pos);
    if (this.buf.length > this.limits.maxTextLength + 1024)
      throw this.errors.textTooLong(this.limits.maxTextLength, this.base);
  }

  end(): void {
    if (this.buf.trim() !== '') {
      if (this.buf.trimStart().startsWith('<')) throw this.errors.malformed('truncated document', this.base);
      if (this.stack.length === 0) throw this.errors.malformed('text after the root element', this.base);
    }
    if (this.stack.length > 0) throw this.errors.malformed(`unclosed element <${this.stack.at(-1)}>`, this.base);
    if (!this.rootSeen) throw this.errors.malformed('no root element', this.base);
  }

  private addText(buf: string, from: number, to: number): void {
    if (this.stack.length === 0) {
      for (let i = from; i < to; i++)
        if (!isSpace(buf.charCodeAt(i))) throw this.errors.malformed('text outside the root element', this.base + i);
      return;
    }
    if (!this.leaf) return; // whitespace between child elements (mixed content is not used in ISO 20022)
    const raw = buf.slice(from, to);
    this.appendText(raw.includes('&') ? this.decode(raw, this.base + from) : raw, this.base + from);
  }

  private appendText(s: string, offset: number): void {
    if (!this.leaf) return;
    this.text = this.text === '' ? s : this.text + s;
    if (this.text.length > this.limits.maxTextLength) throw this.errors.textTooLong(this.limits.maxTextLength, offset);
  }

  private decode(raw: string, offset: number): string {
    return raw.replace(ENTITY, (m, body: string) => {
      if (!m.endsWith(';')) throw this.errors.malformed('unescaped "&"', offset);
      if (body[0] === '#') {
        const code =
          body[1] === 'x' || body[1] === 'X'
            ? /^[0-9A-Fa-f]{1,6}$/.test(body.slice(2))
              ? Number.parseInt(body.slice(2), 16)
              : Number.NaN
            : /^[0-9]{1,7}$/.test(body.slice(1))
              ? Number.parseInt(body.slice(1), 10)
              : Number.NaN;
        if (!Number.isFinite(code) || code < 9 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
          throw this.errors.malformed('bad character reference', offset);
        return String.fromCodePoint(code);
      }
      const v = NAMED[body];
      if (v === undefined) throw this.errors.malformed(`undeclared entity &${body.slice(0, 12)};`, offset);
      return v;
    });
  }

  private instruction(body: string, offset: number): void {
    if (/^xml\s/i.test(body) || body === 'xml') {
      if (this.declSeen || this.rootSeen || offset !== 0) {
        // an XML declaration must come first; tolerate a BOM already stripped by the decoder
        if (this.declSeen || this.rootSeen) throw this.errors.malformed('misplaced XML declaration', offset);
      }
      this.declSeen = true;
      const m = /encoding\s*=\s*["']([^"']*)["']/.exec(body);
      if (m && !/^utf-?8$/i.test(m[1] as string)) throw this.errors.encoding((m[1] as string).slice(0, 40));
    }
  }

  private openTag(buf: string, from: number, to: number, offset: number): void {
    const selfClose = buf.charCodeAt(to - 1) === 47;
    const end = selfClose ? to - 1 : to;
    if (!isNameStart(buf.charCodeAt(from))) throw this.errors.malformed('bad element name', offset);
    let i = from + 1;
    while (i < end) {
      const c = buf.charCodeAt(i);
      if (isSpace(c) || c === 47) break;
      i++;
    }
    const qname = buf.slice(from, i);
    if (to - from > this.limits.maxTextLength) throw this.errors.textTooLong(this.limits.maxTextLength, offset);
    let attrs: Record<string, string> | null = null;
    if (i < end) {
      const rest = buf.slice(i, end);
      if (rest.trim() !== '') {
        attrs = {};
        let matched = 0;
        for (const a of rest.matchAll(ATTR)) {
          const v = a[2] ?? a[3] ?? '';
          attrs[localName(a[1] as string)] = v.includes('&') ? this.decode(v, offset) : v;
          matched += a[0].length;
        }
        if (matched === 0) throw this.errors.malformed('bad attribute', offset);
      }
    }
    if (this.stack.length === 0) {
      if (this.rootSeen) throw this.errors.malformed('more than one root element', offset);
      this.rootSeen = true;
    }
    if (this.stack.length >= this.limits.maxDepth) throw this.errors.tooDeep(this.limits.maxDepth, offset);
    const name = localName(qname);
    this.leaf = false;
    this.text = '';
    this.sink.open(name, attrs);
    if (selfClose) {
      this.sink.close(name, '');
      this.leaf = false;
    } else {
      this.stack.push(qname);
      this.leaf = true;
    }
  }

  private closeTag(qname: string, offset: number): void {
    const top = this.stack.pop();
    if (top === undefined) throw this.errors.malformed(`unexpected </${qname.slice(0, 40)}>`, offset);
    if (top !== qname) throw this.errors.malformed(`</${qname.slice(0, 40)}> closes <${top.slice(0, 40)}>`, offset);
    const text = this.leaf ? this.text : '';
    this.text = '';
    this.leaf = false;
    this.sink.close(localName(qname), text);
  }
}

/** Feeds `source` through a reader, calling `afterChunk` after each chunk so events can be drained. */
export async function* readXml(
  source: XmlSource,
  sink: XmlSink,
  limits: Partial<XmlLimits> = {},
  errors: XmlErrors = PLAIN_XML_ERRORS,
): AsyncGenerator<void> {
  const reader = new XmlStreamReader(sink, limits, errors);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const feed = (chunk: Uint8Array | string, last: boolean): void => {
    let s: string;
    try {
      s = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: !last });
    } catch {
      throw errors.malformed('invalid UTF-8', reader.offset);
    }
    reader.push(s);
  };
  if (typeof source === 'string' || source instanceof Uint8Array) {
    feed(source, true);
    yield;
  } else if (Symbol.asyncIterator in source) {
    for await (const chunk of source) {
      feed(chunk, false);
      yield;
    }
  } else {
    for (const chunk of source) {
      feed(chunk, false);
      yield;
    }
  }
  try {
    const tail = decoder.decode();
    if (tail) reader.push(tail);
  } catch {
    throw errors.malformed('invalid UTF-8', reader.offset);
  }
  reader.end();
}

/** Large string chunks are split so that a single huge string source still streams. */
export function* chunkString(s: string, size = 64 * 1024): Generator<string> {
  for (let i = 0; i < s.length; i += size) yield s.slice(i, i + size);
}
