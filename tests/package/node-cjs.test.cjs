// Node CommonJS: `require` by package name from an installed tarball.
const assert = require('node:assert/strict');
const { after, before, test } = require('node:test');
const pkg = require('talkover-client');

let emulator;
let scenario;
before(async () => {
  const support = await import('./support.mjs');
  scenario = await import('./scenario.mjs');
  emulator = await support.startEmulator();
});
after(() => emulator.stop());

test('require() deletes agents and trainings and maps every error code', async () => {
  const fixtures = await scenario.prepareFixtures(emulator.admin, 'cjs');
  const out = await scenario.runScenario(pkg, { url: emulator.url, token: emulator.token, fixtures });
  scenario.checkScenario(assert, out, fixtures);
});
