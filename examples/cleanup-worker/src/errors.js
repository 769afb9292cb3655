// Error mapping: TalkoverError codes to HTTP statuses, thrown values to error responses, and
// errors reduced to what callers may see.
import { isTalkoverError } from 'talkover-client';
import { errorResponse, log } from './http.js';

/** HTTP status this Worker answers with for each TalkoverError code. */
const STATUS_BY_CODE = Object.freeze({
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
});

/** Our own configuration is wrong (a secret or var): a 500 the operator must fix. */
export function configError(message) {
  const err = new Error(message);
  err.code = 'WORKER_MISCONFIGURED';
  err.httpStatus = 500;
  return err;
}

function statusFor(err) {
  if (err.code === 'SERVER_ERROR' && err.status === 503) return 503;
  return STATUS_BY_CODE[err.code] ?? 502;
}

/** The error response for anything a handler threw. */
export function failure(thrown) {
  const err = asError(thrown);
  if (err.code === 'WORKER_MISCONFIGURED') {
    log('talkover.config_error', { message: err.message });
    return errorResponse(500, err.code, err.message);
  }
  if (!isTalkoverError(err)) {
    log('talkover.internal_error', { name: err.name, message: String(err.message) });
    return errorResponse(500, 'INTERNAL_ERROR', 'Unexpected error in the cleanup Worker.');
  }
  const extra = {};
  if (err.retryAfterMs != null && (err.code === 'RATE_LIMITED' || err.status === 503)) {
    extra['retry-after'] = String(Math.max(1, Math.ceil(err.retryAfterMs / 1000)));
  }
  let message = err.message;
  if (err.code === 'INVALID_TOKEN') {
    message = 'The Talkover API rejected this Worker\'s TALKOVER_TOKEN; the operator must update the secret.';
  }
  return errorResponse(statusFor(err), err.code, message, err.requestId ?? null, extra);
}

export function asError(value) {
  return value instanceof Error ? value : new Error(String(value));
}

/** A TalkoverError reduced to what callers may see. */
export function stripError(err) {
  if (!err) return null;
  return { code: err.code ?? 'INTERNAL_ERROR', message: String(err.message ?? ''), status: err.status ?? null };
}
