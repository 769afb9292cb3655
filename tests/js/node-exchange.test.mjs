// Node's requests (src/js/node-exchange.js): straight to undici's global dispatcher while the
// global fetch is Node's own; through fetch when the caller gave one or the global one was
// replaced; and the same answer either way, for every shape of answer a server may send
// (content codings, caps, redirects, rate limits, an echoed token, a broken body). The
// dispatcher Node 24 ships (undici 7, from npm) is held to the same table.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { TalkoverClient } from 'talkover-client';

const TOKEN = 'talq_exchange_test_0123456789';
const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');
const undici7 = createRequire(import.meta.url)('undici');

const deleted = JSON.stringify({ success: true, message: 'Agent deleted successfully' });
const json = { 'content-type': 'application/json' };
// Each answer, by the agent id asked for: [status, headers, body].
const answers = {
  plain: () => [200, { ...json, 'x-request-id': 'req_plain' }, deleted],
  gzip: () => [200, { ...json, 'content-encoding': 'gzip' }, zlib.gzipSync(deleted)],
  'x-gzip': () => [200, { ...json, 'content-encoding': 'x-gzip' }, zlib.gzipSync(deleted)],
  deflate: () => [200, { ...json, 'content-encoding': 'deflate' }, zlib.deflateSync(deleted)],
  'deflate-raw': () => [200, { ...json, 'content-encoding': 'deflate' }, zlib.deflateRawSync(deleted)],
  br: () => [200, { ...json, 'content-encoding': 'br' }, zlib.brotliCompressSync(deleted)],
  'gzip-then-br': () => [200, { ...json, 'content-encoding': 'gzip, br' }, zlib.brotliCompressSync(zlib.gzipSync(deleted))],
  // 17 MiB of JSON once decoded: over the 16 MiB cap, though 17 KB on the wire.
  'gzip-bomb': () => [200, { ...json, 'content-encoding': 'gzip' }, zlib.gzipSync(`{"pad":"${' '.repeat(17 * 1024 * 1024)}"}`)],
  'broken-gzip': () => [200, { ...json, 'content-encoding': 'gzip' }, Buffer.from('not gzip at all')],
  'declared-too-large': () => [200, { ...json, 'content-length': String(17 * 1024 * 1024) }, ''],
  'rate-limited': () => [429, { ...json, 'retry-after': '7', 'x-request-id': 'req_429' }, JSON.stringify({ message: 'Too many requests' })],
  'echoes-token': () => [200, { ...json, 'x-request-id': `req_${TOKEN}` }, JSON.stringify({ success: true, message: `deleted with Bearer ${TOKEN}` })],
  redirect: () => [302, { location: '/elsewhere' }, ''],
  'not-json': () => [200, { 'content-type': 'text/html' }, '<html>maintenance</html>'],
  'two-request-ids': () => [200, { ...json, 'x-request-id': ['req_a', 'req_b'] }, deleted],
  'no-content': () => [204, {}, ''],
  'reset-content': () => [205, {}, ''],
  // What the review of the Node way found (each differed from fetch before its fix):
  'empty-gzip-204': () => [204, { 'content-encoding': 'gzip' }, ''],
  'empty-gzip-429': () => [429, { ...json, 'content-encoding': 'gzip', 'retry-after': '3', 'x-request-id': 'req_e' }, ''],
  'gzip-without-trailer': () => [200, { ...json, 'content-encoding': 'gzip' }, zlib.gzipSync(deleted).subarray(0, -8)],
  'gzip-then-identity': () => [200, { ...json, 'content-encoding': 'gzip, identity' }, zlib.gzipSync(deleted)],
  'six-codings': () => [200, { ...json, 'content-encoding': 'gzip, gzip, gzip, gzip, gzip, gzip' }, [1, 2, 3, 4, 5, 6].reduce((b) => zlib.gzipSync(b), Buffer.from(deleted))],
  'redirect-endless-body': () => [302, { location: '/api/v1/agents/plain', 'content-length': '100' }, ''],
  'redirect-to-plain': () => [302, { location: '/api/v1/agents/plain' }, ''],
};

let server;
let baseUrl;
// When the connection of each request never answered closed (null while open), by agent id.
const stalled = new Map();
// How many requests each agent id got.
const hits = new Map();
before(async () => {
  server = http.createServer((req, res) => {
    const id = req.url.split('/').pop();
    hits.set(id, (hits.get(id) ?? 0) + 1);
    // Never answered: the client's timeout or the caller's abort has to cancel it.
    if (id.startsWith('stall')) {
      const entry = { closedAt: null };
      stalled.set(id, entry);
      req.socket.on('close', () => (entry.closedAt = performance.now()));
      return;
    }
    const [status, headers, body] = answers[id]();
    if (headers['content-length'] && body === '') {
      // Declared, never sent: a client that believed it would wait.
      res.writeHead(status, headers);
      res.flushHeaders();
      return;
    }
    res.writeHead(status, headers);
    res.end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${server.address().port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** What a deleteAgent of `id` comes to: its result, or its error's public fields but the message. */
// (Also run as source in a child process, below.)
async function outcome(client, id) {
  try {
    return { result: await client.deleteAgent(id) };
  } catch (e) {
    return { code: e.code, status: e.status, requestId: e.requestId, retryAfterMs: e.retryAfterMs, retryable: e.retryable };
  }
}

const client = (options = {}) => new TalkoverClient({ token: TOKEN, baseUrl, maxRetries: 0, timeoutMs: 5000, ...options });
const viaFetch = () => client({ fetch: (url, init) => fetch(url, init) });

// What each answer must come to, whichever way it was read.
const expected = {
  plain: { result: { success: true, message: 'Agent deleted successfully', alreadyDeleted: false, requestId: 'req_plain' } },
  'gzip-bomb': { code: 'INVALID_RESPONSE', status: 200, requestId: null, retryAfterMs: null, retryable: false },
  'broken-gzip': { code: 'NETWORK_ERROR', status: null, requestId: null, retryAfterMs: null, retryable: true },
  'declared-too-large': { code: 'INVALID_RESPONSE', status: 200, requestId: null, retryAfterMs: null, retryable: false },
  'rate-limited': { code: 'RATE_LIMITED', status: 429, requestId: 'req_429', retryAfterMs: 7000, retryable: true },
  redirect: { code: 'HTTP_ERROR', status: 302, requestId: null, retryAfterMs: null, retryable: false },
  'not-json': { code: 'INVALID_RESPONSE', status: 200, requestId: null, retryAfterMs: null, retryable: false },
  'empty-gzip-429': { code: 'RATE_LIMITED', status: 429, requestId: 'req_e', retryAfterMs: 3000, retryable: true },
  'six-codings': { code: 'NETWORK_ERROR', status: null, requestId: null, retryAfterMs: null, retryable: true },
  'redirect-endless-body': { code: 'HTTP_ERROR', status: 302, requestId: null, retryAfterMs: null, retryable: false },
};
for (const coded of ['gzip', 'x-gzip', 'deflate', 'deflate-raw', 'br', 'gzip-then-br', 'gzip-without-trailer']) {
  expected[coded] = { result: { success: true, message: 'Agent deleted successfully', alreadyDeleted: false, requestId: null } };
}

/** Every answer read by `make()`'s client: as expected, and the same as through a custom fetch. */
async function sameAnswers(make, label) {
  for (const id of Object.keys(answers)) {
    const got = await outcome(make(), id);
    assert.deepEqual(got, await outcome(viaFetch(), id), `${label}, ${id}: not what a fetch reads`);
    if (expected[id]) assert.deepEqual(got, expected[id], `${label}, ${id}`);
    assert.ok(!JSON.stringify(got).includes(TOKEN), `${label}, ${id}: the token in ${JSON.stringify(got)}`);
  }
}

/** Runs `fn` with a stand-in global dispatcher that notes each request's way, then puts the real one back. */
async function watchingDispatches(fn, { refuse = false } = {}) {
  const real = globalThis[GLOBAL_DISPATCHER];
  const ways = [];
  globalThis[GLOBAL_DISPATCHER] = {
    dispatch(options, handler) {
      // Node's fetch adds sec-fetch-mode to every request; the client's own requests have none.
      const way = JSON.stringify(options.headers).includes('sec-fetch-mode') ? 'fetch' : 'direct';
      ways.push(way);
      if (refuse && way === 'direct') {
        handler.onError(Object.assign(new Error('refused for the test'), { code: 'UND_ERR_INVALID_ARG' }));
        return false;
      }
      return real.dispatch(options, handler);
    },
  };
  try {
    await fn();
  } finally {
    globalThis[GLOBAL_DISPATCHER] = real;
  }
  return ways;
}

test('every answer reads the same straight through the dispatcher as through fetch', async () => {
  await sameAnswers(() => client(), "Node's own dispatcher");
});

test('an option planted on Object.prototype does not make the dispatcher follow a redirect', async () => {
  const before = hits.get('plain') ?? 0;
  // Loads undici (its global dispatcher), so the client sends through it.
  await fetch('data:,x');
  const ways = await watchingDispatches(async () => {
    Object.prototype.maxRedirections = 2;
    try {
      await assert.rejects(client().deleteAgent('redirect-to-plain'), (e) => e.code === 'HTTP_ERROR' && e.status === 302);
    } finally {
      delete Object.prototype.maxRedirections;
    }
  });
  assert.deepEqual(ways, ['direct']);
  assert.equal(hits.get('plain') ?? 0, before, 'the redirect was followed');
});

test("with Node's own fetch the client sends to the global dispatcher itself; a custom fetch is called, with a signal", async () => {
  const inits = [];
  const ways = await watchingDispatches(async () => {
    assert.equal((await client().deleteAgent('plain')).requestId, 'req_plain');
    await client({ fetch: (url, init) => (inits.push(init), fetch(url, init)) }).deleteAgent('plain');
  });
  assert.deepEqual(ways, ['direct', 'fetch']);
  assert.equal(inits.length, 1);
  assert.ok(inits[0].signal instanceof AbortSignal);
});

test('a replaced global fetch (a mock, a wrapper) is called for every request, set before or after the client', async () => {
  const nodeFetch = globalThis.fetch;
  const calls = [];
  const early = client();
  globalThis.fetch = (url, init) => (calls.push(init), nodeFetch(url, init));
  try {
    const ways = await watchingDispatches(async () => {
      await early.deleteAgent('plain');
      await client().deleteAgent('plain');
    });
    assert.deepEqual(ways, ['fetch', 'fetch']);
    assert.equal(calls.length, 2);
    assert.ok(calls.every((init) => init.signal instanceof AbortSignal));
  } finally {
    globalThis.fetch = nodeFetch;
  }
  // Node's own again: straight to the dispatcher.
  assert.deepEqual(await watchingDispatches(() => early.deleteAgent('plain')), ['direct']);
});

test('a request the dispatcher refuses as invalid goes through fetch instead', async () => {
  let result;
  const ways = await watchingDispatches(async () => {
    result = await client().deleteAgent('plain');
  }, { refuse: true });
  assert.deepEqual(ways, ['direct', 'fetch']);
  assert.equal(result.requestId, 'req_plain');
});

test("undici 7's dispatcher (Node 24's) as the global one: used, and every answer the same", async () => {
  const real = globalThis[GLOBAL_DISPATCHER];
  const agent = new undici7.Agent();
  let dispatched = 0;
  const dispatch = agent.dispatch.bind(agent);
  agent.dispatch = (options, handler) => ((dispatched += 1), dispatch(options, handler));
  undici7.setGlobalDispatcher(agent);
  try {
    await sameAnswers(() => client(), "undici 7's dispatcher");
    // Every direct request, and (Node 20's fetch uses the global dispatcher too) every fetch.
    assert.equal(dispatched, 2 * Object.keys(answers).length);
    // A timeout cancels the request there too.
    await assert.rejects(client({ timeoutMs: 200 }).deleteAgent('stall'), (e) => e.code === 'TIMEOUT');
  } finally {
    globalThis[GLOBAL_DISPATCHER] = real;
    await agent.close().catch(() => {});
  }
});

// A process where nothing has loaded undici yet: the client's requests go through node:http.
// It reads every answer, then times out one request and aborts another, prints what it saw, and
// stays alive a while so that the connections' closing is the client's doing.
const child = (baseUrl) => `
const { TalkoverClient } = await import('talkover-client');
${outcome.toString()}
const client = (options = {}) => new TalkoverClient({ token: ${JSON.stringify(TOKEN)}, baseUrl: ${JSON.stringify(baseUrl)}, maxRetries: 0, timeoutMs: 5000, ...options });
const seen = {};
for (const id of ${JSON.stringify(Object.keys(answers))}) seen[id] = await outcome(client(), id);
seen.timeout = await outcome(client({ timeoutMs: 200 }), 'stall-timeout');
const controller = new AbortController();
setTimeout(() => controller.abort(), 200);
seen.abort = await client().deleteAgent('stall-abort', { signal: controller.signal }).catch((e) => e.code);
seen.undiciLoaded = globalThis[Symbol.for('undici.globalDispatcher.1')] !== undefined;
console.log(JSON.stringify(seen));
await new Promise((resolve) => setTimeout(resolve, 1500));
`;

test('before anything loads undici, requests go through node:http: the same answers, and a timeout or an abort closes the connection', async () => {
  const proc = spawn(process.execPath, ['--input-type=module', '-e', child(baseUrl)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  const line = await new Promise((resolve, reject) => {
    proc.stdout.on('data', (d) => {
      output += d;
      if (output.includes('\n')) resolve(output.split('\n')[0]);
    });
    proc.on('exit', (code) => reject(new Error(`the child exited (${code}) before it said anything: ${output}`)));
  });
  const seenAt = performance.now();
  const exited = new Promise((resolve) => proc.on('exit', resolve));
  const seen = JSON.parse(line);
  assert.equal(seen.undiciLoaded, false, 'something loaded undici in the child');
  // Closed while the child still runs (it waits 1.5 s), so by the client, not by the exit.
  for (const id of ['stall-timeout', 'stall-abort']) {
    for (let i = 0; i < 100 && stalled.get(id)?.closedAt == null; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.ok(stalled.get(id)?.closedAt != null && stalled.get(id).closedAt < seenAt + 1000, `${id}: the connection is still open`);
  }
  assert.equal(seen.timeout.code, 'TIMEOUT');
  assert.equal(seen.abort, 'ABORTED');
  for (const id of Object.keys(answers)) {
    assert.deepEqual(seen[id], await outcome(viaFetch(), id), `node:http, ${id}: not what a fetch reads`);
    if (expected[id]) assert.deepEqual(seen[id], expected[id], `node:http, ${id}`);
  }
  await exited;
});

// Over TLS, as every real deployment: a child that trusts the test certificate
// (tests/support/tls-cert.pem, for 127.0.0.1, valid to 2126) sends through node:https, then
// (once it has loaded undici) through the dispatcher, then through a custom fetch.
test('https: each way reaches a TLS server and reads its answer', async () => {
  const tls = { key: readFileSync(new URL('../support/tls-key.pem', import.meta.url)), cert: readFileSync(new URL('../support/tls-cert.pem', import.meta.url)) };
  const seen = [];
  const secure = https.createServer(tls, (req, res) => {
    seen.push(`${req.method} ${req.url} ${req.socket.encrypted === true}`);
    res.writeHead(200, { ...json, 'x-request-id': `req_tls_${seen.length}` });
    res.end(deleted);
  });
  await new Promise((resolve) => secure.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${secure.address().port}`;
  const code = `
const { TalkoverClient } = await import('talkover-client');
const options = { token: ${JSON.stringify(TOKEN)}, baseUrl: ${JSON.stringify(url)}, maxRetries: 0, timeoutMs: 5000 };
const ids = [];
ids.push((await new TalkoverClient(options).deleteAgent('a')).requestId);
const before = globalThis[Symbol.for('undici.globalDispatcher.1')] !== undefined;
await fetch('data:,loads-undici');
ids.push((await new TalkoverClient(options).deleteAgent('b')).requestId);
ids.push((await new TalkoverClient({ ...options, fetch: (u, i) => fetch(u, i) }).deleteAgent('c')).requestId);
console.log(JSON.stringify({ ids, before }));`;
  try {
    const proc = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_EXTRA_CA_CERTS: fileURLToPath(new URL('../support/tls-cert.pem', import.meta.url)) } });
    let out = '';
    proc.stdout.on('data', (d) => (out += d));
    const exitCode = await new Promise((resolve) => proc.on('exit', resolve));
    assert.equal(exitCode, 0, out);
    const { ids, before } = JSON.parse(out.trim().split('\n').pop());
    assert.equal(before, false, 'undici was loaded before the first request');
    assert.deepEqual(ids, ['req_tls_1', 'req_tls_2', 'req_tls_3']);
    assert.deepEqual(seen, ['DELETE /api/v1/agents/a true', 'DELETE /api/v1/agents/b true', 'DELETE /api/v1/agents/c true']);
  } finally {
    secure.closeAllConnections();
    await new Promise((resolve) => secure.close(resolve));
  }
});
