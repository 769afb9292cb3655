// client.cleanupAgents under the subrequest budget, for POST /cleanup. The
// distinct ids run in batches: each batch is as many agents as fit what is left of the budget
// at the worst case of every step of every agent (retries, the restore of a failed delete and
// the reads after lost answers included), so an agent is only started when it can be finished. Ids that do not fit are
// `skipped` with reason SUBREQUEST_BUDGET and listed in `remaining`, never dropped.
import { BUDGET_REASON, budgetSkip } from './budget.js';
import { stripError } from './errors.js';

/** The report: `{ deleted, skipped, failed, planned, results, remaining }`, results in input order. */
export async function cleanupWithinBudget(client, meter, agentIds, options) {
  const ids = [...new Set(agentIds)];
  await validate(client, ids, options);
  const results = new Map();
  let next = 0;
  while (next < ids.length && !meter.signal.aborted) {
    const fit = Math.min(ids.length - next, meter.agentsThatFit(options));
    if (fit < 1) break;
    const batch = ids.slice(next, next + fit);
    next += fit;
    const report = await client.cleanupAgents(batch, { ...options, signal: meter.signal });
    for (const r of report.results) results.set(r.agentId, publicResult(r, meter));
  }
  return summarize(ids.map((id) => results.get(id) ?? budgetSkip(id)));
}

/**
 * Has the client check every id and option before anything is sent: with an aborted signal it
 * validates, then reports each agent skipped without a request. A client that refuses an
 * aborted signal before validating is fine too (the Worker checked the ids itself).
 */
async function validate(client, ids, options) {
  try {
    await client.cleanupAgents(ids, { ...options, signal: AbortSignal.abort() });
  } catch (err) {
    if (err?.code !== 'ABORTED') throw err;
  }
}

/**
 * A result of the client as a report line: explicit fields (never spread: nothing unexpected
 * passes), the error reduced to `{ code, message, status }`. The jobs' reports use it too.
 */
export function resultLine(r) {
  return {
    agentId: String(r.agentId),
    outcome: String(r.outcome),
    reason: typeof r.reason === 'string' ? r.reason : null,
    unpublished: r.unpublished === true,
    error: stripError(r.error),
  };
}

/** A report line with the backup, and the budget named as the reason it stopped an agent. */
function publicResult(r, meter) {
  const { error, ...line } = resultLine(r);
  if (meter.refused > 0 && line.reason === 'ABORTED') line.reason = BUDGET_REASON;
  const backup = r.backup ? { agent: r.backup.agent ?? null, trainings: r.backup.trainings ?? null } : null;
  return { ...line, backup, error };
}

function summarize(results) {
  const count = (outcome) => results.filter((r) => r.outcome === outcome).length;
  const remaining = results.filter((r) => r.reason === BUDGET_REASON && !r.unpublished).map((r) => r.agentId);
  return {
    deleted: count('deleted'),
    skipped: count('skipped'),
    failed: count('failed'),
    planned: count('planned'),
    results,
    remaining,
  };
}
