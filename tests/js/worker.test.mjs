// examples/cleanup-worker, end to end: the bundle `wrangler deploy --dry-run` produces (the exact
// artefact a deploy uploads) runs in real workerd through miniflare, against the real emulator on
// loopback. Covers the remote cleanup routes, every error mapping, CORS, the cron handler, that
// the Talkover token never reaches a response or a log line (also with an upstream that echoes
// it everywhere), the fail-safe CLEANUP_DRY_RUN, and the subrequest budget against the
// emulator's request log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT, startEmulator, DEMO_TOKEN, OTHER_TOKEN } from '../support/emulator.mjs';
import { exposes, startEchoUpstream } from '../support/echo-upstream.mjs';
import { call as callWorker, startJobsWorker } from '../support/jobs-worker.mjs';

const EXAMPLE = join(ROOT, 'examples', 'cleanup-worker');
const OUTDIR = join(EXAMPLE, 'dist');
const CALLER_SECRET = 'caller-secret-7d1f0c2b9a5e4d38';
const ORIGIN = 'https://ops.example.com';
const WRONG_TOKEN = 'talq_wrong_0000000000000000';
const DAY = 86_400_000;

let emu;
let bundle; // { script, wasm, rawBytes, gzipBytes }
const workers = [];
const logLines = [];

/** Runs a command the README's "Deploy to the edge" section lists, with no network for wrangler. */
function run(cmd, args) {
  const env = {
    ...process.env,
    WRANGLER_SEND_METRICS: 'false', // no telemetry
    WRANGLER_HIDE_BANNER: 'true', // the banner is what triggers wrangler's update check
    npm_config_update_notifier: 'false',
    CI: 'true',
  };
  delete env.CLOUDFLARE_API_TOKEN;
  delete env.CLOUDFLARE_ACCOUNT_ID;
  return execFileSync(cmd, args, { cwd: EXAMPLE, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const timings = [];
function timed(label, fn) {
  const t0 = Date.now();
  const value = fn();
  timings.push(`${label} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return value;
}

async function wranglerBuild() {
  // The package is built into dist/ by the lead's build step; tolerate a rebuild in progress.
  for (let i = 0; i < 30 && !existsSync(join(ROOT, 'dist', 'workerd.mjs')); i++) await new Promise((r) => setTimeout(r, 2000));
  if (!existsSync(join(EXAMPLE, 'node_modules', 'wrangler'))) {
    timed('npm install', () => run('npm', ['install', '--no-audit', '--no-fund']));
  }
  rmSync(OUTDIR, { recursive: true, force: true });
  timed('wrangler deploy --dry-run', () => run('npx', ['wrangler', 'deploy', '--dry-run', '--outdir', 'dist']));
  const files = readdirSync(OUTDIR);
  const wasm = files.filter((f) => f.endsWith('.wasm'));
  const script = readFileSync(join(OUTDIR, 'index.js'), 'utf8');
  const parts = [Buffer.from(script), ...wasm.map((f) => readFileSync(join(OUTDIR, f)))];
  return {
    script,
    wasm,
    rawBytes: parts.reduce((n, b) => n + b.length, 0),
    gzipBytes: parts.reduce((n, b) => n + gzipSync(b).length, 0),
  };
}

/** Starts the wrangler-built Worker with `vars` (secrets included, as `wrangler secret put` would). */
async function startBuilt(vars = {}) {
  const defaults = {
    CALLER_SECRET,
    ALLOWED_ORIGIN: ORIGIN,
    CLEANUP_MAX_AGE_DAYS: '30',
    CLEANUP_DRY_RUN: 'false',
    TALKOVER_TIMEOUT_MS: '1500',
    TALKOVER_MAX_RETRIES: '0',
    SUBREQUEST_BUDGET: undefined, // the Worker's own default
  };
  // The bindings of wrangler.toml, [[workflows]] and [[r2_buckets]] included: the cron starts a job.
  const mf = await startJobsWorker({ script: join(OUTDIR, 'index.js'), emulatorUrl: emu.url, vars: { ...defaults, ...vars }, logs: logLines });
  workers.push(mf);
  return mf;
}

let mf; // the main Worker

const auth = { authorization: `Bearer ${CALLER_SECRET}` };

/** A request to the Worker (`call` of jobs-worker.mjs), checked to hold no secret anywhere. */
async function call(worker, method, path, { headers = auth, body } = {}) {
  const res = await callWorker(worker, method, path, { headers, body });
  const head = [...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n');
  for (const secret of [DEMO_TOKEN, WRONG_TOKEN, CALLER_SECRET]) {
    assert.ok(!exposes(res.text, secret) && !exposes(head, secret), `a secret leaked in ${method} ${path}: ${res.text}`);
  }
  return res;
}

function assertError(res, status, code) {
  assert.equal(res.status, status, `expected ${status} ${code}, got ${res.status} ${res.text}`);
  assert.equal(res.body?.error?.code, code, res.text);
  assert.equal(typeof res.body.error.message, 'string');
  assert.ok('requestId' in res.body.error);
}

const apiPath = (...segs) => `/api/v1/agents/${segs.map(encodeURIComponent).join('/')}`;

async function draft(fields = {}) {
  return emu.admin.createAgent({ current_status: 'draft', ...fields });
}

before(async () => {
  const t0 = Date.now();
  emu = await startEmulator({ seed: 'demo' });
  timings.push(`emulator ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  bundle = await wranglerBuild();
  const t1 = Date.now();
  mf = await startBuilt();
  timings.push(`miniflare ${((Date.now() - t1) / 1000).toFixed(1)} s`);
  console.log(`# cleanup-worker setup: ${timings.join(', ')}`);
});

after(async () => {
  for (const w of workers) await w.dispose().catch(() => {});
  await emu?.stop();
  const joined = logLines.join('\n');
  for (const secret of [DEMO_TOKEN, WRONG_TOKEN, CALLER_SECRET]) assert.ok(!exposes(joined, secret), 'a secret reached the Worker logs');
});

test('wrangler dry-run bundle uses the workerd entry of talkover-client', () => {
  const { script, wasm } = bundle;
  assert.equal(wasm.length, 1, 'exactly one .wasm module next to the script');
  assert.match(script, new RegExp(`import [\\w$]+ from "\\./${wasm[0].replace('.', '\\.')}"`), 'the wasm is imported as a module');
  assert.match(script, /new WebAssembly\.Instance\(/, 'instantiated synchronously from the compiled module');
  assert.doesNotMatch(script, /instantiateStreaming|WebAssembly\.instantiate\(|fetch\([^)]*\.wasm/, 'no asynchronous loader (initSync only)');
  assert.doesNotMatch(script, /readFileSync|node:fs|require\(/, 'the node entry must not be bundled');
  assert.doesNotMatch(script, /talq_[a-z]+_[0-9a-f]{16}/, 'no token baked into the bundle');
  const size = (n) => `${(n / 1024).toFixed(1)} KiB`;
  const wasmRaw = statSync(join(OUTDIR, wasm[0])).size;
  console.log(
    `# cleanup-worker bundle: ${size(bundle.rawBytes)} raw, ${size(bundle.gzipBytes)} gzip ` +
      `(script ${size(Buffer.byteLength(script))}, wasm ${size(wasmRaw)})`,
  );
});

test('caller secret: missing, wrong, wrong scheme -> 401; right -> allowed', async () => {
  for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: `Basic ${CALLER_SECRET}` }, { authorization: `Bearer ${CALLER_SECRET}x` }, { authorization: `Bearer ${DEMO_TOKEN}` }]) {
    const res = await call(mf, 'DELETE', '/agents/anything', { headers });
    assertError(res, 401, 'UNAUTHENTICATED');
    assert.match(res.headers.get('www-authenticate'), /^Bearer/);
  }
  const noSecret = await startBuilt({ CALLER_SECRET: undefined });
  assertError(await call(noSecret, 'DELETE', '/agents/anything'), 401, 'UNAUTHENTICATED');
});

test('DELETE /agents/:id deletes, and a second delete is 404 AGENT_NOT_FOUND', async () => {
  const agent = await draft({ name: 'Worker delete' });
  const res = await call(mf, 'DELETE', `/agents/${encodeURIComponent(agent.id)}`);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.success, true);
  assert.equal(res.body.alreadyDeleted, false);
  assert.equal(res.body.agentId, agent.id);
  assert.equal(await emu.admin.agent(agent.id), null);
  const again = await call(mf, 'DELETE', `/agents/${encodeURIComponent(agent.id)}`);
  assertError(again, 404, 'AGENT_NOT_FOUND');
  assert.equal(typeof again.body.error.requestId, 'string', 'the upstream request id is passed on');
});

test('ids with reserved characters round-trip through the path', async () => {
  const id = 'odd/id?#1';
  assert.ok(await emu.admin.agent(id), 'demo seed has the odd id');
  const res = await call(mf, 'DELETE', `/agents/${encodeURIComponent(id)}`);
  assert.equal(res.status, 200, res.text);
  assert.equal(await emu.admin.agent(id), null);
});

test('DELETE /agents/:id/trainings/:tid deletes a training; unknown training -> 404 TRAINING_NOT_FOUND', async () => {
  const agent = await draft({ trainings: [{ id: 'wt-1', subject: 'a' }, { id: 'wt-2', subject: 'b' }] });
  const ok = await call(mf, 'DELETE', `/agents/${agent.id}/trainings/wt-1`);
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.success, true);
  assert.deepEqual((await emu.admin.agent(agent.id)).trainings, ['wt-2']);
  assertError(await call(mf, 'DELETE', `/agents/${agent.id}/trainings/wt-1`), 404, 'TRAINING_NOT_FOUND');
  assertError(await call(mf, 'DELETE', `/agents/no-such-agent/trainings/wt-2`), 404, 'AGENT_NOT_FOUND');
});

test("another environment's agent -> 403 UNAUTHORIZED, left in place", async () => {
  const other = (await emu.admin.state()).agents.find((a) => a.environment === 'other');
  assert.ok(other, 'the emulator seeds an "other" environment');
  assertError(await call(mf, 'DELETE', `/agents/${other.id}`), 403, 'UNAUTHORIZED');
  assert.ok(await emu.admin.agent(other.id));
});

test('published agent and agent with active calls -> 409 with their codes', async () => {
  const pub = await emu.admin.createAgent({ current_status: 'published' });
  assertError(await call(mf, 'DELETE', `/agents/${pub.id}`), 409, 'AGENT_IS_PUBLISHED');
  const busy = await draft({ active_calls: 2 });
  assertError(await call(mf, 'DELETE', `/agents/${busy.id}`), 409, 'AGENT_HAS_ACTIVE_CALLS');
  assert.ok(await emu.admin.agent(pub.id));
  assert.ok(await emu.admin.agent(busy.id));
});

test('upstream failures map to 5xx/4xx with the TalkoverError code (fault injection)', async () => {
  const agent = await draft();
  const path = `/agents/${agent.id}`;
  const fault = (responses) => emu.admin.fault('DELETE', apiPath(agent.id), responses);

  await fault([{ kind: 'status', status: 500 }]);
  assertError(await call(mf, 'DELETE', path), 502, 'SERVER_ERROR');

  await fault([{ kind: 'status', status: 503, headers: { 'retry-after': '7' } }]);
  let res = await call(mf, 'DELETE', path);
  assertError(res, 503, 'SERVER_ERROR');
  assert.equal(res.headers.get('retry-after'), '7');

  await fault([{ kind: 'html', status: 502 }]);
  assertError(await call(mf, 'DELETE', path), 502, 'SERVER_ERROR');

  await fault([{ kind: 'status', status: 429, headers: { 'retry-after': '12' } }]);
  res = await call(mf, 'DELETE', path);
  assertError(res, 429, 'RATE_LIMITED');
  assert.equal(res.headers.get('retry-after'), '12');

  await fault([{ kind: 'status', status: 422, body: { success: false, message: 'The given data was invalid.', errors: { id: ['bad'] } } }]);
  assertError(await call(mf, 'DELETE', path), 422, 'VALIDATION_ERROR');

  await fault([{ kind: 'close' }]);
  assertError(await call(mf, 'DELETE', path), 502, 'NETWORK_ERROR');

  await fault([{ kind: 'hang' }]);
  assertError(await call(mf, 'DELETE', path), 504, 'TIMEOUT');
  await emu.admin.clearFaults();

  assert.ok(await emu.admin.agent(agent.id), 'nothing was deleted by the failed attempts');
});

test('a 5xx is retried when TALKOVER_MAX_RETRIES allows it', async () => {
  const retrying = await startBuilt({ TALKOVER_MAX_RETRIES: '1' });
  const agent = await draft();
  await emu.admin.fault('DELETE', apiPath(agent.id), [{ kind: 'status', status: 500 }]);
  const res = await call(retrying, 'DELETE', `/agents/${agent.id}`);
  assert.equal(res.status, 200, res.text);
  assert.equal(await emu.admin.agent(agent.id), null);
});

test("a rejected TALKOVER_TOKEN is the Worker's problem: 502 INVALID_TOKEN, token not echoed", async () => {
  const wrong = await startBuilt({ TALKOVER_TOKEN: WRONG_TOKEN });
  const res = await call(wrong, 'DELETE', '/agents/whatever');
  assertError(res, 502, 'INVALID_TOKEN');
  assert.match(res.body.error.message, /TALKOVER_TOKEN/);
  const unset = await startBuilt({ TALKOVER_TOKEN: undefined });
  assertError(await call(unset, 'DELETE', '/agents/whatever'), 500, 'WORKER_MISCONFIGURED');
});

test('bad ids -> 400 INVALID_ARGUMENT; unknown route -> 404; wrong method -> 405', async () => {
  assertError(await call(mf, 'DELETE', '/agents/'), 400, 'INVALID_ARGUMENT');
  // URL parsing resolves %2E%2E as a dot segment before the Worker sees it: this is /trainings/x.
  assertError(await call(mf, 'DELETE', '/agents/%2E%2E/trainings/x'), 404, 'ROUTE_NOT_FOUND');
  assertError(await call(mf, 'DELETE', '/agents/%E0%A4%A'), 400, 'INVALID_ARGUMENT');
  assertError(await call(mf, 'DELETE', '/nope'), 404, 'ROUTE_NOT_FOUND');
  assertError(await call(mf, 'DELETE', '/agents/a/b/c'), 404, 'ROUTE_NOT_FOUND');
  const wrong = await call(mf, 'GET', '/agents/some-id');
  assertError(wrong, 405, 'METHOD_NOT_ALLOWED');
  assert.equal(wrong.headers.get('allow'), 'DELETE, OPTIONS');
  assertError(await call(mf, 'GET', '/cleanup'), 405, 'METHOD_NOT_ALLOWED');
});

test('CORS: preflight and responses for ALLOWED_ORIGIN only', async () => {
  const pre = await call(mf, 'OPTIONS', '/agents/x', {
    headers: { origin: ORIGIN, 'access-control-request-method': 'DELETE', 'access-control-request-headers': 'authorization' },
  });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get('access-control-allow-origin'), ORIGIN);
  assert.match(pre.headers.get('access-control-allow-methods'), /DELETE/);
  assert.match(pre.headers.get('access-control-allow-methods'), /POST/);
  assert.match(pre.headers.get('access-control-allow-headers'), /authorization/i);
  assert.match(pre.headers.get('vary'), /Origin/);

  const evil = await call(mf, 'OPTIONS', '/agents/x', {
    headers: { origin: 'https://evil.example', 'access-control-request-method': 'DELETE' },
  });
  assert.equal(evil.status, 403);
  assert.equal(evil.headers.get('access-control-allow-origin'), null);

  const actual = await call(mf, 'DELETE', '/agents/no-such-agent', { headers: { ...auth, origin: ORIGIN } });
  assert.equal(actual.status, 404);
  assert.equal(actual.headers.get('access-control-allow-origin'), ORIGIN);
  assert.match(actual.headers.get('access-control-expose-headers'), /Retry-After/i);
  const other = await call(mf, 'DELETE', '/agents/no-such-agent', { headers: { ...auth, origin: 'https://evil.example' } });
  assert.equal(other.headers.get('access-control-allow-origin'), null);
});

test('POST /cleanup dryRun plans without mutating', async () => {
  const a = await draft();
  const p = await emu.admin.createAgent({ current_status: 'published' });
  const before = JSON.stringify(await emu.admin.state());
  const res = await call(mf, 'POST', '/cleanup', { body: { agentIds: [a.id, p.id], dryRun: true } });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.deleted, 0);
  assert.equal(res.body.results.length, 2);
  assert.equal(res.body.results[0].outcome, 'planned');
  assert.equal(JSON.stringify(await emu.admin.state()), before);
});

test('POST /cleanup deletes, skips and fails as the report says, checked against the emulator', async () => {
  const a = await draft({ trainings: [{ id: 'ct-1' }] });
  const pub = await emu.admin.createAgent({ current_status: 'published' });
  const busy = await draft({ active_calls: 1 });
  const other = await emu.admin.createAgent({ environment: 'other', current_status: 'draft' });
  const ids = [a.id, pub.id, busy.id, 'no-such-agent', other.id, a.id];
  const res = await call(mf, 'POST', '/cleanup', { body: { agentIds: ids, concurrency: 2 } });
  assert.equal(res.status, 200, res.text);
  const byId = Object.fromEntries(res.body.results.map((r) => [r.agentId, r]));
  assert.equal(res.body.results.length, 5, 'one result per distinct id');
  assert.equal(byId[a.id].outcome, 'deleted');
  assert.equal(byId[a.id].backup.agent.id, a.id);
  assert.equal(byId[pub.id].outcome, 'skipped');
  assert.equal(byId[pub.id].reason, 'AGENT_IS_PUBLISHED');
  assert.equal(byId[busy.id].reason, 'AGENT_HAS_ACTIVE_CALLS');
  assert.notEqual(byId['no-such-agent'].outcome, 'deleted');
  assert.notEqual(byId[other.id].outcome, 'deleted');
  for (const r of res.body.results) {
    if (r.error) assert.deepEqual(Object.keys(r.error).sort(), ['code', 'message', 'status'], 'errors are stripped');
  }
  assert.equal(res.body.deleted, 1);
  assert.equal(res.body.deleted + res.body.skipped + res.body.failed + res.body.planned, 5);
  assert.equal(await emu.admin.agent(a.id), null);
  for (const id of [pub.id, busy.id, other.id]) assert.ok(await emu.admin.agent(id), `${id} kept`);

  const unpub = await call(mf, 'POST', '/cleanup', { body: { agentIds: [pub.id], unpublish: true } });
  assert.equal(unpub.body.results[0].outcome, 'deleted', unpub.text);
  assert.equal(unpub.body.results[0].unpublished, true);
  assert.equal(await emu.admin.agent(pub.id), null);
});

test('POST /cleanup validates its body', async () => {
  assertError(await call(mf, 'POST', '/cleanup', { body: '{not json' }), 400, 'INVALID_ARGUMENT');
  assertError(await call(mf, 'POST', '/cleanup', { body: { agentIds: [] } }), 400, 'INVALID_ARGUMENT');
  assertError(await call(mf, 'POST', '/cleanup', { body: { agentIds: [1] } }), 400, 'INVALID_ARGUMENT');
  assertError(await call(mf, 'POST', '/cleanup', { body: { agentIds: ['x'], dryRun: 'yes' } }), 400, 'INVALID_ARGUMENT');
  // The next two are rejected by talkover-client itself (INVALID_ARGUMENT before any request).
  assertError(await call(mf, 'POST', '/cleanup', { body: { agentIds: ['x'], concurrency: 0 } }), 400, 'INVALID_ARGUMENT');
  assertError(await call(mf, 'POST', '/cleanup', { body: { agentIds: ['ok-id', '..'] } }), 400, 'INVALID_ARGUMENT');
  assertError(
    await call(mf, 'POST', '/cleanup', { body: { agentIds: ['x'] }, headers: { ...auth, 'content-type': 'text/plain' } }),
    415,
    'UNSUPPORTED_MEDIA_TYPE',
  );
  const many = Array.from({ length: 101 }, (_, i) => `id-${i}`);
  assertError(await call(mf, 'POST', '/cleanup', { body: { agentIds: many } }), 400, 'INVALID_ARGUMENT');
});

// ---- scheduled -------------------------------------------------------------------------------

const NOW = Date.parse('2026-11-20T03:17:00Z');
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

async function scheduledFixtures() {
  await emu.admin.reset('empty');
  const old = iso(NOW - 45 * DAY);
  const f = {
    oldSandbox: await draft({ id: 'sb-old-1', is_sandbox: true, created_at: old }),
    oldSandbox2: await draft({ id: 'sb-old-2', is_sandbox: true, created_at: iso(NOW - 400 * DAY), trainings: [{ id: 'sb-t' }] }),
    oldReal: await draft({ id: 'real-old', is_sandbox: false, created_at: old }),
    young: await draft({ id: 'sb-young', is_sandbox: true, created_at: iso(NOW - 5 * DAY) }),
    published: await emu.admin.createAgent({ id: 'sb-pub', current_status: 'published', is_sandbox: true, created_at: old }),
    busy: await draft({ id: 'sb-busy', is_sandbox: true, created_at: old, active_calls: 1 }),
    otherEnv: await draft({ id: 'sb-other', environment: 'other', is_sandbox: true, created_at: old }),
  };
  return f;
}

function summaries() {
  return logLines
    .map((l) => {
      try {
        return JSON.parse(l.slice(l.indexOf('{')));
      } catch {
        return null;
      }
    })
    .filter((o) => o?.event === 'talkover.scheduled_cleanup');
}

async function trigger(worker) {
  const w = await worker.getWorker();
  const before = summaries().length;
  const result = await w.scheduled({ scheduledTime: new Date(NOW), cron: '17 3 * * *' });
  // workerd's stdout reaches us asynchronously
  for (let i = 0; i < 50 && summaries().length === before; i++) await new Promise((r) => setTimeout(r, 20));
  const all = summaries();
  assert.equal(all.length, before + 1, 'exactly one summary line per run');
  const summary = all.at(-1);
  if (result.outcome !== 'ok') return { result, summary };
  // The run started a cleanup job: wait for it, then read its report.
  assert.match(summary.jobId, /^cron-\d{8}T\d{9}Z$/);
  let job;
  for (let i = 0; i < 600; i++) {
    job = (await call(worker, 'GET', `/jobs/${summary.jobId}`)).body;
    if (['complete', 'errored', 'terminated'].includes(job.status)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(job.status, 'complete', JSON.stringify(job));
  const text = (await call(worker, 'GET', `/jobs/${summary.jobId}/report`)).text;
  const report = text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const ids = (outcome) => report.filter((l) => l.outcome === outcome).map((l) => l.agentId);
  return { result, summary, job, report, ids };
}

const ids = async () => (await emu.admin.state()).agents.map((a) => a.id).sort();

test('scheduled: CLEANUP_DRY_RUN=true plans the matching sandbox drafts and deletes nothing', async () => {
  await scheduledFixtures();
  const before = await ids();
  const dry = await startBuilt({ CLEANUP_DRY_RUN: 'true' });
  const { result, summary, job, ids: outcomes } = await trigger(dry);
  assert.equal(result.outcome, 'ok');
  assert.equal(summary.dryRun, true);
  assert.equal(job.dryRun, true);
  assert.equal(job.progress.selected, 3);
  assert.ok(outcomes('planned').includes('sb-old-1') && outcomes('planned').includes('sb-old-2'), JSON.stringify(job));
  assert.equal(job.progress.planned + job.progress.skipped, 3);
  assert.equal(job.progress.deleted, 0);
  assert.deepEqual(await ids(), before);
});

test('scheduled: starts a cleanup job that deletes old sandbox drafts only, logs one JSON line', async () => {
  await scheduledFixtures();
  const { result, summary, job, report, ids: outcomes } = await trigger(mf);
  assert.equal(result.outcome, 'ok');
  assert.equal(summary.cron, '17 3 * * *');
  assert.equal(summary.scheduledTime, new Date(NOW).toISOString());
  assert.equal(summary.rule.maxAgeDays, 30);
  assert.equal(summary.dryRun, false);
  assert.equal(job.progress.selected, 3);
  assert.deepEqual(outcomes('deleted').sort(), ['sb-old-1', 'sb-old-2']);
  assert.deepEqual(report.filter((l) => l.outcome === 'skipped').map((l) => [l.agentId, l.reason]), [['sb-busy', 'AGENT_HAS_ACTIVE_CALLS']]);
  assert.equal(job.progress.failed, 0);
  assert.deepEqual(await ids(), ['real-old', 'sb-busy', 'sb-other', 'sb-pub', 'sb-young']);
  // One job per scheduled time: the same run delivered twice does not start a second one.
  const again = await (await mf.getWorker()).scheduled({ scheduledTime: new Date(NOW), cron: '17 3 * * *' });
  assert.equal(again.outcome, 'exception');
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(summaries().at(-1).error.code, 'JOB_EXISTS');
});

test('scheduled: a bad CLEANUP_MAX_AGE_DAYS refuses to run', async () => {
  await scheduledFixtures();
  const before = await ids();
  for (const value of ['0', '-3', 'thirty']) {
    const bad = await startBuilt({ CLEANUP_MAX_AGE_DAYS: value });
    const { result, summary } = await trigger(bad);
    assert.equal(result.outcome, 'exception');
    assert.equal(summary.error.code, 'WORKER_MISCONFIGURED');
  }
  assert.deepEqual(await ids(), before);
});

// ---- hardening: token secrecy, fail-safe cron, subrequest budget ----------------------------

/** The log lines written since `mark` (an index into logLines), after workerd's stdout settles. */
async function linesSince(mark) {
  await new Promise((r) => setTimeout(r, 200));
  return logLines.slice(mark);
}

test('an upstream echoing the token everywhere: no response, header or log line exposes it', async () => {
  const echo = await startEchoUpstream(DEMO_TOKEN);
  const mark = logLines.length;
  try {
    const w = await startBuilt({ TALKOVER_BASE_URL: echo.url, TALKOVER_MAX_RETRIES: '1', SUBREQUEST_BUDGET: '1000' });
    const responses = [
      await call(w, 'DELETE', '/agents/ok-1'),
      await call(w, 'DELETE', '/agents/gone-1'), // 500 then 404: the already-deleted path
      await call(w, 'DELETE', '/agents/ok-1/trainings/tr-1?republish=true'),
      await call(w, 'DELETE', '/agents/pub-1/trainings/tr-1?republish=true'),
      await call(w, 'POST', '/cleanup', { body: { agentIds: ['ok-1', 'pub-2', 'x-fail-409', 'y-fail-500', 'html-1', 'gone-2'], unpublish: true } }),
      await call(w, 'POST', '/cleanup', { body: { agentIds: ['ok-3', 'pub-4'], unpublish: true, dryRun: true } }),
      await call(w, 'GET', '/cleanup'),
      await call(w, 'GET', '/agents/ok-1'),
      await call(w, 'GET', '/nowhere'),
    ];
    for (const status of [404, 409, 422, 500, 403, 401]) responses.push(await call(w, 'DELETE', `/agents/a-fail-${status}`));
    responses.push(await call(w, 'DELETE', '/agents/html-2'));
    assert.equal(responses[0].status, 200, responses[0].text);
    assert.equal(responses[1].body.alreadyDeleted, true, responses[1].text);
    assert.equal(responses[4].body.results.length, 6, responses[4].text);
    assert.ok(responses.some((r) => r.body?.error?.requestId), 'upstream request ids are passed on, scrubbed');
    for (const r of responses) if (r.body?.error) assert.ok(r.body.error.message.length <= 300, 'upstream text is bounded');
    const { job } = await trigger(await startBuilt({ TALKOVER_BASE_URL: echo.url, CLEANUP_DRY_RUN: 'true' }));
    // Ids the job cannot send back ("..", one the client had to redact) are selected and
    // reported skipped, nothing sent for them.
    assert.deepEqual(job.progress, { selected: 4, done: 4, deleted: 0, skipped: 2, failed: 0, planned: 2 });
  } finally {
    await echo.stop();
  }
  const lines = await linesSince(mark);
  assert.ok(lines.some((l) => l.includes('talkover.scheduled_cleanup')));
  for (const line of lines) assert.ok(!exposes(line, DEMO_TOKEN), `token in a log line: ${line}`);
});

test('scheduled: only CLEANUP_DRY_RUN exactly "false" deletes (unset, empty, unknown: dry run)', async () => {
  for (const value of [undefined, '', 'TRUE', '0', 'no', 'false ', 'False', 'true', 'false']) {
    await scheduledFixtures();
    await emu.admin.clearRequests();
    const w = await startBuilt({ CLEANUP_DRY_RUN: value });
    const { summary, job } = await trigger(w);
    await w.dispose();
    const changes = (await emu.admin.requests()).filter((r) => r.method !== 'GET');
    const label = JSON.stringify(value ?? 'unset');
    if (value === 'false') {
      assert.ok(changes.some((r) => r.method === 'DELETE'), `${label} deletes`);
      assert.equal(summary.dryRun, false, label);
    } else {
      assert.deepEqual(changes, [], `${label} must send no DELETE, unpublish or publish`);
      assert.equal(summary.dryRun, true, label);
      assert.equal(job.dryRun, true, label);
      assert.equal(job.progress.deleted, 0, label);
    }
  }
});

/** Checks the Worker's `subrequests` against the emulator's request log. */
async function assertBudget(subrequests, budget) {
  const sent = (await emu.admin.requests()).length;
  assert.ok(sent <= budget, `the emulator saw ${sent} requests; the budget is ${budget}`);
  assert.deepEqual(subrequests, { used: sent, budget }, 'the Worker counts every upstream request the emulator saw');
  return sent;
}

async function publishedAgents(prefix, n) {
  const ids = [];
  for (let i = 0; i < n; i++) ids.push((await emu.admin.createAgent({ id: `${prefix}-${String(i).padStart(3, '0')}`, current_status: 'published' })).id);
  return ids;
}

/** Each agent is gone (deleted) or untouched and still published; never left unpublished. */
async function assertNoneHalfDone(body, ids) {
  const state = new Map((await emu.admin.state()).agents.map((a) => [a.id, a]));
  const byId = new Map(body.results.map((r) => [r.agentId, r]));
  assert.equal(byId.size, ids.length, 'a result for every id, none dropped');
  for (const id of ids) {
    const r = byId.get(id);
    if (r.outcome === 'deleted') assert.equal(state.get(id), undefined, id);
    else assert.equal(state.get(id)?.current_status, 'published', `${id} ${JSON.stringify(r)}`);
  }
  const budgetSkips = body.results.filter((r) => r.reason === 'SUBREQUEST_BUDGET').map((r) => r.agentId);
  assert.deepEqual(body.remaining, budgetSkips, '`remaining` lists what did not fit');
  return budgetSkips;
}

test('POST /cleanup of 100 published ids stays within the default budget of 50 and reports the rest', async () => {
  const ids = await publishedAgents('bp', 100);
  const w = await startBuilt({ TALKOVER_MAX_RETRIES: '2', SUBREQUEST_BUDGET: undefined });
  await emu.admin.clearRequests();
  const res = await call(w, 'POST', '/cleanup', { body: { agentIds: ids, unpublish: true } });
  assert.equal(res.status, 200, res.text);
  await assertBudget(res.body.subrequests, 50);
  const skipped = await assertNoneHalfDone(res.body, ids);
  assert.ok(res.body.deleted >= 1 && res.body.deleted + skipped.length === 100, res.text);
  assert.equal(res.body.skipped, skipped.length);
  await w.dispose();
});

test('POST /cleanup with a flaky upstream: retries and restores count, the budget holds exactly', async () => {
  const ids = await publishedAgents('bf', 20);
  const w = await startBuilt({ TALKOVER_MAX_RETRIES: '2', SUBREQUEST_BUDGET: '120' });
  await emu.admin.clearRequests();
  // The first agent's delete always fails, so it is unpublished, then published again.
  await emu.admin.fault('DELETE', apiPath(ids[0]), Array(3).fill({ kind: 'status', status: 500 }));
  const flaky = [{ kind: 'status', status: 500 }, { kind: 'pass' }, { kind: 'pass' }, { kind: 'close' }, { kind: 'pass' }, { kind: 'pass' }];
  await emu.admin.fault('*', '/api/v1/agents/*', Array(4).fill(flaky).flat());
  const res = await call(w, 'POST', '/cleanup', { body: { agentIds: ids, unpublish: true, concurrency: 1 } });
  await emu.admin.clearFaults();
  assert.equal(res.status, 200, res.text);
  const sent = await assertBudget(res.body.subrequests, 120);
  await assertNoneHalfDone(res.body, ids);
  const first = res.body.results[0];
  assert.equal(first.outcome, 'failed', JSON.stringify(first));
  assert.equal(first.unpublished, false, 'restored after the failed delete');
  assert.ok(sent > 0 && res.body.deleted >= 1, res.text);
  await w.dispose();
});

test('an agent starts only when all its steps fit, the restore of a failed delete and the reads after lost answers included', async () => {
  // Worst case of one agent with unpublish: read, backup, 3 call counts, unpublish, delete,
  // restore, and a read after each of those three changes when its answer is lost = 11 requests
  // (x attempts). With a budget of exactly 11 the restore and the reads still happen; with 10
  // the agent is not started at all.
  const [a, b] = await publishedAgents('br', 2);
  for (const [budget, id] of [[11, a], [10, b]]) {
    const w = await startBuilt({ SUBREQUEST_BUDGET: String(budget) });
    await emu.admin.clearRequests();
    await emu.admin.fault('POST', apiPath(id, 'unpublish'), [{ kind: 'lost' }]);
    await emu.admin.fault('DELETE', apiPath(id), [{ kind: 'status', status: 500 }]);
    await emu.admin.fault('POST', apiPath(id, 'publish'), [{ kind: 'lost' }]);
    const res = await call(w, 'POST', '/cleanup', { body: { agentIds: [id], unpublish: true } });
    await emu.admin.clearFaults();
    const sent = await assertBudget(res.body.subrequests, budget);
    const [r] = res.body.results;
    if (budget === 11) {
      assert.equal(sent, 11, 'the plan is the worst case exactly');
      assert.deepEqual([r.outcome, r.unpublished], ['failed', false], JSON.stringify(r));
    } else {
      assert.equal(sent, 0);
      assert.deepEqual([r.outcome, r.reason], ['skipped', 'SUBREQUEST_BUDGET']);
    }
    assert.equal((await emu.admin.agent(id)).current_status, 'published');
    await w.dispose();
  }
});

test('SUBREQUEST_BUDGET: a bad value is WORKER_MISCONFIGURED; work that cannot fit is refused unsent', async () => {
  for (const value of ['0', 'abc', '-5', '10001', '1.5', '12x']) {
    const w = await startBuilt({ SUBREQUEST_BUDGET: value });
    assertError(await call(w, 'DELETE', '/agents/x'), 500, 'WORKER_MISCONFIGURED');
    const { result, summary } = await trigger(w);
    assert.equal(result.outcome, 'exception');
    assert.equal(summary.error.code, 'WORKER_MISCONFIGURED');
    await w.dispose();
  }
  const agent = await draft();
  const tiny = await startBuilt({ SUBREQUEST_BUDGET: '2', TALKOVER_MAX_RETRIES: '2' });
  await emu.admin.clearRequests();
  assertError(await call(tiny, 'DELETE', `/agents/${agent.id}`), 503, 'SUBREQUEST_BUDGET');
  const res = await call(tiny, 'POST', '/cleanup', { body: { agentIds: [agent.id] } });
  assert.deepEqual(res.body.remaining, [agent.id], res.text);
  assert.equal(res.body.results[0].reason, 'SUBREQUEST_BUDGET');
  assert.deepEqual(await emu.admin.requests(), [], 'nothing sent');
  assert.ok(await emu.admin.agent(agent.id));
  const ok = await call(mf, 'DELETE', `/agents/${agent.id}`);
  assert.deepEqual(ok.body.subrequests, { used: 1, budget: 50 });
  await tiny.dispose();
});

test('a destructive var set to a value not understood refuses the run instead of guessing', async () => {
  await scheduledFixtures();
  const before = await ids();
  await emu.admin.clearRequests();
  for (const [name, value] of [['JOB_BATCH_MAX', '-1'], ['JOB_BATCH_MAX', '1e9'], ['JOB_CONCURRENCY', 'all'], ['TALKOVER_MAX_RETRIES', 'lots']]) {
    const w = await startBuilt({ [name]: value });
    const { result, summary } = await trigger(w);
    assert.equal(result.outcome, 'exception', `${name}=${value}`);
    assert.equal(summary.error.code, 'WORKER_MISCONFIGURED');
    await w.dispose();
  }
  const w = await startBuilt({ CLEANUP_MAX_IDS: 'many' });
  assertError(await call(w, 'POST', '/cleanup', { body: { agentIds: ['sb-old-1'] } }), 500, 'WORKER_MISCONFIGURED');
  await w.dispose();
  assert.deepEqual(await emu.admin.requests(), [], 'nothing sent');
  assert.deepEqual(await ids(), before);
});

test('an upstream Retry-After is passed on clamped to a day', async () => {
  const agent = await draft();
  await emu.admin.fault('DELETE', apiPath(agent.id), [{ kind: 'status', status: 429, headers: { 'retry-after': '99999999999' } }]);
  const res = await call(mf, 'DELETE', `/agents/${agent.id}`);
  assertError(res, 429, 'RATE_LIMITED');
  assert.equal(res.headers.get('retry-after'), '86400');
});

test('settings of another type (JSON vars) neither crash the Worker nor delete', async () => {
  await scheduledFixtures();
  const before = await ids();
  const w = await startBuilt({ ALLOWED_ORIGIN: 42, CLEANUP_DRY_RUN: false, CALLER_SECRET: CALLER_SECRET });
  assertError(await call(w, 'DELETE', '/agents/no-such-agent', { headers: { ...auth, origin: ORIGIN } }), 404, 'AGENT_NOT_FOUND');
  const { summary, job } = await trigger(w);
  assert.equal(summary.dryRun, true, 'a boolean false is not the string "false"');
  assert.equal(job.dryRun, true);
  assert.deepEqual(await ids(), before);
  await w.dispose();
});

test('POST /cleanup bodies: unknown fields, lone surrogates, over-long ids and huge bodies are refused', async () => {
  await emu.admin.clearRequests();
  const bodies = [
    '{"agentIds":["x"],"__proto__":{"unpublish":true}}',
    { agentIds: ['x'], backup: false },
    { agentIds: ['a\uD800', 'a\uDBFF'] },
    { agentIds: ['x'.repeat(257)] },
    { agentIds: ['x'], concurrency: 1.5 },
  ];
  for (const body of bodies) assertError(await call(mf, 'POST', '/cleanup', { body }), 400, 'INVALID_ARGUMENT');
  const huge = JSON.stringify({ agentIds: ['x'], pad: 'p'.repeat(2 << 20) });
  assertError(await call(mf, 'POST', '/cleanup', { body: huge }), 413, 'PAYLOAD_TOO_LARGE');
  assertError(await call(mf, 'DELETE', `/agents/${encodeURIComponent('x'.repeat(300))}`), 400, 'INVALID_ARGUMENT');
  assert.deepEqual(await emu.admin.requests(), [], 'nothing sent for a refused body');
});
