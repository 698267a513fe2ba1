/**
 * Input plumbing shared by the text statement parsers (MT940, bank CSV) and the format detector: any chunk
 * source becomes a stream of byte chunks or of decoded text, and text becomes physical lines, without ever
 * holding the whole file. A line longer than the limit stops the parse (binary junk, a file without line
 * breaks), so memory stays bounded by one line plus one input slice.
 */
import { TextDecoder } from 'node:util';
import { isoErrors } from '../iso20022/errors.js';

/** A statement as a string, bytes, or chunks of either, sync or async (an S3 body, a file stream...). */
export type StatementSource = string | Uint8Array | AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

/** Big chunks are handled in slices of this many bytes / characters. */
export const SLICE = 64 * 1024;

const encoder = new TextEncoder();

/** The source as chunks (strings and bytes as they come); a single string or byte array is one chunk. */
export async function* chunksOf(source: StatementSource): AsyncGenerator<Uint8Array | string> {
  if (typeof source === 'string' || source instanceof Uint8Array) {
    yield source;
    return;
  }
  for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
    if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) {
      throw isoErrors.formatUnknown({
        vi: 'nguồn dữ liệu không phải văn bản hay byte',
        en: 'the source is not text or bytes',
      });
    }
    yield chunk;
  }
}

/** The source as byte chunks (strings encoded as UTF-8), at most SLICE bytes each. */
export async function* byteChunks(source: StatementSource): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunksOf(source)) {
    if (typeof chunk === 'string') {
      for (let i = 0; i < chunk.length; i += SLICE) {
        const bytes = encoder.encode(chunk.slice(i, i + SLICE));
        if (bytes.length > 0) yield bytes;
      }
    } else {
      for (let i = 0; i < chunk.length; i += SLICE) yield chunk.subarray(i, i + SLICE);
    }
  }
}

export type TextEncodingName = 'utf-8' | 'windows-1252';

/**
 * The source as text: bytes decoded (UTF-8 by default, fatal on invalid sequences; a UTF-8 BOM dropped),
 * strings passed through (a leading U+FEFF dropped). `line()` gives the line being read, for the error.
 */
export async function* textChunks(
  source: StatementSource,
  encoding: TextEncodingName = 'utf-8',
  line: () => number = () => 0,
): AsyncGenerator<string> {
  const decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: false });
  let first = true;
  let pendingBytes = false;
  const out = (text: string): string => {
    if (first && text !== '') {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) return text.slice(1);
    }
    return text;
  };
  const decode = (bytes: Uint8Array, stream: boolean): string => {
    try {
      return decoder.decode(bytes, { stream });
    } catch {
      // Locate the bad sequence: the line being read plus the line breaks before it in this slice.
      const lossy = new TextDecoder(encoding).decode(bytes);
      const before = lossy.slice(0, Math.max(0, lossy.indexOf('\uFFFD')));
      const breaks = before.match(/\r\n|\r|\n/g)?.length ?? 0;
      throw isoErrors.encodingInvalid(line() + breaks || undefined);
    }
  };
  for await (const chunk of chunksOf(source)) {
    if (typeof chunk === 'string') {
      if (pendingBytes) {
        const rest = decode(new Uint8Array(0), false);
        pendingBytes = false;
        if (rest !== '') yield out(rest);
      }
      for (let i = 0; i < chunk.length; i += SLICE) {
        const t = out(chunk.slice(i, i + SLICE));
        if (t !== '') yield t;
      }
      continue;
    }
    for (let i = 0; i < chunk.length; i += SLICE) {
      pendingBytes = true;
      const t = out(decode(chunk.subarray(i, i + SLICE), true));
      if (t !== '') yield t;
    }
  }
  if (pendingBytes) {
    const rest = out(decode(new Uint8Array(0), false));
    if (rest !== '') yield rest;
  }
}

/**
 * Splits text chunks into physical lines (CRLF, LF or CR). The last line need not end with a line break.
 * Throws LIMIT_EXCEEDED when a line grows beyond `maxChars`.
 */
export class LineSplitter {
  private partial = '';
  private skipLf = false;
  /** Lines returned so far (= the number of the last one). */
  count = 0;

  constructor(private readonly maxChars: number) {}

  push(text: string): string[] {
    const out: string[] = [];
    let i = 0;
    const n = text.length;
    if (this.skipLf && n > 0) {
      if (text.charCodeAt(0) === 10) i = 1;
      this.skipLf = false;
    }
    while (i < n) {
      let j = i;
      for (; j < n; j++) {
        const c = text.charCodeAt(j);
        if (c === 10 || c === 13) break;
      }
      if (j >= n) {
        this.partial += text.slice(i);
        if (this.partial.length > this.maxChars) this.tooLong();
        break;
      }
      const line = this.partial === '' ? text.slice(i, j) : this.partial + text.slice(i, j);
      this.partial = '';
      if (line.length > this.maxChars) this.tooLong();
      this.count++;
      out.push(line);
      if (text.charCodeAt(j) === 13) {
        if (j + 1 < n) {
          if (text.charCodeAt(j + 1) === 10) j++;
        } else this.skipLf = true;
      }
      i = j + 1;
    }
    return out;
  }

  end(): string[] {
    if (this.partial === '') return [];
    const line = this.partial;
    this.partial = '';
    this.count++;
    return [line];
  }

  private tooLong(): never {
    throw isoErrors.lineTooLong(this.maxChars, this.count + 1);
  }
}
