/**
 * The one set of bounds the codecs apply to what comes from outside (uploaded lists, bank statements, bank
 * files). Callers (and tests) may pass smaller ones; nothing passes larger ones.
 */

const MiB = 1024 * 1024;

/** Tabular files (CSV, XLSX). */
export interface ListLimits {
  /** Bytes of the file as they stream in (FILE_TOO_LARGE). */
  maxFileBytes: number;
  /** Data rows after the header (TOO_MANY_ROWS). */
  maxRows: number;
  /** XLSX: decompressed bytes over all zip entries (XLSX_TOO_LARGE_UNCOMPRESSED). */
  maxUncompressedBytes: number;
  /** Characters in one cell, and in one CSV record (LINE_TOO_LONG). */
  maxCellChars: number;
}

export const DEFAULT_LIST_LIMITS: Readonly<ListLimits> = Object.freeze({
  maxFileBytes: 50 * MiB,
  maxRows: 1_000_000,
  maxUncompressedBytes: 500 * MiB,
  maxCellChars: 64 * 1024,
});

/** Defaults overridden by whatever the caller passes. */
export function resolveLimits(limits?: Partial<ListLimits>): ListLimits {
  return { ...DEFAULT_LIST_LIMITS, ...(limits ?? {}) };
}

/** XML (ISO 20022 messages, statements, the parts of an XLSX). DOCTYPE and entity declarations are always refused. */
export interface XmlLimits {
  /** Deepest element nesting (ISO 20022 messages stay under 20, SpreadsheetML under 10). */
  maxDepth: number;
  /** Longest text node, and longest tag (name and attributes), in characters. */
  maxTextLength: number;
}

export const DEFAULT_XML_LIMITS: Readonly<XmlLimits> = Object.freeze({ maxDepth: 64, maxTextLength: 64 * 1024 });

/** Zip (XLSX): beyond `ratioFloor` decompressed bytes, a total ratio above `maxRatio` is treated as a bomb. */
export const ZIP_LIMITS = Object.freeze({ ratioFloor: 32 * MiB, maxRatio: 300 });
