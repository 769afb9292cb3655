// The TalkoverClient made from env (one per request / job step), sending through the
// invocation's subrequest Meter.
import { TalkoverClient } from 'talkover-client';
import { Meter } from './budget.js';
import { intSetting, stringSetting } from './config.js';
import { asError, configError } from './errors.js';

/** `{ client, meter }` for this invocation; throws WORKER_MISCONFIGURED on a bad setting. */
export function makeClient(env) {
  const token = stringSetting(env, 'TALKOVER_TOKEN');
  if (token === '') throw configError('TALKOVER_TOKEN is not set (wrangler secret put TALKOVER_TOKEN).');
  const maxRetries = intSetting(env, 'TALKOVER_MAX_RETRIES');
  const meter = new Meter(intSetting(env, 'SUBREQUEST_BUDGET'), maxRetries);
  const options = { token, timeoutMs: intSetting(env, 'TALKOVER_TIMEOUT_MS'), maxRetries, fetch: meter.fetch };
  const baseUrl = stringSetting(env, 'TALKOVER_BASE_URL');
  if (baseUrl !== '') options.baseUrl = baseUrl;
  try {
    return { client: new TalkoverClient(options), meter };
  } catch (err) {
    // Bad token format or base URL: our configuration, not the caller's request.
    throw configError(`Worker configuration rejected by talkover-client: ${asError(err).message}`);
  }
}
