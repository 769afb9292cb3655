// The remote cleanup API: matching a path to a route, and the three route handlers. Every
// success body is built from explicit fields (a client result is never spread into it) and
// says how many subrequests the call used: `subrequests: { used, budget }`.
import { cleanupWithinBudget } from './cleanup.js';
import { makeClient } from './client.js';
import { intSetting } from './config.js';
import { stripError, workerError } from './errors.js';
import { json } from './http.js';
import { handleJob, matchJobRoute } from './jobs/routes.js';
import { cleanupRequest, idProblem, readJson } from './request.js';

/** Matches the raw (still percent-encoded) path; ids are decoded per segment. */
export function matchRoute(pathname) {
  const parts = pathname.split('/').slice(1);
  if (parts.length === 1 && parts[0] === 'cleanup') return { name: 'cleanup', method: 'POST' };
  if (parts[0] === 'jobs') return matchJobRoute(parts);
  if (parts[0] !== 'agents') return null;
  if (parts.length === 2) return withIds({ name: 'delete-agent', method: 'DELETE' }, parts[1]);
  if (parts.length === 4 && parts[2] === 'trainings') {
    return withIds({ name: 'delete-training', method: 'DELETE' }, parts[1], parts[3]);
  }
  return null;
}

function withIds(route, ...segments) {
  try {
    route.ids = segments.map((s) => decodeURIComponent(s));
  } catch {
    route.bad = 'An id in the path is not valid percent-encoding of UTF-8.';
    return route;
  }
  const problem = route.ids.map(idProblem).find((p) => p !== null);
  if (problem) route.bad = `Every id must be ${problem}`;
  return route;
}

/** Runs a matched, authorized route with the right method; `state.meter` is set for failure(). */
export async function handle(match, request, env, state) {
  if (match.name.startsWith('job-')) return handleJob(match, request, env);
  const { client, meter } = makeClient(env);
  state.meter = meter;
  if (match.name === 'delete-agent') return deleteAgent(client, meter, match);
  if (match.name === 'delete-training') return deleteTraining(client, meter, match, request);
  return cleanup(client, meter, request, env); // POST /cleanup
}

/** Refuses, before sending anything, work whose worst case does not fit the budget. */
function reserve(meter, requests) {
  if (!meter.fits(requests)) {
    const need = requests * meter.attempts;
    throw workerError('SUBREQUEST_BUDGET', 503, `This call may need ${need} subrequests; SUBREQUEST_BUDGET is ${meter.budget}.`);
  }
}

function deleteResult(result) {
  return {
    success: true,
    message: String(result.message),
    alreadyDeleted: result.alreadyDeleted === true,
    requestId: typeof result.requestId === 'string' ? result.requestId : null,
  };
}

async function deleteAgent(client, meter, match) {
  const [agentId] = match.ids;
  reserve(meter, 1);
  const result = await client.deleteAgent(agentId, { signal: meter.signal });
  return json(200, { ...deleteResult(result), agentId, subrequests: meter });
}

async function deleteTraining(client, meter, match, request) {
  const [agentId, trainingId] = match.ids;
  const republish = new URL(request.url).searchParams.get('republish') === 'true';
  reserve(meter, republish ? 3 : 1); // read the agent, delete, publish again
  const result = await client.deleteTraining(agentId, trainingId, { republish, signal: meter.signal });
  const body = { ...deleteResult(result), agentId, trainingId };
  if (republish) {
    body.republished = result.republished === true;
    body.republishError = stripError(result.republishError);
  }
  return json(200, { ...body, subrequests: meter });
}

async function cleanup(client, meter, request, env) {
  const maxIds = intSetting(env, 'CLEANUP_MAX_IDS');
  const body = await readJson(request);
  if (body instanceof Response) return body;
  const parsed = cleanupRequest(body, maxIds);
  if (parsed instanceof Response) return parsed;
  const report = await cleanupWithinBudget(client, meter, parsed.agentIds, { ...parsed.options, backup: true });
  return json(200, { ...report, subrequests: meter });
}
