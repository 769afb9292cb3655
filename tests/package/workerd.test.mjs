// workerd (miniflare): a Worker bundled from this consumer project, so 'talkover-client'
// resolves to the installed tarball through its `workerd` export condition.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startEmulator, startWorker } from './support.mjs';
import { checkScenario, prepareFixtures } from './scenario.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
let emulator;
before(async () => (emulator = await startEmulator()));
after(() => emulator.stop());

test('a Worker deletes agents and trainings and maps every error code', async () => {
  const fixtures = await prepareFixtures(emulator.admin, 'workerd');
  const worker = await startWorker(
    `import * as pkg from 'talkover-client';
     import { runScenario } from './scenario.mjs';
     export default {
       async fetch(request, env) {
         const out = await runScenario(pkg, { url: env.URL, token: env.TOKEN, fixtures: JSON.parse(env.FIXTURES) });
         return Response.json(out);
       },
     };`,
    {
      baseDir: `${here}workers`,
      files: { 'scenario.mjs': readFileSync(`${here}scenario.mjs`, 'utf8') },
      bindings: { URL: emulator.url, TOKEN: emulator.token, FIXTURES: JSON.stringify(fixtures) },
    },
  );
  try {
    const out = await worker.json('/');
    checkScenario(assert, out, fixtures);
  } finally {
    await worker.dispose();
  }
});
