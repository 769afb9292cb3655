// Durable cleanup jobs (examples/cleanup-worker, POST /jobs): the wrangler bundle in real workerd
// through miniflare, with its CleanupJob Workflow and R2 bucket, against the real emulator on
// loopback. After every job the emulator's state must equal the job's report agent by agent
// (every `deleted` agent gone, every other one still there, one line each, counts adding up,
// the backup holding every deleted agent with its trainings): for a 10,000-agent job, under
// faults (5xx bursts, cut connections, 429 with Retry-After, a step that throws mid-batch),
// across a restart of the runtime mid-batch, and around pause, resume and terminate.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, DEMO_TOKEN, startEmulator } from '../support/emulator.mjs';
import { exposes, startEchoUpstream } from '../support/echo-upstream.mjs';
import { CALLER_SECRET, auth, buildJobsBundle, call, lines, startJobsWorker, waitForJob } from '../support/jobs-worker.mjs';

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

const agentPath = (k) => `/api/v1/agents/bench-agent-${String(k).padStart(6, '0')}`;
const benchIds = (state) => new Set(state.keys());

test('under faults (5xx bursts, cut connections, 429 Retry-After, a step that throws mid-batch) the job stays true', async () => {
  const state = await seed(200);
  const mf = await worker({ TALKOVER_MAX_RETRIES: '1', JOB_BATCH_MAX: '50', JOB_CONCURRENCY: '4' });
  await emu.admin.fault('GET', '/api/v1/agents', [{ kind: 'status', status: 500 }]);
  await emu.admin.fault('DELETE', agentPath(5), [{ kind: 'status', status: 503 }, { kind: 'status', status: 502 }]);
  await emu.admin.fault('DELETE', agentPath(7), [{ kind: 'close' }]);
  await emu.admin.fault('GET', agentPath(8), [{ kind: 'close' }]);
  const tooMany = { kind: 'status', status: 429, headers: { 'retry-after': '1' } };
  await emu.admin.fault('GET', agentPath(12), [tooMany, tooMany]);
  await emu.admin.fault('DELETE', agentPath(60), [tooMany, tooMany]);
  // Agent 120 (batch 3) fails past the client's retries: the step throws after the agents before
  // it were deleted, and the platform runs the step again.
  await emu.admin.fault('DELETE', agentPath(120), [{ kind: 'status', status: 503 }, { kind: 'status', status: 503 }]);
  const jobId = await startJob(mf, { agentIds: [...state.keys()], dryRun: false });
  const done = await waitForJob(mf, jobId);
  assert.equal(done.status, 'complete', JSON.stringify(done));
  const { report } = await assertTruth(mf, jobId, state, benchIds(state));
  assert.ok(report.every((l) => l.outcome === 'deleted'), JSON.stringify(report.filter((l) => l.outcome !== 'deleted')));
  const log = await emu.admin.requests();
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
    const state = await seed(400);
    await emu.admin.setLatency(15);
    const vars = { JOB_BATCH_MAX: '100', JOB_CONCURRENCY: '4' };
    let mf = await worker(vars, persist);
    const jobId = await startJob(mf, { filter: { status: 'draft', olderThanDays: 1 }, dryRun: false });
    const deletesNow = async () => (await emu.admin.requests()).filter((r) => r.method === 'DELETE' && r.status === 200).map((r) => r.path);
    while ((await deletesNow()).length < 150) await new Promise((r) => setTimeout(r, 30));
    await dispose(mf); // batch 2 of 4 is in flight
    const deletedBefore = new Set(await deletesNow());
    await emu.admin.clearRequests();
    mf = await worker(vars, persist);
    const stuck = (await call(mf, 'GET', `/jobs/${jobId}`)).body;
    assert.ok(stuck.progress.done < 400, JSON.stringify(stuck));
    const resumed = await call(mf, 'POST', `/jobs/${jobId}/resume`);
    assert.equal(resumed.status, 200, resumed.text);
    const done = await waitForJob(mf, jobId);
    await emu.admin.setLatency(0);
    assert.equal(done.status, 'complete', JSON.stringify(done));
    const { report } = await assertTruth(mf, jobId, state, benchIds(state));
    assert.ok(report.every((l) => l.outcome === 'deleted'));
    const after = await emu.admin.requests();
    const metAgain = after.filter((r) => r.method === 'GET' && r.status === 404 && deletedBefore.has(r.path));
    assert.ok(metAgain.length > 0, 'the re-run batch met agents deleted before the restart');
    assert.ok(!after.some((r) => r.method === 'DELETE' && deletedBefore.has(r.path)), 'no agent deleted twice');
  } finally {
    rmSync(persist, { recursive: true, force: true });
  }
});

test('pause stops between batches, resume finishes the job', async () => {
  const state = await seed(300);
  await emu.admin.setLatency(5);
  const mf = await worker({ JOB_BATCH_MAX: '50', JOB_CONCURRENCY: '4' });
  const jobId = await startJob(mf, { agentIds: [...state.keys()], dryRun: false });
  await waitForJob(mf, jobId, (b) => b.progress.done > 0);
  const paused = await call(mf, 'POST', `/jobs/${jobId}/pause`);
  assert.equal(paused.status, 200, paused.text);
  assert.ok(['paused', 'waitingForPause'].includes(paused.body.status), paused.text);
  const still = await waitForJob(mf, jobId, (b) => b.status === 'paused');
  const sent = (await emu.admin.stats()).requests;
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal((await emu.admin.stats()).requests, sent, 'a paused job sends nothing');
  assert.ok(still.progress.done < 300);
  assert.equal((await call(mf, 'GET', `/jobs/${jobId}`)).body.progress.done, still.progress.done);
  const resumed = await call(mf, 'POST', `/jobs/${jobId}/resume`);
  assert.equal(resumed.status, 200, resumed.text);
  const done = await waitForJob(mf, jobId);
  await emu.admin.setLatency(0);
  assert.equal(done.status, 'complete');
  await assertTruth(mf, jobId, state, benchIds(state));
  for (const action of ['pause', 'resume', 'terminate']) {
    const res = await call(mf, 'POST', `/jobs/${jobId}/${action}`);
    assert.equal(res.status, 409, res.text);
    assert.equal(res.body.error.code, 'JOB_FINISHED');
  }
});

test('terminate stops the running batch between agents; report and backup cover every change', async () => {
  const state = await seed(400);
  await emu.admin.setLatency(10);
  const mf = await worker({ JOB_BATCH_MAX: '200', JOB_CONCURRENCY: '2' });
  const jobId = await startJob(mf, { agentIds: [...state.keys()], dryRun: false });
  while ((await emu.admin.requests()).filter((r) => r.method === 'DELETE').length < 20) await new Promise((r) => setTimeout(r, 30));
  const res = await call(mf, 'POST', `/jobs/${jobId}/terminate`);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.status, 'terminated');
  await emu.admin.setLatency(0);
  const { report, status } = await assertTruth(mf, jobId, state, benchIds(state), { partial: true });
  assert.equal(status.status, 'terminated');
  assert.ok(status.finishedAt);
  const now = new Set((await emu.admin.state()).agents.map((a) => a.id));
  const gone = [...state.keys()].filter((id) => !now.has(id));
  assert.ok(gone.length > 0 && gone.length < 400, `${gone.length} deleted before the terminate`);
  assert.equal(report.length, report.filter((l) => l.outcome === 'deleted').length + report.filter((l) => l.reason === 'ABORTED').length, 'the rest of the stopped batch is skipped ABORTED');
  const sent = (await emu.admin.stats()).requests;
  await new Promise((r) => setTimeout(r, 500));
  assert.equal((await emu.admin.stats()).requests, sent, 'nothing is sent after terminate');
  assert.equal((await call(mf, 'POST', `/jobs/${jobId}/resume`)).body.error.code, 'JOB_FINISHED');
});

test('a dry run (the default) sends no mutating request and plans every agent', async () => {
  const state = await seed(40, [{ id: 'sb-old', is_sandbox: true, created_at: '2020-01-01T00:00:00Z' }]);
  const mf = await worker();
  await emu.admin.clearRequests();
  const jobId = await startJob(mf, { filter: { sandbox: false, search: 'BENCH AGENT 1' } });
  const done = await waitForJob(mf, jobId);
  assert.equal(done.status, 'complete');
  assert.equal(done.dryRun, true);
  const matching = [...state.values()].filter((a) => !a.is_sandbox && a.name.toLowerCase().includes('bench agent 1'));
  const { report } = await assertTruth(mf, jobId, state, new Set(matching.map((a) => a.id)));
  assert.ok(report.length === 11 && report.every((l) => l.outcome === 'planned'), JSON.stringify(report));
  assert.deepEqual(await lines(mf, `/jobs/${jobId}/backup`), []);
  const methods = new Set((await emu.admin.requests()).map((r) => r.method));
  assert.deepEqual([...methods], ['GET']);
});

test('job routes: caller secret, bad bodies and filters refused with nothing started, unknown ids', async () => {
  await seed(5);
  const mf = await worker();
  await emu.admin.clearRequests();
  const routes = [['POST', '/jobs'], ['GET', '/jobs/job-x'], ['GET', '/jobs/job-x/report'], ['GET', '/jobs/job-x/backup'], ['POST', '/jobs/job-x/pause'], ['POST', '/jobs/job-x/resume'], ['POST', '/jobs/job-x/terminate']];
  for (const [method, path] of routes) {
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: 'Basic abc' }]) {
      const res = await call(mf, method, path, { headers, body: method === 'POST' ? { agentIds: ['a'] } : undefined });
      assert.equal(res.status, 401, `${method} ${path} ${res.text}`);
      assert.equal(res.body.error.code, 'UNAUTHENTICATED');
    }
  }
  const bad = [
    {},
    { agentIds: ['a'], filter: { status: 'draft' } },
    { filter: {} },
    { filter: { status: 'archived' } },
    { filter: { sandbox: 'yes' } },
    { filter: { olderThanDays: -1 } },
    { filter: { olderThanDays: '30' } },
    { filter: { search: '' } },
    { filter: { search: 'a\ud800' } },
    { filter: { color: 'red' } },
    { filter: ['draft'] },
    { filter: null },
    { agentIds: [] },
    { agentIds: 'a' },
    { agentIds: ['x'.repeat(257)] },
    { agentIds: ['..'] },
    { agentIds: ['a\udc00'] },
    { agentIds: [1] },
    { agentIds: Array.from({ length: 10_001 }, (_, i) => `id-${i}`) },
    { agentIds: ['a'], dryRun: 'false' },
    { agentIds: ['a'], unpublish: 1 },
    { agentIds: ['a'], concurrency: 4 },
    JSON.parse('{"agentIds":["a"],"__proto__":{"dryRun":false}}'),
  ];
  for (const body of bad) {
    const res = await call(mf, 'POST', '/jobs', { body });
    assert.equal(res.status, 400, `${JSON.stringify(body).slice(0, 80)} -> ${res.text}`);
    assert.equal(res.body.error.code, 'INVALID_ARGUMENT');
  }
  assert.equal((await call(mf, 'POST', '/jobs', { body: 'nope', headers: { ...auth, 'content-type': 'text/plain' } })).status, 415);
  const bucket = await mf.getR2Bucket('JOBS_BUCKET');
  assert.deepEqual((await bucket.list()).objects, [], 'nothing recorded');
  assert.deepEqual(await emu.admin.requests(), [], 'nothing sent');
  for (const [method, path] of routes.slice(1).concat([['GET', '/jobs/%2e%2e%2fjobs'], ['GET', '/jobs/job%20x']])) {
    const res = await call(mf, method, path);
    assert.equal(res.status, 404, `${method} ${path} ${res.text}`);
    assert.equal(res.body.error.code, 'JOB_NOT_FOUND');
  }
  assert.equal((await call(mf, 'DELETE', '/jobs/job-x')).status, 405);
});

/** Every file under `dir`, as latin1 text. */
function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => ({ path: join(e.parentPath ?? e.path, e.name), text: readFileSync(join(e.parentPath ?? e.path, e.name), 'latin1') }));
}

test('an upstream echoing the token everywhere: no job response, R2 object, step output, event or log line holds a secret', async () => {
  const echo = await startEchoUpstream(DEMO_TOKEN);
  const persist = mkdtempSync(join(tmpdir(), 'talkover-jobs-secrets-'));
  const logs = [];
  try {
    const mf = await startJobsWorker({ script, emulatorUrl: echo.url, vars: { TALKOVER_MAX_RETRIES: '1' }, persist, logs });
    running.push(mf);
    const jobs = [
      await startJob(mf, { agentIds: ['ok-1', 'pub-2', 'x-fail-409', 'gone-2', 'ok-3'], unpublish: true, dryRun: false }),
      await startJob(mf, { filter: { sandbox: true } }),
      await startJob(mf, { filter: { search: CALLER_SECRET }, dryRun: false }),
    ];
    const texts = [];
    for (const jobId of jobs) {
      const done = await waitForJob(mf, jobId);
      assert.equal(done.status, 'complete', JSON.stringify(done));
      for (const path of [`/jobs/${jobId}`, `/jobs/${jobId}/report`, `/jobs/${jobId}/backup`]) {
        const res = await call(mf, 'GET', path);
        texts.push(res.text, [...res.headers].join('\n'));
      }
    }
    const report = await lines(mf, `/jobs/${jobs[0]}/report`);
    assert.deepEqual(report.map((l) => [l.agentId, l.outcome]), [['ok-1', 'deleted'], ['pub-2', 'deleted'], ['x-fail-409', 'failed'], ['gone-2', 'deleted'], ['ok-3', 'deleted']]);
    assert.equal((await lines(mf, `/jobs/${jobs[0]}/backup`)).length, 5);
    assert.deepEqual((await lines(mf, `/jobs/${jobs[1]}/report`)).map((l) => [l.agentId, l.outcome]), [['sb-echo-1', 'planned'], ['sb-echo-fail-500', 'planned']]);
    await dispose(mf);
    const stored = filesUnder(persist);
    assert.ok(stored.some((f) => f.text.includes('x-fail-409')), 'the persisted record is readable here');
    assert.ok(stored.some((f) => f.path.includes(`${persist}/wf/`) && f.text.includes('batch-000000')), 'so are the Workflow steps');
    for (const secret of [DEMO_TOKEN, CALLER_SECRET]) {
      for (const text of texts) assert.ok(!exposes(text, secret), `a secret in a job response: ${text.slice(0, 200)}`);
      for (const line of logs) assert.ok(!exposes(line, secret), `a secret in a log line: ${line}`);
      for (const f of stored) assert.ok(!exposes(f.text, secret), `a secret stored in ${f.path}`);
    }
  } finally {
    await echo.stop();
    rmSync(persist, { recursive: true, force: true });
  }
});
