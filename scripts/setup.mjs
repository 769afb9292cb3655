// Installs what a fresh machine lacks, and nothing twice: the wasm32 target, the wasm-bindgen
// CLI pinned to the crate's version, npm dev dependencies (again when one is missing), and
// (with --browser, for tests) Debian's chromium and chromium-driver. Slow steps say what they
// do and how long they take.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { step } from './step.mjs';
import { NIGHTLY, nightlyName, sizeBuildReady } from './toolchain.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const say = (msg) => console.log(`[setup] ${msg}`);
const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
const output = (cmd, args) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout : '';
};

export function wasmBindgenVersion() {
  const toml = readFileSync(new URL('../Cargo.toml', import.meta.url), 'utf8');
  const m = toml.match(/^wasm-bindgen = "=([0-9.]+)"/m);
  if (!m) throw new Error('Cargo.toml must pin wasm-bindgen = "=X.Y.Z"');
  return m[1];
}

function ensureTarget() {
  if (output('rustup', ['target', 'list', '--installed']).includes('wasm32-unknown-unknown')) return;
  step('setup', 'adding the wasm32-unknown-unknown target', 'about 30 s, once', () => run('rustup', ['target', 'add', 'wasm32-unknown-unknown']));
}

function ensureWasmBindgen() {
  const want = wasmBindgenVersion();
  if (output('wasm-bindgen', ['--version']).trim() === `wasm-bindgen ${want}`) return;
  step('setup', `compiling wasm-bindgen-cli ${want}`, 'about 3 minutes, once', () => run('cargo', ['install', 'wasm-bindgen-cli', '--version', want, '--force']));
}

// Installs when any devDependency is missing, so a checkout that added one gets it too.
function ensureNpm() {
  const { devDependencies } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const installed = (name) => existsSync(new URL(`../node_modules/${name}/package.json`, import.meta.url));
  if (Object.keys(devDependencies).every(installed)) return;
  const cmd = existsSync(new URL('../package-lock.json', import.meta.url)) ? 'ci' : 'install';
  step('setup', 'installing npm dev dependencies: bundlers, Deno, Bun, workerd, about 650 MB', 'about 1 minute, once', () => run('npm', [cmd, '--no-audit', '--no-fund']));
}

function ensureChromium() {
  if (existsSync('/usr/bin/chromium') && existsSync('/usr/bin/chromedriver')) return;
  say('installing Debian chromium and chromium-driver (about 1 minute, once)');
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const apt = (args) => run(sudo[0] ?? 'apt-get', sudo.length ? ['apt-get', ...args] : args, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  apt(['update']);
  apt(['install', '-y', '--no-install-recommends', 'chromium', 'chromium-driver']);
}

// The size build's nightly (scripts/toolchain.mjs); when it cannot be had, the build is stable.
function ensureNightly() {
  if (process.env.TALKOVER_BUILD === 'stable') return;
  let name = nightlyName();
  if (!name) {
    say(`installing ${NIGHTLY} for the size build (about a minute, once)`);
    if (spawnSync('rustup', ['toolchain', 'install', NIGHTLY, '--profile', 'minimal'], { stdio: 'inherit' }).status !== 0) {
      return say(`${NIGHTLY} is not available: the build will use stable`);
    }
    name = NIGHTLY;
  }
  if (sizeBuildReady(name)) return;
  say(`adding rust-src and the wasm32 target to ${name}`);
  spawnSync('rustup', ['component', 'add', 'rust-src', '--toolchain', name], { stdio: 'inherit' });
  spawnSync('rustup', ['target', 'add', 'wasm32-unknown-unknown', '--toolchain', name], { stdio: 'inherit' });
}

ensureTarget();
ensureNightly();
ensureWasmBindgen();
ensureNpm();
if (process.argv.includes('--browser')) ensureChromium();
