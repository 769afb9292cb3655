// The Worker's settings (wrangler.toml [vars] and secrets), read strictly and fail-safe: a value
// that is set but not understood is a configuration error (500 WORKER_MISCONFIGURED, or a failed
// cron run), never silently widened into something that deletes more. The one exception is
// CLEANUP_DRY_RUN, where anything but the exact string "false" means a dry run.
import { configError } from './errors.js';

/** A day in milliseconds (olderThanDays, the cron's maximum age, the longest rate-limit wait). */
export const DAY_MS = 86_400_000;

/** Defaults and bounds of the integer vars. */
export const INT_VARS = Object.freeze({
  SUBREQUEST_BUDGET: { fallback: 50, min: 1, max: 10_000 },
  CLEANUP_MAX_IDS: { fallback: 100, min: 1, max: 10_000 },
  TALKOVER_TIMEOUT_MS: { fallback: 10_000, min: 1, max: 600_000 },
  TALKOVER_MAX_RETRIES: { fallback: 2, min: 0, max: 10 },
  JOB_CONCURRENCY: { fallback: 4, min: 1, max: 64 },
  JOB_BATCH_MAX: { fallback: 200, min: 1, max: 1_000 },
});

/** The integer var `name`: its default when unset or empty, else a decimal integer in range. */
export function intSetting(env, name) {
  const { fallback, min, max } = INT_VARS[name];
  const raw = Object.hasOwn(env, name) ? env[name] : undefined;
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) return fallback;
  const text = String(raw).trim();
  const n = /^\d{1,9}$/.test(text) ? Number(text) : NaN;
  if (!(n >= min && n <= max)) throw configError(`${name} must be an integer from ${min} to ${max} (unset means ${fallback}).`);
  return n;
}

/**
 * Whether the cron run deletes: only CLEANUP_DRY_RUN exactly "false" does. Unset (wrangler does
 * not copy top-level [vars] into [env.*]), empty, "true" or anything else is a dry run;
 * `source` says which, for the summary line.
 */
export function cronDryRun(env) {
  const raw = Object.hasOwn(env, 'CLEANUP_DRY_RUN') ? env.CLEANUP_DRY_RUN : undefined;
  if (raw === 'false') return { dryRun: false, source: 'false' };
  if (raw === 'true') return { dryRun: true, source: 'true' };
  return { dryRun: true, source: raw === undefined || raw === '' ? 'unset' : 'unrecognised' };
}

/** CLEANUP_MAX_AGE_DAYS: a number of days > 0 (default 30); anything else refuses the run. */
export function maxAgeDays(env) {
  const raw = Object.hasOwn(env, 'CLEANUP_MAX_AGE_DAYS') ? env.CLEANUP_MAX_AGE_DAYS : undefined;
  const days = raw === undefined ? 30 : Number(typeof raw === 'string' && raw.trim() === '' ? NaN : raw);
  if (!Number.isFinite(days) || days <= 0) {
    // Refuse rather than guess: a bad value must never widen what gets deleted.
    throw configError('CLEANUP_MAX_AGE_DAYS must be a number of days greater than 0.');
  }
  return days;
}

/** A secret or var as a string, or '' when unset or not a string. */
export function stringSetting(env, name) {
  const raw = Object.hasOwn(env, name) ? env[name] : undefined;
  return typeof raw === 'string' ? raw : '';
}

/** Reads every setting a cleanup job uses, so a bad one refuses the job before it starts. */
export function checkJobSettings(env) {
  for (const name of ['SUBREQUEST_BUDGET', 'TALKOVER_MAX_RETRIES', 'TALKOVER_TIMEOUT_MS', 'JOB_CONCURRENCY', 'JOB_BATCH_MAX']) intSetting(env, name);
}
