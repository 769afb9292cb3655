// The size budget: what a browser downloads for the package (dist/talkover_client_bg.wasm +
// dist/browser.mjs, each gzipped at level 9, as two separate responses) must stay within
// bench/size-budget.json's browserGzipBytes (browserGzipBytesNightly for the nightly size
// build). Lower those numbers as the wasm shrinks; the target is 30 KiB (bench/run.mjs prints
// the figure next to it).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';

const at = (p) => new URL(`../../${p}`, import.meta.url);
// One budget per build (scripts/toolchain.mjs): the nightly size build, and the stable fallback.
const { flavor } = JSON.parse(readFileSync(at('build/flavor.json'), 'utf8'));
const budgets = JSON.parse(readFileSync(at('bench/size-budget.json'), 'utf8'));
const browserGzipBytes = flavor === 'nightly' ? budgets.browserGzipBytesNightly : budgets.browserGzipBytes;

test(`browser download (wasm + browser.mjs, gzip -9) is within bench/size-budget.json (${flavor} build)`, () => {
  assert.ok(Number.isInteger(browserGzipBytes) && browserGzipBytes > 0, 'browserGzipBytes must be a positive integer');
  const parts = ['dist/talkover_client_bg.wasm', 'dist/browser.mjs'].map((f) => {
    const bytes = readFileSync(at(f));
    return { f, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  });
  const total = parts.reduce((a, p) => a + p.gzip, 0);
  const detail = parts.map((p) => `${p.f} ${p.gzip} B gzip (${p.raw} B raw)`).join(', ');
  assert.ok(total <= browserGzipBytes, `browser download is ${total} B gzip, over the budget of ${browserGzipBytes} B: ${detail}`);
});

test('the browser entry loads the wasm it is measured with', () => {
  // browser.mjs must fetch talkover_client_bg.wasm next to it, else the figure measures the wrong pair.
  assert.match(readFileSync(at('dist/browser.mjs'), 'utf8'), /talkover_client_bg\.wasm/);
});
