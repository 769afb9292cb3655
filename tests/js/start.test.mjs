// `npm start`'s last step (scripts/start.mjs) as a user meets it: it prints the page URL and the
// demo token, serves the page, the package's browser files and the API on one origin, and stops
// cleanly on Ctrl-C; on a taken port it says how to pick another.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { ROOT } from '../support/emulator.mjs';

test('npm start prints the page and the token, serves them, and stops on SIGINT', async () => {
  const child = spawn(process.execPath, ['scripts/start.mjs'], { cwd: ROOT, env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  try {
    const printed = await new Promise((resolve, reject) => {
      const seen = {};
      const timer = setTimeout(() => reject(new Error(`no URL and token within 120 s: ${JSON.stringify(seen)}`)), 120_000);
      createInterface({ input: child.stdout }).on('line', (line) => {
        const page = line.match(/^Demo page: (http:\/\/127\.0\.0\.1:\d+)\/$/);
        const token = line.match(/^Demo token: (talq_\w+)$/);
        if (page) seen.url = page[1];
        if (token) seen.token = token[1];
        if (seen.url && seen.token) {
          clearTimeout(timer);
          resolve(seen);
        }
      });
    });
    assert.equal(printed.token, 'talq_demo_4f8a2c9e71b34d0a');
    const page = await fetch(`${printed.url}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self' 'wasm-unsafe-eval'/);
    const html = await page.text();
    assert.match(html, /<script type="module" src="\.\/app\.js"><\/script>/);
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script (the CSP forbids it)');
    const wasm = await fetch(`${printed.url}/vendor/talkover-client/talkover_client_bg.wasm`);
    assert.equal(wasm.headers.get('content-type'), 'application/wasm');
    const agents = await fetch(`${printed.url}/api/v1/agents?per_page=1`, { headers: { Authorization: `Bearer ${printed.token}` } });
    assert.equal((await agents.json()).meta.total, 36);
  } finally {
    child.kill('SIGINT');
  }
  assert.deepEqual(await exited, { code: 0, signal: null });
});

test('npm start on a taken port says how to pick another, before compiling anything', async () => {
  const taken = createServer();
  await new Promise((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const port = taken.address().port;
  try {
    for (const args of [['scripts/start.mjs', '--check-port'], ['scripts/start.mjs']]) {
      const r = spawnSync(process.execPath, args, { cwd: ROOT, env: { ...process.env, PORT: String(port) }, encoding: 'utf8' });
      assert.equal(r.status, 1, args.join(' '));
      assert.equal(r.stderr.trim(), `Port ${port} is already in use (another \`npm start\`?). Stop that, or pick another port: PORT=${port + 1} npm start`);
      assert.doesNotMatch(r.stdout, /compiling/);
    }
  } finally {
    taken.close();
  }
});
