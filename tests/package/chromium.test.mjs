// Chromium: a page imports 'talkover-client' by name through an import map pointing at the
// installed tarball's browser entry, served by the emulator on the same origin.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ROOT, startEmulator } from './support.mjs';
import { checkScenario, prepareFixtures } from './scenario.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const { chromium } = createRequire(`${ROOT}package.json`)('playwright-core');
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

writeFileSync(
  `${here}page.html`,
  `<!doctype html><meta charset="utf-8"><title>talkover-client in a page</title>
<script type="importmap">{"imports":{"talkover-client":"/node_modules/talkover-client/dist/browser.mjs"}}</script>
<p>package test page</p>`,
);

let emulator;
let browser;
before(async () => {
  // Its page uses an inline import map, which the default strict CSP of static files refuses.
  emulator = await startEmulator({ staticDir: here, staticCsp: 'off' });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
});
after(async () => {
  await browser?.close();
  await emulator?.stop();
});

test('a page deletes agents and trainings and maps every error code', async () => {
  const fixtures = await prepareFixtures(emulator.admin, 'chromium');
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${emulator.url}/page.html`);
  const out = await page.evaluate(async (input) => {
    const pkg = await import('talkover-client');
    const { runScenario } = await import('/scenario.mjs');
    return runScenario(pkg, input);
  }, { url: emulator.url, token: emulator.token, fixtures });
  checkScenario(assert, out, fixtures);
  assert.deepEqual(errors, []);
});

test('in a page, a token for a non-loopback API needs allowBrowser', async () => {
  const page = await browser.newPage();
  await page.goto(`${emulator.url}/page.html`);
  const out = await page.evaluate(async () => {
    const { TalkoverClient } = await import('talkover-client');
    let refused;
    try {
      new TalkoverClient({ token: 'talq_x', baseUrl: 'https://app.talkover.ai' });
    } catch (e) {
      refused = [e.code, e.message];
    }
    new TalkoverClient({ token: 'talq_x', baseUrl: 'https://app.talkover.ai', allowBrowser: true });
    const storage = JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie;
    return { refused, storage };
  });
  assert.equal(out.refused[0], 'INVALID_ARGUMENT');
  assert.match(out.refused[1], /allowBrowser/);
  assert.doesNotMatch(out.storage, /talq_/);
});

test('in a page, allowBrowser, baseUrl or a redirect planted on Object.prototype change nothing', async () => {
  const page = await browser.newPage();
  await page.goto(`${emulator.url}/page.html`);
  const out = await page.evaluate(async ({ url, token }) => {
    const { TalkoverClient } = await import('talkover-client');
    const planted = { allowBrowser: true, baseUrl: 'https://evil.example', redirect: 'follow', credentials: 'include' };
    for (const [k, v] of Object.entries(planted)) Object.defineProperty(Object.prototype, k, { value: v, configurable: true, writable: true });
    const result = {};
    try {
      try {
        new TalkoverClient({ token: 'talq_x', baseUrl: 'https://app.talkover.ai' });
        result.guard = 'lifted';
      } catch (e) {
        result.guard = e.code;
      }
      const c = new TalkoverClient({ token, baseUrl: url, maxRetries: 0 });
      result.missing = await c.getAgent('missing').then(() => 'ok', (e) => e.code);
    } finally {
      for (const k of Object.keys(planted)) delete Object.prototype[k];
    }
    return result;
  }, { url: emulator.url, token: emulator.token });
  assert.deepEqual(out, { guard: 'INVALID_ARGUMENT', missing: 'AGENT_NOT_FOUND' });
});
