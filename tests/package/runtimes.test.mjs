// Deno 2, Bun and the Vercel Edge Runtime: the installed tarball, imported by name, runs the
// package scenario against the emulator, offline. Deno and Bun are the npm packages of their
// binaries (devDependencies), run so that they download nothing (--cached-only, --no-install);
// both pick the `node` entry, and also run the README's Node quick start. The Edge Runtime gets
// a bundle built the way Vercel's edge builds resolve packages (`edge-light` condition; the
// `.wasm?module` import becomes the compiled WebAssembly.Module Vercel passes in).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { NODE_QUICK_START_LINES, ROOT, runNodeQuickStart, startEmulator } from './support.mjs';
import { checkScenario, prepareFixtures } from './scenario.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const bin = (path) => join(ROOT, 'node_modules', path);
const { EdgeRuntime } = createRequire(`${ROOT}package.json`)('edge-runtime');
const esbuild = createRequire(`${ROOT}package.json`)('esbuild');

let emulator;
before(async () => (emulator = await startEmulator()));
after(() => emulator.stop());

/** Runs run-scenario.mjs with `cmd` and checks its result; returns the entry it resolved. */
async function inProcess(tag, cmd, args, env = {}) {
  const fixtures = await prepareFixtures(emulator.admin, tag);
  const input = JSON.stringify({ url: emulator.url, token: emulator.token, fixtures });
  const stdout = execFileSync(cmd, [...args, 'run-scenario.mjs'], { cwd: here, encoding: 'utf8', env: { ...process.env, ...env, SCENARIO_INPUT: input } });
  const { entry, out } = JSON.parse(stdout.trim().split('\n').pop());
  checkScenario(assert, out, fixtures);
  return entry;
}

const DENO = [bin('@deno/linux-x64-glibc/deno'), ['run', '--cached-only', '--allow-net=127.0.0.1', '--allow-read', '--allow-env'], { DENO_DIR: join(here, 'deno-dir'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' }];
const BUN = [bin('@oven/bun-linux-x64/bin/bun'), ['--no-install'], { DO_NOT_TRACK: '1' }];

for (const [name, [cmd, args, env]] of Object.entries({ 'Deno 2': DENO, Bun: BUN })) {
  test(`${name} runs the scenario (node entry) and the README's Node quick start`, async () => {
    mkdirSync(env.DENO_DIR ?? here, { recursive: true });
    const entry = await inProcess(name.toLowerCase().replace(/\W/g, ''), cmd, args, env);
    assert.match(entry, /talkover-client\/dist\/node\.mjs$/);
    const out = await runNodeQuickStart(cmd, args, env);
    for (const line of NODE_QUICK_START_LINES) assert.match(out, line);
  });
}

/** esbuild plugin standing in for Vercel's `.wasm?module` loader: the module comes from a global. */
function vercelWasm(seen) {
  return {
    name: 'vercel-wasm-module',
    setup(b) {
      b.onResolve({ filter: /\.wasm\?module$/ }, (a) => {
        seen.push(a.path);
        return { path: a.path, namespace: 'vercel-wasm' };
      });
      b.onLoad({ filter: /.*/, namespace: 'vercel-wasm' }, () => ({ contents: 'export default globalThis.wasm_talkover_client_bg;' }));
    },
  };
}

async function edgeBundle(seen) {
  const handler = `import * as pkg from 'talkover-client';
import { runScenario } from './scenario.mjs';
addEventListener('fetch', (event) => event.respondWith(event.request.json().then((input) => runScenario(pkg, input)).then((out) => new Response(JSON.stringify(out)))));`;
  const result = await esbuild.build({
    stdin: { contents: handler, resolveDir: here, sourcefile: 'edge.mjs' },
    bundle: true, write: false, format: 'iife', platform: 'neutral', mainFields: ['module', 'main'],
    conditions: ['edge-light', 'worker', 'browser'], plugins: [vercelWasm(seen)], logLevel: 'warning',
  });
  return result.outputFiles[0].text;
}

test('the Vercel Edge Runtime runs the scenario (edge-light entry, wasm passed in as a module)', async () => {
  const seen = [];
  const initialCode = await edgeBundle(seen);
  assert.deepEqual(seen, ['./talkover_client_bg.wasm?module']);
  const wasm = readFileSync(join(here, 'node_modules', 'talkover-client', 'dist', 'talkover_client_bg.wasm'));
  const runtime = new EdgeRuntime();
  // The runtime's own WebAssembly.Module, so the glue's `instanceof` check holds in its realm.
  runtime.context.wasm_talkover_client_bg = new (runtime.evaluate('WebAssembly.Module'))(wasm);
  runtime.evaluate(initialCode);
  const fixtures = await prepareFixtures(emulator.admin, 'edge');
  const response = await runtime.dispatchFetch('http://edge.local/', { method: 'POST', body: JSON.stringify({ url: emulator.url, token: emulator.token, fixtures }) });
  await response.waitUntil();
  checkScenario(assert, await response.json(), fixtures);
});
