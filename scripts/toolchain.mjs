// Which Rust toolchain builds the wasm. The size build uses the nightly pinned by date with
// `-Zbuild-std` and `panic=immediate-abort` (std rebuilt for size, no panic or formatting
// machinery: about 4 KB gzip less); without that nightly (or with TALKOVER_BUILD=stable) the
// stable toolchain builds the same code. setup.mjs installs what the size build needs;
// build.mjs says which one it made (and writes build/flavor.json for the size budget).
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

export const NIGHTLY = 'nightly-2026-05-19';
const DATE = NIGHTLY.slice('nightly-'.length);

const output = (cmd, args) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '';
};

/** The installed toolchain name for the pinned nightly (`nightly-DATE`, or `nightly` when that is the same build), or null. */
export function nightlyName() {
  for (const name of [NIGHTLY, 'nightly']) {
    if (output('rustc', [`+${name}`, '--version']).includes(DATE)) return name;
  }
  return null;
}

/** Whether `name` has what the size build needs: rust-src and the wasm32 target. */
export function sizeBuildReady(name) {
  const sysroot = output('rustc', [`+${name}`, '--print', 'sysroot']);
  return Boolean(sysroot)
    && existsSync(`${sysroot}/lib/rustlib/src/rust/library`)
    && existsSync(`${sysroot}/lib/rustlib/wasm32-unknown-unknown`);
}

/** `{ flavor: 'nightly' | 'stable', toolchain }` for this build. */
export function chooseBuild() {
  if (process.env.TALKOVER_BUILD !== 'stable') {
    const name = nightlyName();
    if (name && sizeBuildReady(name)) return { flavor: 'nightly', toolchain: name };
  }
  return { flavor: 'stable', toolchain: output('rustc', ['--version']) || 'stable' };
}
