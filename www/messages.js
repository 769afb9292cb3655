// Human sentences for every TalkoverError code (design section 3, "Errors"), plus cleanup reasons.

/** @type {Record<import('talkover-client').ErrorCode, string>} */
export const ERROR_SENTENCES = {
  AGENT_NOT_FOUND: 'This agent no longer exists (or belongs to another environment).',
  TRAINING_NOT_FOUND: 'This training no longer exists; it may have been deleted already.',
  NOT_FOUND: 'The API could not find what was asked for. Check the base URL.',
  INVALID_TOKEN: 'The token was not accepted. Check that you pasted the whole environment token.',
  UNAUTHORIZED: 'This token is not allowed to do that.',
  AGENT_HAS_ACTIVE_CALLS: 'The agent is on a call right now. Try again when its calls have ended.',
  AGENT_IS_PUBLISHED: 'The agent is published. Unpublish it first (or tick "Unpublish published agents").',
  CONFLICT: 'The API refused because of a conflicting change. Reload and try again.',
  VALIDATION_ERROR: 'The API rejected the request as invalid.',
  RATE_LIMITED: 'Too many requests. Wait a moment and try again.',
  SERVER_ERROR: 'The Talkover API had a problem on its side. Try again in a moment.',
  HTTP_ERROR: 'The API answered with an unexpected error.',
  NETWORK_ERROR: 'Could not reach the API. Check the base URL and your connection (and CORS, for a remote API).',
  TIMEOUT: 'The API took too long to answer.',
  ABORTED: 'Cancelled.',
  INVALID_RESPONSE: 'The API answered with something this page does not understand. Is the base URL a Talkover API?',
  INVALID_ARGUMENT: 'Some input is not valid.',
};

/** Short labels for cleanup reasons (error codes and the planner's own reasons). */
export const REASON_LABELS = {
  AGENT_IS_PUBLISHED: 'published',
  AGENT_HAS_ACTIVE_CALLS: 'has active calls',
  UNPUBLISH_FIRST: 'will be unpublished first',
  AGENT_NOT_FOUND: 'already gone',
  ABORTED: 'cancelled',
};

/** One line for a cleanup reason. */
export function reasonText(reason) {
  if (!reason) return '';
  return REASON_LABELS[reason] ?? ERROR_SENTENCES[reason] ?? String(reason);
}

/** A friendly description of any error: the sentence for its code plus what the server said. */
export function describeError(err) {
  if (err && typeof err === 'object' && typeof err.code === 'string') {
    const sentence = ERROR_SENTENCES[err.code] ?? 'Something went wrong.';
    const parts = [sentence];
    const detail = typeof err.message === 'string' ? err.message.trim() : '';
    if (detail && detail !== sentence) parts.push(`Details: ${detail}`);
    if (err.code === 'VALIDATION_ERROR' && err.details && typeof err.details === 'object') {
      const errors = err.details.errors ?? err.details;
      const list = Object.values(errors).flat().filter((x) => typeof x === 'string');
      if (list.length) parts.push(list.join(' '));
    }
    if (err.retryAfterMs != null) parts.push(`Retry in about ${Math.ceil(err.retryAfterMs / 1000)} s.`);
    else if (err.retryable && err.code !== 'ABORTED') parts.push('Trying again may work.');
    return {
      code: err.code,
      text: parts.join(' '),
      meta: [err.status != null ? `HTTP ${err.status}` : null, err.code, err.requestId ? `request ${err.requestId}` : null]
        .filter(Boolean)
        .join(' · '),
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: null, text: `Unexpected error: ${message}`, meta: '' };
}

/** Why a cleanup result (dry run or real) skips an agent, in one sentence. */
export function skipWhy(r) {
  if (r.reason === 'AGENT_IS_PUBLISHED') return 'published (tick “Unpublish published agents” to include it)';
  if (r.error) return describeError(r.error).text;
  return reasonText(r.reason) || r.outcome;
}
