#!/usr/bin/env sh
# Runs the proto fuzz target for about FUZZ_SECONDS (default 20) when a nightly toolchain and
# cargo-fuzz are installed; otherwise says so and succeeds (CI machines without nightly).
set -eu
cd "$(dirname "$0")/.."
if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "skipped: no nightly toolchain"
  exit 0
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "skipped: cargo-fuzz is not installed (cargo install cargo-fuzz)"
  exit 0
fi
exec cargo +nightly fuzz run proto -- -max_total_time="${FUZZ_SECONDS:-20}" -max_len=4096
