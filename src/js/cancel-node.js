// Node's way to cancel one attempt's request: the Node entries hand it to io.js's `cancelWith`.
// A signal in the init costs Node's fetch (undici) about 80 µs of CPU per request: a listener, a
// WeakRef and a FinalizationRegistry entry, and their garbage (bench/README.md, "Where it goes").
// Node's fetch also takes `init.dispatcher`, the object that sends the request. Given this one,
// the global fetch sends through the global dispatcher as always, and undici hands the request
// handler an `abort` when the request gets its connection: this keeps it, and cancelling calls it.
// The signal stays for a custom fetch, and wherever fetch ignores the dispatcher (Deno, Bun):
// until a request has gone through the dispatcher, requests carry both (`routed` below).
import { SignalCancel as WithSignal } from './io.js';

const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

/** Whether the global fetch sends through `init.dispatcher`: unknown until a request says. */
let routed;

export class NodeCancel {
  #signal = null;
  #abort = null;
  #fired = false;

  arm(init, fetchFn) {
    if (fetchFn || routed !== true) {
      this.#signal = new WithSignal();
      this.#signal.arm(init);
    }
    if (!fetchFn && routed !== false) init.dispatcher = this;
  }

  fire() {
    this.#fired = true;
    this.#signal?.fire();
    this.#abort?.();
  }

  /** undici's Dispatcher: hands the request to the global dispatcher, through a `Handler`. */
  dispatch(options, handler) {
    const legacy = typeof handler?.onConnect === 'function' && typeof handler.onRequestStart !== 'function';
    // A handler of another shape: this request keeps its signal, and later ones use signals.
    routed ??= legacy;
    return globalThis[GLOBAL_DISPATCHER].dispatch(options, legacy ? new Handler(handler, this) : handler);
  }

  /** The request got its connection: keeps its `abort`, or calls it if cancelled already. */
  connected(abort) {
    this.#abort = abort;
    if (this.#fired) abort();
    return !this.#fired;
  }
}

/** undici's request handler for fetch, passed through except `onConnect` (one shape: monomorphic). */
class Handler {
  constructor(inner, cancel) {
    this.inner = inner;
    this.cancel = cancel;
  }

  onConnect(abort) {
    if (this.cancel.connected(abort)) return this.inner.onConnect(abort);
  }

  onResponseStarted() {
    return this.inner.onResponseStarted?.();
  }

  onHeaders(status, headers, resume, statusText) {
    return this.inner.onHeaders(status, headers, resume, statusText);
  }

  onData(chunk) {
    return this.inner.onData(chunk);
  }

  onComplete(trailers) {
    return this.inner.onComplete(trailers);
  }

  onError(error) {
    return this.inner.onError(error);
  }

  onUpgrade(status, headers, socket) {
    return this.inner.onUpgrade?.(status, headers, socket);
  }

  onBodySent(chunk) {
    return this.inner.onBodySent?.(chunk);
  }

  onRequestSent() {
    return this.inner.onRequestSent?.();
  }
}
