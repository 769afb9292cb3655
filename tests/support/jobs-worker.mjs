// The cleanup Worker's job routes in real workerd (miniflare) with its CleanupJob Workflow and
// its R2 bucket, against an emulator. Builds the bundle exactly as `wrangler deploy --dry-run`
// does (into its own folder, so it never races the worker test's dist/), and starts it with
// optional persistence folders, so a test can dispose miniflare mid-job and start it again.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import { ROOT, DEMO_TOKEN, startEmulator } from './emulator.mjs';

export const EXAMPLE = join(ROOT, 'examples', 'cleanup-worker');
export const CALLER_SECRET = 'caller-secret-5c0ffee1d2e3f4a5';
export const auth = { authorization: `Bearer ${CALLER_SECRET}` };

/** `wrangler deploy --dry-run --outdir <outdir>`; resolves to the bundle's entry path. */
export function buildJobsBundle(outdir) {
  if (!existsSync(join(EXAMPLE, 'node_modules', 'wrangler'))) {
    execFileSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: EXAMPLE, stdio: 'ignore' });
  }
  rmSync(outdir, { recursive: true, force: true });
  const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', WRANGLER_HIDE_BANNER: 'true', CI: 'true' };
  delete env.CLOUDFLARE_API_TOKEN;
  delete env.CLOUDFLARE_ACCOUNT_ID;
  execFileSync('npx', ['wrangler', 'deploy', '--dry-run', '--outdir', outdir], { cwd: EXAMPLE, env, stdio: 'ignore' });
  return join(outdir, 'index.js');
}

/**
 * A job test file's set-up: an emulator and the bundle (built into build/<name>) before its
 * tests, every Worker it started disposed after them. `fx.emu` is the emulator.
 */
export function jobsTestFile(name) {
  const fx = { emu: null, script: null, running: [] };
  before(async () => {
    fx.script = buildJobsBundle(join(ROOT, 'build', name));
    fx.emu = await startEmulator({ seed: 'empty' });
  });
  after(async () => {
    for (const mf of fx.running) await mf.dispose().catch(() => {});
    await fx.emu?.stop();
  });
  // `upstream`: another API than the emulator; `logs` collects the runtime's output lines.
  fx.worker = async (vars = {}, persist, { upstream, logs } = {}) => {
    const mf = await startJobsWorker({ script: fx.script, emulatorUrl: upstream ?? fx.emu.url, vars, persist, logs });
    fx.running.push(mf);
    return mf;
  };
  fx.dispose = async (mf) => {
    fx.running.splice(fx.running.indexOf(mf), 1);
    await mf.dispose();
  };
  return fx;
}

function compatibilityDate() {
  return /compatibility_date\s*=\s*"([^"]+)"/.exec(readFileSync(join(EXAMPLE, 'wrangler.toml'), 'utf8'))[1];
}

/**
 * Starts the bundle with the Workflow and R2 bindings of wrangler.toml. `persist` (a folder)
 * keeps Workflows, R2 and Durable Objects on disk; `logs` collects the runtime's output lines.
 */
export async function startJobsWorker({ script, emulatorUrl, vars = {}, persist, logs = [] }) {
  const bindings = {
    TALKOVER_TOKEN: DEMO_TOKEN,
    CALLER_SECRET,
    TALKOVER_BASE_URL: emulatorUrl,
    TALKOVER_TIMEOUT_MS: '3000',
    TALKOVER_MAX_RETRIES: '2',
    SUBREQUEST_BUDGET: '10000',
    ...vars,
  };
  for (const k of Object.keys(bindings)) if (bindings[k] === undefined) delete bindings[k];
  const collect = (stream) => {
    let buf = '';
    stream.on('data', (chunk) => {
      buf += chunk;
      const lines = buf.split('\n');
      buf = lines.pop();
      logs.push(...lines);
    });
  };
  const mf = new Miniflare({
    modules: true,
    scriptPath: script,
    modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
    compatibilityDate: compatibilityDate(),
    bindings,
    workflows: { CLEANUP_JOB: { name: 'talkover-cleanup-job', className: 'CleanupJob' } },
    r2Buckets: ['JOBS_BUCKET'],
    ...(persist ? { workflowsPersist: join(persist, 'wf'), r2Persist: join(persist, 'r2'), durableObjectsPersist: join(persist, 'do') } : {}),
    handleRuntimeStdio: (stdout, stderr) => {
      collect(stdout);
      collect(stderr);
    },
  });
  await mf.ready;
  return mf;
}

/** A request to the Worker: `{ status, body (JSON or null), text, headers }`. */
export async function call(mf, method, path, { headers = auth, body } = {}) {
  const init = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    init.headers['content-type'] ??= 'application/json';
  }
  const res = await mf.dispatchFetch(`http://cleanup.example${path}`, init);
  const text = await res.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {}
  return { status: res.status, body: parsed, text, headers: res.headers };
}

/** The NDJSON lines of a GET route, parsed. */
export async function lines(mf, path) {
  const res = await call(mf, 'GET', path);
  if (res.status !== 200) throw new Error(`GET ${path} -> ${res.status} ${res.text}`);
  return res.text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

/** Polls GET /jobs/:id until `done(body)`; the last body. */
export async function waitForJob(mf, jobId, done = (b) => ['complete', 'errored', 'terminated'].includes(b.status), timeoutMs = 120_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await call(mf, 'GET', `/jobs/${jobId}`);
    if (res.status !== 200) throw new Error(`GET /jobs/${jobId} -> ${res.status} ${res.text}`);
    if (done(res.body)) return res.body;
    if (Date.now() > until) throw new Error(`job ${jobId} still ${JSON.stringify(res.body)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Waits until `count` of the requests `requests()` lists (the emulator's log, or an upstream's)
 * `match` (60 s at most).
 */
export async function untilRequests(requests, match, count = 1) {
  const until = Date.now() + 60_000;
  while ((await requests()).filter(match).length < count) {
    if (Date.now() > until) throw new Error(`fewer than ${count} matching requests after 60 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** POST /jobs/:id/terminate, then the guarantees of what the job reached (`assertTruth`, partial). */
export async function terminateAndCheck(emu, mf, jobId, beforeState, selected = new Set(beforeState.keys())) {
  const res = await call(mf, 'POST', `/jobs/${jobId}/terminate`);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.status, 'terminated', res.text);
  await emu.admin.setLatency(0);
  const checked = await assertTruth(emu, mf, jobId, beforeState, selected, { partial: true });
  assert.equal(checked.status.status, 'terminated');
  return checked;
}

// ---- what every job test checks ----

/** Seeds `n` bench agents (plus `extra` admin fixtures); the demo agents by id, before the job. */
export async function seed(emu, n, extra = []) {
  await emu.admin.reset(n);
  for (const fields of extra) await emu.admin.createAgent(fields);
  return new Map((await emu.admin.state()).agents.filter((a) => a.environment === 'demo').map((a) => [a.id, a]));
}

export async function startJob(mf, body) {
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
export async function assertTruth(emu, mf, jobId, beforeState, selected, { partial = false } = {}) {
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
