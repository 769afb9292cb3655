// The scheduled cleanup (cron trigger): each run starts a durable cleanup job (the CleanupJob
// Workflow, see jobs/) for its rule, sandbox drafts created more than CLEANUP_MAX_AGE_DAYS
// before the run, and logs one JSON line naming the job. The job has no size limit of its own:
// it pages through every agent and cleans them in batches sized to the subrequest budget.
// Deleting needs CLEANUP_DRY_RUN to be exactly "false": anything else starts a dry-run job.
import { DAY_MS, cronDryRun, maxAgeDays } from './config.js';
import { asError, stripError } from './errors.js';
import { startJob } from './jobs/routes.js';

export async function scheduledCleanup(controller, env, log) {
  const started = Date.now();
  const now = Number(controller.scheduledTime) || Date.now();
  const { dryRun, source } = cronDryRun(env);
  const summary = {
    cron: typeof controller.cron === 'string' ? controller.cron : null,
    scheduledTime: new Date(now).toISOString(),
    rule: null,
    dryRun,
    dryRunSetting: source,
    jobId: null,
  };
  try {
    await startCronJob(env, now, summary);
    summary.ok = true;
  } catch (err) {
    summary.ok = false;
    summary.error = stripError(asError(err));
  }
  summary.ms = Date.now() - started;
  log('talkover.scheduled_cleanup', summary);
  if (summary.error) {
    // Mark the cron invocation as failed in the dashboard; the summary line says why.
    throw new Error(`scheduled cleanup failed: ${summary.error.code}`);
  }
}

/** Starts the job of this run (one per scheduled time: its id says which), filling in `summary`. */
async function startCronJob(env, now, summary) {
  const days = maxAgeDays(env);
  summary.rule = { status: 'draft', isSandbox: true, maxAgeDays: days, createdBefore: new Date(now - days * DAY_MS).toISOString() };
  const jobId = `cron-${new Date(now).toISOString().replace(/[-:.]/g, '')}`;
  const filter = { status: 'draft', sandbox: true, olderThanDays: days };
  const job = await startJob(env, { jobId, filter, agentIds: null, unpublish: false, dryRun: summary.dryRun, source: 'cron', createdAt: new Date(now).toISOString() });
  summary.jobId = job.jobId;
  summary.status = job.status;
}
