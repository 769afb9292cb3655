// Security tests (issue 5): input validation before any request, path-segment encoding (every
// id reaches exactly its own agent), and the token never leaving the Authorization header
// (errors, client objects, console output, the emulator's request log, URLs, hostile servers).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import util from 'node:util';
import { TalkoverClient, TalkoverError, isTalkoverError } from 'talkover-client';
import { startEmulator } from '../support/emulator.mjs';

let emu;
before(async () => {
  emu = await startEmulator({ seed: 'empty' });
});
after(async () => {
  await emu?.stop();
});

const client = () => new TalkoverClient({ token: emu.token, baseUrl: emu.url, maxRetries: 0, timeoutMs: 2000 });

function assertInvalid(fn, mentions, label) {
  let err;
  try {
    const r = fn();
    // A method may reject instead of throwing synchronously.
    if (r && typeof r.then === 'function') return r.then(
      () => assert.fail(`${label}: resolved`),
      (e) => check(e),
    );
  } catch (e) {
    err = e;
  }
  return check(err);
  function check(e) {
    assert.ok(e, `${label}: did not fail`);
    assert.ok(isTalkoverError(e) && e instanceof TalkoverError && e instanceof Error, `${label}: not a TalkoverError: ${e}`);
    assert.equal(e.code, 'INVALID_ARGUMENT', `${label}: code ${e.code} (${e.message})`);
    assert.equal(e.status, null, label);
    assert.equal(e.retryable, false, label);
    assert.ok(typeof e.message === 'string' && e.message.length > 10, `${label}: message "${e.message}"`);
    if (mentions) assert.ok(e.message.includes(mentions), `${label}: message "${e.message}" does not mention ${mentions}`);
    return e;
  }
}

// ------------------------------------------------------------------------------------------------
// 1. Input validation: INVALID_ARGUMENT, a message naming what is wrong, zero requests.
// ------------------------------------------------------------------------------------------------

const BAD_IDS = [
  ['empty', ''],
  ['dot', '.'],
  ['dot-dot', '..'],
  ['number', 42],
  ['null', null],
  ['undefined', undefined],
  ['object', { id: 'x' }],
  ['array', ['x']],
  ['boolean', true],
  ['String object', new String('abc')], // eslint-disable-line no-new-wrappers
];

const BAD_TOKENS = [
  ['empty', ''],
  ['space only', ' '],
  ['inner space', 'talq_abc def'],
  ['leading space', ' talq_abc'],
  ['trailing newline', 'talq_abc\n'],
  ['CRLF header injection', 'talq_abc\r\nX-Evil: 1'],
  ['tab', 'talq_\tabc'],
  ['NUL', 'talq_abc\u0000'],
  ['DEL', 'talq_abc\u007f'],
  ['non-ASCII', 'talq_äbc'],
  ['NBSP', 'talq_abc\u00a0'],
  ['emoji', 'talq_😀'],
  ['number', 12345],
  ['null', null],
  ['object', { toString: () => 'talq_x' }],
];

const BAD_BASE_URLS = [
  ['relative', '/api', 'baseUrl'],
  ['no scheme', 'app.talkover.ai', 'baseUrl'],
  ['ftp', 'ftp://app.talkover.ai', 'baseUrl'],
  ['javascript:', 'javascript:alert(1)', 'baseUrl'],
  ['data:', 'data:text/plain,hi', 'baseUrl'],
  ['file:', 'file:///etc/passwd', 'baseUrl'],
  ['scheme only', 'https://', 'baseUrl'],
  ['credentials', 'https://user:pass@app.talkover.ai', 'credentials'],
  ['user only', 'https://user@app.talkover.ai', 'credentials'],
  ['query', 'https://app.talkover.ai?x=1', 'query'],
  ['query after path', 'https://app.talkover.ai/api/v1?x=1', 'query'],
  ['fragment', 'https://app.talkover.ai#frag', 'fragment'],
  ['http non-loopback', 'http://app.talkover.ai', 'https'],
  ['http private IP', 'http://10.0.0.1:8787', 'https'],
  ['http loopback lookalike', 'http://127.0.0.1.evil.example', 'https'],
  ['http localhost lookalike', 'http://localhost.evil.example', 'https'],
  ['http 0.0.0.0', 'http://0.0.0.0:8787', 'https'],
  ['whitespace', 'https://app.talkover.ai /x', 'baseUrl'],
  ['newline', 'https://app.talkover.ai\n', 'baseUrl'],
  ['backslash host trick', 'http://localhost\\@evil.example', 'baseUrl'],
  ['bad port', 'https://app.talkover.ai:99x', 'baseUrl'],
  ['number', 443, 'baseUrl'],
];

const BAD_OPTIONS = [
  ['no options', undefined, null],
  ['null options', null, null],
  ['array options', [], null],
  ['missing token', {}, 'token'],
  ['timeoutMs 0', { timeoutMs: 0 }, 'timeoutMs'],
  ['timeoutMs negative', { timeoutMs: -1 }, 'timeoutMs'],
  ['timeoutMs NaN', { timeoutMs: NaN }, 'timeoutMs'],
  ['timeoutMs string', { timeoutMs: '100' }, 'timeoutMs'],
  ['timeoutMs huge', { timeoutMs: 2 ** 40 }, 'timeoutMs'],
  ['maxRetries 11', { maxRetries: 11 }, 'maxRetries'],
  ['maxRetries -1', { maxRetries: -1 }, 'maxRetries'],
  ['maxRetries 1.5', { maxRetries: 1.5 }, 'maxRetries'],
  ['fetch not a function', { fetch: 'fetch' }, 'fetch'],
];

test('bad ids, tokens, baseUrls and options are INVALID_ARGUMENT with zero requests', async (t) => {
  await emu.admin.clearRequests();
  const c = client();
  const rows = [];
  for (const [label, id] of BAD_IDS) {
    await t.test(`agent id ${label}`, async () => {
      for (const [what, call] of [
        ['deleteAgent', () => c.deleteAgent(id)],
        ['getAgent', () => c.getAgent(id)],
        ['listTrainings', () => c.listTrainings(id)],
        ['publishAgent', () => c.publishAgent(id)],
        ['unpublishAgent', () => c.unpublishAgent(id)],
        ['deleteTraining(agentId)', () => c.deleteTraining(id, 'ok-training')],
      ]) {
        const e = await assertInvalid(call, 'agentId', `${what}(${label})`);
        rows.push({ input: `${what} agentId ${label}`, code: e.code, message: e.message });
      }
      const e = await assertInvalid(() => c.deleteTraining('ok-agent', id), 'trainingId', `deleteTraining(trainingId ${label})`);
      rows.push({ input: `deleteTraining trainingId ${label}`, code: e.code, message: e.message });
    });
  }
  for (const [label, token] of BAD_TOKENS) {
    await t.test(`token ${label}`, () => {
      const e = assertInvalid(() => new TalkoverClient({ token, baseUrl: emu.url }), 'token', `token ${label}`);
      if (typeof token === 'string' && token.trim().length > 3) {
        assert.ok(!e.message.includes(token.trim()), `token ${label}: message repeats the token: ${e.message}`);
        assert.ok(!JSON.stringify(e).includes(token.trim()), `token ${label}: JSON repeats the token`);
      }
      rows.push({ input: `token ${label}`, code: e.code, message: e.message });
    });
  }
  for (const [label, baseUrl, mentions] of BAD_BASE_URLS) {
    await t.test(`baseUrl ${label}`, () => {
      const e = assertInvalid(() => new TalkoverClient({ token: emu.token, baseUrl }), mentions, `baseUrl ${label}`);
      rows.push({ input: `baseUrl ${label}`, code: e.code, message: e.message });
    });
  }
  for (const [label, extra, mentions] of BAD_OPTIONS) {
    await t.test(`options ${label}`, () => {
      const opts = extra && typeof extra === 'object' && !Array.isArray(extra)
        ? { token: emu.token, baseUrl: emu.url, ...extra }
        : extra;
      if (label === 'missing token') delete opts.token;
      const e = assertInvalid(() => new TalkoverClient(opts), mentions, `options ${label}`);
      rows.push({ input: `options ${label}`, code: e.code, message: e.message });
    });
  }
  await t.test('good baseUrls are accepted', () => {
    for (const ok of ['http://127.0.0.1:8787', 'http://localhost:1', 'HTTP://LOCALHOST:8787/', 'http://[::1]:8787',
      'https://app.talkover.ai', 'https://app.talkover.ai/', 'https://app.talkover.ai/api/v1', 'https://proxy.example/talkover']) {
      assert.doesNotThrow(() => new TalkoverClient({ token: emu.token, baseUrl: ok }), ok);
    }
  });
  await t.test('zero requests reached the emulator', async () => {
    const log = await emu.admin.requests();
    assert.deepEqual(log.map((r) => `${r.method} ${r.path}`), []);
    assert.equal((await emu.admin.stats()).requests, 0);
  });
  console.log('\nInput validation (first lines):');
  console.log(rows.slice(0, 200).map((r) => `${r.input.padEnd(44)} ${r.code}  ${r.message}`).join('\n'));
});

// ------------------------------------------------------------------------------------------------
// 2. Every id reaches exactly one agent, never another route.
// ------------------------------------------------------------------------------------------------

const HOSTILE_IDS = [
  'a/b', 'a?b', 'a#b', '100%', '%', '%2F', '%2e%2e', 'a%2Fb', 'a b', ' ', '  lead', 'trail ', '../x', 'x/..', '../../admin',
  './x', '...', '.a', 'a.', '.%2e', 'x/trainings/y', '?page=2', '#', '&', 'a&b=c', '=', '+', 'a+b', ';', 'a;b', ',',
  '\\', 'a\\b', '..\\x', "'", '"', '<script>', '`', '~', '@', 'a@b', ':', 'a:b', '|', '^', '{}', '[]', 'ü', 'Ελληνικά',
  '中文', '😀', '\u202e', 'a\u0000b', '\t', 'a\nb', '\r', '__emulator', '%00', 'active-calls', 'agents', 'api/v1/agents',
];

test('every hostile id reaches exactly its own agent', async (t) => {
  await emu.admin.reset('empty');
  // A decoy per route the ids could fall through to.
  const decoys = ['a', 'b', 'x', 'y', 'admin', 'trainings', '_'];
  for (const id of [...decoys, ...HOSTILE_IDS]) {
    await emu.admin.createAgent({ id, current_status: 'draft', trainings: [{ id: `${id}-t` }, { id }] });
  }
  const c = client();
  for (const id of HOSTILE_IDS) {
    await t.test(`id ${JSON.stringify(id)}`, async () => {
      await emu.admin.clearRequests();
      const got = await c.getAgent(id);
      assert.equal(got.id, id, 'getAgent returned another agent');
      const trainings = await c.listTrainings(id);
      assert.deepEqual(trainings.map((x) => x.id).sort(), [id, `${id}-t`].sort());
      const dt = await c.deleteTraining(id, id);
      assert.equal(dt.alreadyDeleted, false);
      const left = await emu.admin.agent(id);
      assert.deepEqual(left.trainings, [`${id}-t`], 'deleteTraining removed the wrong training');
      const before = (await emu.admin.state()).agents.length;
      const r = await c.deleteAgent(id);
      assert.equal(r.success, true);
      assert.equal(r.alreadyDeleted, false);
      const after = (await emu.admin.state()).agents;
      assert.equal(after.length, before - 1, 'more than one agent removed');
      assert.ok(!after.some((a) => a.id === id), 'agent still there');
      for (const d of decoys) assert.ok(after.some((a) => a.id === d), `decoy ${d} removed`);
      const log = await emu.admin.requests();
      const seg = encodeURIComponent(id).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
      assert.deepEqual(
        log.map((q) => `${q.method} ${q.path} ${q.query}`),
        [
          `GET /api/v1/agents/${seg} null`,
          `GET /api/v1/agents/${seg}/trainings null`,
          `DELETE /api/v1/agents/${seg}/trainings/${seg} null`,
          `DELETE /api/v1/agents/${seg} null`,
        ],
        'request paths are not one percent-encoded segment per id',
      );
      for (const q of log) {
        assert.equal(q.query, null, 'an id leaked into the query string');
        assert.ok(!q.path.includes('/./') && !q.path.includes('/../'), 'dot segment in path');
      }
    });
  }
});

// ------------------------------------------------------------------------------------------------
// 3. The token never leaves the Authorization header.
// ------------------------------------------------------------------------------------------------

function leaks(value, token) {
  const texts = [];
  const add = (label, fn) => {
    try {
      texts.push([label, String(fn())]);
    } catch (e) {
      texts.push([label, `threw ${e}`]);
    }
  };
  add('String', () => value);
  add('JSON.stringify', () => JSON.stringify(value));
  add('util.inspect', () => util.inspect(value, { depth: 10 }));
  add('util.inspect showHidden', () => util.inspect(value, { depth: 10, showHidden: true }));
  add('util.format %o', () => util.format('%o', value));
  if (value && typeof value === 'object') {
    add('message', () => value.message);
    add('stack', () => value.stack);
    add('details', () => JSON.stringify(value.details));
    add('requestId', () => value.requestId);
    add('keys', () => Reflect.ownKeys(value).map(String).join(','));
    add('for-in values', () => { const out = []; for (const k in value) out.push(String(value[k])); return out.join(','); });
  }
  return texts.filter(([, s]) => s.includes(token)).map(([l]) => l);
}

test('the token appears in no error, client view, console line, log or URL', async (t) => {
  await emu.admin.reset('empty');
  const token = emu.token;
  const captured = [];
  const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir'];
  const saved = Object.fromEntries(methods.map((m) => [m, console[m]]));
  for (const m of methods) console[m] = (...args) => captured.push(util.format(...args));
  const seenUrls = [];
  const spyFetch = (req, init) => {
    seenUrls.push(typeof req === 'string' ? req : req.url);
    return fetch(req, init);
  };
  const errors = [];
  const results = [];
  const grab = async (label, p) => {
    try {
      results.push([label, await p]);
    } catch (e) {
      errors.push([label, e]);
    }
  };
  let c;
  try {
    c = new TalkoverClient({ token, baseUrl: emu.url, maxRetries: 1, timeoutMs: 300, fetch: spyFetch });
    const path = (id) => `/api/v1/agents/${id}`;
    for (const id of ['t1', 't2', 't3', 't4', 't5', 't6', 't7', 't8', 't9']) await emu.admin.createAgent({ id, current_status: 'draft' });
    // Hostile servers echoing the token in every place a message can come from.
    await emu.admin.fault('DELETE', path('t1'), [1, 2].map(() => ({ kind: 'status', status: 500, body: { success: false, message: `Internal error for Bearer ${token}` } })));
    await emu.admin.fault('DELETE', path('t2'), [{ kind: 'status', status: 401, body: { message: `Token ${token} is not valid (${token})` } }]);
    await emu.admin.fault('DELETE', path('t3'), [{ kind: 'status', status: 422, body: { success: false, message: 'Invalid', errors: { token: [`${token} is bad`] } } }]);
    await emu.admin.fault('DELETE', path('t4'), [{ kind: 'status', status: 409, body: { error: { code: 'CONFLICT', message: `conflict ${token}` } } }]);
    await emu.admin.fault('DELETE', path('t5'), [{ kind: 'status', status: 400, body: { error: `token ${token}` } }]);
    await emu.admin.fault('DELETE', path('t8'), [{ kind: 'hang' }, { kind: 'hang' }]);
    await emu.admin.fault('DELETE', path('t9'), [{ kind: 'close' }, { kind: 'close' }]);
    await grab('500 echo', c.deleteAgent('t1'));
    await grab('401 echo', c.deleteAgent('t2'));
    await grab('422 echo in errors', c.deleteAgent('t3'));
    await grab('409 error.message echo', c.deleteAgent('t4'));
    await grab('400 error string echo', c.deleteAgent('t5'));
    // The emulator always sets its own x-request-id, so these hostile replies come from a fetch.
    const echoFetch = (status, body) => async (url, init) => {
      seenUrls.push(url);
      return new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json', 'x-request-id': new Headers(init.headers).get('authorization') },
      });
    };
    const echo = (status, body) => new TalkoverClient({ token, baseUrl: emu.url, maxRetries: 0, fetch: echoFetch(status, body) });
    await grab('404 x-request-id echo', echo(404, { success: false, message: 'Agent not found' }).deleteAgent('t6'));
    await grab('500 x-request-id echo', echo(500, { success: false, message: 'boom' }).deleteAgent('t6'));
    await grab('200 x-request-id echo', echo(200, { success: true, message: 'Agent deleted successfully' }).deleteAgent('t7'));
    await grab('timeout', c.deleteAgent('t8'));
    await grab('connection cut', c.deleteAgent('t9'));
    await grab('404', c.deleteAgent('missing'));
    await grab('bad id', c.deleteAgent('..'));
    const ac = new AbortController();
    ac.abort(token); // even an abort reason carrying the token
    await grab('abort with token reason', c.deleteAgent('t1', { signal: ac.signal }));
    await grab('wrong token', new TalkoverClient({ token: emu.otherToken, baseUrl: emu.url }).getAgent('t1'));
    await grab('network error', new TalkoverClient({ token, baseUrl: 'http://127.0.0.1:9', maxRetries: 0 }).deleteAgent('x'));
    await grab('fetch rejects echoing the request', new TalkoverClient({
      token, baseUrl: emu.url, maxRetries: 0,
      fetch: async (url, init) => { throw new TypeError(`failed ${new Headers(init.headers).get('authorization')}`, { cause: new Error(`cause ${token}`) }); },
    }).deleteAgent('x'));
    await grab('cleanup', c.cleanupAgents(['t1', 'missing', '..'], { backup: true }).catch((e) => { throw e; }));
    try {
      new TalkoverClient({ token: `${token}\n`, baseUrl: emu.url });
    } catch (e) {
      errors.push(['bad token', e]);
    }
  } finally {
    Object.assign(console, saved);
  }

  // Hostile echoes are redacted rather than dropped: the message still says what happened.
  await t.test('500 echo is redacted', () => {
    const e = errors.find(([l]) => l === '500 echo')?.[1];
    assert.equal(e?.code, 'SERVER_ERROR');
    assert.match(e.message, /\[redacted\]/);
  });
  for (const [label, e] of errors) {
    const where = leaks(e, token);
    await t.test(`error "${label}" (${e?.code}) does not contain the token`, () => {
      assert.deepEqual(where, [], `token found in: ${where.join(', ')}`);
    });
  }
  for (const [label, r] of results) {
    const where = leaks(r, token);
    await t.test(`result "${label}" does not contain the token`, () => {
      assert.deepEqual(where, [], `token found in: ${where.join(', ')}`);
    });
  }
  await t.test('client views do not contain the token', () => {
    assert.deepEqual(leaks(c, token), []);
    assert.equal(JSON.stringify(c).includes(token), false);
    assert.deepEqual(Object.keys(c), []);
  });
  await t.test('console output does not contain the token', () => {
    const bad = captured.filter((l) => l.includes(token));
    assert.deepEqual(bad, []);
  });
  await t.test('emulator request log and URLs do not contain the token', async () => {
    const log = await emu.admin.requests();
    assert.ok(log.length > 5);
    assert.equal(JSON.stringify(log).includes(token), false);
    for (const q of log) assert.ok(q.headers.includes('authorization'), 'request without Authorization');
    assert.ok(seenUrls.length > 5);
    for (const u of seenUrls) assert.equal(u.includes(token), false, u);
  });
});
