// The installed `talkover` bin (node_modules/.bin/talkover, as `npx talkover` runs it): it ships
// in the tarball, runs from the consumer's node_modules, and reaches the emulator.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startEmulator } from './support.mjs';

const BIN = new URL('./node_modules/.bin/talkover', import.meta.url).pathname;
let emulator;
before(async () => (emulator = await startEmulator({ seed: 'empty' })));
after(() => emulator.stop());

test('the bin is installed and lists and deletes agents through the installed package', async () => {
  await emulator.admin.createAgent({ id: 'bin-1', name: 'Installed Bin' });
  const env = { ...process.env, TALKOVER_TOKEN: emulator.token, TALKOVER_BASE_URL: emulator.url };
  const listed = JSON.parse(execFileSync(BIN, ['agents', '--json'], { env, encoding: 'utf8' }));
  assert.deepEqual(listed.map((a) => a.id), ['bin-1']);
  const r = spawnSync(BIN, ['delete-agent', 'bin-1', '--yes'], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(await emulator.admin.agent('bin-1'), null);
  const pkg = JSON.parse(readFileSync(new URL('./node_modules/talkover-client/package.json', import.meta.url), 'utf8'));
  assert.deepEqual(pkg.bin, { talkover: './dist/cli.mjs' });
  // The command adds nothing to the other entries.
  for (const entry of ['browser.mjs', 'workerd.mjs', 'node.mjs', 'node.cjs']) {
    const text = readFileSync(new URL(`./node_modules/talkover-client/dist/${entry}`, import.meta.url), 'utf8');
    assert.equal(/parseArgs|TALKOVER_TOKEN|cli\.mjs/.test(text), false, entry);
  }
});
