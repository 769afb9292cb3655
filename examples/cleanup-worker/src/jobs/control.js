// A job's Workflow instance (binding CLEANUP_JOB): starting it, reading its status, and pause,
// resume and terminate as design.md section 6 defines them. Resume picks a job back up whatever
// stopped it: a paused instance is resumed; one that says it runs is paused and resumed, which
// restarts an instance the runtime left `running` with nothing running (after a restart) and
// is harmless to one that really runs. Terminate is cooperative: the running batch stops between
// agents and records what it did, then the instance is terminated.
import { configError } from '../errors.js';
import { settleCutOff } from './batch.js';

export const FINISHED = new Set(['complete', 'errored', 'terminated']);
const POLL_MS = 200;
const PAUSE_WAIT_MS = 10_000;
const HALT_WAIT_MS = 60_000;

export function workflowOf(env) {
  const binding = Object.hasOwn(env, 'CLEANUP_JOB') ? env.CLEANUP_JOB : undefined;
  if (!binding || typeof binding.create !== 'function') throw configError('The CLEANUP_JOB Workflow binding is missing (wrangler.toml [[workflows]]).');
  return binding;
}

export async function startInstance(env, jobId) {
  const instance = await workflowOf(env).create({ id: jobId, params: { jobId } });
  return statusOf(instance);
}

/** The instance, or null when the platform no longer has it. */
export async function instanceOf(env, jobId) {
  try {
    return await workflowOf(env).get(jobId);
  } catch (err) {
    if (err?.code === 'WORKER_MISCONFIGURED') throw err;
    return null;
  }
}

/** `{ status, error }` as the platform reports them (error: a message, or null). */
export async function statusOf(instance) {
  const s = await instance.status();
  const message = s?.error?.message ?? (typeof s?.error === 'string' ? s.error : null);
  return { status: String(s?.status ?? 'unknown'), error: message === null ? null : String(message).slice(0, 300) };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `done(status)` or `ms` pass; the last status seen. */
async function waitFor(instance, done, ms) {
  const until = Date.now() + ms;
  let current = (await statusOf(instance)).status;
  while (!done(current) && Date.now() < until) {
    await sleep(POLL_MS);
    current = (await statusOf(instance)).status;
  }
  return current;
}

export async function pause(instance) {
  await instance.pause();
  return (await statusOf(instance)).status;
}

export async function resume(instance) {
  const { status } = await statusOf(instance);
  if (status !== 'paused') {
    await instance.pause();
    await waitFor(instance, (s) => s === 'paused' || FINISHED.has(s), PAUSE_WAIT_MS);
  }
  const now = (await statusOf(instance)).status;
  if (!FINISHED.has(now)) await instance.resume();
  return (await statusOf(instance)).status;
}

/**
 * Asks the running batch to stop (terminate.json), waits for it to say so, then terminates; a
 * batch cut off earlier (a restart, no resume) then gets its report lines (settleCutOff).
 */
export async function terminate(instance, record, env) {
  await record.putJson('terminate.json', { requestedAt: new Date().toISOString() });
  const { status } = await statusOf(instance);
  if (status === 'running' || status === 'waitingForPause') {
    const until = Date.now() + HALT_WAIT_MS;
    while (Date.now() < until && !(await record.has('halted.json'))) {
      if (FINISHED.has((await statusOf(instance)).status)) break;
      await sleep(POLL_MS);
    }
  }
  const before = (await statusOf(instance)).status;
  if (!FINISHED.has(before)) await instance.terminate();
  const after = await statusOf(instance);
  await recordFinal(record, after);
  if (after.status === 'terminated') await settleCutOff(env, record);
  return after.status;
}

/** Writes final.json once the platform says the job is over (finishedAt: first seen). */
export async function recordFinal(record, { status, error }) {
  if (!FINISHED.has(status)) return null;
  const existing = await record.getJson('final.json');
  if (existing !== null) return existing;
  const final = { status, finishedAt: new Date().toISOString(), error };
  await record.putJson('final.json', final);
  return final;
}
