// The scheduled cleanup (cron trigger): sandbox drafts older than CLEANUP_MAX_AGE_DAYS, oldest
// first, at most CLEANUP_MAX_PER_RUN per run; one JSON summary line per run.
import { intVar, makeClient } from './client.js';
import { asError, configError, stripError } from './errors.js';
import { log } from './http.js';

const DAY_MS = 86_400_000;
const EMPTY_REPORT = Object.freeze({ results: [], deleted: 0, skipped: 0, failed: 0, planned: 0 });

export async function scheduledCleanup(controller, env) {
  const started = Date.now();
  const now = Number(controller.scheduledTime) || Date.now();
  const summary = {
    cron: controller.cron ?? null,
    scheduledTime: new Date(now).toISOString(),
    rule: null,
    dryRun: env.CLEANUP_DRY_RUN === 'true',
  };
  try {
    await cleanStaleDrafts(env, now, summary);
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

/** Finds and cleans up the stale drafts, filling in `summary` as it goes. */
async function cleanStaleDrafts(env, now, summary) {
  const maxAgeDays = Number(env.CLEANUP_MAX_AGE_DAYS ?? 30);
  if (!Number.isFinite(maxAgeDays) || maxAgeDays <= 0) {
    // Refuse rather than guess: a bad value must never widen what gets deleted.
    throw configError('CLEANUP_MAX_AGE_DAYS must be a number of days greater than 0.');
  }
  const maxPerRun = intVar(env.CLEANUP_MAX_PER_RUN, 50);
  const cutoff = now - maxAgeDays * DAY_MS;
  summary.rule = { status: 'draft', isSandbox: true, maxAgeDays, createdBefore: new Date(cutoff).toISOString() };

  const client = makeClient(env);
  const candidates = await staleDrafts(client, cutoff);
  const batch = candidates.slice(0, maxPerRun).map((c) => c.id);
  summary.matched = candidates.length;
  summary.remaining = candidates.length - batch.length;

  const report = batch.length
    ? await client.cleanupAgents(batch, { dryRun: summary.dryRun, unpublish: false, concurrency: 4 })
    : EMPTY_REPORT;
  Object.assign(summary, reportSummary(report));
  summary.ok = report.failed === 0;
}

/** Sandbox drafts created before `cutoff`, oldest first. */
async function staleDrafts(client, cutoff) {
  const candidates = [];
  for await (const agent of client.agents({ status: 'draft', perPage: 100 })) {
    const created = Date.parse(agent.created_at);
    // Re-check the status too: the rule must hold even if a filter were ignored upstream.
    if (agent.is_sandbox === true && agent.current_status === 'draft' && Number.isFinite(created) && created < cutoff) {
      candidates.push({ id: agent.id, created });
    }
  }
  candidates.sort((a, b) => a.created - b.created); // oldest first when capped
  return candidates;
}

function reportSummary(report) {
  return {
    deleted: report.deleted,
    skipped: report.skipped,
    failed: report.failed,
    planned: report.planned,
    deletedIds: idsWith(report, 'deleted'),
    plannedIds: idsWith(report, 'planned'),
    skippedIds: report.results.filter((r) => r.outcome === 'skipped').map((r) => ({ id: r.agentId, reason: r.reason })),
    failedIds: report.results
      .filter((r) => r.outcome === 'failed')
      .map((r) => ({ id: r.agentId, code: r.error?.code ?? r.reason })),
  };
}

function idsWith(report, outcome) {
  return report.results.filter((r) => r.outcome === outcome).map((r) => r.agentId);
}
