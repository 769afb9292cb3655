// Error mapping: TalkoverError codes to HTTP statuses, thrown values to error responses, and
// errors reduced to what callers may see (code, a bounded message, status; never details).
import { isTalkoverError } from 'talkover-client';
import { errorResponse } from './http.js';

/** HTTP status this Worker answers with for each TalkoverError code (no prototype to hit). */
const STATUS_BY_CODE = Object.freeze(
  Object.assign(Object.create(null), {
    AGENT_NOT_FOUND: 404,
    TRAINING_NOT_FOUND: 404,
    NOT_FOUND: 404,
    // The API rejected *this Worker's* TALKOVER_TOKEN. The caller authenticated fine (its
    // CALLER_SECRET was checked before), so this is not a 401/403 for them: it is our server's
    // configuration failing upstream, which they cannot fix. 502 (bad gateway) says exactly that
    // and lands in 5xx alerting, where an operator rotating the secret will see it.
    INVALID_TOKEN: 502,
    UNAUTHORIZED: 403,
    AGENT_HAS_ACTIVE_CALLS: 409,
    AGENT_IS_PUBLISHED: 409,
    CONFLICT: 409,
    VALIDATION_ERROR: 422,
    RATE_LIMITED: 429,
    SERVER_ERROR: 502, // 503 upstream is passed on as 503 (see statusFor)
    HTTP_ERROR: 502,
    NETWORK_ERROR: 502,
    INVALID_RESPONSE: 502,
    TIMEOUT: 504,
    ABORTED: 503,
    INVALID_ARGUMENT: 400,
  }),
);

/** Upstream messages are cut to this many characters (an HTML page is not a message). */
const MAX_MESSAGE = 300;
/** The longest Retry-After passed on (a day), whatever the upstream asked for. */
const MAX_RETRY_AFTER_S = 86_400;

/** An error of this Worker's own, with its code and HTTP status. */
export function workerError(code, httpStatus, message) {
  const err = new Error(message);
  err.code = code;
  err.httpStatus = httpStatus;
  return err;
}

/** Our own configuration is wrong (a secret or var): a 500 the operator must fix. */
export function configError(message) {
  return workerError('WORKER_MISCONFIGURED', 500, message);
}

function statusFor(err) {
  if (err.code === 'SERVER_ERROR' && err.status === 503) return 503;
  return STATUS_BY_CODE[err.code] ?? 502;
}

/**
 * The error response for anything a handler threw; `log` writes the line for our own failures.
 * A client error caused by the subrequest Meter refusing a request is reported as that.
 */
export function failure(thrown, log, meter = null) {
  const err = asError(thrown);
  if (meter?.refused > 0 && isTalkoverError(err)) {
    return errorResponse(503, 'SUBREQUEST_BUDGET', `The SUBREQUEST_BUDGET of ${meter.budget} requests ran out.`);
  }
  if (!isTalkoverError(err) && typeof err.httpStatus === 'number') {
    if (err.httpStatus >= 500) log('talkover.worker_error', { code: err.code, message: err.message });
    return errorResponse(err.httpStatus, err.code, err.message);
  }
  if (!isTalkoverError(err)) {
    log('talkover.internal_error', { name: String(err.name), message: String(err.message) });
    return errorResponse(500, 'INTERNAL_ERROR', 'Unexpected error in the cleanup Worker.');
  }
  const extra = {};
  if (err.retryAfterMs != null && (err.code === 'RATE_LIMITED' || err.status === 503)) {
    extra['retry-after'] = String(Math.min(MAX_RETRY_AFTER_S, Math.max(1, Math.ceil(Number(err.retryAfterMs) / 1000) || 1)));
  }
  const { code, message } = stripError(err);
  return errorResponse(statusFor(err), code, message, typeof err.requestId === 'string' ? err.requestId : null, extra);
}

export function asError(value) {
  return value instanceof Error ? value : new Error(String(value));
}

/** A TalkoverError reduced to what callers may see: explicit fields, a bounded message. */
export function stripError(err) {
  if (!err) return null;
  const code = typeof err.code === 'string' ? err.code : 'INTERNAL_ERROR';
  let message = String(err.message ?? '').slice(0, MAX_MESSAGE);
  if (code === 'INVALID_TOKEN') {
    message = "The Talkover API rejected this Worker's TALKOVER_TOKEN; the operator must update the secret.";
  }
  return { code, message, status: Number.isInteger(err.status) ? err.status : null };
}
