/** Identity numbers for tests that open accounts through the stores: fresh and well formed, never twice in a file. */
import { randomInt } from 'node:crypto';

const used = new Set<string>();

/** A fresh, well-formed identity number (HCMC birth registration, woman born in the 1930s). */
export function newPersonalId(): string {
  for (;;) {
    const id = `0791${String(randomInt(30, 40))}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
    if (!used.has(id)) {
      used.add(id);
      return id;
    }
  }
}
