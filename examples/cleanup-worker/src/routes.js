// The remote cleanup API: matching a path to a route, and the three route handlers.
import { intVar, makeClient } from './client.js';
import { stripError } from './errors.js';
import { errorResponse, json } from './http.js';

/** Matches the raw (still percent-encoded) path; ids are decoded per segment. */
export function matchRoute(pathname) {
  const parts = pathname.split('/').slice(1);
  if (parts.length === 1 && parts[0] === 'cleanup') return { name: 'cleanup', method: 'POST' };
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
    route.bad = 'An id in the path is not valid percent-encoding.';
  }
  if (!route.bad && route.ids.some((id) => id === '')) route.bad = 'Ids must not be empty.';
  return route;
}

/** Runs a matched, authorized route with the right method. */
export async function handle(match, request, env) {
  const client = makeClient(env);
  if (match.name === 'delete-agent') return deleteAgent(client, match);
  if (match.name === 'delete-training') return deleteTraining(client, match, request);
  return cleanup(client, request, env); // POST /cleanup
}

async function deleteAgent(client, match) {
  const [agentId] = match.ids;
  const result = await client.deleteAgent(agentId);
  return json(200, { ...result, agentId });
}

async function deleteTraining(client, match, request) {
  const [agentId, trainingId] = match.ids;
  const republish = new URL(request.url).searchParams.get('republish') === 'true';
  const result = await client.deleteTraining(agentId, trainingId, { republish });
  if (result.republishError) result.republishError = stripError(result.republishError);
  return json(200, { ...result, agentId, trainingId });
}

async function cleanup(client, request, env) {
  const body = await readJson(request);
  if (body instanceof Response) return body;
  const { agentIds, unpublish = false, dryRun = false, concurrency } = body;
  const maxIds = intVar(env.CLEANUP_MAX_IDS, 100);
  if (!Array.isArray(agentIds) || agentIds.length === 0 || !agentIds.every((id) => typeof id === 'string')) {
    return errorResponse(400, 'INVALID_ARGUMENT', 'agentIds must be a non-empty array of strings.');
  }
  if (agentIds.length > maxIds) {
    // Each agent costs several subrequests; keep one invocation within the Workers limits.
    return errorResponse(400, 'INVALID_ARGUMENT', `At most ${maxIds} agentIds per request.`);
  }
  if (typeof unpublish !== 'boolean' || typeof dryRun !== 'boolean') {
    return errorResponse(400, 'INVALID_ARGUMENT', 'unpublish and dryRun must be booleans.');
  }
  const options = { unpublish, dryRun };
  if (concurrency !== undefined) options.concurrency = concurrency;
  const report = await client.cleanupAgents(agentIds, options);
  return json(200, publicReport(report));
}

/** The JSON body as an object, or an error Response saying what is wrong with it. */
async function readJson(request) {
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    return errorResponse(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.');
  }
  let body;
  try {
    body = JSON.parse(await request.text());
  } catch {
    return errorResponse(400, 'INVALID_ARGUMENT', 'The body is not valid JSON.');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return errorResponse(400, 'INVALID_ARGUMENT', 'The body must be a JSON object.');
  }
  return body;
}

function publicReport(report) {
  return {
    deleted: report.deleted,
    skipped: report.skipped,
    failed: report.failed,
    planned: report.planned,
    results: report.results.map((r) => ({ ...r, error: r.error ? stripError(r.error) : null })),
  };
}
