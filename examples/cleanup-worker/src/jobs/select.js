// Selecting a job's agents and cutting them into batches. A filter job pages through the list
// API, as many pages per step as the step's subrequest budget allows (retries counted), and
// keeps the agents the filter matches (checked again here, whatever the API did with it); the
// matched ids go to R2, the step returns where to go on. A matched agent whose id the job cannot
// send back is reported skipped at once, never silently dropped. The plan then cuts the distinct
// ids into batches sized so that every agent of a batch can finish within one step's budget.
import { Meter } from '../budget.js';
import { makeClient } from '../client.js';
import { DAY_MS, intSetting } from '../config.js';
import { configError } from '../errors.js';
import { MAX_ID_LENGTH, idProblem } from '../request.js';
import { pad } from './record.js';

const PER_PAGE = 100;
const MAX_PAGES_PER_STEP = 20;

/** Reads list pages from `page` on; `{ nextPage, complete }`. */
export async function selectPages(env, record, job, page) {
  const { client, meter } = makeClient(env);
  const pages = Math.min(MAX_PAGES_PER_STEP, Math.floor(meter.budget / meter.attempts));
  if (pages < 1) throw new Error(`SUBREQUEST_BUDGET ${meter.budget} cannot fit one list page in a step.`);
  const matched = [];
  const unaddressable = [];
  let complete = false;
  let next = page;
  for (; next < page + pages && !complete; next++) {
    const query = { perPage: PER_PAGE, page: next, signal: meter.signal };
    if (job.filter.status !== undefined) query.status = job.filter.status;
    if (job.filter.search !== undefined) query.search = job.filter.search;
    const { data, meta } = await client.listAgents(query);
    const agents = Array.isArray(data) ? data : [];
    for (const agent of agents) {
      if (!matches(agent, job)) continue;
      if (usable(agent.id, record)) matched.push(agent.id);
      else unaddressable.push(skippedLine(agent.id));
    }
    complete = agents.length === 0 || !meta || !(next < meta.last_page);
  }
  await record.putJson(`selection/${pad(page)}.json`, matched);
  if (unaddressable.length > 0) await record.putJson(`unaddressable/${pad(page)}.json`, unaddressable);
  return { nextPage: next, complete };
}

/** Whether `agent` is one the job's filter selects. */
function matches(agent, job) {
  const { status, sandbox, olderThanDays, search } = job.filter;
  if (agent === null || typeof agent !== 'object') return false;
  if (status !== undefined && agent.current_status !== status) return false;
  if (sandbox !== undefined && agent.is_sandbox !== sandbox) return false;
  if (olderThanDays !== undefined && !(Date.parse(agent.created_at) < Date.parse(job.createdAt) - olderThanDays * DAY_MS)) return false;
  if (search !== undefined) {
    const needle = search.toLowerCase();
    if (![agent.name, agent.label].some((s) => typeof s === 'string' && s.toLowerCase().includes(needle))) return false;
  }
  return true;
}

/**
 * An id the job can send and store: a valid id that no redaction touched (the client redacts a
 * secret inside any string it returns, so such an id no longer names the agent it came from).
 */
function usable(id, record) {
  return idProblem(id) === null && !id.includes('[redacted') && record.scrub(id) === id;
}

/**
 * The report line of an agent the list API returned with an id the job cannot send back. Its id
 * is shown as the client returned it (a secret in it already redacted; the record scrubs the
 * caller's), at most MAX_ID_LENGTH characters.
 */
function skippedLine(id) {
  const shown = (typeof id === 'string' ? id : String(JSON.stringify(id))).slice(0, MAX_ID_LENGTH);
  const message = `The list API returned this agent with an id the job cannot send back (not a non-empty, well-formed string of at most ${MAX_ID_LENGTH} characters other than "." and "..", or holding a secret); nothing was sent for it.`;
  return { agentId: shown, outcome: 'skipped', reason: 'INVALID_ARGUMENT', unpublished: false, error: { code: 'INVALID_ARGUMENT', message, status: null } };
}

/**
 * How many agents' worst cases (every step, every retry) fit one step's SUBREQUEST_BUDGET.
 * Throws WORKER_MISCONFIGURED when not one does: no step could clean (or select) anything, and
 * the job would never end. startJob checks it before a job starts.
 */
export function agentsPerStep(env, job) {
  const meter = new Meter(intSetting(env, 'SUBREQUEST_BUDGET'), intSetting(env, 'TALKOVER_MAX_RETRIES'));
  const fit = meter.agentsThatFit(job);
  if (fit < 1) throw configError(`SUBREQUEST_BUDGET ${meter.budget} cannot fit one agent's worst case in a job step.`);
  return fit;
}

/** Cuts the selection into batches in R2; `{ selected, batches, batchSize }`. */
export async function planBatches(env, record, job) {
  const ids = [...new Set(await selectedIds(record, job))];
  const skipped = await unaddressableLines(record);
  if (skipped.length > 0) await record.putReport('report/selection.ndjson', skipped);
  const batchSize = Math.min(agentsPerStep(env, job), intSetting(env, 'JOB_BATCH_MAX'));
  let batches = 0;
  for (let at = 0; at < ids.length; at += batchSize) {
    await record.putJson(`batches/${pad(batches++)}.json`, ids.slice(at, at + batchSize));
  }
  const plan = { selected: ids.length + skipped.length, batches, batchSize };
  await record.putJson('plan.json', plan);
  return plan;
}

/** The select steps' lines of agents they could not address, one per distinct id. */
async function unaddressableLines(record) {
  const lines = new Map();
  for (const object of await record.list('unaddressable/')) {
    for (const line of (await record.getJson(object.key.slice(record.prefix.length))) ?? []) lines.set(line.agentId, line);
  }
  return [...lines.values()];
}

async function selectedIds(record, job) {
  if (job.filter === null) return (await record.getJson('ids.json')) ?? [];
  const ids = [];
  for (const object of await record.list('selection/')) {
    ids.push(...((await record.getJson(object.key.slice(record.prefix.length))) ?? []));
  }
  return ids;
}
