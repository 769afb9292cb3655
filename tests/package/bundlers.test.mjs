// Bundlers: for each, a minimal user project imports 'talkover-client' by name, is built with
// exactly the README's commands and config (its `build-<name>` block and any config file
// block), and runs the package scenario in headless Chromium against the emulator serving the
// build; for Vite and webpack also inside a module Web Worker (`new Worker(url, {type:'module'})`).
// webpack resolves a whole `--target webworker` build with the `worker` condition: that build
// runs the scenario in a worker too, proving `worker` lands on the browser entry, not workerd's.
// The Vite dev server serves the same app (its dependency pre-bundling keeps the wasm's URL).
// The Workers build (esbuild with the `workerd` condition, as wrangler) is workerd.test.mjs
// and tests/js/worker.test.mjs.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT, launchChromium, readmeBlock, startEmulator } from './support.mjs';
import { checkScenario, prepareFixtures } from './scenario.mjs';
import { linkTools, makeApp, shell } from './apps.mjs';

const moduleScript = (src) => `<!doctype html><meta charset="utf-8"><script type="module" src="${src}"></script>`;
const WEBWORKER = 'npx webpack --mode production --target webworker --entry ./src/worker.js --output-path dist/webworker';
/**
 * Each bundler: README config blocks (their tags are the file names), its page (in the source
 * or written into the build), any build step beyond the README's, and the runs (CALLS) to make.
 */
const BUNDLERS = [
  { name: 'vite', configs: ['vite.config.js'], source: { 'index.html': moduleScript('/src/index.js') }, runs: ['page', 'module worker'] },
  { name: 'webpack', configs: [], dist: { 'index.html': '<!doctype html><meta charset="utf-8"><script src="main.js"></script>' }, extra: WEBWORKER, runs: ['page', 'module worker', 'webworker build'] },
  { name: 'esbuild', configs: [], dist: { 'index.html': moduleScript('index.js') }, runs: ['page'] },
  { name: 'rollup', configs: ['rollup.config.mjs'], dist: { 'index.html': moduleScript('index.js') }, runs: ['page'] },
];
/** How the page runs the scenario for each kind of run. */
const CALLS = {
  page: (input) => ['run', input],
  'module worker': (input) => ['runInWorker', input],
  'webworker build': (input) => ['runInWorkerAt', ['/webworker/main.js', input]],
};

let browser;
before(async () => {
  linkTools();
  browser = await launchChromium();
});
after(() => browser?.close());

/** Builds the app with the README's commands; returns its dist folder. */
function build({ name, configs, source = {}, dist = {}, extra }) {
  const files = { ...source };
  for (const file of configs) files[file] = readmeBlock(file);
  const dir = makeApp(name, files);
  shell(dir, readmeBlock(`build-${name}`));
  if (extra) shell(dir, extra);
  for (const [file, text] of Object.entries(dist)) writeFileSync(join(dir, 'dist', file), text);
  return join(dir, 'dist');
}

/**
 * Runs `fn(page, emulator)` on the app's index.html: the built app served by a fresh emulator
 * (`staticDir`), or a dev server's page at `pageUrl` calling the emulator across origins.
 */
async function served({ staticDir, pageUrl }, fn) {
  const emulator = await startEmulator({ staticDir });
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    await page.goto(pageUrl ?? `${emulator.url}/index.html`);
    await page.waitForFunction(() => typeof globalThis.talkover?.run === 'function');
    await fn(page, emulator);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    await emulator.stop();
  }
}

async function scenarioIn(page, emulator, tag, run) {
  const fixtures = await prepareFixtures(emulator.admin, tag);
  const call = CALLS[run]({ url: emulator.url, token: emulator.token, fixtures });
  const out = await page.evaluate(([fn, arg]) => globalThis.talkover[fn](arg), call);
  checkScenario(assert, out, fixtures);
}

for (const bundler of BUNDLERS) {
  test(`${bundler.name}: the README's build runs the scenario (${bundler.runs.join(', ')})`, async () => {
    const staticDir = build(bundler);
    await served({ staticDir }, async (page, emulator) => {
      for (const [i, run] of bundler.runs.entries()) await scenarioIn(page, emulator, `${bundler.name}-${i}`, run);
    });
  });
}

test("vite dev server: the README's config serves the scenario (page, module worker)", async () => {
  const files = { 'index.html': moduleScript('/src/index.js'), 'vite.config.js': readmeBlock('vite.config.js') };
  const root = makeApp('vite-dev', files, { project: false });
  const { createServer } = createRequire(`${ROOT}package.json`)('vite');
  const server = await createServer({ root, configFile: join(root, 'vite.config.js'), server: { host: '127.0.0.1', port: 0 }, logLevel: 'warn' });
  await server.listen();
  try {
    await served({ pageUrl: `${server.resolvedUrls.local[0]}index.html` }, async (page, emulator) => {
      await scenarioIn(page, emulator, 'vite-dev-0', 'page');
      await scenarioIn(page, emulator, 'vite-dev-1', 'module worker');
    });
  } finally {
    await server.close();
  }
});
