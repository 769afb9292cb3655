// How one attempt's request is cancelled when nobody waits for its answer any more (its
// timeout, or the caller's abort): an AbortController whose signal goes in the request's init.
// The Node entries bundle cancel-node.js in its place (scripts/build.mjs).

export class Cancel {
  #controller = new AbortController();

  /** Adds to `init` what cancels the request. */
  arm(init) {
    init.signal = this.#controller.signal;
  }

  /** Cancels the request and frees its connection. */
  fire() {
    this.#controller.abort();
  }
}
