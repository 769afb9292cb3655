// Hardening (issue 15), in Node and in real workerd: the scenarios of hardening.scenarios.mjs run
// against a hostile server (tests/support/hostile.mjs) and the emulator, and every output is
// checked here: no token anywhere, no redirect followed, bounded bodies, every call settled,
// nothing read through Object.prototype, lone surrogates refused, callbacks that cannot hurt.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as client from 'talkover-client';
import * as scenarios from './hardening.scenarios.mjs';
import { startEmulator } from '../support/emulator.mjs';
import { HOSTILE_TOKENS as TOKENS, leakedForm, startHostile } from '../support/hostile.mjs';
import { startWorker } from '../support/workerd.mjs';

const NAMES = ['secrecy', 'redirects', 'responseLikes', 'bodies', 'inputs', 'pollution', 'plantedTraps'];
const MIB = 1024 * 1024;
let emu;
let hostile;

before(async () => {
  [emu, hostile] = await Promise.all([startEmulator({ seed: 'empty' }), startHostile()]);
});
after(async () => {
  await Promise.all([emu?.stop(), hostile?.stop()]);
});

async function fixtures(prefix) {
  const T = (id) => ({ id: `${prefix}-${id}`, subject: 'Hi', instructions: 'Say hi' });
  const make = (id, fields = {}) => emu.admin.createAgent({ id: `${prefix}-${id}`, name: id, trainings: [T(`t-${id}`)], ...fields });
  await make('pub', { current_status: 'published' });
  for (const id of ['draft', 'cb1', 'cb2', 'cb3', 'cb4']) await make(id);
  return {
    prefix,
    hostile: hostile.url,
    emu: { url: emu.url, token: emu.token },
    tokens: TOKENS,
    published: `${prefix}-pub`,
    training: `${prefix}-t-pub`,
    draft: `${prefix}-draft`,
    callbackIds: [`${prefix}-cb1`, `${prefix}-cb2`],
    callbackIds2: [`${prefix}-cb3`, `${prefix}-cb4`],
  };
}

async function runInNode() {
  const env = await fixtures('node');
  const out = {};
  for (const name of NAMES) out[name] = JSON.parse(JSON.stringify(await scenarios[name](client, env)));
  return { env, out };
}

async function runInWorkerd() {
  const env = await fixtures('wrk');
  const source = `
import * as client from 'talkover-client';
import * as scenarios from './scenarios.mjs';
export default {
  async fetch(request) {
    const { name, env } = await request.json();
    return Response.json(await scenarios[name](client, env));
  },
};`;
  const files = { 'scenarios.mjs': readFileSync(new URL('./hardening.scenarios.mjs', import.meta.url), 'utf8') };
  const worker = await startWorker(source, { files });
  try {
    const out = {};
    for (const name of NAMES) out[name] = await worker.json('/', { method: 'POST', body: JSON.stringify({ name, env }) });
    return { env, out };
  } finally {
    await worker.dispose();
  }
}

const code = (r) => r?.err?.code ?? (r?.ok ? 'ok' : JSON.stringify(r));

async function check(t, { env, out }) {
  await t.test('no token in any result, error, report, progress event or backup', () => {
    // In any letter case: the server echoes it upper-cased and percent-encoded too.
    const text = JSON.stringify(out.secrecy).toLowerCase();
    for (const token of TOKENS) assert.equal(leakedForm(text, token), null, `token ${token} leaked`);
    assert.match(text, /\[redacted\]/, 'the hostile server echoed nothing');
    const [all, deleted, training] = out.secrecy;
    assert.equal(all.length, 1);
    assert.equal(deleted.ok?.success, true, JSON.stringify(deleted));
    assert.equal(training.ok?.success, true);
    const calls = out.secrecy.filter((r) => r?.activeCalls).map((r) => r.activeCalls);
    assert.equal(calls.length, TOKENS.length);
    for (const r of calls) {
      assert.equal(r.ok?.length, 3, JSON.stringify(r)); // one per active status
      assert.match(JSON.stringify(r.ok), /\[redacted\]/);
    }
    const republished = out.secrecy.filter((r) => r?.republish).map((r) => r.republish);
    assert.equal(republished.length, TOKENS.length);
    for (const r of republished) {
      assert.deepEqual([r.ok?.republished, r.ok?.republishError?.code], [false, 'SERVER_ERROR'], JSON.stringify(r));
      assert.match(r.ok.republishError.message, /\[redacted\]/);
    }
  });
  await t.test('the already-deleted path redacts its request id', () => {
    const flaky = out.secrecy.filter((r) => r?.ok?.alreadyDeleted);
    assert.equal(flaky.length, TOKENS.length);
    // The echo's x-request-id: the token upper-cased, percent-encoded and JSON-quoted.
    for (const r of flaky) assert.match(r.ok.requestId, /^\[redacted\]( \[redacted\])?( "\[redacted\]")?$/);
  });
  await t.test('a redirect is HTTP_ERROR, never followed, never "deleted"', () => {
    const { delete: del, cleanup, followed, redirectOption } = out.redirects;
    assert.equal(redirectOption, 'manual');
    assert.deepEqual([del.err?.code, del.err?.status], ['HTTP_ERROR', 303]);
    assert.match(del.err.message, /redirect/);
    assert.equal(cleanup.ok.results[0].outcome, 'failed');
    assert.equal(cleanup.ok.deleted, 0);
    assert.equal(followed.err?.code, 'HTTP_ERROR');
    assert.equal(hostile.requests.filter((r) => r.mode === 'redirect' && r.path === '/ok').length, 0);
  });
  await t.test('every call settles whatever a custom fetch resolves to', () => {
    for (const [name, r] of Object.entries(out.responseLikes)) {
      assert.ok(!r.unsettled, `${name}: never settled`);
      assert.ok(r.ok?.success === true || r.err?.isTalkoverError, `${name}: ${JSON.stringify(r)}`);
    }
    assert.equal(code(out.responseLikes['headers.get throws']), 'ok');
    assert.equal(out.responseLikes['headers.get returns a number'].ok.requestId, null);
    for (const bad of ['null', 'a number', 'status is a string', 'status is NaN', 'status is 70000', 'a throwing proxy']) {
      assert.equal(code(out.responseLikes[bad]), 'NETWORK_ERROR', bad);
    }
  });
  await t.test('bodies are read up to 16 MiB and no further', () => {
    const { huge500, huge200, declared, deep500, deep200 } = out.bodies;
    assert.deepEqual([huge500.err?.code, huge500.err?.status, huge500.err?.details], ['SERVER_ERROR', 500, null]);
    assert.match(huge500.err.message, /16 MiB/);
    assert.equal(code(huge200), 'INVALID_RESPONSE');
    assert.equal(code(declared), 'INVALID_RESPONSE');
    for (const mode of ['huge500', 'huge200', 'declared']) assert.ok(hostile.sent[mode] < 64 * MIB, `${mode}: ${hostile.sent[mode]} B sent`);
    assert.deepEqual([deep500.err?.code, deep500.err?.details], ['SERVER_ERROR', null]);
    assert.equal(code(deep200), 'INVALID_RESPONSE');
    // A custom fetch's Content-Length is not trusted, and tiny chunks count against the cap.
    assert.equal(code(out.bodies.lyingLength), 'INVALID_RESPONSE');
    assert.equal(code(out.bodies.emptyChunks), 'INVALID_RESPONSE');
  });
  await t.test('lone surrogates, over-long ids, sparse arrays and revoked proxies are INVALID_ARGUMENT with nothing sent; U+FFFD itself is an id', () => {
    const { refused, sentForRefused, sentTotal, replacementChar } = out.inputs;
    for (const [name, r] of Object.entries(refused)) {
      assert.equal(code(r), 'INVALID_ARGUMENT', name);
      assert.match(r.err.message, /lone surrogates/);
    }
    for (const [name, r] of Object.entries(out.inputs.oversized)) {
      assert.equal(code(r), 'INVALID_ARGUMENT', name);
      assert.match(r.err.message, /must be at most 1024 bytes long\.$/, name);
    }
    assert.equal(code(out.inputs.sparse), 'INVALID_ARGUMENT');
    assert.equal(out.inputs.sparse.err.message, 'agentIds must contain only strings.');
    // A revoked Proxy is refused, never thrown through the wasm (which would leak its stack).
    assert.deepEqual(Object.values(out.inputs.revoked).map((r) => r.code ?? code(r)), ['INVALID_ARGUMENT', 'INVALID_ARGUMENT', 'INVALID_ARGUMENT']);
    assert.equal(code(out.inputs.throwingSignal), 'TIMEOUT');
    assert.equal(sentForRefused, 0);
    // The module still works after all of them.
    assert.equal(code(replacementChar), 'AGENT_NOT_FOUND');
    assert.equal(sentTotal, 1);
  });
  await t.test('*.localhost is not loopback; retryAfterMs is clamped to a day', () => {
    assert.equal(out.inputs.localhost?.code, 'INVALID_ARGUMENT');
    assert.deepEqual([code(out.inputs.retry), out.inputs.retry.err.retryAfterMs], ['RATE_LIMITED', 86_400_000]);
  });
  await t.test('a throwing or rejecting onProgress changes nothing', async () => {
    for (const r of [out.inputs.rejecting, out.inputs.throwing]) assert.equal(r.ok?.deleted, 2, JSON.stringify(r));
    for (const id of [...env.callbackIds, ...env.callbackIds2]) assert.equal(await emu.admin.agent(id), null);
  });
  await t.test('nothing planted on Object.prototype changes what the client does', async () => {
    const { cleanup, hole, training, list, pages, evil } = out.pollution;
    const traps = out.plantedTraps;
    assert.equal(traps.get.ok?.id, 'a', JSON.stringify(traps.get));
    assert.equal(traps.plan.ok?.planned, 1, JSON.stringify(traps.plan));
    assert.ok(traps.seen.length >= 2 && traps.seen.every((aborted) => aborted === false));
    assert.deepEqual(traps.captured.filter((v) => v.includes(env.emu.token) || /Bearer/.test(v)), []);
    assert.deepEqual(evil, []);
    const [pub, draft] = cleanup.ok.results;
    assert.deepEqual([pub.outcome, pub.reason, pub.unpublished], ['skipped', 'AGENT_IS_PUBLISHED', false]);
    assert.equal(draft.outcome, 'deleted');
    assert.equal(draft.backup.agent.id, env.draft);
    assert.equal(code(hole), 'INVALID_ARGUMENT');
    assert.equal(training.ok.success, true);
    assert.equal('republished' in training.ok, false);
    assert.ok(list.ok.data.length >= 1 && list.ok.meta.current_page === 1, JSON.stringify(list.ok.meta));
    assert.ok(pages.includes(env.published), 'agents() started on a planted page');
    // Deleting a training unpublishes its agent; a planted `republish` must not publish it again.
    assert.equal((await emu.admin.agent(env.published))?.current_status, 'draft');
  });
}

test('hardening in Node', async (t) => {
  const unhandled = [];
  const onUnhandled = (e) => unhandled.push(e);
  process.on('unhandledRejection', onUnhandled);
  try {
    await check(t, await runInNode());
    await new Promise((resolve) => setTimeout(resolve, 50));
    await t.test('no unhandled rejection from the callbacks', () => assert.deepEqual(unhandled.map(String), []));
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});

test('hardening in workerd', async (t) => {
  await check(t, await runInWorkerd());
});

test('30 concurrent calls on one signal print no MaxListenersExceededWarning', async () => {
  const warnings = [];
  const onWarning = (w) => warnings.push(w.name);
  process.on('warning', onWarning);
  try {
    const c = new client.TalkoverClient({ token: emu.token, baseUrl: emu.url, maxRetries: 0 });
    const { signal } = new AbortController();
    await Promise.all(Array.from({ length: 30 }, () => c.getAgent('missing', { signal }).catch(() => {})));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(warnings, []);
  } finally {
    process.off('warning', onWarning);
  }
});
