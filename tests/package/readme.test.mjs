// The README's quick starts, run as written against a fresh demo emulator (only the emulator's
// address is swapped in), so the docs stay copy-paste true.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { NODE_QUICK_START_LINES, ROOT, readmeBlock as block, runNodeQuickStart, startEmulator, startWorker } from './support.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const withEmulator = async (fn) => {
  // The README's browser quickstart is inline script, which the default strict CSP refuses.
  const emulator = await startEmulator({ staticDir: here, staticCsp: 'off' });
  try {
    return await fn(emulator);
  } finally {
    await emulator.stop();
  }
};

test('Node quick start', async () => {
  const out = await runNodeQuickStart(process.execPath);
  for (const line of NODE_QUICK_START_LINES) assert.match(out, line);
});

test('Workers quick start', () =>
  withEmulator(async ({ url, token }) => {
    const worker = await startWorker(block('quickstart-worker'), {
      baseDir: `${here}workers`,
      bindings: { TALKOVER_TOKEN: token, TALKOVER_BASE_URL: url },
    });
    try {
      const result = await worker.json('/');
      assert.equal(result.success, true);
      assert.equal(result.message, 'Agent deleted successfully');
    } finally {
      await worker.dispose();
    }
  }));

test('Browser quick start', () =>
  withEmulator(async ({ url }) => {
    writeFileSync(`${here}quickstart.html`, `<!doctype html><meta charset="utf-8"><body>${block('quickstart-browser').replaceAll('http://127.0.0.1:8787', url)}</body>`);
    const { chromium } = createRequire(`${ROOT}package.json`)('playwright-core');
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
    try {
      const page = await browser.newPage();
      await page.goto(`${url}/quickstart.html`);
      await page.waitForFunction(() => /\d+ draft agents, first: \S+/.test(document.body.textContent)); // the script's own text is in the body too
      assert.match(await page.textContent('body'), /\d+ draft agents, first: \S+/);
    } finally {
      await browser.close();
    }
  }));
