// Durable cleanup jobs, part two (part one, with the 10,000-agent job, faults and a restart, is
// jobs.test.mjs): pause, resume and terminate; a dry run; the job routes' auth and input checks;
// and an upstream that echoes the token everywhere, with no secret in any job response, log
// line, R2 object or persisted Workflow step or event.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_TOKEN } from '../support/emulator.mjs';
import { exposes, startEchoUpstream } from '../support/echo-upstream.mjs';
import { CALLER_SECRET, jobsTestFile, assertTruth, auth, call, lines, seed, startJob, terminateAndCheck, untilRequests, waitForJob } from '../support/jobs-worker.mjs';

const fx = jobsTestFile('jobs-control-worker');
const { worker, dispose } = fx;

const benchIds = (state) => new Set(state.keys());

test('pause stops between batches, resume finishes the job', async () => {
  const state = await seed(fx.emu, 300);
  await fx.emu.admin.setLatency(5);
  const mf = await worker({ JOB_BATCH_MAX: '50', JOB_CONCURRENCY: '4' });
  const jobId = await startJob(mf, { agentIds: [...state.keys()], dryRun: false });
  await waitForJob(mf, jobId, (b) => b.progress.done > 0);
  const paused = await call(mf, 'POST', `/jobs/${jobId}/pause`);
  assert.equal(paused.status, 200, paused.text);
  assert.ok(['paused', 'waitingForPause'].includes(paused.body.status), paused.text);
  const still = await waitForJob(mf, jobId, (b) => b.status === 'paused');
  const sent = (await fx.emu.admin.stats()).requests;
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal((await fx.emu.admin.stats()).requests, sent, 'a paused job sends nothing');
  assert.ok(still.progress.done < 300);
  assert.equal((await call(mf, 'GET', `/jobs/${jobId}`)).body.progress.done, still.progress.done);
  const resumed = await call(mf, 'POST', `/jobs/${jobId}/resume`);
  assert.equal(resumed.status, 200, resumed.text);
  const done = await waitForJob(mf, jobId);
  await fx.emu.admin.setLatency(0);
  assert.equal(done.status, 'complete');
  await assertTruth(fx.emu, mf, jobId, state, benchIds(state));
  for (const action of ['pause', 'resume', 'terminate']) {
    const res = await call(mf, 'POST', `/jobs/${jobId}/${action}`);
    assert.equal(res.status, 409, res.text);
    assert.equal(res.body.error.code, 'JOB_FINISHED');
  }
});

test('terminate stops the running batch between agents; report and backup cover every change', async () => {
  const state = await seed(fx.emu, 400);
  await fx.emu.admin.setLatency(10);
  const mf = await worker({ JOB_BATCH_MAX: '200', JOB_CONCURRENCY: '2' });
  const jobId = await startJob(mf, { agentIds: [...state.keys()], dryRun: false });
  await untilRequests(() => fx.emu.admin.requests(), (r) => r.method === 'DELETE', 20);
  const { report, status } = await terminateAndCheck(fx.emu, mf, jobId, state);
  assert.ok(status.finishedAt);
  const now = new Set((await fx.emu.admin.state()).agents.map((a) => a.id));
  const gone = [...state.keys()].filter((id) => !now.has(id));
  assert.ok(gone.length > 0 && gone.length < 400, `${gone.length} deleted before the terminate`);
  assert.equal(report.length, report.filter((l) => l.outcome === 'deleted').length + report.filter((l) => l.reason === 'ABORTED').length, 'the rest of the stopped batch is skipped ABORTED');
  const sent = (await fx.emu.admin.stats()).requests;
  await new Promise((r) => setTimeout(r, 500));
  assert.equal((await fx.emu.admin.stats()).requests, sent, 'nothing is sent after terminate');
  assert.equal((await call(mf, 'POST', `/jobs/${jobId}/resume`)).body.error.code, 'JOB_FINISHED');
});

test('a batch retried after a terminate reports what its first attempt deleted', async () => {
  const state = await seed(fx.emu, 8);
  const ids = [...state.keys()];
  const last = ids[7];
  // The batch's first attempt deletes seven agents, then the eighth's 503 fails the step.
  const busy = { kind: 'status', status: 503, body: { message: 'busy' } };
  await fx.emu.admin.fault('DELETE', `/api/v1/agents/${encodeURIComponent(last)}`, [busy, busy, busy, busy]);
  const mf = await worker({ JOB_BATCH_MAX: '50', JOB_CONCURRENCY: '1', TALKOVER_MAX_RETRIES: '0' });
  const jobId = await startJob(mf, { agentIds: ids, dryRun: false });
  const deletes = async () => (await fx.emu.admin.requests()).filter((r) => r.method === 'DELETE').length;
  await untilRequests(() => fx.emu.admin.requests(), (r) => r.method === 'DELETE', 8);
  // The terminate comes while the step waits for its retry (2 s).
  await new Promise((r) => setTimeout(r, 300));
  const { report } = await terminateAndCheck(fx.emu, mf, jobId, state, new Set(ids));
  assert.deepEqual(report.filter((l) => l.outcome === 'deleted').map((l) => l.agentId).sort(), ids.slice(0, 7).sort());
  assert.ok(await fx.emu.admin.agent(last));
  assert.equal(await deletes(), 8, 'nothing deleted after the terminate');
});

test('a dry run (the default) sends no mutating request and plans every agent', async () => {
  const state = await seed(fx.emu, 40, [{ id: 'sb-old', is_sandbox: true, created_at: '2020-01-01T00:00:00Z' }]);
  const mf = await worker();
  await fx.emu.admin.clearRequests();
  const jobId = await startJob(mf, { filter: { sandbox: false, search: 'BENCH AGENT 1' } });
  const done = await waitForJob(mf, jobId);
  assert.equal(done.status, 'complete');
  assert.equal(done.dryRun, true);
  const matching = [...state.values()].filter((a) => !a.is_sandbox && a.name.toLowerCase().includes('bench agent 1'));
  const { report } = await assertTruth(fx.emu, mf, jobId, state, new Set(matching.map((a) => a.id)));
  assert.ok(report.length === 11 && report.every((l) => l.outcome === 'planned'), JSON.stringify(report));
  assert.deepEqual(await lines(mf, `/jobs/${jobId}/backup`), []);
  const methods = new Set((await fx.emu.admin.requests()).map((r) => r.method));
  assert.deepEqual([...methods], ['GET']);
});

test('job routes: caller secret, bad bodies and filters refused with nothing started, unknown ids', async () => {
  await seed(fx.emu, 5);
  const mf = await worker();
  await fx.emu.admin.clearRequests();
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
  // A budget too small for one agent's worst case (4 requests x 3 attempts): no step could do
  // anything, and the job would never end.
  const tight = await worker({ SUBREQUEST_BUDGET: '8' });
  for (const body of [{ agentIds: ['a'], dryRun: false }, { filter: { status: 'draft' } }]) {
    const res = await call(tight, 'POST', '/jobs', { body });
    assert.equal(res.status, 500, res.text);
    assert.equal(res.body.error.code, 'WORKER_MISCONFIGURED');
  }
  for (const w of [mf, tight]) {
    const bucket = await w.getR2Bucket('JOBS_BUCKET');
    assert.deepEqual((await bucket.list()).objects, [], 'nothing recorded');
  }
  assert.deepEqual(await fx.emu.admin.requests(), [], 'nothing sent');
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
    const mf = await worker({ TALKOVER_MAX_RETRIES: '1' }, persist, { upstream: echo.url, logs });
    const texts = [];
    // A search or an id holding a secret is refused: the record keeps the request scrubbed and
    // the job runs from that copy, so it would search for (and delete) something else.
    for (const body of [
      { filter: { search: CALLER_SECRET }, dryRun: false },
      { filter: { search: `sb-${DEMO_TOKEN}` }, dryRun: false },
      { agentIds: ['ok-1', `ok-${CALLER_SECRET}`], dryRun: false },
    ]) {
      const res = await call(mf, 'POST', '/jobs', { body });
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.error.code, 'INVALID_ARGUMENT');
      texts.push(res.text, [...res.headers].join('\n'));
    }
    assert.deepEqual(echo.requests, [], 'nothing sent, so nothing deleted');
    assert.deepEqual((await (await mf.getR2Bucket('JOBS_BUCKET')).list()).objects, [], 'nothing recorded');
    const jobs = [
      await startJob(mf, { agentIds: ['ok-1', 'pub-2', 'x-fail-409', 'gone-2', 'rate-1', 'ok-3'], unpublish: true, dryRun: false }),
      await startJob(mf, { filter: { sandbox: true } }),
      await startJob(mf, { filter: { sandbox: true }, dryRun: false }),
    ];
    // Pause, resume and terminate while the upstream echoes: the first job is paused while
    // rate-1 waits out its deferral (or, if it finished first, answered JOB_FINISHED); a fourth
    // job (a dry run) is terminated at once.
    await untilRequests(() => echo.requests, (r) => r.method === 'DELETE' && r.path === '/agents/rate-1', 2);
    const paused = await call(mf, 'POST', `/jobs/${jobs[0]}/pause`);
    texts.push(paused.text, [...paused.headers].join('\n'));
    if (paused.status === 200) {
      texts.push(JSON.stringify(await waitForJob(mf, jobs[0], (b) => ['paused', 'complete'].includes(b.status))));
      const resumed = await call(mf, 'POST', `/jobs/${jobs[0]}/resume`);
      assert.ok([200, 409].includes(resumed.status), resumed.text);
      texts.push(resumed.text, [...resumed.headers].join('\n'));
    } else {
      assert.equal(paused.body.error.code, 'JOB_FINISHED', paused.text);
    }
    const stopped = await call(mf, 'POST', `/jobs/${await startJob(mf, { filter: { sandbox: true } })}/terminate`);
    assert.ok([200, 409].includes(stopped.status), stopped.text);
    texts.push(stopped.text, [...stopped.headers].join('\n'));
    // A selection that fails with an echoing error: the platform keeps the step's error and
    // shows it in the job's status.
    const failing = await startJob(mf, { filter: { search: 'list-fail-500' } });
    const errored = await waitForJob(mf, failing);
    assert.equal(errored.status, 'errored', JSON.stringify(errored));
    assert.match(String(errored.error), /SERVER_ERROR/);
    texts.push(JSON.stringify(errored));
    for (const jobId of jobs) {
      const done = await waitForJob(mf, jobId);
      assert.equal(done.status, 'complete', JSON.stringify(done));
      for (const path of [`/jobs/${jobId}`, `/jobs/${jobId}/report`, `/jobs/${jobId}/backup`]) {
        const res = await call(mf, 'GET', path);
        texts.push(res.text, [...res.headers].join('\n'));
      }
    }
    const report = await lines(mf, `/jobs/${jobs[0]}/report`);
    // rate-1 was rate-limited in the first pass and deleted in the second (after a step.sleep).
    assert.deepEqual(report.map((l) => [l.agentId, l.outcome]), [['ok-1', 'deleted'], ['pub-2', 'deleted'], ['x-fail-409', 'failed'], ['gone-2', 'deleted'], ['ok-3', 'deleted'], ['rate-1', 'deleted']]);
    assert.equal(echo.requests.filter((r) => r.method === 'DELETE' && r.path === '/agents/rate-1').length, 3);
    assert.equal((await lines(mf, `/jobs/${jobs[0]}/backup`)).length, 6);
    // The listing's agents whose ids cannot be sent back (one holds the token, redacted by the
    // client; one is "..") are reported skipped, after the batches, and counted as selected.
    const unaddressable = [['sb-[redacted]', 'skipped', 'INVALID_ARGUMENT'], ['..', 'skipped', 'INVALID_ARGUMENT']];
    const outcomes = async (jobId) => (await lines(mf, `/jobs/${jobId}/report`)).map((l) => [l.agentId, l.outcome, ...(l.outcome === 'skipped' ? [l.reason] : [])]);
    assert.deepEqual(await outcomes(jobs[1]), [['sb-echo-1', 'planned'], ['sb-echo-fail-500', 'planned'], ...unaddressable]);
    assert.deepEqual(await outcomes(jobs[2]), [['sb-echo-1', 'deleted'], ['sb-echo-fail-500', 'failed'], ...unaddressable]);
    const status = (await call(mf, 'GET', `/jobs/${jobs[2]}`)).body;
    assert.deepEqual(status.progress, { selected: 4, done: 4, deleted: 1, skipped: 2, failed: 1, planned: 0 });
    assert.equal((await lines(mf, `/jobs/${jobs[2]}/backup`)).length, 2);
    await dispose(mf);
    const stored = filesUnder(persist);
    assert.ok(stored.some((f) => f.text.includes('x-fail-409')), 'the persisted record is readable here');
    assert.ok(stored.some((f) => f.path.includes(`${persist}/wf/`) && f.text.includes('batch-000000')), 'so are the Workflow steps');
    assert.ok(stored.some((f) => f.path.includes(`${persist}/wf/`) && f.text.includes('rate-limited-000000-0')), 'and the deferral');
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
