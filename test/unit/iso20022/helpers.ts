/** Test helpers: a tiny local-name tree reader built on the streaming reader, samples, generators. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { XmlStreamReader } from '../../../functions/codecs/xml.js';

export interface Node {
  name: string;
  attrs: Record<string, string>;
  text: string;
  children: Node[];
}

export function tree(xml: string): Node {
  const root: Node = { name: '#root', attrs: {}, text: '', children: [] };
  const stack: Node[] = [root];
  const r = new XmlStreamReader({
    open(name, attrs) {
      const n: Node = { name, attrs: attrs ?? {}, text: '', children: [] };
      (stack.at(-1) as Node).children.push(n);
      stack.push(n);
    },
    close(_name, text) {
      (stack.pop() as Node).text = text;
    },
  });
  r.push(xml);
  r.end();
  return root.children[0] as Node;
}

export const child = (n: Node, name: string): Node | undefined => n.children.find((c) => c.name === name);
export const children = (n: Node, name: string): Node[] => n.children.filter((c) => c.name === name);
export function at(n: Node, path: string): Node {
  let cur: Node | undefined = n;
  for (const p of path.split('/')) {
    cur = cur ? child(cur, p) : undefined;
    if (!cur) throw new Error(`no ${path}`);
  }
  return cur;
}
export const textAt = (n: Node, path: string): string => at(n, path).text;

/** Public bank files copied into the repository (origin and licence: SOURCES.md). */
export const SAMPLES = new URL('../../fixtures/bank-samples/', import.meta.url);
export const sample = (rel: string): string => readFileSync(fileURLToPath(new URL(rel, SAMPLES)), 'utf8');
export const sampleBytes = (rel: string): Uint8Array => readFileSync(fileURLToPath(new URL(rel, SAMPLES)));

/** Splits bytes into small chunks to exercise chunk boundaries. */
export async function* chunks(data: string | Uint8Array, size = 7): AsyncGenerator<Uint8Array> {
  const b = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

export async function errorOf(
  p: Promise<unknown> | (() => unknown),
): Promise<{ code?: string; details?: Record<string, unknown>; problems?: { code: string; path: string }[] }> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return e as { code?: string };
  }
  throw new Error('expected an error');
}
