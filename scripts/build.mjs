// Builds the npm package into dist/: cargo (size profile; the nightly size build when it can,
// see toolchain.mjs) -> wasm-bindgen (web target) -> wasm-opt -Oz with short import and export
// names (npm binaryen; short-names.mjs) -> esbuild bundles one small entry per runtime (Node's
// two, ESM and CommonJS, share one instance at run time: src/js/node.mjs). The Vercel Edge entry
// is the workerd one with Vercel's
// `.wasm?module` import; the declarations ship twice, as index.d.ts (ESM) and index.d.cts (the
// `require` condition's CommonJS view); the command line (src/cli/) is bundled into its own file
// (dist/cli.mjs).
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { MINIFY_FLAG, trimGlue, shortenGlue } from './short-names.mjs';
import { step } from './step.mjs';
import { chooseBuild } from './toolchain.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const at = (p) => `${root}${p}`;
const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit', cwd: root });

const build = chooseBuild();
const wasmFile = `target/${build.flavor === 'nightly' ? 'nightly/' : ''}wasm32-unknown-unknown/wasm/talkover_client.wasm`;
step('build', `compiling the Rust crate to wasm32 (${build.flavor} build, ${build.toolchain})`, 'about 1 minute on a fresh machine, seconds after', () => {
  if (build.flavor === 'stable') return run('cargo', ['build', '--quiet', '--lib', '--target', 'wasm32-unknown-unknown', '--profile', 'wasm']);
  // std rebuilt for size, panics abort at once, no Debug formatting or panic locations.
  const flags = '-Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none -Zlocation-detail=none';
  execFileSync('cargo', [`+${build.toolchain}`, 'build', '--quiet', '--lib', '--target', 'wasm32-unknown-unknown', '--profile', 'wasm', '-Zbuild-std=std,panic_abort', '--target-dir', 'target/nightly'], {
    stdio: 'inherit', cwd: root, env: { ...process.env, RUSTFLAGS: flags },
  });
});
mkdirSync(at('build'), { recursive: true });
writeFileSync(at('build/flavor.json'), JSON.stringify(build));
rmSync(at('build/pkg'), { recursive: true, force: true });
run('wasm-bindgen', ['--target', 'web', '--no-typescript', '--out-dir', at('build/pkg'), at(wasmFile)]);

rmSync(at('dist'), { recursive: true, force: true });
mkdirSync(at('dist'));
const features = ['bulk-memory', 'nontrapping-float-to-int', 'sign-ext', 'mutable-globals', 'reference-types', 'multivalue'];
const wasmOpt = (args) => execFileSync(at('node_modules/.bin/wasm-opt'), [...features.map((f) => `--enable-${f}`), ...args], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
// --low-memory-unused: the low 1 KiB is the far end of Rust's 1 MiB stack, so `load(p + c)` may
// take `c` as an offset (-265 B gzip); target_features is a linker's section (-117 B). Before
// -Oz: the control flow rebuilt from flat IR (--flatten --rereloop, then -Os), which leaves -Oz
// simpler code to shrink: -179 B gzip for the nightly build, -129 B for the stable one
// (measured; -O3 or -O4 in place of -Os: -126 or -114 B nightly).
wasmOpt(['--flatten', '--rereloop', '-Os', '-Oz', '--converge', '--low-memory-unused', '--strip-debug', '--strip-producers', '--strip-target-features', at('build/pkg/talkover_client_bg.wasm'), '-o', at('build/pkg/optimized.wasm')]);
// Its own run: --converge would repeat the renaming (and print a mapping each time).
const mapping = wasmOpt([MINIFY_FLAG, at('build/pkg/optimized.wasm'), '-o', at('dist/talkover_client_bg.wasm')]);
// The glue calls the wasm by the short names wasm-opt gave its imports and exports.
const glue = at('build/pkg/talkover_client.js');
writeFileSync(glue, trimGlue(shortenGlue(readFileSync(glue, 'utf8'), JSON.parse(mapping))));
// Kept for diagnostics: bench/lib/crossings.mjs names crossings by their Rust and JS names.
writeFileSync(at('build/short-names.json'), mapping);

// wasm-bindgen copies the imported src/js files (error.js, results.js, sys.js) into
// build/pkg/snippets/<crate-hash>/; point those imports back at the source files so every entry
// shares one module of each, hence one TalkoverError class.
const oneErrorClass = {
  name: 'one-error-class',
  setup(b) {
    b.onResolve({ filter: /snippets\/.*\/src\/js\/\w+\.js$/ }, (a) => ({ path: at(`src/js/${a.path.split('/').pop()}`) }));
  },
};
const common = { bundle: true, minify: true, legalComments: 'none', target: 'es2022', plugins: [oneErrorClass], logLevel: 'warning' };
await esbuild.build({ ...common, entryPoints: [at('src/js/browser.js')], outfile: at('dist/browser.mjs'), format: 'esm', platform: 'browser' });
await esbuild.build({ ...common, entryPoints: [at('src/js/workerd.js')], outfile: at('dist/workerd.mjs'), format: 'esm', platform: 'neutral', external: ['./talkover_client_bg.wasm'] });
// Vercel's edge bundlers hand over a compiled module only for an import ending in `?module`.
const vercelWasm = {
  name: 'vercel-wasm-module',
  setup(b) {
    b.onResolve({ filter: /\.wasm$/ }, (a) => ({ path: `${a.path}?module`, external: true }));
  },
};
await esbuild.build({ ...common, entryPoints: [at('src/js/workerd.js')], outfile: at('dist/edge-light.mjs'), format: 'esm', platform: 'neutral', plugins: [oneErrorClass, vercelWasm] });
await esbuild.build({ ...common, entryPoints: [at('src/js/node.js')], outfile: at('dist/node.cjs'), format: 'cjs', platform: 'node', target: 'node20', logOverride: { 'empty-import-meta': 'silent' } });
// The Node ESM entry is a bundle of its own (not a wrapper of node.cjs): see src/js/node.mjs.
await esbuild.build({ ...common, entryPoints: [at('src/js/node.mjs')], outfile: at('dist/node.mjs'), format: 'esm', platform: 'node', target: 'node20' });
copyFileSync(at('src/js/index.d.ts'), at('dist/index.d.ts'));
copyFileSync(at('src/js/index.d.ts'), at('dist/index.d.cts'));
// The `talkover` command (Node only): src/cli/ bundled into its own file, not minified (it is
// read in node_modules), the entry's `#!/usr/bin/env node` kept. The package stays an import by
// name (a self-reference that lands on the node entry at run time), so no other entry carries a
// byte of the command and the command carries no copy of the client.
await esbuild.build({ entryPoints: [at('src/cli/talkover.mjs')], outfile: at('dist/cli.mjs'), bundle: true, format: 'esm', platform: 'node', target: 'node20', external: ['talkover-client'], logLevel: 'warning' });
chmodSync(at('dist/cli.mjs'), 0o755);

const size = (f) => {
  const bytes = readFileSync(at(`dist/${f}`));
  return `${f} ${bytes.length} B raw, ${gzipSync(bytes, { level: 9 }).length} B gzip`;
};
for (const f of ['talkover_client_bg.wasm', 'browser.mjs', 'workerd.mjs', 'edge-light.mjs', 'node.cjs', 'node.mjs']) console.log(`[build] ${size(f)}`);
