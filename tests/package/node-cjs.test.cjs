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

test('require() first, then import: one module instance and one TalkoverError class', async () => {
  const esm = await import('talkover-client');
  assert.equal(esm.TalkoverError, pkg.TalkoverError);
  assert.equal(esm.TalkoverClient, pkg.TalkoverClient);
  assert.throws(() => new esm.TalkoverClient({}), (e) => e instanceof pkg.TalkoverError && e.code === 'INVALID_ARGUMENT');
});
