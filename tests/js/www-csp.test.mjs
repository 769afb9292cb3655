// The demo page's Content-Security-Policy and framing protection, in real Chromium: the emulator
// serves the assembled page (`--static`, as `npm start` does) with a strict policy; injected
// inline script and inline style do not run; the page cannot be framed; and it still works
// against an API on another loopback origin (the base URL the user types in).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startEmulator, ROOT } from '../support/emulator.mjs';
import { assembleWww, VENDOR_FILES } from '../../scripts/start.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let emu;
let api;
let browser;
let context;

before(async () => {
  assert.ok(VENDOR_FILES.every((f) => existsSync(join(ROOT, 'dist', f))), 'dist/ is missing: run `npm run build` first');
  const staticDir = assembleWww({ out: join(ROOT, 'build', 'www-csp-test') });
  emu = await startEmulator({ seed: 'demo', staticDir });
  // Another loopback origin: the API the page connects to, and a page of its own that tries to frame
  // the demo page (a loopback page: Chromium keeps public pages such as about:blank from loopback).
  const framer = join(ROOT, 'build', 'www-csp-framer');
  mkdirSync(framer, { recursive: true });
  writeFileSync(join(framer, 'index.html'), '<!doctype html><meta charset="utf-8"><title>framer</title>');
  api = await startEmulator({ seed: 'demo', staticDir: framer, staticCsp: 'off' });
  browser = await chromium.launch({
    timeout: 60_000,
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  context = await browser.newContext();
});

after(async () => {
  await browser?.close();
  await emu?.stop();
  await api?.stop();
});

/** The policy's directives: name -> list of sources. */
function directives(policy) {
  const out = new Map();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) out.set(name.toLowerCase(), sources);
  }
  return out;
}

test('the page and its files are served with a strict policy and anti-framing headers', async () => {
  for (const path of ['/', '/app.js', '/styles.css', '/vendor/talkover-client/browser.mjs']) {
    const res = await fetch(`${emu.url}${path}`);
    assert.equal(res.status, 200, path);
    const csp = directives(res.headers.get('content-security-policy') ?? '');
    assert.deepEqual(csp.get('default-src'), ["'none'"], path);
    assert.deepEqual(csp.get('script-src'), ["'self'", "'wasm-unsafe-eval'"], path);
    assert.deepEqual(csp.get('style-src'), ["'self'"], path);
    for (const d of ['object-src', 'base-uri', 'frame-ancestors', 'form-action']) assert.deepEqual(csp.get(d), ["'none'"], `${path} ${d}`);
    const connect = csp.get('connect-src') ?? [];
    assert.ok(connect.includes("'self'") && connect.includes('https:'), connect.join(' '));
    assert.ok(!connect.includes('*') && !connect.includes('http:'), 'no plain http across the network');
    for (const [name, sources] of csp) {
      const loose = ["'unsafe-inline'", "'unsafe-eval'", 'blob:', ...(name === 'img-src' ? [] : ['data:'])];
      assert.deepEqual(sources.filter((s) => loose.includes(s)), [], `${path}: ${name}`);
    }
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  }
  const html = await (await fetch(`${emu.url}/`)).text();
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script in index.html');
  assert.doesNotMatch(html, /\sstyle=|<style|\son[a-z]+=|javascript:/i, 'no inline style or handler');
});

test('injected inline script and inline style are refused and reported', { timeout: 60_000 }, async () => {
  const page = await context.newPage();
  const lines = [];
  page.on('console', (m) => lines.push(m.text()));
  await page.goto(`${emu.url}/`);
  await page.waitForSelector('html[data-app="ready"]', { state: 'attached' });
  const seen = await page.evaluate(async () => {
    const violations = [];
    document.addEventListener('securitypolicyviolation', (e) => violations.push(e.effectiveDirective));
    const script = document.createElement('script');
    script.textContent = 'window.__injected = true;';
    document.body.append(script);
    const div = document.createElement('div');
    div.setAttribute('style', 'color: rgb(255, 0, 0)');
    document.body.append(div);
    const styled = getComputedStyle(div).color;
    // Violation events are queued as tasks: wait until both arrived (no timing assert; `eval` is
    // not tried here: code run by the test driver is exempt from the page's CSP).
    for (let i = 0; i < 500 && violations.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    return { injected: window.__injected === true, styled, violations: violations.sort() };
  });
  assert.equal(seen.injected, false, 'the inline script did not run');
  assert.notEqual(seen.styled, 'rgb(255, 0, 0)', 'the inline style did not apply');
  assert.deepEqual(seen.violations, ['script-src-elem', 'style-src-attr']);
  assert.ok(lines.some((l) => /Content Security Policy directive 'script-src/.test(l)));
  assert.ok(!lines.some((l) => /invalid source/.test(l)), 'every source in the policy is valid');
  await page.close();
});

test('the page cannot be framed', { timeout: 60_000 }, async () => {
  const page = await context.newPage();
  await page.goto(`${api.url}/`);
  // The iframe's load event fires once its navigation ends, also when it ends on an error page.
  await page.evaluate((src) => new Promise((resolve) => {
    const iframe = document.createElement('iframe');
    iframe.id = 'f';
    iframe.addEventListener('load', resolve, { once: true });
    iframe.src = src;
    document.body.append(iframe);
  }), `${emu.url}/`);
  const frame = await (await page.$('#f')).contentFrame();
  assert.equal(await frame.$('#connect-form'), null, 'the framed page did not render');
  assert.notEqual(frame.url(), `${emu.url}/`);
  await page.close();
});

test('it connects to an API on another loopback origin, and wasm compiles under the policy', { timeout: 60_000 }, async () => {
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => /Content Security Policy|error/i.test(m.text()) && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${emu.url}/`);
  await page.waitForSelector('html[data-app="ready"]', { state: 'attached' });
  await page.fill('#base-url', api.url);
  await page.fill('#token', api.token);
  await page.click('#connect-button');
  await page.waitForSelector('#agents-card:not([hidden])');
  await page.waitForSelector('#agents-table[data-state="ready"]');
  assert.equal(await page.locator('#agents-body tr').count(), 36);
  assert.match(await page.textContent('#connection-text'), new RegExp(api.url.replace(/[.]/g, '\\.')));
  assert.ok((await api.admin.requests()).some((r) => r.path === '/api/v1/agents'), 'the other origin got the calls');
  assert.deepEqual(errors, []);
  await page.close();
});
