// The I/O the driver (driver.js) does for the wasm: one attempt (fetch, deadline, abort, a
// bounded and redacted read), a wait, the caller's callbacks. None of it rejects with anything
// the driver must catch, and none reads anything through Object.prototype.

import { mayHoldSecret, secretPattern } from './secret.js';

/** Bodies are read up to this many bytes (16 MiB) and no further. */
const BODY_CAP = 16 * 1024 * 1024;

// How an attempt ended; `Kind` in src/proto/attempt.rs mirrors these numbers.
const EMPTY = 0;
const JSON_BODY = 1;
const NOT_JSON = 2;
const TOO_LARGE = 3;
const UNREDACTABLE = 4;
const REDIRECTED = 5;
const NOT_A_RESPONSE = 6;
const ABORTED = 7;
const TIMEOUT = 8;
const NETWORK = 9;

/**
 * How an attempt's request is cancelled when nobody waits for it any more (its timeout, or the
 * caller's abort): an AbortController, whose signal goes in the request's init.
 */
export class SignalCancel {
  #controller = new AbortController();

  arm(init) {
    init.signal = this.#controller.signal;
  }

  fire() {
    this.#controller.abort();
  }
}

let Cancel = SignalCancel;

/** The Node entries cancel their own way (src/js/cancel-node.js). */
export function cancelWith(kind) {
  Cancel = kind;
}

/**
 * The `init` of a request, with what `cancel` needs in it (a signal, or in Node a dispatcher).
 * Null-prototype objects: no setter planted on Object.prototype sees the Authorization header,
 * and fetch reads no option (body, credentials...) from there.
 */
function requestInit(method, authorization, cancel, fetchFn) {
  const headers = { __proto__: null, Authorization: authorization, Accept: 'application/json' };
  const init = { __proto__: null, method, headers, redirect: 'manual' };
  cancel.arm(init, fetchFn);
  return init;
}

/**
 * One attempt, as the wasm's request machine asked for it (`timeout \n method \n url \n token`):
 * `fetch(url, init)` and the response read by `receive`, bounded by the timeout and `signal`.
 * Never rejects: resolves to what `packed` makes of `[status, requestId, retryAfter, kind, body,
 * detail]`, where `detail` describes a network failure.
 */
export function attempt(fetchFn, request, signal) {
  const [timeoutMs, method, url, token] = request.split('\n');
  if (aborted(signal)) return Promise.resolve(packed([null, null, null, ABORTED, null, null]));
  const cancel = new Cancel();
  return new Promise((resolve) => {
    let done = false;
    // The first of: the response read, the timeout, the caller's abort. One promise, no race.
    const finish = (read) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (signal) offAbort(signal, abort);
      if (typeof read === 'number') {
        // Frees the connection of a request nobody waits for any more.
        cancel.fire();
        read = [null, null, null, aborted(signal) ? ABORTED : read, null, null];
      }
      resolve(packed(read));
    };
    const failed = (error) => finish(aborted(signal) ? ABORTED : [null, null, null, NETWORK, null, describe(error)]);
    const abort = () => finish(ABORTED);
    const timer = setTimeout(finish, Number(timeoutMs), TIMEOUT);
    if (signal) onAbort(signal, abort);
    try {
      const init = requestInit(method, `Bearer ${token}`, cancel, fetchFn);
      Promise.resolve(callFetch(fetchFn, url, init)).then((response) => receive(response, token, !fetchFn)).then(finish, failed);
    } catch (error) {
      failed(error);
    }
  });
}

/**
 * `[head, body]`: the scalars of a read in one string (one crossing instead of eight):
 * `status \n kind \n now \n jitter \n requestId \n retryAfter \n detail`, absent ones empty.
 * Header values cannot hold a newline, and `detail` comes last.
 */
function packed([status, requestId, retryAfter, kind, body, detail]) {
  const jitter = Math.floor(Math.random() * 1e6);
  // A template, not Array#join (which costs a few µs a call here, measured).
  return [`${status ?? ''}\n${kind}\n${Date.now()}\n${jitter}\n${requestId ?? ''}\n${retryAfter ?? ''}\n${detail ?? ''}`, body ?? null];
}

function callFetch(fetchFn, url, init) {
  return fetchFn ? fetchFn(url, init) : fetch(url, init);
}

/** An `Error`'s message and its cause's; nothing for other values (whose text could be anything). */
function describe(error) {
  try {
    if (!(error instanceof Error)) return null;
    const cause = error.cause instanceof Error && error.cause.message ? ` (${error.cause.message})` : '';
    return `${error.message}${cause}`;
  } catch {
    return null;
  }
}

/** Resolves `true` after `ms`, or `false` as soon as `signal` aborts. */
export function sleep(ms, signal) {
  if (aborted(signal)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (elapsed) => {
      clearTimeout(timer);
      if (signal) offAbort(signal, abort);
      resolve(elapsed);
    };
    const abort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    if (signal) onAbort(signal, abort);
  });
}

/**
 * Reads a response as `[status, requestId, retryAfter, kind, body]`: the body read up to
 * BODY_CAP, parsed, and with every copy of `secret` replaced in every string. Rejects only when
 * reading the body fails (a network error); anything malformed is a `kind`.
 */
async function receive(response, secret, ownFetch) {
  const status = statusOf(response);
  if (status === null) return [null, null, null, NOT_A_RESPONSE, null];
  const requestId = header(response, 'x-request-id') ?? header(response, 'request-id') ?? header(response, 'cf-ray');
  // Only an error's (a success has no use for it).
  const retryAfter = status >= 200 && status < 300 ? null : header(response, 'retry-after');
  const head = [status, requestId, retryAfter];
  if (response.redirected === true || response.type === 'opaqueredirect' || (status >= 300 && status < 400)) {
    discard(response);
    return [...head, response.redirected === true ? REDIRECTED : EMPTY, null];
  }
  const text = await readCapped(response, ownFetch);
  if (text === null) return [...head, TOO_LARGE, null];
  return [...head, ...parse(text, secret)];
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

/** `[kind, value]`: the parsed body with `secret` redacted, or why there is none. */
function parse(text, secret) {
  if (text.trim() === '') return [EMPTY, null];
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    return [NOT_JSON, null];
  }
  // Without a backslash every string of the body is a literal slice of the text.
  if (!text.includes('\\') && (!mayHoldSecret(text, secret) || text.search(secretPattern(secret)) < 0)) return [JSON_BODY, value];
  try {
    return [JSON_BODY, scrub(value, secretPattern(secret))];
  } catch {
    // Too deep to walk: dropped rather than passed through.
    return [UNREDACTABLE, null];
  }
}

/** A copy of a parsed JSON value with every copy of the secret (`forms`) redacted, keys included. */
function scrub(value, forms) {
  if (typeof value === 'string') return value.replace(forms, '[redacted]');
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, forms));
  return Object.fromEntries(Object.keys(value).map((k) => [scrub(k, forms), scrub(value[k], forms)]));
}

/** Calls a caller's callback; a throw or a rejected promise changes nothing. */
export function callQuietly(callback, argument) {
  try {
    const returned = callback(argument);
    if (returned !== null && (typeof returned === 'object' || typeof returned === 'function')) {
      Promise.resolve(returned).catch(() => {});
    }
  } catch {
    // The callback's own problem.
  }
}

/**
 * Awaits a caller's `onBackup`: `undefined` when it resolved, else the message to fail the agent
 * with: `onBackup failed: ` + what it threw or rejected with (its message, or a string itself).
 * The value itself stays with the caller: the client cannot redact an arbitrary object, only
 * this text (the wasm redacts it).
 */
export async function awaitCallback(callback, argument) {
  try {
    await callback(argument);
  } catch (error) {
    let text;
    try {
      text = error?.message ?? error;
    } catch {
      // A throwing getter: nothing to say.
    }
    return `onBackup failed${typeof text === 'string' && text ? `: ${text}` : '.'}`;
  }
}

/** Whether `signal` has aborted; a signal-like object whose `aborted` throws has not. */
function aborted(signal) {
  try {
    return signal?.aborted === true;
  } catch {
    return false;
  }
}

// One 'abort' listener per signal however many calls wait on it: Node warns from 11 listeners.
const waiting = new WeakMap();

/** Calls `fn` once when `signal` aborts (at once if it already has). */
function onAbort(signal, fn) {
  try {
    if (aborted(signal)) return void fn();
    let set = waiting.get(signal);
    if (!set) {
      set = new Set();
      signal.addEventListener('abort', () => {
        waiting.delete(signal);
        for (const f of set) f();
      }, { once: true });
      waiting.set(signal, set);
    }
    set.add(fn);
  } catch {
    // A signal-like object that cannot be listened to: the call runs to its own deadline.
  }
}

/** Forgets `fn` (the wait it belonged to is over). */
function offAbort(signal, fn) {
  waiting.get(signal)?.delete(fn);
}
