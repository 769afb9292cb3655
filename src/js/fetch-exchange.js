// One attempt's request through `fetch` (a custom one, or the global one): sent with an
// AbortController's signal, which cancels it, and its Response read into an answer
// (response.js). Every runtime's way but Node's (node-exchange.js), and Node's fallback.

import { BODY_CAP, EMPTY, NOT_A_RESPONSE, REDIRECTED, answered, head, isRedirect } from './response.js';

export class FetchExchange {
  #controller = new AbortController();

  /**
   * Sends the request through `fetchFn` (the caller's fetch, or undefined for the global one),
   * resolves to its answer; rejects when no answer came (a network error). Null-prototype
   * objects: no setter planted on Object.prototype sees the Authorization header, and fetch
   * reads no option (body, credentials...) from there.
   */
  send(fetchFn, method, url, token) {
    const headers = { __proto__: null, Authorization: `Bearer ${token}`, Accept: 'application/json' };
    const init = { __proto__: null, method, headers, redirect: 'manual', signal: this.#controller.signal };
    const response = fetchFn ? fetchFn(url, init) : fetch(url, init);
    return Promise.resolve(response).then((r) => receive(r, token, !fetchFn));
  }

  /** Frees the connection of a request nobody waits for any more. */
  cancel() {
    this.#controller.abort();
  }
}

/**
 * Reads a response: the body read up to BODY_CAP, parsed, and redacted. Rejects only when
 * reading the body fails (a network error); anything malformed is a `kind`.
 */
async function receive(response, secret, ownFetch) {
  const status = statusOf(response);
  if (status === null) return [null, null, null, NOT_A_RESPONSE, null];
  const get = (name) => header(response, name);
  if (response.redirected === true || response.type === 'opaqueredirect' || isRedirect(status)) {
    discard(response);
    return [...head(status, get), response.redirected === true ? REDIRECTED : EMPTY, null];
  }
  return answered(status, get, await readCapped(response, ownFetch), secret);
}

function statusOf(response) {
  try {
    const status = response?.status;
    // `text` first: in workerd merely reading `body` makes the body a stream, and slower to read.
    const readable = typeof response.text === 'function' || typeof response.body?.getReader === 'function';
    return Number.isInteger(status) && status >= 0 && status <= 999 && readable ? status : null;
  } catch {
    return null;
  }
}

function header(response, name) {
  try {
    const value = response.headers.get(name);
    return typeof value === 'string' && value !== '' ? value : null;
  } catch {
    return null;
  }
}

function discard(response) {
  try {
    response.body?.cancel?.().catch?.(() => {});
  } catch {
    // Nothing to free.
  }
}

/**
 * The body as text, or `null` when it is larger than BODY_CAP (then it is not read on). Each
 * chunk counts as at least 1 KiB: a stream of empty or tiny chunks (whose reads settle as
 * microtasks, so no timer can fire meanwhile) ends within 16 Ki reads.
 */
async function readCapped(response, ownFetch) {
  const declared = header(response, 'content-length');
  if (Number(declared) > BODY_CAP) {
    discard(response);
    return null;
  }
  // A declared, uncompressed length bounds the body the global fetch reads (it refuses a longer
  // one): read it at once. Otherwise (chunked, compressed, a custom fetch) count as it streams.
  const bounded = ownFetch && declared !== null && header(response, 'content-encoding') === null && response instanceof Response;
  const body = bounded ? null : response.body;
  if (bounded || typeof body?.getReader !== 'function') {
    const text = await response.text();
    return typeof text !== 'string' ? '' : text.length > BODY_CAP ? null : text;
  }
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    size += Math.max(value.byteLength, 1024);
    if (size > BODY_CAP) {
      reader.cancel().catch(() => {});
      return null;
    }
    text += decoder.decode(value, { stream: true });
  }
}
