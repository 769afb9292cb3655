// Every test layer, in order; `npm test` runs setup, build, then this. Each layer is a real
// process; the summary's closing line counts layers.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, ensureEmulatorBuilt, freePort, startEmulator } from '../tests/support/emulator.mjs';

const only = process.argv.slice(2);
const results = [];
// Every layer's temporary files (chromedriver's Chromium profiles, about 14 MB each, which it
// leaves behind when the runner ends it) go in one folder, removed when the run ends.
const scratch = mkdtempSync(join(tmpdir(), 'talkover-test-'));
process.env.TMPDIR = scratch;
process.on('exit', () => rmSync(scratch, { recursive: true, force: true, maxRetries: 3 }));

/**
 * Runs one layer. `opts.unstarted(output)`: whether a failed run never got to its tests; such a
 * run is made again, up to `opts.attempts` times in all (its output is captured to tell).
 */
function run(name, cmd, args, opts = {}) {
  if (only.length && !only.some((o) => name.startsWith(o))) return;
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const started = Date.now();
  const { unstarted, attempts, env, ...rest } = opts;
  const spawn = () => spawnSync(cmd, args, { cwd: ROOT, stdio: unstarted ? 'pipe' : 'inherit', encoding: 'utf8', ...rest, env: { ...process.env, ...env } });
  let r = spawn();
  for (let attempt = 2; unstarted; attempt++) {
    process.stdout.write(r.stdout + r.stderr);
    if (r.status === 0 || attempt > attempts || !unstarted(r.stdout + r.stderr)) break;
    console.log(`=== ${name}: no test started; again (attempt ${attempt} of ${attempts})`);
    r = spawn();
  }
  const ok = r.status === 0;
  results.push({ name, ok, seconds: ((Date.now() - started) / 1000).toFixed(1) });
  if (!ok) console.log(`=== ${name} FAILED (exit ${r.status ?? r.signal})`);
}

// 1. Static checks and the native tests (pure core + emulator).
run('fmt', 'cargo', ['fmt', '--all', '--check']);
run('clippy native', 'cargo', ['clippy', '--workspace', '--all-targets', '--quiet', '--', '-D', 'warnings']);
run('clippy wasm32', 'cargo', ['clippy', '--lib', '--tests', '--target', 'wasm32-unknown-unknown', '--quiet', '--', '-D', 'warnings']);
run('cargo test (native)', 'cargo', ['test', '--workspace']);
// The classifier and URL fuzz target, briefly, where a nightly toolchain and cargo-fuzz exist.
run('fuzz', 'sh', ['fuzz/run.sh'], { env: { FUZZ_SECONDS: process.env.FUZZ_SECONDS ?? '15' } });

// 2. The wasm-bindgen-test suite in Node and in headless Chromium, against a real emulator.
run('emulator build', 'cargo', ['build', '--release', '--quiet', '-p', 'talkover-emulator']);
ensureEmulatorBuilt();
// In Chromium the tests run in a page served by wasm-bindgen-test-runner's own loopback server and
// call the emulator's admin API cross-origin, which the emulator refuses to any page unless
// started with --admin-origin for exactly that origin: so the runner gets a fixed address.
const runnerAddress = `127.0.0.1:${await freePort()}`;
const emulator = await startEmulator({ seed: 'demo', adminOrigins: [`http://${runnerAddress}`] });
const wasmEnv = { TALKOVER_EMULATOR_URL: emulator.url, WASM_BINDGEN_TEST_TIMEOUT: '120' };
run('wasm-bindgen-test node', 'cargo', ['test', '--target', 'wasm32-unknown-unknown', '--test', 'wasm'], { env: wasmEnv });
// wasm-bindgen-test-runner's own server (rouille) now and then never answers one of the page's
// module requests (seen in chromedriver's network log: the request sent on a reused connection,
// no response), so the page never loads and no test starts: in some fresh clones every run. So
// Chromium reaches it through tests/support/proxy.mjs, which opens a connection per request
// (webdriver.json, written here, names the proxy and takes loopback off the bypass list). A page
// load is capped at 30 s, the runner waits 60 s more for output (the suite takes under a
// second), and a run whose tests never started is made again.
const proxyPort = await freePort();
const proxy = await startProxy(proxyPort);
writeFileSync(join(ROOT, 'webdriver.json'), JSON.stringify(webdriverCapabilities(proxyPort), null, 2));
run('wasm-bindgen-test chromium', 'cargo', ['test', '--target', 'wasm32-unknown-unknown', '--test', 'wasm'], {
  env: { ...wasmEnv, WASM_BINDGEN_TEST_TIMEOUT: '60', WASM_BINDGEN_USE_BROWSER: '1', CHROMEDRIVER: '/usr/bin/chromedriver', WASM_BINDGEN_TEST_ADDRESS: runnerAddress },
  unstarted: (output) => !/^running \d+ tests?$/m.test(output),
  attempts: 5,
});
proxy.kill();
await emulator.stop();

// 3. The packed tarball, installed into a throwaway project and used by package name.
const consumer = join(ROOT, 'build', 'consumer');
if (!only.length || only.some((o) => 'package'.startsWith(o) || o.startsWith('package'))) {
  rmSync(consumer, { recursive: true, force: true });
  mkdirSync(consumer, { recursive: true });
  const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', join(ROOT, 'build')], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').pop();
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--silent', join(ROOT, 'build', packed)], { cwd: consumer, stdio: 'inherit' });
  for (const f of readdirSync(join(ROOT, 'tests', 'package'))) cpSync(join(ROOT, 'tests', 'package', f), join(consumer, f), { recursive: true });
  const files = readdirSync(consumer).filter((f) => /\.test\.(mjs|cjs)$/.test(f));
  const env = { TALKOVER_ROOT: ROOT, TALKOVER_TARBALL: join(ROOT, 'build', packed) };
  const passes = join(ROOT, 'build', 'package-passes.jsonl');
  rmSync(passes, { force: true });
  const reporters = ['--test-reporter', process.stdout.isTTY ? 'spec' : 'tap', '--test-reporter-destination', 'stdout', '--test-reporter', join(ROOT, 'tests', 'support', 'record-passes.mjs'), '--test-reporter-destination', passes];
  run('package (by name)', process.execPath, ['--test', '--test-concurrency=2', ...reporters, ...files], { cwd: consumer, env });
  // The README's support table against the tests that just passed.
  run('package support table', process.execPath, ['scripts/support-table.mjs']);
}

// 4. Every JS test file: workflow, reliability, security, demo page, Worker, size budget.
const jsTests = existsSync(join(ROOT, 'tests', 'js')) ? readdirSync(join(ROOT, 'tests', 'js')).filter((f) => f.endsWith('.test.mjs')) : [];
run('js', process.execPath, ['--test', '--test-concurrency=2', ...jsTests.map((f) => join('tests', 'js', f))]);

console.log('\n=== summary');
for (const r of results) console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name} (${r.seconds} s)`);
const failed = results.filter((r) => !r.ok).length;
console.log(`layers: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

/** tests/support/proxy.mjs on `port`, once it listens. */
function startProxy(port) {
  const child = spawn(process.execPath, [join(ROOT, 'tests', 'support', 'proxy.mjs'), String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`the test proxy exited (${code})`)));
  });
}

/** What wasm-bindgen-test-runner hands chromedriver: headless Chromium, through the proxy. */
function webdriverCapabilities(port) {
  const args = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
  return {
    'goog:chromeOptions': { binary: '/usr/bin/chromium', args: [...args, `--proxy-server=http://127.0.0.1:${port}`, '--proxy-bypass-list=<-loopback>'] },
    timeouts: { pageLoad: 30000 },
  };
}
