// Fault matrix (issue 5): every failure mode the client must survive, driven by the emulator's
// fault injection, run with the SAME case table in Node and inside real workerd (miniflare).
//
// For each case: the resulting code (or result), the number of attempts the emulator saw, and
// that the next call on the same client still works. The matrix is printed as a table.
//
// Cases run concurrently: each uses its own agent ids (so its own fault paths and its own slice
// of the request log), which keeps the whole matrix to a few seconds per runtime.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { TalkoverClient } from 'talkover-client';
import { startEmulator } from '../support/emulator.mjs';
import { startWorker } from '../support/workerd.mjs';

// ---------------------------------------------------------------------------------------------
// The runner. Self-contained (it is also embedded into the Worker via Function#toString), so it
// may only use its parameters and globals every runtime has.
//
// c: { op, args, client: {maxRetries, timeoutMs}, fetchMode, abort: {stage, reason, afterMs},
//      follow: {op, args} }
// env: { url, token }
// ---------------------------------------------------------------------------------------------
async function runCase(TalkoverClient, c, env) {
  const now = () => (globalThis.performance ? performance.now() : Date.now());
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const realFetch = (...a) => globalThis.fetch(...a);
  const state = { phase: 'case', calls: 0 };
  let onResponse = null; // hook for the "abort during backoff" stage

  const makeReason = (kind) => {
    switch (kind) {
      case 'none': return { args: [] };
      case 'error': return { args: [new Error('caller gave up')] };
      case 'domexception': return { args: [new DOMException('caller gave up', 'TimeoutError')] };
      case 'string': return { args: ['caller gave up'] };
      case 'object': return { args: [{ why: 'caller gave up' }] };
      case 'undefined': return { args: [undefined] };
      case 'null': return { args: [null] };
      case 'number': return { args: [0] };
      default: throw new Error(`unknown reason ${kind}`);
    }
  };

  // Custom fetch modes. Only the case phase is affected; the follow-up call passes through.
  const modes = {
    // The request reaches the server (which deletes), then the client sees a network failure.
    'forward-then-throw': async (url, init) => {
      if (state.calls++ === 0) {
        await (await realFetch(url, init)).arrayBuffer();
        throw new TypeError('fetch failed: connection reset after the server processed it');
      }
      return realFetch(url, init);
    },
    // The first attempt gets the scripted 503; before the client sees it, someone else deletes
    // the agent (a harness request marked with x-harness so the log can tell it apart).
    'delete-between': async (url, init) => {
      const res = await realFetch(url, init);
      if (state.calls++ === 0) {
        const gone = await realFetch(url, {
          method: 'DELETE',
          headers: { authorization: new Headers(init.headers).get('authorization'), 'x-harness': '1' },
        });
        await gone.arrayBuffer();
      }
      return res;
    },
    // Headers arrive, the body never ends.
    'stall-body': async (url, init) => {
      const res = await realFetch(url, init);
      await res.arrayBuffer();
      if (onResponse) onResponse();
      return new Response(new ReadableStream({ start() {} }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    },
    // Passes through but lets the abort stage "backoff" know a response arrived.
    observe: async (url, init) => {
      const res = await realFetch(url, init);
      if (onResponse) onResponse();
      return res;
    },
    // The request reaches the server, then fetch rejects with an odd value.
    'reject-undefined': async (url, init) => { await (await realFetch(url, init)).arrayBuffer(); throw undefined; },
    'reject-null': async (url, init) => { await (await realFetch(url, init)).arrayBuffer(); throw null; },
    'reject-string': async (url, init) => { await (await realFetch(url, init)).arrayBuffer(); throw 'socket hang up'; },
    'reject-object': async (url, init) => { await (await realFetch(url, init)).arrayBuffer(); throw { code: 'ECONNRESET' }; },
    'reject-domexception': async (url, init) => {
      await (await realFetch(url, init)).arrayBuffer();
      throw new DOMException('network is down', 'NetworkError');
    },
    'resolve-null': async (url, init) => { await (await realFetch(url, init)).arrayBuffer(); return null; },
    'resolve-garbage': async (url, init) => { await (await realFetch(url, init)).arrayBuffer(); return { status: 'x' }; },
    'throw-sync': () => {
      // No request reaches the server: fetch throws before returning a promise.
      throw new TypeError('fetch exploded synchronously');
    },
  };

  const options = { token: env.token, baseUrl: env.url, ...(c.client || {}) };
  if (c.fetchMode) {
    const mode = modes[c.fetchMode];
    options.fetch = (req, init) => (state.phase === 'case' ? mode(req, init) : realFetch(req, init));
  }
  const out = { name: c.name };
  let client;
  try {
    client = new TalkoverClient(options);
  } catch (e) {
    out.constructError = String(e && e.message);
    return out;
  }
  const call = (op, args, signal) => {
    const opts = signal ? { signal } : undefined;
    switch (op) {
      case 'deleteAgent': return client.deleteAgent(args[0], opts);
      case 'deleteTraining': return client.deleteTraining(args[0], args[1], opts);
      case 'getAgent': return client.getAgent(args[0], opts);
      default: throw new Error(`unknown op ${op}`);
    }
  };

  let signal;
  let abortedAt = null;
  if (c.abort) {
    const { stage, reason, afterMs = 50 } = c.abort;
    const controller = reason === 'signal-timeout' ? null : new AbortController();
    const fire = () => {
      abortedAt = now();
      controller.abort(...makeReason(reason).args);
    };
    if (reason === 'signal-timeout') {
      // Stage is not steered: AbortSignal.timeout fires on its own clock.
      signal = AbortSignal.timeout(afterMs);
      signal.addEventListener('abort', () => { abortedAt = now(); });
    } else {
      signal = controller.signal;
      if (stage === 'before') fire();
      else if (stage === 'backoff' || stage === 'body') {
        // After a response (or the stalled body's headers) came back.
        onResponse = () => { onResponse = null; setTimeout(fire, afterMs); };
      } else if (stage === 'headers') {
        // Once the emulator has the request (it never answers it), abort.
        (async () => {
          for (let i = 0; i < 500 && !signal.aborted; i++) {
            const r = await realFetch(`${env.url}/__emulator/requests`);
            const { requests } = await r.json();
            if (requests.some((q) => q.path === c.path)) break;
            await sleep(20);
          }
          setTimeout(fire, afterMs);
        })();
      }
    }
  }

  const t0 = now();
  try {
    const r = await call(c.op, c.args, signal);
    out.result = { success: r.success, alreadyDeleted: r.alreadyDeleted, hasRequestId: typeof r.requestId === 'string' };
  } catch (e) {
    out.error = {
      code: e && e.code,
      status: e ? e.status : undefined,
      retryAfterMs: e ? e.retryAfterMs : undefined,
      message: e && e.message,
      name: e && e.name,
      isError: e instanceof Error,
      isTalkover: e && e.name === 'TalkoverError' && typeof e.code === 'string',
    };
  }
  out.elapsedMs = Math.round(now() - t0);
  if (abortedAt !== null) out.abortToRejectMs = Math.round(now() - abortedAt);

  // The same client must still work afterwards.
  state.phase = 'follow';
  if (c.follow) {
    await sleep(0);
    try {
      const r = await call(c.follow.op, c.follow.args);
      out.follow = { ok: true, alreadyDeleted: r && r.alreadyDeleted };
    } catch (e) {
      out.follow = { ok: false, code: e && e.code, message: e && e.message };
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The case table. `faults` are installed on the case's own agent path before it runs;
// `expect` is checked against the runner's output and the emulator's request log.
// ---------------------------------------------------------------------------------------------
const REASONS = ['none', 'error', 'domexception', 'string', 'object', 'undefined', 'null', 'number'];

function caseTable() {
  const C = [];
  const add = (name, spec) => C.push({ name, op: 'deleteAgent', ...spec });
  const st = (status, extra = {}) => ({ kind: 'status', status, ...extra });

  add('500 x3 (maxRetries 2)', { faults: [st(500), st(500), st(500)], client: { maxRetries: 2 },
    expect: { code: 'SERVER_ERROR', status: 500, attempts: 3 } });
  add('500 x3 (default options)', { faults: [st(500), st(500), st(500)], client: {},
    expect: { code: 'SERVER_ERROR', status: 500, attempts: 3 } });
  add('502 HTML x2', { faults: [{ kind: 'html', status: 502 }, { kind: 'html', status: 502 }], client: { maxRetries: 1 },
    expect: { code: 'SERVER_ERROR', status: 502, attempts: 2, messageIncludes: 'not JSON' } });
  add('503 then success', { faults: [st(503), { kind: 'pass' }], client: { maxRetries: 2 },
    expect: { result: { alreadyDeleted: false }, attempts: 2, agentGone: true } });
  add('503 x1, maxRetries 0', { faults: [st(503)], client: { maxRetries: 0 },
    expect: { code: 'SERVER_ERROR', status: 503, attempts: 1 } });
  add('408 then success', { faults: [st(408), { kind: 'pass' }], client: { maxRetries: 1 },
    expect: { result: { alreadyDeleted: false }, attempts: 2 } });
  add('429 Retry-After: 1 then success', {
    faults: [st(429, { headers: { 'retry-after': '1' } }), { kind: 'pass' }], client: { maxRetries: 1 },
    expect: { result: { alreadyDeleted: false }, attempts: 2, minElapsedMs: 900 } });
  add('429 Retry-After: 1 exhausted', {
    faults: [st(429, { headers: { 'retry-after': '1' } }), st(429, { headers: { 'retry-after': '1' } })], client: { maxRetries: 1 },
    expect: { code: 'RATE_LIMITED', status: 429, attempts: 2, retryAfterMs: 1000 } });
  add('429 Retry-After: HTTP date (+2 s) then success', {
    faults: () => [st(429, { headers: { 'retry-after': new Date(Date.now() + 2000).toUTCString() } }), { kind: 'pass' }],
    client: { maxRetries: 1 },
    expect: { result: { alreadyDeleted: false }, attempts: 2, minElapsedMs: 500 } });
  add('429 Retry-After: garbage -> backoff', {
    faults: [st(429, { headers: { 'retry-after': 'soon' } }), { kind: 'pass' }], client: { maxRetries: 1 },
    expect: { result: { alreadyDeleted: false }, attempts: 2 } });
  add('429 Retry-After: 120 (> 60 s)', {
    faults: [st(429, { headers: { 'retry-after': '120' } })], client: { maxRetries: 2 },
    expect: { code: 'RATE_LIMITED', status: 429, attempts: 1, retryAfterMs: 120000, maxElapsedMs: 5000 } });
  add('503 Retry-After: 61 (> 60 s)', {
    faults: [st(503, { headers: { 'retry-after': '61' } })], client: { maxRetries: 2 },
    expect: { code: 'SERVER_ERROR', status: 503, attempts: 1, retryAfterMs: 61000, maxElapsedMs: 5000 } });
  add('429 Retry-After: HTTP date +1 h', {
    faults: () => [st(429, { headers: { 'retry-after': new Date(Date.now() + 3600_000).toUTCString() } })],
    client: { maxRetries: 2 },
    expect: { code: 'RATE_LIMITED', status: 429, attempts: 1, retryAfterMsMin: 3590_000, maxElapsedMs: 5000 } });
  add('empty body 200', { faults: [{ kind: 'empty' }], client: { maxRetries: 2 },
    expect: { code: 'INVALID_RESPONSE', status: 200, attempts: 1 } });
  add('empty body 500 then success', { faults: [{ kind: 'empty', status: 500 }, { kind: 'pass' }], client: { maxRetries: 1 },
    expect: { result: { alreadyDeleted: false }, attempts: 2 } });
  add('malformed JSON 200', { faults: [{ kind: 'malformed' }], client: { maxRetries: 2 },
    expect: { code: 'INVALID_RESPONSE', status: 200, attempts: 1 } });
  add('malformed JSON 502 x2', { faults: [{ kind: 'malformed', status: 502 }, { kind: 'malformed', status: 502 }], client: { maxRetries: 1 },
    expect: { code: 'SERVER_ERROR', status: 502, attempts: 2 } });
  add('HTML 200', { faults: [{ kind: 'html', status: 200 }], client: { maxRetries: 2 },
    expect: { code: 'INVALID_RESPONSE', status: 200, attempts: 1 } });
  add('connection cut x3', { faults: [{ kind: 'close' }, { kind: 'close' }, { kind: 'close' }], client: { maxRetries: 2 },
    expect: { code: 'NETWORK_ERROR', status: null, attempts: 3 } });
  add('connection cut then success', { faults: [{ kind: 'close' }, { kind: 'pass' }], client: { maxRetries: 1 },
    expect: { result: { alreadyDeleted: false }, attempts: 2, agentGone: true } });
  add('never answers (timeoutMs 300) x2', { faults: [{ kind: 'hang' }, { kind: 'hang' }], client: { maxRetries: 1, timeoutMs: 300 },
    expect: { code: 'TIMEOUT', status: null, attempts: 2, minElapsedMs: 550 } });
  // Whether the emulator finishes the abandoned first attempt (then the retry sees 404 ->
  // alreadyDeleted) or drops it with the connection (retry deletes) is up to the server;
  // both are correct, as long as the call succeeds.
  add('1st attempt slower than timeoutMs, retry', {
    faults: [{ kind: 'pass', delay_ms: 400 }], client: { maxRetries: 1, timeoutMs: 200 },
    expect: { result: { alreadyDeleted: 'any' }, attempts: 2, agentGone: true } });
  add('body never ends (timeoutMs 300)', { fetchMode: 'stall-body', client: { maxRetries: 1, timeoutMs: 300 },
    expect: { code: 'TIMEOUT', status: null, attempts: 2 } });
  add('delete processed, then network error -> alreadyDeleted', { fetchMode: 'forward-then-throw', client: { maxRetries: 1 },
    expect: { result: { alreadyDeleted: true }, attempts: 2, agentGone: true } });
  add('503 while someone deletes -> alreadyDeleted', { faults: [st(503)], fetchMode: 'delete-between', client: { maxRetries: 1 },
    expect: { result: { alreadyDeleted: true }, attempts: 2, agentGone: true } });
  add('first-attempt 404', { missing: true, client: { maxRetries: 2 },
    expect: { code: 'AGENT_NOT_FOUND', status: 404, attempts: 1 } });
  add('429 (not processed) then 404 -> error, not alreadyDeleted', {
    missing: true, faults: [st(429, { headers: { 'retry-after': '0' } }), { kind: 'pass' }], client: { maxRetries: 1 },
    expect: { code: 'AGENT_NOT_FOUND', status: 404, attempts: 2 } });
  C.push({ name: 'training: cut after delete -> alreadyDeleted', op: 'deleteTraining', training: true,
    fetchMode: 'forward-then-throw', client: { maxRetries: 1 },
    expect: { result: { alreadyDeleted: true }, attempts: 2 } });
  C.push({ name: 'training: first-attempt 404', op: 'deleteTraining', training: true, missingTraining: true,
    client: { maxRetries: 1 }, expect: { code: 'TRAINING_NOT_FOUND', status: 404, attempts: 1 } });

  // fetch rejecting / resolving with odd values (GET: forwarding it twice is harmless).
  for (const m of ['reject-undefined', 'reject-null', 'reject-string', 'reject-object', 'reject-domexception', 'resolve-null', 'resolve-garbage']) {
    C.push({ name: `fetch ${m}`, op: 'getAgent', fetchMode: m, client: { maxRetries: 1 },
      expect: { code: 'NETWORK_ERROR', status: null, attempts: 2 } });
  }
  C.push({ name: 'fetch throws synchronously', op: 'getAgent', fetchMode: 'throw-sync', client: { maxRetries: 1 },
    expect: { code: 'NETWORK_ERROR', status: null, attempts: 0 } });

  // Caller aborts, at every stage, with every kind of reason.
  for (const reason of REASONS) {
    add(`abort before send (${reason})`, { abort: { stage: 'before', reason }, client: { maxRetries: 2 },
      expect: { code: 'ABORTED', status: null, attempts: 0, agentExists: true } });
    add(`abort awaiting headers (${reason})`, { faults: [{ kind: 'hang' }], abort: { stage: 'headers', reason, afterMs: 30 },
      client: { maxRetries: 2, timeoutMs: 20_000 }, expect: { code: 'ABORTED', status: null, attempts: 1, maxAbortLagMs: 250, agentExists: true } });
    add(`abort in backoff (${reason})`, { faults: [st(503), st(503), st(503)], fetchMode: 'observe',
      abort: { stage: 'backoff', reason, afterMs: 60 }, client: { maxRetries: 2 },
      expect: { code: 'ABORTED', status: null, attempts: 1, maxAbortLagMs: 250, agentExists: true } });
    add(`abort reading body (${reason})`, { fetchMode: 'stall-body', abort: { stage: 'body', reason, afterMs: 30 },
      client: { maxRetries: 2, timeoutMs: 20_000 }, expect: { code: 'ABORTED', status: null, attempts: 1, maxAbortLagMs: 250 } });
  }
  // AbortSignal.timeout runs on its own clock, so the stage it hits depends on load.
  add('abort, AbortSignal.timeout(400) vs hang', { faults: [{ kind: 'hang' }], abort: { stage: 'headers', reason: 'signal-timeout', afterMs: 400 },
    client: { maxRetries: 2, timeoutMs: 20_000 }, expect: { code: 'ABORTED', status: null, attempts: [0, 1], maxAbortLagMs: 250 } });
  add('abort, AbortSignal.timeout(300) vs 503s', { faults: [st(503), st(503), st(503)], abort: { stage: 'backoff', reason: 'signal-timeout', afterMs: 300 },
    client: { maxRetries: 2 }, expect: { code: 'ABORTED', status: null, attempts: [0, 1], maxAbortLagMs: 250 } });
  return C;
}

// ---------------------------------------------------------------------------------------------
// Harness: per runtime, create agents, install faults, run, read the log, check, print.
// ---------------------------------------------------------------------------------------------
let emu;
before(async () => {
  emu = await startEmulator({ seed: 'empty' });
});
after(async () => {
  await emu?.stop();
});

const enc = (id) => encodeURIComponent(id);

async function prepare(prefix) {
  const cases = caseTable();
  const prepared = [];
  await Promise.all(
    cases.map(async (c, i) => {
      const id = `${prefix}-c${i}`;
      const follow = `${prefix}-c${i}-next`;
      const tid = `${prefix}-c${i}-t1`;
      if (!c.missing) {
        await emu.admin.createAgent({ id, current_status: 'draft', trainings: c.training ? [{ id: tid }] : [] });
      }
      await emu.admin.createAgent({ id: follow, current_status: 'draft' });
      const trainingId = c.missingTraining ? `${tid}-missing` : tid;
      const path = c.op === 'deleteTraining'
        ? `/api/v1/agents/${enc(id)}/trainings/${enc(trainingId)}`
        : `/api/v1/agents/${enc(id)}`;
      const method = c.op === 'getAgent' ? 'GET' : 'DELETE';
      const faults = typeof c.faults === 'function' ? c.faults() : c.faults;
      if (faults) await emu.admin.fault(method, path, faults);
      prepared.push({
        ...c,
        faults: undefined,
        id,
        path,
        args: c.op === 'deleteTraining' ? [id, trainingId] : [id],
        follow: { op: 'deleteAgent', args: [follow] },
      });
    }),
  );
  prepared.sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
  return prepared;
}

async function check(runtime, prepared, outputs) {
  const log = await emu.admin.requests();
  const agents = new Set((await emu.admin.state()).agents.map((a) => a.id));
  const rows = [];
  const problems = new Map();
  for (const c of prepared) {
    const o = outputs.find((x) => x.name === c.name);
    const attempts = log.filter((r) => r.path === c.path && !r.headers.includes('x-harness')).length;
    const e = c.expect;
    const p = [];
    if (!o) p.push('no output');
    else {
      if (o.constructError) p.push(`constructor threw: ${o.constructError}`);
      if (e.code) {
        if (!o.error) p.push(`expected ${e.code}, got result ${JSON.stringify(o.result)}`);
        else {
          if (o.error.code !== e.code) p.push(`code ${o.error.code} (message: ${o.error.message}) != ${e.code}`);
          if ('status' in e && o.error.status !== e.status) p.push(`status ${o.error.status} != ${e.status}`);
          if (!o.error.isError || !o.error.isTalkover) p.push('not a TalkoverError/Error');
          if ('retryAfterMs' in e && o.error.retryAfterMs !== e.retryAfterMs) p.push(`retryAfterMs ${o.error.retryAfterMs} != ${e.retryAfterMs}`);
          if (e.retryAfterMsMin && !(o.error.retryAfterMs >= e.retryAfterMsMin)) p.push(`retryAfterMs ${o.error.retryAfterMs} < ${e.retryAfterMsMin}`);
          if (e.messageIncludes && !String(o.error.message).includes(e.messageIncludes)) p.push(`message "${o.error.message}" lacks "${e.messageIncludes}"`);
          if (typeof o.error.message !== 'string' || o.error.message.length === 0) p.push('empty message');
        }
      }
      if (e.result) {
        if (!o.result) p.push(`expected success, got ${o.error?.code}: ${o.error?.message}`);
        else if ((e.result.alreadyDeleted !== 'any' && o.result.alreadyDeleted !== e.result.alreadyDeleted) || o.result.success !== true) {
          p.push(`result ${JSON.stringify(o.result)} != ${JSON.stringify(e.result)}`);
        }
      }
      const okAttempts = [].concat(e.attempts ?? []);
      if (okAttempts.length && !okAttempts.includes(attempts)) p.push(`attempts ${attempts} not in ${okAttempts}`);
      if (e.maxAbortLagMs && !(o.abortToRejectMs <= e.maxAbortLagMs)) p.push(`rejected ${o.abortToRejectMs} ms after abort (> ${e.maxAbortLagMs})`);
      // Timing bounds are checked in Node only (workerd's clock only advances across I/O).
      if (runtime === 'node' && e.minElapsedMs && o.elapsedMs < e.minElapsedMs) p.push(`elapsed ${o.elapsedMs} < ${e.minElapsedMs}`);
      if (runtime === 'node' && e.maxElapsedMs && o.elapsedMs > e.maxElapsedMs) p.push(`elapsed ${o.elapsedMs} > ${e.maxElapsedMs}`);
      if (e.agentGone && agents.has(c.id)) p.push('agent still exists');
      if (e.agentExists && !agents.has(c.id)) p.push('agent was deleted');
      if (!o.follow?.ok || o.follow.alreadyDeleted !== false) p.push(`next call failed: ${JSON.stringify(o.follow)}`);
    }
    if (p.length) problems.set(c.name, p);
    rows.push({
      case: c.name,
      outcome: o?.error ? `${o.error.code}${o.error.status ? ` ${o.error.status}` : ''}` : o?.result ? `ok alreadyDeleted=${o.result.alreadyDeleted}` : '?',
      retryAfterMs: o?.error?.retryAfterMs ?? '',
      attempts,
      ms: o?.elapsedMs,
      abortLagMs: o?.abortToRejectMs ?? '',
      next: o?.follow?.ok ? 'ok' : `FAIL ${o?.follow?.code}`,
      verdict: p.length ? 'FAIL' : 'pass',
    });
  }
  console.log(`\nFault matrix (${runtime}):`);
  console.log(formatTable(rows));
  return problems;
}

function formatTable(rows) {
  const cols = Object.keys(rows[0]);
  const w = cols.map((k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length)));
  const line = (vals) => `| ${vals.map((v, i) => String(v).padEnd(w[i])).join(' | ')} |`;
  return [line(cols), `|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`, ...rows.map((r) => line(cols.map((k) => r[k])))].join('\n');
}

async function reportCases(t, problems, prepared) {
  for (const c of prepared) {
    const p = problems.get(c.name);
    await t.test(c.name, () => {
      assert.ok(!p, p?.join('; '));
    });
  }
}

test('fault matrix in Node', async (t) => {
  const prepared = await prepare('node');
  const env = { url: emu.url, token: emu.token };
  const outputs = await Promise.all(prepared.map((c) => runCase(TalkoverClient, c, env)));
  const problems = await check('node', prepared, outputs);
  await reportCases(t, problems, prepared);
});

test('fault matrix in workerd', async (t) => {
  const source = `
import { TalkoverClient } from 'talkover-client';
${runCase.toString()}
export default {
  async fetch(request) {
    const { c, env } = await request.json();
    return Response.json(await runCase(TalkoverClient, c, env));
  },
};
`;
  const worker = await startWorker(source);
  try {
    const prepared = await prepare('wrk');
    const env = { url: emu.url, token: emu.token };
    const outputs = await Promise.all(
      prepared.map((c) => worker.json('/run', { method: 'POST', body: JSON.stringify({ c, env }) })),
    );
    const problems = await check('workerd', prepared, outputs);
    await reportCases(t, problems, prepared);
  } finally {
    await worker.dispose();
  }
});
