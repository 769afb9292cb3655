#!/usr/bin/env node
// `npm start` (after scripts/setup.mjs and scripts/build.mjs): builds the emulator if needed,
// assembles the demo page into build/www (www/ + the package's browser files under
// vendor/talkover-client/), starts the emulator with demo data serving that folder, prints the
// page URL and the demo token, and runs until Ctrl-C. PORT picks the port (default 8787); a
// taken port ends with how to pick another (`--check-port` only checks, so `npm start` can
// say so before minutes of compiling).
//
// `assembleWww()` is exported for tests/js/www.test.mjs.
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, copyFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { step } from './step.mjs';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EMULATOR_BIN = join(ROOT, 'target', 'release', 'talkover-emulator');
/** The package files the page needs, copied from dist/. */
export const VENDOR_FILES = ['browser.mjs', 'talkover_client_bg.wasm'];

/**
 * Assembles the serving folder: a fresh copy of `www/` plus `vendor/talkover-client/` with the
 * browser entry and its wasm from `dist/`. Returns the folder's absolute path.
 * Options: root (repo root), out (default build/www), distDir (default dist).
 */
export function assembleWww({ root = ROOT, out = join(root, 'build', 'www'), distDir = join(root, 'dist') } = {}) {
  const missing = VENDOR_FILES.filter((f) => !existsSync(join(distDir, f)));
  if (missing.length) {
    throw new Error(`dist/ is missing ${missing.join(', ')}: build the package first (npm run build)`);
  }
  rmSync(out, { recursive: true, force: true });
  cpSync(join(root, 'www'), out, { recursive: true });
  const vendor = join(out, 'vendor', 'talkover-client');
  mkdirSync(vendor, { recursive: true });
  for (const file of VENDOR_FILES) copyFileSync(join(distDir, file), join(vendor, file));
  return out;
}

/** Builds the emulator (release); a no-op when it is up to date. */
export function ensureEmulator() {
  step('start', 'compiling the emulator', 'about 2 minutes on a fresh machine, seconds after', () =>
    execFileSync('cargo', ['build', '--release', '--quiet', '-p', 'talkover-emulator'], { cwd: ROOT, stdio: 'inherit' }));
  return EMULATOR_BIN;
}

/** Resolves true when something already listens on 127.0.0.1:`port`. */
export function portTaken(port) {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (err) => resolve(err.code === 'EADDRINUSE'));
    probe.listen(Number(port), '127.0.0.1', () => probe.close(() => resolve(false)));
  });
}

/** What to do when the port is taken. */
export const portAdvice = (port) =>
  `Port ${port} is already in use (another \`npm start\`?). Stop that, or pick another port: PORT=${Number(port) + 1} npm start`;

/** Exits with the advice when PORT (default 8787) is taken; `npm start` checks before building. */
async function checkPort(port) {
  if (port !== '0' && (await portTaken(port))) {
    console.error(portAdvice(port));
    process.exit(1);
  }
}

async function main() {
  const port = process.env.PORT ?? '8787';
  await checkPort(port);
  if (process.argv.includes('--check-port')) return;
  const bin = ensureEmulator();
  const dir = assembleWww();
  const args = ['--seed', 'demo', '--static', dir, '--port', port];
  if (!process.env.VERBOSE) args.push('--quiet'); // VERBOSE=1 shows the emulator's request log
  const child = spawn(bin, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });

  let stopping = false;
  const forward = (signal) => {
    stopping = true;
    if (child.exitCode === null) child.kill(signal);
  };
  process.on('SIGINT', () => forward('SIGINT'));
  process.on('SIGTERM', () => forward('SIGTERM'));

  let url = null;
  let token = 'talq_demo_4f8a2c9e71b34d0a';
  const lines = createInterface({ input: child.stdout });
  const ready = new Promise((resolve) => {
    lines.on('line', (line) => {
      const u = line.match(/http:\/\/127\.0\.0\.1:\d+/);
      const t = line.match(/talq_[A-Za-z0-9_]+/);
      if (t) token = t[0];
      if (u && !url) url = u[0];
      if (url && t) resolve();
      else if (url && !/token/i.test(line)) setTimeout(resolve, 200); // token line is optional
    });
  });
  const timeout = setTimeout(() => {
    if (!url) {
      console.error('The emulator did not print its URL within 15 s.');
      forward('SIGTERM');
    }
  }, 15_000);

  child.on('exit', (code, signal) => {
    clearTimeout(timeout);
    if (!stopping) console.error(`The emulator exited (${signal ?? code}).${url ? '' : ` If its port was taken: ${portAdvice(port)}`}`);
    process.exit(stopping ? 0 : code ?? 1);
  });

  await ready;
  clearTimeout(timeout);
  console.log('');
  console.log(`Demo page: ${url}/`);
  console.log(`Demo token: ${token}`);
  console.log('');
  console.log('Open the page, paste the token and connect. Ctrl-C stops the emulator.');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err) => {
    console.error(err.message ?? err);
    process.exit(1);
  });
}
