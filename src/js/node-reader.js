// How Node's requests (node-exchange.js) read an answer, whichever way it came: the head's few
// headers, the body up to BODY_CAP, decoded from its content codings as fetch would, then read
// by response.js. Its methods are undici's request handler (the shape undici 5 to 7 all take);
// the node:http way calls the same ones.

import { BODY_CAP, answered, isRedirect } from './response.js';

const decoder = new TextDecoder();
// The headers an answer is read by (response.js's `head`, the body's length and codings).
const WANTED = new Set(['content-length', 'content-encoding', 'x-request-id', 'request-id', 'cf-ray', 'retry-after']);
const latin1 = (b) => (typeof b === 'string' ? b : b.toString('latin1'));
// Answers settled at their head, their connection closed: a redirect (never read) and a 205 (no
// body, whatever follows). A 204 ends by itself.
const bodiless = (status) => isRedirect(status) || status === 205;

/** Reads one answer, settling `resolve` or `reject`; `cancel()` stops its request. */
export class Reader {
  constructor(token, resolve, reject) {
    this.token = token;
    this.resolve = resolve;
    this.reject = reject;
    this.abort = null;
    this.cancelled = false;
    // Settled, or the whole body is in (then only its decoding can still fail).
    this.done = false;
    this.status = 0;
    this.headers = new Map();
    this.chunks = [];
    this.size = 0;
  }

  /** The request has its connection: keeps its `abort`, or calls it if cancelled already. */
  onConnect(abort) {
    this.abort = abort;
    if (this.cancelled) abort();
  }

  /** Frees the connection of a request nobody waits for any more. */
  cancel() {
    this.cancelled = true;
    this.abort?.();
  }

  onHeaders(status, rawHeaders) {
    // An informational 1xx: the answer follows.
    if (status >= 100 && status < 200) return true;
    if (!(Number.isInteger(status) && status >= 200 && status <= 999)) {
      this.onError(new Error(`an invalid status line (${status})`));
      return false;
    }
    this.status = status;
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
      const name = latin1(rawHeaders[i]).toLowerCase();
      if (!WANTED.has(name)) continue;
      const value = latin1(rawHeaders[i + 1]);
      this.headers.set(name, this.headers.has(name) ? `${this.headers.get(name)}, ${value}` : value);
    }
    if (bodiless(status)) this.finish('');
    else if (Number(this.header('content-length')) > BODY_CAP) this.finish(null);
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
    if (this.done) return;
    this.done = true;
    const body = Buffer.concat(this.chunks);
    this.chunks = [];
    const codings = this.header('content-encoding');
    if (codings === null || body.length === 0) return this.settle(decoder.decode(body));
    decoded(body, codings).then((text) => this.settle(text), this.reject);
  }

  onError(error) {
    if (this.done) return;
    this.done = true;
    this.reject(error);
  }

  header(name) {
    return this.headers.get(name) || null;
  }

  /** Settles at once with `text` as the body (null: over BODY_CAP), and stops the reading. */
  finish(text) {
    if (this.done) return false;
    this.done = true;
    this.settle(text);
    this.abort?.();
    return false;
  }

  settle(text) {
    this.resolve(answered(this.status, (name) => this.header(name), text, this.token));
  }
}

// deflate is zlib-wrapped as the RFC says, or raw as some servers send it (decoded() tells).
const DECODERS = new Map([['gzip', 'gunzip'], ['x-gzip', 'gunzip'], ['deflate', 'inflate'], ['br', 'brotliDecompress']]);

/**
 * `body` as text, decoded from its content `codings` first as fetch does: gzip, deflate (zlib or
 * raw) and br; none at all when one is unknown; more than five refused. Resolves null when the
 * decoded body is over BODY_CAP. Asynchronous (zlib's thread pool), so a deadline still fires.
 */
async function decoded(body, codings) {
  const names = codings.toLowerCase().split(',').map((c) => c.trim());
  if (names.length > 5) throw new Error('too many content codings');
  if (!names.every((name) => DECODERS.has(name))) return decoder.decode(body);
  const zlib = process.getBuiltinModule('node:zlib');
  for (const name of names.reverse()) {
    const how = name === 'deflate' && (body[0] & 0x0f) !== 0x08 ? 'inflateRaw' : DECODERS.get(name);
    // A truncated stream gives what it holds, as fetch's decoders do.
    const finishFlush = how === 'brotliDecompress' ? zlib.constants.BROTLI_OPERATION_FLUSH : zlib.constants.Z_SYNC_FLUSH;
    try {
      body = await new Promise((resolve, reject) => {
        zlib[how](body, { maxOutputLength: BODY_CAP, finishFlush }, (error, out) => (error ? reject(error) : resolve(out)));
      });
    } catch (error) {
      if (error?.code === 'ERR_BUFFER_TOO_LARGE') return null;
      throw error;
    }
  }
  return decoder.decode(body);
}
