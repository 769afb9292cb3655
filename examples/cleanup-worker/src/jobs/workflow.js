// The CleanupJob Workflow: load the job from R2, select its agents, plan batches, then clean
// each batch in its own step. The platform checkpoints every step, retries a failed one (the
// batch reconciles with what its earlier attempt recorded, see batch.js) and keeps the instance
// across restarts; rate-limited agents wait in a step.sleep, not in a busy retry. Steps return
// only what the next steps need (the plan, paging, deferred ids); reports and backups go to R2
// as the batches run.
import { WorkflowEntrypoint } from 'cloudflare:workers';
import { stripError } from '../errors.js';
import { cleanBatchPass } from './batch.js';
import { recordFinal } from './control.js';
import { openRecord, pad } from './record.js';
import { planBatches, selectPages } from './select.js';

/** Retries of a step by the platform (on top of the client's retries per request). */
const STEP_RETRIES = 3;
const STEP = { retries: { limit: STEP_RETRIES, delay: '2 seconds', backoff: 'exponential' }, timeout: '15 minutes' };
/** Passes per batch: the first, then up to this many more for rate-limited agents. */
const MAX_PASSES = 6;

export class CleanupJob extends WorkflowEntrypoint {
  async run(event, step) {
    const jobId = String(event.payload?.jobId ?? '');
    const record = openRecord(this.env, jobId);
    const job = await step.do('load', STEP, scrubbed(record, () => loadJob(record)));
    if (job.filter !== null) await this.select(step, record, job);
    const plan = await step.do('plan', STEP, scrubbed(record, () => planBatches(this.env, record, job)));
    for (let n = 0; n < plan.batches; n++) {
      if (await this.clean(step, record, job, n)) {
        // Terminate was requested: the batch stopped and recorded what it did; the route that
        // asked now terminates the instance. Should it never do so, the job ends errored.
        await step.sleep('await-terminate', '1 day');
        throw new Error('Terminate was requested but never completed.');
      }
    }
    await step.do('finish', STEP, scrubbed(record, () => recordFinal(record, { status: 'complete', error: null })));
    return { selected: plan.selected };
  }

  async select(step, record, job) {
    for (let page = 1; ; ) {
      const out = await step.do(`select-from-page-${page}`, STEP, scrubbed(record, () => selectPages(this.env, record, job, page)));
      if (out.complete) return;
      page = out.nextPage;
    }
  }

  /** All passes of batch n; true when the batch halted for a terminate request. */
  async clean(step, record, job, n) {
    let ids = null; // the first pass takes the whole batch from R2
    for (let pass = 0; ids === null || ids.length > 0; pass++) {
      const finalPass = pass === MAX_PASSES - 1;
      const name = pass === 0 ? `batch-${pad(n)}` : `batch-${pad(n)}-pass-${pass}`;
      const out = await step.do(name, STEP, scrubbed(record, (ctx) =>
        cleanBatchPass(this.env, record, job, { n, pass, ids, finalPass, finalAttempt: !(ctx?.attempt <= STEP_RETRIES) }),
      ));
      if (out.halted) return true;
      if (out.deferred.length > 0) await step.sleep(`rate-limited-${pad(n)}-${pass}`, out.retryAfterMs);
      ids = out.deferred;
    }
    return false;
  }
}

/**
 * A step body whose output and failure the platform keeps (and shows a failure in the instance's
 * status) only scrubbed of every secret: the output as the record's scrub leaves it, a failure
 * as `CODE: message`, bounded (a client error's message is upstream text).
 */
function scrubbed(record, body) {
  return async (ctx) => {
    try {
      return record.scrub(await body(ctx));
    } catch (err) {
      const { code, message } = stripError(err);
      throw new Error(`${record.scrub(code)}: ${record.scrub(message)}`);
    }
  };
}

/** The job's options from job.json (the event payload carries only the job id). */
async function loadJob(record) {
  const job = await record.getJson('job.json');
  if (job === null) throw new Error('The job record is missing from JOBS_BUCKET.');
  return { filter: job.filter ?? null, unpublish: job.unpublish === true, dryRun: job.dryRun !== false, createdAt: job.createdAt };
}
