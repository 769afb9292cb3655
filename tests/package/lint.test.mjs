// The ecosystem's own package checks on the packed tarball: arethetypeswrong (types resolve
// for import and require in every resolution mode), publint --strict (no error, no warning),
// and `npm publish --dry-run`, whose file list must be exactly what a user needs; and that
// `sideEffects: false` holds for the browser entry with its top-level await.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ROOT } from './support.mjs';

const esbuild = createRequire(`${ROOT}package.json`)('esbuild');
const here = fileURLToPath(new URL('.', import.meta.url));
const tarball = process.env.TALKOVER_TARBALL;
const bin = (name) => `${ROOT}node_modules/.bin/${name}`;
const check = (cmd, args) => spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

/** Every file the tarball may hold: the licenses, the runtime entries, the command line, the wasm, two views of the types. */
const SHIPPED = ['LICENSE-APACHE', 'LICENSE-MIT', 'README.md', 'package.json', 'dist/browser.mjs', 'dist/cli.mjs', 'dist/edge-light.mjs', 'dist/index.d.cts', 'dist/index.d.ts', 'dist/node.cjs', 'dist/node.mjs', 'dist/talkover_client_bg.wasm', 'dist/workerd.mjs'];

test('arethetypeswrong finds no problem in the tarball', () => {
  const r = check(bin('attw'), [tarball, '--format', 'json']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const { problems } = JSON.parse(r.stdout).analysis;
  assert.deepEqual(problems, []);
});

test('publint --strict passes the tarball with no warning', () => {
  const r = check(bin('publint'), ['--strict', tarball]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /All good!/);
});

test('npm publish --dry-run passes and ships only what a user needs', () => {
  const out = execFileSync('npm', ['publish', '--dry-run', '--json'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const files = JSON.parse(out)['talkover-client'].files.map((f) => f.path).sort();
  assert.deepEqual(files, SHIPPED.toSorted());
});

// `sideEffects: false` is right for the browser entry although it has a top-level await: the
// entry is one file whose only top-level effect loads the wasm for its own exports, so a used
// import keeps it whole (bundlers.test.mjs runs such builds) and an unused one drops it, wasm
// fetch included, which is what a user who imports it without using it wants.
test('sideEffects: false drops an unused import whole and keeps a used one with its await', async () => {
  const bundle = async (contents) => {
    const r = await esbuild.build({ stdin: { contents, resolveDir: here }, bundle: true, write: false, format: 'esm', conditions: ['browser'], minify: true });
    return r.outputFiles[0].text;
  };
  assert.doesNotMatch(await bundle("import { TalkoverClient } from 'talkover-client';"), /wasm|await/);
  const used = await bundle("import { TalkoverClient } from 'talkover-client'; globalThis.C = TalkoverClient;");
  assert.match(used, /await [\w$]+\(\{module_or_path:new URL\("\.\/talkover_client_bg\.wasm",import\.meta\.url\)\}\)/);
});
