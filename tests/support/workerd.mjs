// Runs a Worker module that imports 'talkover-client' by package name in real workerd
// (miniflare). The module is bundled with esbuild the way wrangler does: the package resolves
// through its `workerd` export condition and the .wasm stays a separate CompiledWasm module.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { Miniflare } from 'miniflare';
import { ROOT } from './emulator.mjs';

let counter = 0;

/**
 * Bundles `source` (an ES module with `export default { fetch(request, env) {...} }`) and
 * starts it. Resolves to { fetch(path, init) -> Response, json(path, init), dispose() }.
 * `files` are written next to the entry (e.g. a shared scenario module); `baseDir` is where the
 * entry lives, which decides how 'talkover-client' resolves (default: inside this repo, i.e.
 * the package's own dist/ through self-reference; a consumer project's dir uses its install).
 */
export async function startWorker(source, { bindings = {}, files = {}, baseDir = join(ROOT, 'build', 'workers'), name = `w${process.pid}-${counter++}` } = {}) {
  const dir = join(baseDir, name);
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, 'entry.mjs');
  writeFileSync(entry, source);
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  await esbuild.build({
    entryPoints: [entry],
    outfile: join(dir, 'out', 'worker.mjs'),
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    loader: { '.wasm': 'copy' },
    assetNames: '[name]',
    absWorkingDir: ROOT,
    nodePaths: [join(ROOT, 'build', 'consumer', 'node_modules')],
    logLevel: 'warning',
  });
  const mf = new Miniflare({
    modules: true,
    scriptPath: join(dir, 'out', 'worker.mjs'),
    modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
    compatibilityDate: '2025-09-01',
    bindings,
  });
  await mf.ready;
  const fetchIn = (path, init) => mf.dispatchFetch(`http://worker${path}`, init);
  return {
    fetch: fetchIn,
    json: async (path, init) => (await fetchIn(path, init)).json(),
    dispose: () => mf.dispose(),
    miniflare: mf,
  };
}
