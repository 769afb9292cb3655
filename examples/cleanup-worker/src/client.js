// The TalkoverClient made from env (one per request / cron event), and integer vars.
import { TalkoverClient } from 'talkover-client';
import { asError, configError } from './errors.js';

export function makeClient(env) {
  if (typeof env.TALKOVER_TOKEN !== 'string' || env.TALKOVER_TOKEN === '') {
    throw configError('TALKOVER_TOKEN is not set (wrangler secret put TALKOVER_TOKEN).');
  }
  const options = {
    token: env.TALKOVER_TOKEN,
    timeoutMs: intVar(env.TALKOVER_TIMEOUT_MS, 10_000),
    maxRetries: intVar(env.TALKOVER_MAX_RETRIES, 2),
  };
  if (env.TALKOVER_BASE_URL) options.baseUrl = env.TALKOVER_BASE_URL;
  try {
    return new TalkoverClient(options);
  } catch (err) {
    // Bad token format or base URL: our configuration, not the caller's request.
    throw configError(`Worker configuration rejected by talkover-client: ${asError(err).message}`);
  }
}

/** A non-negative integer var, or `fallback` when it is unset or not one. */
export function intVar(value, fallback) {
  if (value === undefined || value === null || value === '') return fallback;
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? n : fallback;
}
