// Shared paths and helpers of the benchmark.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

export const BENCH = fileURLToPath(new URL('..', import.meta.url));
export const ROOT = join(BENCH, '..') + '/';
export const OUT = join(BENCH, '.out');
export const DIST = join(ROOT, 'dist');

export const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
export const fileSizes = (path) => {
  const b = readFileSync(path);
  return { raw: b.length, gzip: gz(b) };
};

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Resolves `talkover-client` the way a consumer would (package self-reference from the root). */
const talkoverByName = {
  name: 'talkover-client-by-name',
  setup(b) {
    b.onResolve({ filter: /^talkover-client$/ }, (args) =>
      args.pluginData === 'self' ? undefined : b.resolve('talkover-client', { resolveDir: ROOT, kind: args.kind, pluginData: 'self' }),
    );
  },
};

/**
 * Bundles `source` (an ES module) into OUT/<name>/out. Options: worker (workerd conditions,
 * .wasm kept as a separate module, like wrangler), minify. Returns { dir, outfile, files }.
 */
export async function bundle(name, source, { worker = false, minify = false } = {}) {
  const dir = join(OUT, name);
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, 'entry.mjs');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(entry, source);
  const outdir = join(dir, 'out');
  const result = await esbuild.build({
    entryPoints: [entry],
    outdir,
    entryNames: 'worker',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    format: 'esm',
    minify,
    legalComments: 'none',
    platform: worker ? 'neutral' : 'browser',
    conditions: worker ? ['workerd', 'worker', 'browser'] : ['browser'],
    mainFields: worker ? ['module', 'main'] : ['browser', 'module', 'main'],
    loader: { '.wasm': 'copy' },
    assetNames: '[name]',
    absWorkingDir: BENCH,
    nodePaths: [join(BENCH, 'node_modules')],
    plugins: [talkoverByName],
    metafile: true,
    write: true,
    logLevel: 'error',
  });
  const files = Object.keys(result.metafile.outputs).map((p) => join(BENCH, p));
  return { dir, outfile: join(outdir, 'worker.mjs'), outdir, files };
}

/** Waits (up to `ms`) for dist/ to be complete: it is briefly missing while the package is rebuilt. */
export async function waitForDist(ms = 120_000) {
  const { existsSync } = await import('node:fs');
  const need = ['talkover_client_bg.wasm', 'browser.mjs', 'workerd.mjs', 'node.cjs', 'node.mjs'].map((f) => join(DIST, f));
  const until = Date.now() + ms;
  while (!need.every((f) => existsSync(f))) {
    if (Date.now() > until) throw new Error('dist/ is incomplete: build the package first (node scripts/build.mjs)');
    await new Promise((r) => setTimeout(r, 2000));
  }
}
