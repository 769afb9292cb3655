// One pass over one batch of a cleanup job, run inside a `step.do`: client.cleanupAgents over the
// batch's ids with the client's own retries, under the step's subrequest budget, stopping
// between agents when a terminate is requested.
//
// True after a crash: before an agent's first change is sent, onBackup records its backup as an
// intent in R2. A re-run of the step (after a throw, a retry or a restart) meets the agents the
// earlier attempt deleted as 404s; an agent with an intent that is now gone was deleted by this
// job, so it is reported `deleted` (with that backup), never `skipped AGENT_NOT_FOUND`. Report
// lines are written once per pass under a fixed key, so a re-run overwrites, never adds.
import { makeClient } from '../client.js';
import { DAY_MS, intSetting } from '../config.js';
import { BUDGET_REASON, budgetSkip } from '../budget.js';
import { resultLine } from '../cleanup.js';
import { pad } from './record.js';

const TERMINATE_POLL_MS = 500;
const MAX_WAIT_MS = DAY_MS;
/** The pass number of the report lines written for a batch cut off and then terminated. */
const CUT_OFF_PASS = 999_999;

/**
 * Cleans `ids` (null: all of batch `n`; else what an earlier pass deferred). Throws, so the platform
 * retries the step, when upstream failures that may pass remain and attempts are left. Returns
 * `{ deferred, retryAfterMs, halted }`: `deferred` are the rate-limited ids for the next pass,
 * after a step.sleep of `retryAfterMs` (the counts are in the pass's report, record.settlePass).
 */
export async function cleanBatchPass(env, record, job, { n, pass, ids, finalAttempt, finalPass }) {
  const batchIds = (await record.getJson(`batches/${pad(n)}.json`)) ?? [];
  const prior = await record.backupsOf(n, batchIds);
  const fresh = new Map();
  const { report, halted, recordError, reader } = await runClient(env, record, job, { n, ids: ids ?? batchIds, batchIds, fresh });
  if (recordError) throw new Error('A backup could not be stored in R2; the batch is retried.');
  if (halted) await recheck(reader, report, prior);
  const settled = report.results.map((r) => settle(r, prior, job));
  const retryable = settled.filter((s) => s.line.outcome === 'failed' && s.retryable && !s.rateLimited);
  if (!halted && retryable.length > 0 && !finalAttempt) {
    throw new Error(`${retryable.length} agents failed with errors that may pass (${retryable[0].line.reason}); the batch is retried.`);
  }
  const defer = (s) => !halted && !finalPass && (s.rateLimited || s.budget);
  const lines = settled.filter((s) => !defer(s)).map((s) => s.line);
  const deferred = settled.filter(defer);
  await record.settlePass(n, pass, { backups: new Map([...prior, ...fresh]), lines });
  if (halted) await record.putJson('halted.json', { batch: n, pass });
  return {
    deferred: deferred.map((s) => s.line.agentId),
    retryAfterMs: Math.min(MAX_WAIT_MS, Math.max(1000, ...deferred.map((s) => s.retryAfterMs))),
    halted,
  };
}

/** client.cleanupAgents with the intents recorded through onBackup and the terminate watch. */
async function runClient(env, record, job, { n, ids, batchIds, fresh }) {
  const { client, meter } = makeClient(env);
  const indexOf = new Map(batchIds.map((id, i) => [id, i]));
  const stop = watchTerminate(record);
  let recordError = null;
  const onBackup = async ({ agentId, agent, trainings }) => {
    const backup = { agent, trainings };
    try {
      await record.writeIntent(n, indexOf.get(agentId), backup);
    } catch (err) {
      recordError = err;
      throw err;
    }
    fresh.set(agentId, backup);
  };
  const options = {
    dryRun: job.dryRun,
    unpublish: job.unpublish,
    backup: true,
    concurrency: intSetting(env, 'JOB_CONCURRENCY'),
    signal: AbortSignal.any([meter.signal, stop.signal]),
    onBackup,
  };
  try {
    // The batch was cut at planning time, for the settings of then: only what fits the budget
    // now starts (SUBREQUEST_BUDGET or TALKOVER_MAX_RETRIES changed since, or a version whose
    // worst case per agent is larger); the rest waits for the next pass, never cut off mid-agent.
    const fit = meter.agentsThatFit(job);
    const report = await client.cleanupAgents(ids.slice(0, fit), options);
    report.results.push(...ids.slice(fit).map(budgetSkip));
    return { report, halted: stop.signal.aborted, recordError, reader: { client, signal: meter.signal } };
  } finally {
    stop.dispose();
  }
}

/**
 * After a terminate, the agents an earlier attempt of this step began to change (they have an
 * intent) and this one never reached are read once more, changing nothing: one that is gone was
 * deleted by the job (settle reports it `deleted`), one left a draft from a published backup was
 * left unpublished by it. Otherwise a retry that starts after the terminate would report the
 * agents its first attempt deleted as `skipped ABORTED`.
 */
async function recheck({ client, signal }, report, prior) {
  const unreached = report.results.filter((r) => prior.has(r.agentId) && r.outcome === 'skipped' && (r.reason === 'ABORTED' || r.reason === BUDGET_REASON));
  for (const r of unreached) {
    const now = await client.getAgent(r.agentId, { signal }).catch((e) => e);
    if (now?.code === 'AGENT_NOT_FOUND') r.reason = 'AGENT_NOT_FOUND';
    else if (now?.current_status === 'draft') r.unpublished = prior.get(r.agentId)?.agent?.current_status === 'published';
  }
}

/**
 * After a terminate: each batch cut off before it settled (a crash or a restart, then no resume:
 * its intents are still in the record) gets report lines for the agents it began to change and
 * never reported, each read once more as `recheck` does; then it settles as a pass of its own.
 */
export async function settleCutOff(env, record) {
  const batches = await record.unsettledBatches();
  if (batches.length === 0) return;
  const job = { unpublish: (await record.getJson('job.json'))?.unpublish === true };
  const { client, meter } = makeClient(env);
  for (const n of batches) {
    const prior = await record.backupsOf(n, (await record.getJson(`batches/${pad(n)}.json`)) ?? []);
    const reported = await record.reportedIn(n);
    const aborted = { code: 'ABORTED', message: 'The job was terminated.', status: null };
    const results = [...prior.keys()].filter((id) => !reported.has(id))
      .map((agentId) => ({ agentId, outcome: 'skipped', reason: 'ABORTED', unpublished: false, error: aborted }));
    await recheck({ client, signal: meter.signal }, { results }, prior);
    await record.settlePass(n, CUT_OFF_PASS, { backups: prior, lines: results.map((r) => settle(r, prior, job).line) });
  }
}

/** An AbortSignal that aborts once terminate.json appears in the record. */
function watchTerminate(record) {
  const controller = new AbortController();
  const check = async () => {
    if (await record.has('terminate.json').catch(() => false)) controller.abort();
  };
  const timer = setInterval(check, TERMINATE_POLL_MS);
  check();
  return { signal: controller.signal, dispose: () => clearInterval(timer) };
}

/** A client result as its report line, reconciled with what an earlier attempt recorded. */
function settle(r, prior, job) {
  const line = resultLine(r);
  const wasPublished = prior.get(line.agentId)?.agent?.current_status === 'published';
  if (prior.has(line.agentId) && line.outcome !== 'deleted' && line.reason === 'AGENT_NOT_FOUND') {
    const deleted = { ...line, outcome: 'deleted', reason: null, unpublished: job.unpublish && wasPublished, error: null };
    return { line: deleted, retryable: false, rateLimited: false, budget: false, retryAfterMs: 0 };
  }
  // Deleted as a draft after an earlier attempt (cut off by a restart) unpublished it.
  if (line.outcome === 'deleted' && job.unpublish && wasPublished) line.unpublished = true;
  const error = r.error ?? null;
  return {
    line,
    retryable: error?.retryable === true,
    rateLimited: error?.code === 'RATE_LIMITED',
    budget: line.outcome === 'skipped' && (line.reason === 'ABORTED' || line.reason === BUDGET_REASON),
    retryAfterMs: Number(error?.retryAfterMs) || 0,
  };
}
