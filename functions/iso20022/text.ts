/** Text helpers for the builders: XML escaping, Vietnamese → bank ASCII, and input-problem collection. */
import type { Iso20022ErrorCode, Iso20022Problem } from './errors.js';

/** Escapes the five XML special characters. Control characters never reach here (validated or replaced). */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;',
  );
}

/**
 * Vietnamese (or any Latin) text → printable ASCII as bank rails expect: diacritics removed (NFD and
 * combining marks dropped), Đ→D and đ→d explicitly (they do not decompose), other non-ASCII and control
 * characters → space, whitespace collapsed and trimmed. "Nguyễn Thị Đào" → "Nguyen Thi Dao".
 */
export function toAscii(s: string): string {
  return s
    .replace(/Đ/g, 'D')
    .replace(/đ/g, 'd')
    .replace(/Ð/g, 'D') // U+00D0 (Icelandic eth, often typed for Đ)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * A person's or organisation's name as Vietnamese banks expect it in the beneficiary-name field: ASCII,
 * upper case, only letters, digits, space and . , - ' / ( ). "Trần Văn Đức" → "TRAN VAN DUC".
 */
export function toBankName(s: string): string {
  return toAscii(s)
    .toUpperCase()
    .replace(/[^A-Z0-9 .,'\-/()]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Free text (remittance information) for bank rails: ASCII without diacritics, case kept, limited to the
 * SWIFT-safe set (letters, digits, space and / - ? : ( ) . , ' +); other characters become spaces.
 */
export function toBankText(s: string): string {
  return toAscii(s)
    .replace(/[^A-Za-z0-9 /\-?:().,'+]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Characters allowed in identifiers we generate or send (SWIFT-safe Max35Text, no spaces). */
export const ID_CHARS = /^[A-Za-z0-9/\-?:().,'+]+$/;
export const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
export const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)?$/;

export function isValidDate(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

export function isValidDateTime(s: unknown): s is string {
  return typeof s === 'string' && ISO_DATE_TIME.test(s) && isValidDate(s.slice(0, 10));
}

/** Collects builder-input problems with bilingual messages. */
export class Problems {
  readonly list: Iso20022Problem[] = [];

  add(code: Iso20022ErrorCode, path: string, vi: string, en: string): void {
    this.list.push({ code, path, message: { vi: `${path}: ${vi}`, en: `${path}: ${en}` } });
  }

  missing(path: string): void {
    this.add('MISSING_ELEMENT', path, 'thiếu giá trị bắt buộc', 'required value is missing');
  }

  /** Checks a required/optional identifier: present, ≤ max, SWIFT-safe characters. Returns it if valid. */
  id(path: string, value: unknown, max: number, required = true): string | undefined {
    if (value === undefined || value === null || value === '') {
      if (required) this.missing(path);
      return undefined;
    }
    if (typeof value !== 'string') {
      this.add('FIELD_INVALID', path, 'phải là chuỗi ký tự', 'must be a string');
      return undefined;
    }
    let ok = true;
    if (value.length > max) {
      this.add('FIELD_TOO_LONG', path, `dài quá ${max} ký tự`, `longer than ${max} characters`);
      ok = false;
    }
    if (!ID_CHARS.test(value)) {
      this.add(
        'FIELD_INVALID',
        path,
        "chỉ được dùng chữ cái không dấu, chữ số và / - ? : ( ) . , ' +",
        "only ASCII letters, digits and / - ? : ( ) . , ' + are allowed",
      );
      ok = false;
    }
    return ok ? value : undefined;
  }

  /** Checks free text after conversion by `convert`: non-empty if required, ≤ max. */
  text(path: string, value: unknown, max: number, convert: (s: string) => string, required = true): string | undefined {
    if (value === undefined || value === null || value === '') {
      if (required) this.missing(path);
      return undefined;
    }
    if (typeof value !== 'string') {
      this.add('FIELD_INVALID', path, 'phải là chuỗi ký tự', 'must be a string');
      return undefined;
    }
    const out = convert(value);
    if (out === '') {
      if (required)
        this.add('FIELD_INVALID', path, 'không còn ký tự nào sau khi bỏ dấu', 'nothing is left after transliteration');
      return undefined;
    }
    if (out.length > max) {
      this.add('FIELD_TOO_LONG', path, `dài quá ${max} ký tự`, `longer than ${max} characters`);
      return undefined;
    }
    return out;
  }

  pattern(path: string, value: unknown, re: RegExp, vi: string, en: string, required = true): string | undefined {
    if (value === undefined || value === null || value === '') {
      if (required) this.missing(path);
      return undefined;
    }
    if (typeof value !== 'string' || !re.test(value)) {
      this.add('FIELD_INVALID', path, vi, en);
      return undefined;
    }
    return value;
  }
}

/** A tiny deterministic XML writer: two-space indentation, '\n' line ends, elements in call order. */
export class XmlWriter {
  private readonly parts: string[] = [];
  private depth = 0;

  constructor(root: string, ns: string) {
    this.parts.push('<?xml version="1.0" encoding="UTF-8"?>\n', `<${root} xmlns="${escapeXml(ns)}">\n`);
    this.depth = 1;
  }

  open(name: string): this {
    this.parts.push(`${'  '.repeat(this.depth)}<${name}>\n`);
    this.depth++;
    return this;
  }

  close(name: string): this {
    this.depth--;
    this.parts.push(`${'  '.repeat(this.depth)}</${name}>\n`);
    return this;
  }

  leaf(name: string, text: string | undefined, attrs?: Record<string, string>): this {
    if (text === undefined) return this;
    const a = attrs
      ? Object.entries(attrs)
          .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
          .join('')
      : '';
    this.parts.push(`${'  '.repeat(this.depth)}<${name}${a}>${escapeXml(text)}</${name}>\n`);
    return this;
  }

  /** Takes the text written so far (for streaming writers). */
  take(): string {
    const s = this.parts.join('');
    this.parts.length = 0;
    return s;
  }

  finish(root: string): string {
    this.parts.push(`</${root}>\n`);
    return this.take();
  }
}
