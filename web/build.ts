/**
 * Builds the console: web/src bundled by esbuild into one ES module, with index.html, app.css and the icon.
 * The local gateway builds it in memory on the first request for it; the CDK app writes it into the cloud
 * assembly, a folder that becomes the static site's S3 deployment (`node --import tsx web/build.ts <dir>` does the same by hand).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, buildSync } from 'esbuild';

const WEB = fileURLToPath(new URL('./', import.meta.url));

export interface SiteFile {
  body: Buffer;
  contentType: string;
}

const STATIC: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
};

const options: BuildOptions = {
  entryPoints: [join(WEB, 'src/main.ts')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome110', 'firefox115', 'safari16'],
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  write: false,
  outfile: 'app.js',
  logLevel: 'silent',
};

function assemble(js: Uint8Array): Map<string, SiteFile> {
  const files = new Map<string, SiteFile>();
  for (const [name, contentType] of Object.entries(STATIC)) {
    files.set(name, { body: readFileSync(join(WEB, name)), contentType });
  }
  files.set('app.js', { body: Buffer.from(js), contentType: 'text/javascript; charset=utf-8' });
  return files;
}

/** The site's files in memory, by path relative to the site root. */
export async function buildSite(): Promise<Map<string, SiteFile>> {
  const out = await build(options);
  const js = out.outputFiles?.[0];
  if (!js) throw new Error('esbuild produced no output');
  return assemble(js.contents);
}

/** Writes the site into `dir` (synchronous: CDK constructs are built synchronously). */
export function writeSite(dir: string): string {
  const out = buildSync(options);
  const js = out.outputFiles?.[0];
  if (!js) throw new Error('esbuild produced no output');
  mkdirSync(dir, { recursive: true });
  for (const [name, file] of assemble(js.contents)) writeFileSync(join(dir, name), file.body);
  return dir;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = process.argv[2] ?? 'cdk.out/web-console';
  writeSite(dir);
  console.log(`console built into ${dir}`);
}
