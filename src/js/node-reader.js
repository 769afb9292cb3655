// How Node's requests (node-exchange.js) read an answer, whichever way it came: the head's few
// headers, the body up to BODY_CAP, decoded from a content coding as fetch would, then read by
// response.js. Its methods are undici's request handler (the shape undici 5 to 7 all take); the
// node:http way calls the same ones.

import { BODY_CAP, answered, isRedirect } from './response.js';

const decoder = new TextDecoder();
// The headers an answer is read by (response.js's `head`, the body's length and coding).
const WANTED = new Set(['content-length', 'content-encoding', 'x-request-id', 'request-id', 'cf-ray', 'retry-after']);
const latin1 = (b) => (typeof b === 'string' ? b : b.toString('latin1'));

/** Reads one answer for `exchange` (a NodeExchange), settling `resolve` or `reject`. */
export class Reader {
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
