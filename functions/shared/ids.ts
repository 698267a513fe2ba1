/** Ids derived from content: the same request or file always yields the same id (idempotency keys). */
import { createHash } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

/** `prefix-` + 26 base32 characters (130 bits) of the SHA-256 of the canonical JSON of `parts`. */
export function contentId(prefix: string, parts: unknown): string {
  const digest = createHash('sha256').update(JSON.stringify(parts)).digest();
  return `${prefix}-${base32(digest).slice(0, 26)}`;
}
