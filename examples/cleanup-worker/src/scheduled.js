// The scheduled cleanup (cron trigger): sandbox drafts older than CLEANUP_MAX_AGE_DAYS, oldest
// first, at most CLEANUP_MAX_PER_RUN per run, within SUBREQUEST_BUDGET (the listing stops while
// the budget still has room to clean what it found); one JSON summary line per run. Deleting
// needs CLEANUP_DRY_RUN to be exactly "false": anything else is a dry run.
import { Meter } from './budget.js';
import { cleanupWithinBudget } from './cleanup.js';
import { makeClient } from './client.js';
import { cronDryRun, intSetting, maxAgeDays } from './config.js';
import { asError, stripError } from './errors.js';
import { idProblem } from './request.js';

const DAY_MS = 86_400_000;
const PER_PAGE = 100;

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
  const days = maxAgeDays(env);
  const maxPerRun = intSetting(env, 'CLEANUP_MAX_PER_RUN');
  const cutoff = now - days * DAY_MS;
  summary.rule = { status: 'draft', isSandbox: true, maxAgeDays: days, createdBefore: new Date(cutoff).toISOString() };
  const { client, meter } = makeClient(env);
  summary.subrequests = meter;
  const options = { dryRun: summary.dryRun, unpublish: false, backup: true, concurrency: 4 };
  const keep = Math.min(maxPerRun, Math.floor(meter.budget / (Meter.agentSteps(options) * meter.attempts)));
  const { candidates, listing } = await staleDrafts(client, meter, cutoff, { options, keep });
  const batch = candidates.slice(0, maxPerRun).map((c) => c.id);
  summary.listing = listing;
  summary.matched = candidates.length;
  summary.remaining = candidates.length - batch.length;
  const report = await cleanupWithinBudget(client, meter, batch, options);
  Object.assign(summary, reportSummary(report));
  summary.subrequests = meter.toJSON();
  summary.ok = report.failed === 0;
}

/**
 * Sandbox drafts created before `cutoff`, oldest first, from as many list pages as the budget
 * allows: the next page is read only when, after it, the budget can still clean every candidate
 * found so far (up to `keep`) plus one more. `listing` says how far it got.
 */
async function staleDrafts(client, meter, cutoff, { options, keep }) {
  const agentCost = Meter.agentSteps(options);
  const candidates = [];
  const listing = { pages: 0, complete: false, stoppedBy: null, unusableIds: 0 };
  for (let page = 1; ; page++) {
    const reserve = Math.min(candidates.length + 1, Math.max(keep, 1)) * agentCost;
    if (!meter.fits(1 + reserve)) {
      listing.stoppedBy = 'SUBREQUEST_BUDGET';
      break;
    }
    const { data, meta } = await client.listAgents({ status: 'draft', perPage: PER_PAGE, page, signal: meter.signal });
    listing.pages = page;
    for (const agent of Array.isArray(data) ? data : []) listing.unusableIds += collect(agent, cutoff, candidates);
    if (!Array.isArray(data) || data.length === 0 || !meta || !(page < meta.last_page)) {
      listing.complete = true;
      break;
    }
  }
  candidates.sort((a, b) => a.created - b.created); // oldest first when capped
  return { candidates, listing };
}

/** Adds `agent` to `candidates` if the rule matches; 1 when it matches but its id is unusable. */
function collect(agent, cutoff, candidates) {
  const created = Date.parse(agent?.created_at);
  // Re-check the status too: the rule must hold even if a filter were ignored upstream.
  if (!(agent?.is_sandbox === true && agent.current_status === 'draft' && created < cutoff)) return 0;
  // An id the Worker would refuse (not a string, empty, "..", lone surrogate) must not fail the run.
  if (idProblem(agent.id) !== null) return 1;
  candidates.push({ id: agent.id, created });
  return 0;
}

function reportSummary(report) {
  const pick = (outcome) => report.results.filter((r) => r.outcome === outcome);
  return {
    deleted: report.deleted,
    skipped: report.skipped,
    failed: report.failed,
    planned: report.planned,
    deletedIds: pick('deleted').map((r) => r.agentId),
    plannedIds: pick('planned').map((r) => r.agentId),
    skippedIds: pick('skipped').map((r) => ({ id: r.agentId, reason: r.reason })),
    failedIds: pick('failed').map((r) => ({ id: r.agentId, code: r.error?.code ?? r.reason })),
  };
}
