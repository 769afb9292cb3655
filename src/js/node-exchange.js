// Node's way to send an attempt, without fetch's WHATWG layers (Request, Headers, Response,
// streams, a signal's WeakRef and FinalizationRegistry entry):
// - to undici's global dispatcher once there is one: the object Node's own fetch sends through,
//   so proxies, mocks and interceptors set with setGlobalDispatcher apply alike;
// - before anything has loaded undici (nothing can have configured it then), through node:http,
//   which Node has loaded already: loading undici costs a process's first fetch about 30 ms.
// Measured on loopback (bench/README.md): a quarter to a third of a fetch's CPU per request, and
// a first call tens of ms sooner. Only where the global fetch is Node's own: a caller's fetch,
// or a global one replaced by a mock, a spy or a wrapper, is called as always (fetch-exchange.js),
// as in every other runtime (Deno, Bun). So is a request the dispatcher refuses as invalid.

import { FetchExchange } from './fetch-exchange.js';
import { Reader } from './node-reader.js';

const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');
// Node's fetch is a JS function that loads undici from there on first use (Node 20 to 24).
const NODE_FETCH_SOURCE = "require('internal/deps/undici/undici')";

/**
 * Node's own fetch, as the global fetch was when this module loaded (a wrapper installed later
 * is a different function, however it presents itself); undefined if it was not Node's then.
 * Without process.getBuiltinModule (Node 20 before 20.16) node:http and the decoder of a coded
 * answer are out of reach: fetch it is.
 */
const nodesFetch = (() => {
  try {
    const fetchFn = globalThis.fetch;
    const own = typeof fetchFn === 'function' && Function.prototype.toString.call(fetchFn).includes(NODE_FETCH_SOURCE);
    return own && typeof process.getBuiltinModule === 'function' ? fetchFn : undefined;
  } catch {
    return undefined;
  }
})();

export class NodeExchange {
  #fallback = null;
  #reader = null;
  #cancelled = false;

  /**
   * Sends the request (through `fetchFn` if the caller gave one), resolves to its answer;
   * rejects when no answer came (a network error).
   */
  send(fetchFn, method, url, token) {
    const dispatcher = globalThis[GLOBAL_DISPATCHER];
    const own = !fetchFn && nodesFetch !== undefined && globalThis.fetch === nodesFetch;
    if (!own || (dispatcher !== undefined && typeof dispatcher?.dispatch !== 'function')) return this.#viaFetch(fetchFn, method, url, token);
    return new Promise((resolve, reject) => {
      this.#reader = new Reader(token, resolve, reject);
      if (dispatcher === undefined) viaHttp(method, url, token, this.#reader);
      else viaDispatcher(dispatcher, method, url, token, this.#reader);
    }).catch((error) => {
      // A request undici would not send (it never went out): fetch, which says why.
      if (error?.code === 'UND_ERR_INVALID_ARG' && !this.#cancelled) return this.#viaFetch(undefined, method, url, token);
      throw error;
    });
  }

  #viaFetch(fetchFn, method, url, token) {
    this.#fallback = new FetchExchange();
    return this.#fallback.send(fetchFn, method, url, token);
  }

  /** Frees the connection of a request nobody waits for any more. */
  cancel() {
    this.#cancelled = true;
    this.#fallback?.cancel();
    this.#reader?.cancel();
  }
}

// No accept-encoding: nothing to decompress (a coded answer anyway is decoded, see
// node-reader.js). Null prototype: undici and node:http read own keys only.
const headers = (token) => ({ __proto__: null, authorization: `Bearer ${token}`, accept: 'application/json', 'user-agent': 'node' });

/** The request to undici's dispatcher; every option given, none read through Object.prototype. */
function viaDispatcher(dispatcher, method, url, token, reader) {
  const { origin, pathname, search } = new URL(url);
  const options = { __proto__: null, origin, path: pathname + search, method, headers: headers(token), body: null, upgrade: null, maxRedirections: 0 };
  dispatcher.dispatch(options, reader);
}

/** The request through node:http(s) and its global agent; `reader` hears what undici would tell it. */
function viaHttp(method, url, token, reader) {
  const { request } = process.getBuiltinModule(url.startsWith('https:') ? 'node:https' : 'node:http');
  const req = request(url, { method, headers: headers(token) }, (res) => {
    reader.onHeaders(res.statusCode, res.rawHeaders);
    res.on('data', (chunk) => reader.onData(chunk));
    res.on('end', () => reader.onComplete());
    res.on('error', (error) => reader.onError(error));
    res.on('close', () => res.complete || reader.onError(new Error('the connection closed before the answer ended')));
  });
  req.on('error', (error) => reader.onError(error));
  req.on('upgrade', (res, socket) => {
    socket.destroy();
    reader.onError(new Error('an upgrade nobody asked for'));
  });
  reader.onConnect(() => req.destroy());
  req.end();
}
