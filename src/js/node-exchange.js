// Node's way to send an attempt: straight to undici's global dispatcher, the object Node's own
// fetch sends through, without fetch's WHATWG layers (Request, Headers, Response, streams, a
// signal's WeakRef and FinalizationRegistry entry). Measured on loopback: a third of the CPU of
// a fetch per request, and 8 ms less on a process's first request (bench/README.md).
// It is taken only where fetch would have gone the same way: the global fetch is Node's own
// (the caller's fetch, or a global one replaced by a mock or a wrapper, is called as always), and
// the dispatcher is undici's. Proxies, mocks and interceptors set with setGlobalDispatcher apply
// alike. What the dispatcher refuses as invalid, and every other runtime (Deno, Bun), goes
// through fetch-exchange.js.

import { FetchExchange } from './fetch-exchange.js';
import { BODY_CAP, answered, isRedirect } from './response.js';

const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');
// Node's fetch is a JS function that loads undici from there on first use (Node 20 to 24).
const NODE_FETCH_SOURCE = "require('internal/deps/undici/undici')";
const decoder = new TextDecoder();

let seenFetch;
let seenIsNodes = false;

/** The global dispatcher when the global fetch is Node's own, else null. */
function dispatcher() {
  const fetchFn = globalThis.fetch;
  if (fetchFn !== seenFetch) {
    seenFetch = fetchFn;
    seenIsNodes = typeof fetchFn === 'function' && Function.prototype.toString.call(fetchFn).includes(NODE_FETCH_SOURCE);
  }
  // Without process.getBuiltinModule (Node 20 before 20.16) a coded answer could not be decoded.
  if (!seenIsNodes || typeof process.getBuiltinModule !== 'function') return null;
  // Node loads undici, which installs the global dispatcher, on first use of fetch or Response.
  if (globalThis[GLOBAL_DISPATCHER] === undefined) void globalThis.Response;
  const found = globalThis[GLOBAL_DISPATCHER];
  return typeof found?.dispatch === 'function' ? found : null;
}

export class NodeExchange {
  #fetch;
  #fallback = null;
  #abort = null;
  #cancelled = false;

  /** `fetchFn`: the caller's fetch (then this is a FetchExchange), or undefined. */
  constructor(fetchFn) {
    this.#fetch = fetchFn;
  }

  /** Sends the request, resolves to its answer; rejects when no answer came (a network error). */
  send(method, url, token) {
    const to = this.#fetch ? null : dispatcher();
    if (!to) return this.#viaFetch(method, url, token);
    const { origin, pathname, search } = new URL(url);
    // No accept-encoding: nothing to decompress (a coded answer anyway is decoded, see Reader).
    const headers = ['authorization', `Bearer ${token}`, 'accept', 'application/json', 'user-agent', 'node'];
    return new Promise((resolve, reject) => {
      to.dispatch({ origin, path: pathname + search, method, headers }, new Reader(this, token, resolve, reject));
    }).catch((error) => {
      // A request undici would not send (it never went out): fetch, which says why.
      if (error?.code === 'UND_ERR_INVALID_ARG' && !this.#cancelled) return this.#viaFetch(method, url, token);
      throw error;
    });
  }

  #viaFetch(method, url, token) {
    this.#fallback = new FetchExchange(this.#fetch);
    return this.#fallback.send(method, url, token);
  }

  /** Frees the connection of a request nobody waits for any more. */
  cancel() {
    this.#cancelled = true;
    this.#fallback?.cancel();
    this.#abort?.();
  }

  /** The request has its connection: keeps its `abort`, or calls it if cancelled already. */
  connected(abort) {
    this.#abort = abort;
    if (this.#cancelled) abort();
  }
}

// The headers an answer is read by (response.js's `head`, the body's length and coding).
const WANTED = new Set(['content-length', 'content-encoding', 'x-request-id', 'request-id', 'cf-ray', 'retry-after']);
const latin1 = (b) => (typeof b === 'string' ? b : b.toString('latin1'));

/** undici's request handler, in the shape undici 5 to 7 all take: reads the answer up to BODY_CAP. */
class Reader {
  constructor(exchange, token, resolve, reject) {
    this.exchange = exchange;
    this.token = token;
    this.resolve = resolve;
    this.reject = reject;
    this.abort = null;
    this.done = false;
    this.status = 0;
    this.headers = new Map();
    this.chunks = [];
    this.size = 0;
  }

  onConnect(abort) {
    this.abort = abort;
    this.exchange.connected(abort);
  }

  onHeaders(status, rawHeaders) {
    // An informational 1xx: the answer follows.
    if (status < 200) return true;
    this.status = status;
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
      const name = latin1(rawHeaders[i]).toLowerCase();
      if (!WANTED.has(name)) continue;
      const value = latin1(rawHeaders[i + 1]);
      this.headers.set(name, this.headers.has(name) ? `${this.headers.get(name)}, ${value}` : value);
    }
    if (Number(this.header('content-length')) > BODY_CAP) this.finish(null);
    return !this.done;
  }

  onData(chunk) {
    if (this.done) return false;
    this.size += chunk.length;
    if (this.size > BODY_CAP) return this.finish(null);
    this.chunks.push(chunk);
    return true;
  }

  onComplete() {
    try {
      this.finish(this.text());
    } catch (error) {
      // A coded body that does not decode.
      this.onError(error);
    }
  }

  onError(error) {
    this.done = true;
    this.reject(error);
  }

  header(name) {
    return this.headers.get(name) || null;
  }

  /** Settles with the answer, `text` its body (null: over BODY_CAP); stops reading on. */
  finish(text) {
    if (this.done) return false;
    this.done = true;
    this.resolve(answered(this.status, (name) => this.header(name), text, this.token));
    if (text === null) this.abort?.();
    return false;
  }

  /** The body as text, decoded from its content coding first; null when that is over BODY_CAP. */
  text() {
    if (isRedirect(this.status)) return '';
    let body = Buffer.concat(this.chunks);
    const coding = this.header('content-encoding');
    if (coding) body = decoded(body, coding);
    return body === null ? null : decoder.decode(body);
  }
}

/** `body` decoded from `coding` (gzip, deflate, br; others as they are), as fetch would. */
function decoded(body, coding) {
  const zlib = process.getBuiltinModule('node:zlib');
  for (const c of coding.toLowerCase().split(',').reverse()) {
    const name = c.trim();
    // deflate: zlib-wrapped as the RFC says, or raw as some servers send it.
    const how = name === 'gzip' || name === 'x-gzip' ? 'gunzipSync' : name === 'br' ? 'brotliDecompressSync' : name !== 'deflate' ? null : (body[0] & 0x0f) === 0x08 ? 'inflateSync' : 'inflateRawSync';
    if (!how) continue;
    try {
      body = zlib[how](body, { maxOutputLength: BODY_CAP });
    } catch (error) {
      if (error?.code === 'ERR_BUFFER_TOO_LARGE') return null;
      throw error;
    }
  }
  return body;
}
