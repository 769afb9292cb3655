// The I/O the driver (driver.js) does for the wasm: one attempt (an exchange's request and its
// bounded, redacted answer, within a deadline and the caller's abort), a wait, the caller's
// callbacks. None of it rejects with anything
// the driver must catch, and none reads anything through Object.prototype.

import { FetchExchange } from './fetch-exchange.js';
import { ABORTED, NETWORK, TIMEOUT } from './response.js';

/**
 * How an attempt's request goes out and is cancelled: `new Exchange()`, then
 * `send(fetchFn, method, url, token)` (a promise of the answer, see response.js) and `cancel()`.
 */
let Exchange = FetchExchange;

/** The Node entries send their own way (src/js/node-exchange.js). */
export function exchangeWith(kind) {
  Exchange = kind;
}

/**
 * One attempt, as the wasm's request machine asked for it (`timeout \n method \n url \n token`):
 * the exchange's request and its answer, bounded by the timeout and `signal`.
 * Never rejects: resolves to what `packed` makes of `[status, requestId, retryAfter, kind, body,
 * detail]`, where `detail` describes a network failure.
 */
export function attempt(fetchFn, request, signal) {
  const [timeoutMs, method, url, token] = request.split('\n');
  if (aborted(signal)) return Promise.resolve(packed([null, null, null, ABORTED, null, null]));
  const exchange = new Exchange();
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
        exchange.cancel();
        read = [null, null, null, aborted(signal) ? ABORTED : read, null, null];
      }
      resolve(packed(read));
    };
    const failed = (error) => finish(aborted(signal) ? ABORTED : [null, null, null, NETWORK, null, describe(error)]);
    const abort = () => finish(ABORTED);
    const timer = setTimeout(finish, Number(timeoutMs), TIMEOUT);
    if (signal) onAbort(signal, abort);
    try {
      exchange.send(fetchFn, method, url, token).then(finish, failed);
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
