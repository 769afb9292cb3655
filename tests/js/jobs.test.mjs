// Durable cleanup jobs (examples/cleanup-worker, POST /jobs): the wrangler bundle in real workerd
// through miniflare, with its CleanupJob Workflow and R2 bucket, against the real emulator on
// loopback. After every job the emulator's state must equal the job's report agent by agent
// (every `deleted` agent gone, every other one still there, one line each, counts adding up,
// the backup holding every deleted agent with its trainings): for a 10,000-agent job, under
// faults (5xx bursts, cut connections, 429 with Retry-After, a step that throws mid-batch) and
// across a restart of the runtime mid-batch (also into a smaller budget than the plan's).
// jobs-control.test.mjs has the rest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobsTestFile, assertTruth, call, lines, seed, startJob, terminateAndCheck, untilRequests, waitForJob } from '../support/jobs-worker.mjs';

const fx = jobsTestFile('jobs-worker');
const { worker, dispose } = fx;

test('a 10,000-agent job completes and the emulator equals its report, agent by agent', async () => {
  const busy = Array.from({ length: 5 }, (_, i) => ({ id: `busy-${i}`, active_calls: 1, trainings: [{ subject: 'S', instructions: 'I' }] }));
  const live = { id: 'published-1', current_status: 'published' };
  const state = await seed(fx.emu, 10_000, [...busy, live]);
  await fx.emu.admin.setLatency(5);
  const mf = await worker({ JOB_CONCURRENCY: '16', JOB_BATCH_MAX: '250' });
  const jobId = await startJob(mf, { filter: { status: 'draft' }, dryRun: false });
  const done = await waitForJob(mf, jobId, undefined, 240_000);
  await fx.emu.admin.setLatency(0);
  assert.equal(done.status, 'complete', JSON.stringify(done));
  assert.equal(done.dryRun, false);
  assert.ok(!Number.isNaN(Date.parse(done.finishedAt)) && !Number.isNaN(Date.parse(done.createdAt)));
  const selected = new Set([...state.keys()].filter((id) => id !== 'published-1'));
  const { report } = await assertTruth(fx.emu, mf, jobId, state, selected);
  assert.equal(report.filter((l) => l.outcome === 'deleted').length, 10_000);
  assert.deepEqual(
    report.filter((l) => l.outcome !== 'deleted').map((l) => [l.agentId, l.outcome, l.reason]).sort(),
    busy.map((b) => [b.id, 'skipped', 'AGENT_HAS_ACTIVE_CALLS']),
  );
  assert.ok(await fx.emu.admin.agent('published-1'), 'an agent the filter does not select is left alone');
  const deletes = (await fx.emu.admin.requests()).filter((r) => r.method === 'DELETE' && r.status === 200);
  assert.equal(deletes.length, 10_000, 'every agent deleted by exactly one DELETE');
});

const agentPath = (k) => `/api/v1/agents/bench-agent-${String(k).padStart(6, '0')}`;
const benchIds = (state) => new Set(state.keys());

test('under faults (5xx bursts, cut connections, 429 Retry-After, a step that throws mid-batch) the job stays true', async () => {
  const state = await seed(fx.emu, 200);
  const mf = await worker({ TALKOVER_MAX_RETRIES: '1', JOB_BATCH_MAX: '50', JOB_CONCURRENCY: '4' });
  await fx.emu.admin.fault('GET', '/api/v1/agents', [{ kind: 'status', status: 500 }]);
  await fx.emu.admin.fault('DELETE', agentPath(5), [{ kind: 'status', status: 503 }, { kind: 'status', status: 502 }]);
  await fx.emu.admin.fault('DELETE', agentPath(7), [{ kind: 'close' }]);
  await fx.emu.admin.fault('GET', agentPath(8), [{ kind: 'close' }]);
  const tooMany = { kind: 'status', status: 429, headers: { 'retry-after': '1' } };
  await fx.emu.admin.fault('GET', agentPath(12), [tooMany, tooMany]);
  await fx.emu.admin.fault('DELETE', agentPath(60), [tooMany, tooMany]);
  // Agent 120 (batch 3) fails past the client's retries: the step throws after the agents before
  // it were deleted, and the platform runs the step again.
  await fx.emu.admin.fault('DELETE', agentPath(120), [{ kind: 'status', status: 503 }, { kind: 'status', status: 503 }]);
  const jobId = await startJob(mf, { agentIds: [...state.keys()], dryRun: false });
  const done = await waitForJob(mf, jobId);
  assert.equal(done.status, 'complete', JSON.stringify(done));
  const { report } = await assertTruth(fx.emu, mf, jobId, state, benchIds(state));
  assert.ok(report.every((l) => l.outcome === 'deleted'), JSON.stringify(report.filter((l) => l.outcome !== 'deleted')));
  const log = await fx.emu.admin.requests();
  const of = (k, method) => log.filter((r) => r.method === method && r.path === agentPath(k)).map((r) => r.status);
  assert.deepEqual(of(12, 'GET'), [429, 429, 200], 'a long-limited read waits in a step.sleep and runs again in a new pass');
  assert.deepEqual(of(60, 'DELETE'), [429, 429, 200]);
  assert.deepEqual(of(120, 'DELETE'), [503, 503, 200], 'the batch step was retried by the platform');
  // The re-run met the batch's agents the first attempt had deleted: a 404, and still `deleted`.
  const reRun = [...Array(50).keys()].map((i) => 101 + i).filter((k) => k !== 120 && of(k, 'GET').includes(404));
  assert.ok(reRun.length > 0, 'the retried step met agents it had already deleted');
  for (const k of reRun) {
    assert.deepEqual(of(k, 'DELETE'), [200], `agent ${k} was deleted once`);
    assert.equal(report.find((l) => l.agentId === `bench-agent-${String(k).padStart(6, '0')}`).outcome, 'deleted');
  }
});

test('restart mid-batch: a new runtime on the same folders resumes, and the job stays true', async () => {
  const persist = mkdtempSync(join(tmpdir(), 'talkover-jobs-'));
  try {
    const state = await seed(fx.emu, 400);
    await fx.emu.admin.setLatency(15);
    const vars = { JOB_BATCH_MAX: '100', JOB_CONCURRENCY: '4' };
    let mf = await worker(vars, persist);
    const jobId = await startJob(mf, { filter: { status: 'draft', olderThanDays: 1 }, dryRun: false });
    const deletesNow = async () => (await fx.emu.admin.requests()).filter((r) => r.method === 'DELETE' && r.status === 200).map((r) => r.path);
    while ((await deletesNow()).length < 150) await new Promise((r) => setTimeout(r, 30));
    await dispose(mf); // batch 2 of 4 is in flight
    const deletedBefore = new Set(await deletesNow());
    await fx.emu.admin.clearRequests();
    mf = await worker(vars, persist);
    const stuck = (await call(mf, 'GET', `/jobs/${jobId}`)).body;
    assert.ok(stuck.progress.done < 400, JSON.stringify(stuck));
    // Cut off mid-batch, before that batch settled: its backups are intents only, and still the
    // backup route holds every agent deleted so far (a job terminated now would keep them).
    const backedUp = new Set((await lines(mf, `/jobs/${jobId}/backup`)).map((b) => b.agent.id));
    const missing = [...deletedBefore].map((path) => path.split('/').pop()).filter((id) => !backedUp.has(id));
    assert.deepEqual(missing, [], 'every agent deleted before the restart is in the backup');
    const resumed = await call(mf, 'POST', `/jobs/${jobId}/resume`);
    assert.equal(resumed.status, 200, resumed.text);
    const done = await waitForJob(mf, jobId);
    await fx.emu.admin.setLatency(0);
    assert.equal(done.status, 'complete', JSON.stringify(done));
    const { report } = await assertTruth(fx.emu, mf, jobId, state, benchIds(state));
    assert.ok(report.every((l) => l.outcome === 'deleted'));
    const after = await fx.emu.admin.requests();
    const metAgain = after.filter((r) => r.method === 'GET' && r.status === 404 && deletedBefore.has(r.path));
    assert.ok(metAgain.length > 0, 'the re-run batch met agents deleted before the restart');
    assert.ok(!after.some((r) => r.method === 'DELETE' && deletedBefore.has(r.path)), 'no agent deleted twice');
  } finally {
    rmSync(persist, { recursive: true, force: true });
  }
});

test('restart mid-batch, then terminate (no resume): the report still has every agent the job deleted', async () => {
  const persist = mkdtempSync(join(tmpdir(), 'talkover-jobs-'));
  try {
    const state = await seed(fx.emu, 200);
    await fx.emu.admin.setLatency(15);
    const vars = { JOB_BATCH_MAX: '100', JOB_CONCURRENCY: '4' };
    let mf = await worker(vars, persist);
    const jobId = await startJob(mf, { agentIds: [...state.keys()], dryRun: false });
    await untilRequests(() => fx.emu.admin.requests(), (r) => r.method === 'DELETE' && r.status === 200, 30);
    await dispose(mf); // batch 1 of 2 is in flight: its backups are intents only
    mf = await worker(vars, persist);
    const { report } = await terminateAndCheck(fx.emu, mf, jobId, state);
    // assertTruth: every agent gone from the emulator has its deleted line, and no line lies.
    assert.ok(report.filter((l) => l.outcome === 'deleted').length >= 30, `${report.length} lines`);
  } finally {
    rmSync(persist, { recursive: true, force: true });
  }
});

test('a batch planned under a larger budget starts only what fits after a restart with a smaller one: no agent is cut off between its changes', async () => {
  const persist = mkdtempSync(join(tmpdir(), 'talkover-jobs-'));
  try {
    const published = Array.from({ length: 6 }, (_, i) => ({ id: `pub-budget-${i}`, name: `Published ${i}`, current_status: 'published' }));
    const state = await seed(fx.emu, 0, published);
    // Planned for a budget of 198: the worst case of an agent with unpublish is 11 requests x 3
    // attempts, so one batch of 6. Its first delete hangs, so the batch cannot finish, and that
    // agent is left unpublished by the first runtime.
    let mf = await worker({ SUBREQUEST_BUDGET: '198', JOB_BATCH_MAX: '6', JOB_CONCURRENCY: '4' }, persist);
    await fx.emu.admin.fault('DELETE', '/api/v1/agents/*', [{ kind: 'hang' }]);
    const jobId = await startJob(mf, { agentIds: published.map((a) => a.id), unpublish: true, dryRun: false });
    await untilRequests(() => fx.emu.admin.requests(), (r) => r.method === 'DELETE');
    await dispose(mf);
    await fx.emu.admin.clearFaults();
    const drafts = (await fx.emu.admin.state()).agents.filter((a) => a.id.startsWith('pub-budget-') && a.current_status !== 'published');
    assert.ok(drafts.length >= 1, 'the hung delete left its agent unpublished');
    // Now a budget of 40: one agent's worst case (33) fits, two do not. Seven requests each (read,
    // backup, 3 call counts, unpublish, delete): six at once would need 42, past the budget.
    await fx.emu.admin.clearRequests();
    mf = await worker({ SUBREQUEST_BUDGET: '40', JOB_BATCH_MAX: '6', JOB_CONCURRENCY: '4' }, persist);
    assert.equal((await call(mf, 'POST', `/jobs/${jobId}/resume`)).status, 200);
    const done = await waitForJob(mf, jobId);
    assert.equal(done.status, 'complete', JSON.stringify(done));
    const { report } = await assertTruth(fx.emu, mf, jobId, state, benchIds(state));
    // Every agent deleted, and unpublished by the job first: those left drafts by the first
    // runtime too (their intents say they were published).
    assert.deepEqual(report.map((l) => [l.outcome, l.unpublished]), published.map(() => ['deleted', true]), JSON.stringify(report));
    // After the restart the batch went one agent at a time, as the budget allows: each agent's
    // requests are together, none started beside another (six at once would pass the budget).
    const order = (await fx.emu.admin.requests()).map((r) => r.path.split('/')[4]).filter(Boolean);
    const runs = order.filter((id, i) => id !== order[i - 1]);
    assert.equal(new Set(runs).size, runs.length, `interleaved: ${order.join(' ')}`);
  } finally {
    rmSync(persist, { recursive: true, force: true });
  }
});
