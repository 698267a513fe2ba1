/** Bounds applied while reading an uploaded list. Callers (and tests) may pass smaller ones. */
export interface ListLimits {
  /** Bytes of the uploaded file as they stream in (FILE_TOO_LARGE). */
  maxFileBytes: number;
  /** Data rows after the header (TOO_MANY_ROWS). */
  maxRows: number;
  /** XLSX: decompressed bytes over all zip entries (XLSX_TOO_LARGE_UNCOMPRESSED). */
  maxUncompressedBytes: number;
  /** Characters in one cell, and in one CSV record (LINE_TOO_LONG). */
  maxCellChars: number;
}

const MiB = 1024 * 1024;

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
