// Durable cleanup jobs (examples/cleanup-worker, POST /jobs): the wrangler bundle in real workerd
// through miniflare, with its CleanupJob Workflow and R2 bucket, against the real emulator on
// loopback. After every job the emulator's state must equal the job's report agent by agent
// (every `deleted` agent gone, every other one still there, one line each, counts adding up,
// the backup holding every deleted agent with its trainings): for a 10,000-agent job, under
// faults (5xx bursts, cut connections, 429 with Retry-After, a step that throws mid-batch),
// across a restart of the runtime mid-batch, and around pause, resume and terminate.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startEmulator } from '../support/emulator.mjs';
import { buildJobsBundle, call, lines, startJobsWorker, waitForJob } from '../support/jobs-worker.mjs';

let emu;
let script;
const running = [];

before(async () => {
  script = buildJobsBundle(join(ROOT, 'build', 'jobs-worker'));
  emu = await startEmulator({ seed: 'empty' });
});

after(async () => {
  for (const mf of running) await mf.dispose().catch(() => {});
  await emu?.stop();
});

async function worker(vars = {}, persist) {
  const mf = await startJobsWorker({ script, emulatorUrl: emu.url, vars, persist });
  running.push(mf);
  return mf;
}

async function dispose(mf) {
  running.splice(running.indexOf(mf), 1);
  await mf.dispose();
}

/** Seeds `n` bench agents (plus `extra` admin fixtures); the demo agents by id, before the job. */
async function seed(n, extra = []) {
  await emu.admin.reset(n);
  for (const fields of extra) await emu.admin.createAgent(fields);
  return new Map((await emu.admin.state()).agents.filter((a) => a.environment === 'demo').map((a) => [a.id, a]));
}

async function startJob(mf, body) {
  const res = await call(mf, 'POST', '/jobs', { body });
  assert.equal(res.status, 202, res.text);
  assert.match(res.body.jobId, /^job-[0-9a-f-]{36}$/);
  assert.ok(['queued', 'running'].includes(res.body.status), res.text);
  return res.body.jobId;
}

/**
 * The guarantees of every job: one report line per selected agent, the emulator's state equal
 * to the report agent by agent, counts that add up, and a backup of every deleted agent with its
 * trainings. `selected` are the ids the job should have taken (all of them must have a line
 * unless `partial`, as after a terminate).
 */
async function assertTruth(mf, jobId, beforeState, selected, { partial = false } = {}) {
  const report = await lines(mf, `/jobs/${jobId}/report`);
  const backup = await lines(mf, `/jobs/${jobId}/backup`);
  const status = (await call(mf, 'GET', `/jobs/${jobId}`)).body;
  const now = new Set((await emu.admin.state()).agents.map((a) => a.id));
  const byId = new Map();
  for (const line of report) {
    assert.ok(!byId.has(line.agentId), `two report lines for ${line.agentId}`);
    assert.ok(selected.has(line.agentId), `a report line for an agent the job did not select: ${line.agentId}`);
    byId.set(line.agentId, line);
    assert.deepEqual(Object.keys(line).sort(), ['agentId', 'error', 'outcome', 'reason', 'unpublished']);
    if (line.outcome === 'deleted') assert.ok(!now.has(line.agentId), `reported deleted but still there: ${line.agentId}`);
    else assert.ok(now.has(line.agentId), `reported ${line.outcome} ${line.reason} but gone: ${line.agentId}`);
  }
  for (const id of beforeState.keys()) {
    if (!now.has(id)) assert.equal(byId.get(id)?.outcome, 'deleted', `gone without a deleted line: ${id}`);
  }
  if (!partial) assert.equal(byId.size, selected.size, 'one line per selected agent');
  const count = (o) => report.filter((l) => l.outcome === o).length;
  const { progress } = status;
  assert.deepEqual(progress, {
    selected: selected.size,
    done: report.length,
    deleted: count('deleted'),
    skipped: count('skipped'),
    failed: count('failed'),
    planned: count('planned'),
  });
  const backups = new Map(backup.map((b) => [b.agent.id, b]));
  for (const line of report.filter((l) => l.outcome === 'deleted')) {
    const b = backups.get(line.agentId);
    assert.ok(b, `no backup for deleted ${line.agentId}`);
    assert.deepEqual(b.trainings.map((t) => t.id).sort(), [...beforeState.get(line.agentId).trainings].sort());
  }
  return { report, backup, status };
}

test('a 10,000-agent job completes and the emulator equals its report, agent by agent', async () => {
  const busy = Array.from({ length: 5 }, (_, i) => ({ id: `busy-${i}`, active_calls: 1, trainings: [{ subject: 'S', instructions: 'I' }] }));
  const live = { id: 'published-1', current_status: 'published' };
  const state = await seed(10_000, [...busy, live]);
  await emu.admin.setLatency(5);
  const mf = await worker({ JOB_CONCURRENCY: '16', JOB_BATCH_MAX: '250' });
  const jobId = await startJob(mf, { filter: { status: 'draft' }, dryRun: false });
  const done = await waitForJob(mf, jobId, undefined, 240_000);
  await emu.admin.setLatency(0);
  assert.equal(done.status, 'complete', JSON.stringify(done));
  assert.equal(done.dryRun, false);
  assert.ok(!Number.isNaN(Date.parse(done.finishedAt)) && !Number.isNaN(Date.parse(done.createdAt)));
  const selected = new Set([...state.keys()].filter((id) => id !== 'published-1'));
  const { report } = await assertTruth(mf, jobId, state, selected);
  assert.equal(report.filter((l) => l.outcome === 'deleted').length, 10_000);
  assert.deepEqual(
    report.filter((l) => l.outcome !== 'deleted').map((l) => [l.agentId, l.outcome, l.reason]).sort(),
    busy.map((b) => [b.id, 'skipped', 'AGENT_HAS_ACTIVE_CALLS']),
  );
  assert.ok(await emu.admin.agent('published-1'), 'an agent the filter does not select is left alone');
  const deletes = (await emu.admin.requests()).filter((r) => r.method === 'DELETE' && r.status === 200);
  assert.equal(deletes.length, 10_000, 'every agent deleted by exactly one DELETE');
});
