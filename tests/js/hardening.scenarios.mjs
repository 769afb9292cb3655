// The hardening scenarios (issue 15), run verbatim in Node and in workerd: each function takes
// the package's exports and an `env` ({ hostile, emu: { url, token }, tokens }) and returns plain
// data for hardening.test.mjs to check. Keep every function self-contained (no imports, no
// closures over this module): in workerd this file is bundled into the Worker as it is.

const CALL_LIMIT_MS = 20_000;

/** `{ ok }` or `{ err }` (every own property of the error, stack included), or `unsettled`. */
export async function settle(promise) {
  let timer;
  const limit = new Promise((resolve) => { timer = setTimeout(() => resolve({ unsettled: true }), CALL_LIMIT_MS); });
  try {
    return await Promise.race([Promise.resolve(promise).then((ok) => ({ ok: plain(ok) }), (e) => ({ err: plain(e) })), limit]);
  } finally {
    clearTimeout(timer);
  }
}

/** Plain data: errors become objects of all their own properties. */
export function plain(value) {
  if (value instanceof Error) {
    const out = { isTalkoverError: value.name === 'TalkoverError' };
    for (const k of Object.getOwnPropertyNames(value)) out[k] = plain(value[k]);
    return out;
  }
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

/** Every method against servers that echo the token everywhere, with each token. */
export async function secrecy({ TalkoverClient }, env) {
  const out = [];
  for (const token of env.tokens) {
    const at = (mode, more = {}) => new TalkoverClient({ token, baseUrl: `${env.hostile}/${mode}`, maxRetries: 0, ...more });
    const c = at('echo');
    const events = [];
    const backups = [];
    const onProgress = (e) => void events.push(e);
    const all = [];
    for await (const a of c.agents()) all.push(a);
    out.push(all, await settle(c.deleteAgent('a')), await settle(c.deleteTraining('a', 't', { republish: true })),
      await settle(c.getAgent('a')), await settle(c.listAgents({ search: 'x' })), await settle(c.listTrainings('a')),
      await settle(c.publishAgent('a')), await settle(c.unpublishAgent('a')),
      await settle(c.cleanupAgents(['a', 'b'], { unpublish: true, onProgress, onBackup: (b) => void backups.push(b) })),
      await settle(c.cleanupAgents(['a'], { dryRun: true, onProgress })), events, backups,
      { activeCalls: await settle(c.activeCalls('busy')) },
      { republish: await settle(at('republish').deleteTraining('a', 't', { republish: true })) });
    for (const status of [400, 401, 403, 404, 409, 422, 429, 500, 503]) {
      const e = at(`echo${status}`);
      out.push(await settle(e.deleteAgent('a')), await settle(e.getAgent('a')), await settle(e.cleanupAgents(['a'])));
    }
    out.push(await settle(at('echohtml').deleteAgent('a')), await settle(at('flaky', { maxRetries: 1 }).deleteAgent(`${env.prefix}-flaky`)));
  }
  return out;
}

/** A 303 answer to a DELETE, and a custom fetch that followed one. */
export async function redirects({ TalkoverClient }, env) {
  const c = new TalkoverClient({ token: env.tokens[0], baseUrl: `${env.hostile}/redirect`, maxRetries: 0 });
  const followed = async () => ({ status: 200, redirected: true, headers: new Headers(), text: async () => '{"success":true,"message":"Agent deleted successfully"}' });
  const f = new TalkoverClient({ token: env.tokens[0], baseUrl: env.emu.url, maxRetries: 0, fetch: followed });
  let init;
  const spy = new TalkoverClient({ token: env.tokens[0], baseUrl: env.emu.url, maxRetries: 0, fetch: async (url, i) => { init = i; return fetch(url, i); } });
  await spy.getAgent('nope').catch(() => {});
  return {
    delete: await settle(c.deleteAgent('a')),
    cleanup: await settle(c.cleanupAgents(['a'], { backup: false })),
    followed: await settle(f.deleteAgent('a')),
    redirectOption: init?.redirect,
  };
}

/** Response-like objects a custom fetch may resolve to: every call must settle. */
export async function responseLikes({ TalkoverClient }, env) {
  const ok = async () => '{"success":true,"message":"Agent deleted successfully"}';
  const headers = (get) => ({ get });
  const shapes = {
    'headers.get throws': { status: 200, headers: headers(() => { throw new Error('boom'); }), text: ok },
    'headers.get returns a number': { status: 200, headers: headers(() => 42), text: ok },
    'headers.get returns an object': { status: 200, headers: headers(() => ({ toString() { throw new Error('x'); } })), text: ok },
    'headers.get returns a symbol': { status: 500, headers: headers(() => Symbol('s')), text: ok },
    'no headers': { status: 200, text: ok },
    'status is a string': { status: '200', headers: new Headers(), text: ok },
    'status is NaN': { status: NaN, headers: new Headers(), text: ok },
    'status is 70000': { status: 70000, headers: new Headers(), text: ok },
    'status getter throws': { get status() { throw new Error('x'); }, headers: new Headers(), text: ok },
    'text throws': { status: 200, headers: new Headers(), text() { throw new Error('x'); } },
    'text resolves to a number': { status: 200, headers: new Headers(), text: async () => 12 },
    'getReader throws': { status: 200, headers: new Headers(), body: { getReader() { throw new Error('x'); } } },
    'reader yields strings': { status: 200, headers: new Headers(), body: { getReader: () => ({ read: async () => ({ done: false, value: 'str' }), cancel: async () => {} }) } },
    'a throwing proxy': new Proxy({}, { get() { throw new Error('trap'); }, has() { throw new Error('trap'); } }),
    'null': null,
    'a number': 7,
  };
  const out = {};
  for (const [name, response] of Object.entries(shapes)) {
    const c = new TalkoverClient({ token: env.tokens[0], baseUrl: env.emu.url, maxRetries: 1, fetch: async () => response });
    out[name] = await settle(c.deleteAgent('a'));
  }
  return out;
}

/** Bodies over the cap and bodies too deep to redact. */
export async function bodies({ TalkoverClient }, env) {
  const at = (mode) => new TalkoverClient({ token: env.tokens[0], baseUrl: `${env.hostile}/${mode}`, maxRetries: 0, timeoutMs: 60_000 });
  return {
    huge500: await settle(at('huge500').deleteAgent('a')),
    huge200: await settle(at('huge200').getAgent('a')),
    declared: await settle(at('declared').getAgent('a')),
    deep500: await settle(at('deep500').deleteAgent('a')),
    deep200: await settle(at('deep200').getAgent('a')),
    // A custom fetch's endless bodies: one that declares 2 bytes, one of empty chunks.
    lyingLength: await settle(endless(TalkoverClient, env, new Uint8Array(65536).fill(32), { 'content-length': '2' })),
    emptyChunks: await settle(endless(TalkoverClient, env, new Uint8Array(0), {})),
  };
}

/** `getAgent` through a custom fetch whose 200 streams `chunk` for ever. */
function endless(TalkoverClient, env, chunk, headers) {
  const body = () => new ReadableStream({ pull: (c) => c.enqueue(chunk) });
  const fetch = async () => new Response(body(), { headers });
  return new TalkoverClient({ token: env.tokens[0], baseUrl: env.emu.url, maxRetries: 0, fetch }).getAgent('a');
}

/** Lone surrogates, loopback names, Retry-After, throwing and rejecting callbacks. */
export async function inputs({ TalkoverClient }, env) {
  let sent = 0;
  const counting = async (url, init) => { sent += 1; return fetch(url, init); };
  const c = new TalkoverClient({ token: env.emu.token, baseUrl: env.emu.url, maxRetries: 0, fetch: counting });
  const refused = {
    getAgent: await settle(c.getAgent('a\uD800')),
    deleteTraining: await settle(c.deleteTraining('a', '\uDC00b')),
    cleanup: await settle(c.cleanupAgents(['ok', 'a\uDBFF'])),
    search: await settle(c.listAgents({ search: 'x\uD800' })),
  };
  const long = 'x'.repeat(1025);
  const oversized = {
    agentId: await settle(c.deleteAgent(long)),
    trainingId: await settle(c.deleteTraining('a', long)),
    search: await settle(c.listAgents({ search: long })),
    cleanup: await settle(c.cleanupAgents(['ok', long])),
  };
  // An array that claims 2^32 - 1 elements and holds none.
  const sparse = await settle(c.cleanupAgents(new Array(2 ** 32 - 1)));
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  const revoked = { signal: await settle(c.deleteAgent('a', { signal: proxy })), cleanup: await settle(c.cleanupAgents(['a'], { signal: proxy })) };
  try { new TalkoverClient(proxy); } catch (e) { revoked.options = plain(e); }
  // A signal-like object whose `aborted` throws from its third read on.
  let reads = 0;
  const flaky = { get aborted() { if (reads++ >= 2) throw new Error('getter'); return false; }, addEventListener() {} };
  const hang = new TalkoverClient({ token: env.emu.token, baseUrl: env.emu.url, maxRetries: 0, timeoutMs: 200, fetch: () => new Promise(() => {}) });
  const throwingSignal = await settle(hang.deleteAgent('a', { signal: flaky }));
  const sentForRefused = sent;
  const replacementChar = await settle(c.getAgent('a\uFFFD'));
  let localhost;
  try { new TalkoverClient({ token: env.emu.token, baseUrl: 'http://evil.localhost:8787' }); } catch (e) { localhost = plain(e); }
  const slow = new TalkoverClient({ token: env.tokens[0], baseUrl: `${env.hostile}/retry`, maxRetries: 0 });
  const quiet = new TalkoverClient({ token: env.emu.token, baseUrl: env.emu.url, maxRetries: 0 });
  const rejecting = await settle(quiet.cleanupAgents(env.callbackIds, { onProgress: async () => { throw new Error('async progress'); } }));
  const throwing = await settle(quiet.cleanupAgents(env.callbackIds2, { onProgress: () => { throw new Error('sync progress'); } }));
  return { refused, oversized, sparse, revoked, throwingSignal, sentForRefused, sentTotal: sent, replacementChar, localhost, retry: await settle(slow.deleteAgent('a')), rejecting, throwing };
}

const PLANTED = {
  baseUrl: 'BASE', token: 'talq_planted_token', fetch: 'FETCH', allowBrowser: true,
  unpublish: true, backup: false, dryRun: true, concurrency: 'many', republish: true, timeoutMs: 'x', maxRetries: 'x',
  // (No `status`: Node's own fetch reads it through the prototype and breaks.)
  search: 'nothing-matches-this', page: 99, perPage: 'x', onProgress: 'x', onBackup: 'x',
};

/** Options read with values planted on Object.prototype (and a hole in an id array). */
export async function pollution({ TalkoverClient }, env) {
  const evil = [];
  const values = { ...PLANTED, baseUrl: `${env.hostile}/echo`, fetch: async (url) => { evil.push(String(url)); return new Response('{}'); } };
  try {
    for (const [k, v] of Object.entries(values)) Object.defineProperty(Object.prototype, k, { value: v, configurable: true, writable: true });
    const c = new TalkoverClient({ token: env.emu.token, baseUrl: env.emu.url });
    const pages = [];
    for await (const a of c.agents({})) pages.push(a.id);
    const holes = new Array(1);
    Object.defineProperty(Array.prototype, 0, { value: env.published, configurable: true, writable: true });
    const hole = await settle(c.cleanupAgents(holes)).finally(() => delete Array.prototype[0]);
    return {
      cleanup: await settle(c.cleanupAgents([env.published, env.draft])),
      hole,
      training: await settle(c.deleteTraining(env.published, env.training)),
      list: await settle(c.listAgents({})),
      pages,
      evil,
    };
  } finally {
    for (const k of Object.keys(values)) delete Object.prototype[k];
  }
}

/**
 * An aborted signal and setters that capture `Authorization` planted on Object.prototype. They
 * break (and the setters read the token out of) Node's own fetch, whose header tables are plain
 * objects, so the answers come from a custom fetch: the client must neither abort, nor pass the
 * planted signal on, nor hand the token to a setter.
 */
export async function plantedTraps({ TalkoverClient }, env) {
  const agent = { id: 'a', name: 'A', current_status: 'draft' };
  const seen = [];
  const canned = async (url, init) => {
    seen.push(init.signal?.aborted);
    const body = url.endsWith('/calls?status=initiated') || url.includes('/calls') ? { success: true, data: [], pagination: { total: 0 } } : { success: true, data: agent };
    return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  const captured = [];
  const traps = ['Authorization', 'authorization', 'Accept', 'headers'];
  Object.defineProperty(Object.prototype, 'signal', { value: AbortSignal.abort('planted'), configurable: true, writable: true });
  const text = (v) => { try { return typeof v === 'string' ? v : JSON.stringify(v) ?? String(v); } catch { return String(v); } };
  for (const k of traps) Object.defineProperty(Object.prototype, k, { set(v) { captured.push(text(v)); }, configurable: true });
  try {
    const c = new TalkoverClient({ token: env.emu.token, baseUrl: env.emu.url, fetch: canned });
    return { get: await settle(c.getAgent('a')), plan: await settle(c.cleanupAgents(['a'], { dryRun: true })), seen, captured };
  } finally {
    for (const k of ['signal', ...traps]) delete Object.prototype[k];
  }
}
