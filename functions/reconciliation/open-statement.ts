/** TEMPORARY until payments/statements/detect.ts lands: camt.053 / camt.054 / pain.002 by sniffing. */
import { parseCamt053, parseCamt054 } from '../payments/iso20022/camt.js';
import { parsePain002 } from '../payments/iso20022/pain002.js';

export async function readStatement(source: AsyncIterable<Uint8Array>, _fileName?: string) {
  const it = source[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let text = '';
  while (text.length < 4096) {
    const n = await it.next();
    if (n.done) break;
    head.push(n.value);
    text += new TextDecoder().decode(n.value);
  }
  async function* all() {
    yield* head;
    for (;;) {
      const n = await it.next();
      if (n.done) return;
      yield n.value;
    }
  }
  if (text.includes('pain.002')) return { format: 'pain.002' as const, report: await parsePain002(all()) };
  if (text.includes('camt.054')) return { format: 'camt.054' as const, events: parseCamt054(all()) };
  return { format: 'camt.053' as const, events: parseCamt053(all()) };
}
