// An attempt's answer in the wasm's terms, whichever way it came (fetch-exchange.js,
// node-exchange.js): `[status, requestId, retryAfter, kind, body]`, the body parsed and
// redacted, or the reason there is none (`kind`).

import { mayHoldSecret, secretPattern } from './secret.js';

/** Bodies are read up to this many bytes (16 MiB) and no further. */
export const BODY_CAP = 16 * 1024 * 1024;

// How an attempt ended; `Kind` in src/proto/attempt.rs mirrors these numbers.
export const EMPTY = 0;
const JSON_BODY = 1;
const NOT_JSON = 2;
const TOO_LARGE = 3;
const UNREDACTABLE = 4;
export const REDIRECTED = 5;
export const NOT_A_RESPONSE = 6;
export const ABORTED = 7;
export const TIMEOUT = 8;
export const NETWORK = 9;

/**
 * What the wasm needs of an answer's head: `[status, requestId, retryAfter]`. `header(name)`
 * gives a header's value, null when absent or empty.
 */
export function head(status, header) {
  const requestId = header('x-request-id') ?? header('request-id') ?? header('cf-ray');
  // Only an error's (a success has no use for it).
  return [status, requestId, status >= 200 && status < 300 ? null : header('retry-after')];
}

/** Whether an answer of `status` is a redirect (never followed, never read). */
export const isRedirect = (status) => status >= 300 && status < 400;

/**
 * The whole answer: its head and what its body `text` is (null: larger than BODY_CAP), every
 * copy of `secret` redacted.
 */
export function answered(status, header, text, secret) {
  const answer = head(status, header);
  if (isRedirect(status)) return [...answer, EMPTY, null];
  if (text === null) return [...answer, TOO_LARGE, null];
  return [...answer, ...parse(text, secret)];
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
