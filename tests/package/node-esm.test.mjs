// Node ESM: `import` by package name from an installed tarball.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createRequire } from 'node:module';
import * as pkg from 'talkover-client';
import { startEmulator } from './support.mjs';
import { checkScenario, prepareFixtures, runScenario } from './scenario.mjs';

let emulator;
before(async () => (emulator = await startEmulator()));
after(() => emulator.stop());

test('ESM import deletes agents and trainings and maps every error code', async () => {
  const fixtures = await prepareFixtures(emulator.admin, 'esm');
  const out = await runScenario(pkg, { url: emulator.url, token: emulator.token, fixtures });
  checkScenario(assert, out, fixtures);
  assert.equal(await emulator.admin.agent(fixtures.agent), null);
});

test('ESM and require() share one module instance and one TalkoverError class', () => {
  const cjs = createRequire(import.meta.url)('talkover-client');
  assert.equal(cjs.TalkoverError, pkg.TalkoverError);
  assert.equal(cjs.TalkoverClient, pkg.TalkoverClient);
  assert.deepEqual(Object.keys(pkg).sort(), ['TalkoverClient', 'TalkoverError', 'isTalkoverError']);
});

test('the package resolves to its node entries', () => {
  const require = createRequire(import.meta.url);
  assert.match(require.resolve('talkover-client'), /dist\/node\.cjs$/);
  assert.match(import.meta.resolve('talkover-client'), /dist\/node\.mjs$/);
});

test('a TalkoverError thrown through import is the class require() hands out', () => {
  const cjs = createRequire(import.meta.url)('talkover-client');
  assert.throws(() => new pkg.TalkoverClient({}), (e) => e instanceof cjs.TalkoverError && e.code === 'INVALID_ARGUMENT');
});
