// The .d.ts cannot drift from what the client returns: the members of each result interface in
// src/js/index.d.ts are compared with the keys of real results (against the emulator). A field
// renamed in src/js/results.js (the factories that build the results) or in the .d.ts fails
// here; the unions are compared with the Rust enums in tests/typings.rs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { TalkoverClient } from 'talkover-client';
import { ROOT, startEmulator } from '../support/emulator.mjs';

const DTS = readFileSync(`${ROOT}src/js/index.d.ts`, 'utf8');

/** Member names of `interface name` (with those of the interfaces it extends). */
function members(name) {
  const m = DTS.match(new RegExp(`export (?:declare )?(?:interface|class) ${name}(?: extends (\\w+))? \\{([\\s\\S]*?)\\n\\}`));
  assert.ok(m, `no interface ${name}`);
  const own = [...m[2].matchAll(/^ {2}(?:readonly )?(\w+)\??:/gm)].map((x) => x[1]);
  const inherited = m[1] && DTS.includes(`interface ${m[1]} `) ? members(m[1]) : [];
  return new Set([...inherited, ...own]);
}
const keys = (o) => new Set(Object.keys(o));

let emu;
before(async () => {
  emu = await startEmulator({ seed: 'empty' });
});
after(() => emu?.stop());

test('results have exactly the members their interfaces declare', async () => {
  const T = (id) => ({ id, subject: 's', instructions: 'i' });
  await emu.admin.createAgent({ id: 'ty-1', name: 'x', trainings: [T('ty-t1'), T('ty-t2')] });
  await emu.admin.createAgent({ id: 'ty-2', name: 'y' });
  const c = new TalkoverClient({ token: emu.token, baseUrl: emu.url, maxRetries: 0 });
  const events = [];
  assert.deepEqual(keys(await c.deleteTraining('ty-1', 'ty-t1')), members('DeleteResult'));
  assert.deepEqual(keys(await c.deleteTraining('ty-1', 'ty-t2', { republish: true })), members('DeleteTrainingResult'));
  assert.deepEqual(keys(await c.listAgents()), members('AgentPage'));
  const saved = [];
  const report = await c.cleanupAgents(['ty-1', 'missing'], { onProgress: (e) => events.push(e), onBackup: (b) => saved.push(b) });
  assert.equal(saved.length, 1);
  assert.deepEqual(keys(saved[0]), members('CleanupBackup'));
  assert.deepEqual(keys(report), members('CleanupReport'));
  for (const r of report.results) assert.deepEqual(keys(r), members('CleanupResult'));
  assert.deepEqual(keys(report.results[0].backup), new Set(['agent', 'trainings']));
  for (const e of events) assert.deepEqual(keys(e), members('CleanupProgress'));
  const error = await c.deleteAgent('missing').catch((e) => e);
  for (const k of members('TalkoverError')) assert.ok(k in error, `TalkoverError.${k}`);
  assert.deepEqual(keys(await c.deleteAgent('ty-2')), members('DeleteResult'));
  assert.ok(Array.isArray(await c.activeCalls('ty-1').catch(() => [])));
});
