// The JS/wasm boundary budget (issue 10): counted by instrumenting the instance
// (bench/lib/crossings.mjs, in a child process since it patches WebAssembly), deterministic,
// so it is held here; `npm run bench` prints the same figures.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { ROOT, startEmulator } from '../support/emulator.mjs';

const BUDGET = { constructor: 10, deleteAgent: 24 };
let emu;
before(async () => {
  emu = await startEmulator({ seed: 'empty' });
});
after(() => emu?.stop());

test(`new TalkoverClient() crosses at most ${BUDGET.constructor} times, a deleteAgent at most ${BUDGET.deleteAgent}`, async () => {
  await emu.admin.createAgent({ id: 'crossings-1', name: 'x' });
  const out = execFileSync(process.execPath, ['bench/lib/crossings.mjs', emu.url, emu.token, 'crossings-1'], { cwd: ROOT, encoding: 'utf8' });
  const counts = JSON.parse(out);
  console.log(`crossings: new TalkoverClient() ${counts.constructor.total}, deleteAgent ${counts.deleteAgent.total}`);
  assert.ok(counts.constructor.total <= BUDGET.constructor, JSON.stringify(counts.constructor.names));
  assert.ok(counts.deleteAgent.total <= BUDGET.deleteAgent, JSON.stringify(counts.deleteAgent.names));
  assert.equal(await emu.admin.agent('crossings-1'), null, 'the counted call really deleted the agent');
});
