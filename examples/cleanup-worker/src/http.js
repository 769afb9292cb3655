// JSON responses, the uniform error body, and the one-JSON-line log the Worker writes.

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

/** One JSON line per event. Never pass env or a client here: the token must not reach logs. */
export function log(event, fields) {
  console.log(JSON.stringify({ event, ...fields }));
}
