// JSON responses, the uniform error body, the one-JSON-line log, and the secret scrub every
// response and log line passes through on its way out.
import { makeScrubber } from './scrub.js';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export function json(status, body, extraHeaders = {}) {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...extraHeaders } });
}

/** `{"error": {code, message, requestId}}`; the code also rides along for the request log line. */
export function errorResponse(status, code, message, requestId = null, extraHeaders = {}) {
  const res = json(status, { error: { code, message, requestId } }, extraHeaders);
  res.headers.set('x-error-code', code); // for the request log line; removed before sending
  return res;
}

/**
 * This invocation's outlet, scrubbing `secrets`: `scrub` (any JSON-like value), `log` (one
 * scrubbed JSON line) and `response` (a Response, scrubbed).
 */
export function outlet(secrets) {
  const scrub = makeScrubber(secrets);
  const log = (event, fields) => console.log(JSON.stringify(scrub({ event, ...fields })));
  return { scrub, log, response: (res) => scrubResponse(res, scrub) };
}

/** `res` with every header value and every string of its (JSON, NDJSON or text) body scrubbed. */
async function scrubResponse(res, scrub) {
  const headers = new Headers();
  for (const [name, value] of res.headers) headers.set(name, scrub(value));
  if (res.body === null) return new Response(null, { status: res.status, headers });
  if (/^application\/x-ndjson\b/i.test(headers.get('content-type') ?? '')) {
    return new Response(res.body.pipeThrough(scrubLines(scrub)), { status: res.status, headers });
  }
  const text = await res.text();
  let body;
  try {
    body = JSON.stringify(scrub(JSON.parse(text)));
  } catch {
    body = scrub(text);
  }
  return new Response(body, { status: res.status, headers });
}

/** A stream of NDJSON bytes scrubbed line by line, without holding the whole body. */
function scrubLines(scrub) {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let pending = '';
  const line = (text) => {
    try {
      return JSON.stringify(scrub(JSON.parse(text)));
    } catch {
      return JSON.stringify(scrub(text));
    }
  };
  const emit = (controller, flush) => {
    const lines = pending.split('\n');
    pending = flush ? '' : lines.pop();
    const out = lines.filter((l) => l !== '').map((l) => line(l) + '\n').join('');
    if (out) controller.enqueue(encoder.encode(out));
  };
  return new TransformStream({
    transform(chunk, controller) {
      pending += decoder.decode(chunk, { stream: true });
      emit(controller, false);
    },
    flush(controller) {
      pending += decoder.decode();
      emit(controller, true);
    },
  });
}
