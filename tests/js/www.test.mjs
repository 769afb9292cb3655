// The demo page (www/) end to end: a real emulator serves the assembled page and the API, and
// headless Chromium drives it. Screenshots go to test-artifacts/www-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startEmulator, ROOT } from '../support/emulator.mjs';
import { assembleWww, VENDOR_FILES } from '../../scripts/start.mjs';

const ARTIFACTS = join(ROOT, 'test-artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let emu;
let browser;
let page;
const consoleLines = [];

/** dist/ may be briefly missing while the package is rebuilt: wait for it (up to 60 s). */
async function waitForDist() {
  const deadline = Date.now() + 60_000;
  while (!VENDOR_FILES.every((f) => existsSync(join(ROOT, 'dist', f)))) {
    if (Date.now() > deadline) throw new Error('dist/ is missing: run `npm run build` first');
    await new Promise((r) => setTimeout(r, 1000));
  }
}

const shot = (name, opts = {}) => page.screenshot({ path: join(ARTIFACTS, `www-${name}.png`), ...opts });
const row = (name) => page.locator('#agents-body tr', { has: page.locator('.agent-name', { hasText: new RegExp(`^${name}$`) }) });
const waitForList = (search = '', status = '') =>
  page.waitForSelector(`#agents-table[data-state="ready"][data-query="${new URLSearchParams({ search, status })}"]`);
const names = () => page.locator('#agents-body .agent-name').allTextContents();

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await waitForDist();
  // A folder of its own, so a running `npm start` (serving build/www) is left alone.
  const staticDir = assembleWww({ out: join(ROOT, 'build', 'www-test') });
  emu = await startEmulator({ seed: 'demo', staticDir });
  browser = await chromium.launch({
    timeout: 60_000,
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
  page.setDefaultTimeout(20_000); // generous: CI machines may be busy
  page.on('console', (msg) => consoleLines.push(msg.text()));
  page.on('pageerror', (err) => consoleLines.push(`pageerror: ${err.message}`));
});

after(async () => {
  await browser?.close();
  await emu?.stop();
});

test('the demo page: connect, filter, plan, clean up, back up, delete a training', { timeout: 90_000 }, async () => {
  const { url, token, admin } = emu;
  const initial = (await admin.state()).agents;
  const idOf = (name) => initial.find((a) => a.name === name).id;

  await page.goto(`${url}/`, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('html[data-app="ready"]', { state: 'attached' });
  assert.equal(await page.inputValue('#base-url'), url, 'the base URL defaults to the page origin');
  assert.equal(await page.getAttribute('#token', 'type'), 'password');
  assert.equal(await page.getAttribute('#token', 'autocomplete'), 'off');

  // A wrong token gets a human message.
  await page.fill('#token', 'talq_wrong_0000000000000000');
  await page.click('#connect-button');
  await page.waitForSelector('#connect-error:not([hidden])');
  assert.match(await page.textContent('#connect-error'), /token was not accepted/i);
  assert.match(await page.textContent('#connect-error'), /INVALID_TOKEN/);
  await shot('0-connect-error');

  // Connect.
  await page.fill('#token', token);
  await page.press('#token', 'Enter');
  await page.waitForSelector('#agents-card:not([hidden])');
  await waitForList();
  await page.waitForSelector('#agents-table[data-calls="ready"]');
  assert.equal(await page.locator('#agents-body tr').count(), 36, 'every page of agents is listed');
  assert.equal(await page.inputValue('#token'), '', 'the token does not stay in the form');
  assert.equal(await row('Sales Outreach').locator('.col-calls').getAttribute('data-value'), '2');
  assert.equal(await row('Lead Qualifier').locator('.col-calls').getAttribute('data-value'), '1');
  assert.equal(await row('Support Bot').locator('.col-trainings').textContent(), '3');
  assert.match(await row('Receptionist').locator('.col-sandbox').textContent(), /Sandbox/);
  await shot('1-agents');

  // Search, then pick two.
  await page.fill('#search', 'support');
  await waitForList('support');
  const found = await names();
  assert.ok(found.length >= 3 && found.every((n) => /support/i.test(n)), `search results: ${found}`);
  await row('Support Bot').locator('.row-check').check();
  await row('Support Escalations').locator('.row-check').check();

  // Drafts only: three more, one with an active call.
  await page.fill('#search', '');
  await page.selectOption('#status-filter', 'draft');
  await waitForList('', 'draft');
  const statuses = await page.locator('#agents-body .col-status').allTextContents();
  assert.ok(statuses.length > 0 && statuses.every((s) => s === 'Draft'), `statuses: ${statuses}`);
  for (const name of ['Billing Helper', 'Lead Qualifier', 'Event RSVP']) await row(name).locator('.row-check').check();

  // Published only: one with active calls.
  await page.selectOption('#status-filter', 'published');
  await waitForList('', 'published');
  await row('Sales Outreach').locator('.row-check').check();
  assert.match(await page.textContent('#selection-text'), /6 agents selected \(4 not shown/);

  await page.selectOption('#status-filter', '');
  await waitForList();
  assert.equal(await page.locator('#agents-body .row-check:checked').count(), 6);

  // The plan: published agents are skipped unless "unpublish" is ticked.
  await page.click('#review');
  await page.waitForSelector('#plan-dialog[open] #plan-content[data-state="ready"]');
  const planText = async (group) => page.locator(`#plan-content [data-group="${group}"]`).textContent().catch(() => '');
  // The dry run counts active calls too, so busy agents are planned as skipped.
  assert.match(await planText('skip'), /Support Bot.*published/s);
  assert.match(await planText('skip'), /Sales Outreach/);
  assert.match(await planText('skip'), /Lead Qualifier.*active calls/is);
  assert.match(await planText('delete'), /Billing Helper/);
  assert.doesNotMatch(await planText('delete'), /Lead Qualifier/);
  assert.equal((await page.textContent('#confirm-delete')).trim(), 'Delete 3 agents');

  await page.check('#unpublish-option');
  await page.waitForSelector('#plan-content[data-state="ready"]');
  assert.match(await planText('unpublish'), /Support Bot/);
  assert.doesNotMatch(await planText('unpublish'), /Sales Outreach/);
  assert.match(await planText('skip'), /Sales Outreach.*active calls/is);
  assert.match(await planText('skip'), /Lead Qualifier/);
  assert.equal((await page.textContent('#confirm-delete')).trim(), 'Delete 4 agents');
  assert.match(await page.textContent('#plan-lead'), /4 agents will be deleted, 1 of them after being unpublished; 2 will be skipped/);
  await shot('2-plan');
  assert.equal((await admin.state()).agents.length, initial.length, 'the plan changed nothing');

  // The real run.
  await page.click('#confirm-delete');
  await page.waitForSelector('#run-panel[data-state="done"]', { timeout: 20_000 });
  assert.equal(await page.getAttribute('#run-progress', 'value'), await page.getAttribute('#run-progress', 'max'));
  const stat = (k) => page.locator(`#run-stats [data-stat="${k}"] strong`).textContent();
  assert.equal(await stat('deleted'), '4');
  assert.equal(await stat('skipped'), '2');
  assert.equal(await stat('failed'), '0');
  const outcome = (name) => row(name).locator('.col-outcome').textContent();
  assert.equal(await outcome('Support Bot'), 'Unpublished and deleted');
  for (const name of ['Support Escalations', 'Billing Helper', 'Event RSVP']) assert.equal(await outcome(name), 'Deleted');
  assert.match(await outcome('Lead Qualifier'), /Skipped: has active calls/);
  assert.match(await outcome('Sales Outreach'), /Skipped: has active calls/);
  await shot('3-run');

  const after1 = new Map((await admin.state()).agents.map((a) => [a.id, a]));
  for (const name of ['Support Bot', 'Support Escalations', 'Billing Helper', 'Event RSVP']) {
    assert.ok(!after1.has(idOf(name)), `${name} is deleted in the emulator`);
  }
  assert.equal(after1.get(idOf('Lead Qualifier'))?.current_status, 'draft');
  assert.equal(after1.get(idOf('Sales Outreach'))?.current_status, 'published', 'calls are checked before unpublishing');

  // The backup.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-backup')]);
  assert.match(download.suggestedFilename(), /^talkover-backup-.*\.json$/);
  const backup = JSON.parse(readFileSync(await download.path(), 'utf8'));
  assert.equal(backup.baseUrl, url);
  const byName = new Map(backup.agents.map((b) => [b.agent.name, b]));
  assert.deepEqual([...byName.keys()].sort(), ['Billing Helper', 'Event RSVP', 'Support Bot', 'Support Escalations']);
  const bot = byName.get('Support Bot');
  assert.equal(bot.agentId, idOf('Support Bot'));
  assert.equal(bot.outcome, 'deleted');
  assert.equal(bot.unpublished, true);
  assert.deepEqual(bot.trainings.map((t) => t.id).sort(), [...initial.find((a) => a.name === 'Support Bot').trainings].sort());
  assert.ok(bot.trainings.every((t) => typeof t.subject === 'string' && typeof t.instructions === 'string'));

  // One agent: delete a training of a published agent (republished afterwards).
  const clinicId = idOf('Clinic Front Desk');
  const clinicBefore = initial.find((a) => a.id === clinicId);
  const opener = row('Clinic Front Desk').locator('.col-actions button');
  await opener.click();
  await page.waitForSelector('#agent-dialog[open] #trainings-list[data-state="ready"]');
  assert.match(await page.textContent('#agent-note'), /publishes it again/);
  assert.equal(await page.locator('#trainings-list .training').count(), clinicBefore.trainings.length);
  await shot('4-agent');
  const first = page.locator('#trainings-list .training').first();
  const trainingId = await first.getAttribute('data-id');
  await first.getByRole('button', { name: /^Delete training/ }).click();
  assert.match(await first.locator('.confirm-text').textContent(), /published again/);
  await shot('5-agent-confirm');
  await first.locator('.confirm-training').click();
  await page.waitForSelector('#agent-message .notice-ok');
  assert.match(await page.textContent('#agent-message'), /deleted\. The agent was published again/);
  const clinic = await admin.agent(clinicId);
  assert.equal(clinic.trainings.length, clinicBefore.trainings.length - 1);
  assert.ok(!clinic.trainings.includes(trainingId));
  assert.equal(clinic.current_status, 'published');
  assert.equal(await row('Clinic Front Desk').locator('.col-trainings').textContent(), String(clinicBefore.trainings.length - 1));
  await page.keyboard.press('Escape');
  await page.waitForSelector('#agent-dialog:not([open])', { state: 'attached' });
  // Focus goes back to the button that opened the dialog (the close event comes just after).
  await page.waitForFunction(
    () => document.activeElement?.closest('tr')?.querySelector('.agent-name')?.textContent === 'Clinic Front Desk',
  );

  // Narrow window.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot('6-narrow');
  await row('Appointment Reminder').scrollIntoViewIfNeeded();
  await shot('6b-narrow-list');
  await row('Tech Support Tier 1').locator('.col-actions button').click();
  await page.waitForSelector('#agent-dialog[open] #trainings-list[data-state="ready"]');
  await shot('7-narrow-agent');
  await page.keyboard.press('Escape');

  // Cancelling a slow run: what the page says matches what happened.
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.click('#clear-selection');
  await admin.setLatency(400);
  for (const name of ['Appointment Reminder', 'Feedback Collector']) await row(name).locator('.row-check').check();
  await page.click('#review');
  await page.waitForSelector('#plan-dialog[open] #plan-content[data-state="ready"]');
  assert.equal((await page.textContent('#confirm-delete')).trim(), 'Delete 2 agents');
  await page.click('#confirm-delete');
  await page.waitForSelector('#run-panel[data-state="running"]');
  await page.click('#cancel-run');
  await page.waitForSelector('#run-panel[data-state="done"]');
  await admin.setLatency(0);
  assert.equal(await page.textContent('#run-title'), 'Cleanup cancelled');
  await shot('8-cancelled');
  const left = new Set((await admin.state()).agents.map((a) => a.id));
  for (const name of ['Appointment Reminder', 'Feedback Collector']) {
    const said = await row(name).locator('.col-outcome').getAttribute('data-outcome');
    assert.equal(said === 'deleted', !left.has(idOf(name)), `${name}: the page says ${said}`);
  }

  // The token is nowhere but in memory.
  const stored = await page.evaluate(() => ({
    local: Object.keys(localStorage).map((k) => `${k}=${localStorage.getItem(k)}`).join('\n'),
    session: Object.keys(sessionStorage).map((k) => `${k}=${sessionStorage.getItem(k)}`).join('\n'),
    cookie: document.cookie,
    url: location.href,
  }));
  for (const [where, text] of Object.entries(stored)) assert.ok(!text.includes(token), `token found in ${where}`);
  assert.match(stored.local, /talkover-demo:base-url=/, 'the base URL is remembered');
  assert.ok(!consoleLines.some((l) => l.includes(token)), 'token in a console message');
  assert.deepEqual(consoleLines.filter((l) => /pageerror|error/i.test(l) && !/Failed to load resource/.test(l)), [], 'no page errors');
  // The page is served with a strict CSP (see www-csp.test.mjs): the whole workflow ran without a violation.
  assert.deepEqual(consoleLines.filter((l) => /Content Security Policy/i.test(l)), [], 'no CSP violations');
});
