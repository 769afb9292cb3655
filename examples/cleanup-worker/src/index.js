// Talkover cleanup Worker: a remote cleanup API and a scheduled cleanup of stale sandbox drafts,
// built on talkover-client (which wrangler resolves to its `workerd` entry: the .wasm is bundled
// as a separate module and instantiated synchronously at import, no init call).
//
// Secrets (wrangler secret put):  TALKOVER_TOKEN  the Talkover environment token; stays here.
//                                 CALLER_SECRET   what callers present as `Authorization: Bearer`.
// Vars (wrangler.toml [vars]):    TALKOVER_BASE_URL, ALLOWED_ORIGIN, CLEANUP_MAX_AGE_DAYS,
//                                 CLEANUP_DRY_RUN, CLEANUP_MAX_IDS, SUBREQUEST_BUDGET,
//                                 TALKOVER_TIMEOUT_MS, TALKOVER_MAX_RETRIES, JOB_CONCURRENCY,
//                                 JOB_BATCH_MAX.
// Bindings:                       CLEANUP_JOB (the CleanupJob Workflow), JOBS_BUCKET (R2).
//
// This module is the entry: the request pipeline (CORS, auth, routing, logging, the secret
// scrub every response and log line passes) and the cron hook. Routes live in routes.js (the
// budgeted cleanup in cleanup.js, body checks in request.js), auth and CORS in auth.js, error
// mapping in errors.js, settings in config.js, the client in client.js, the subrequest budget in
// budget.js, the cron (which starts a job) in scheduled.js, response and log helpers in
// http.js, the scrub in scrub.js. Durable cleanup jobs (routes, Workflow, R2 record) are in jobs/.
//
// Nothing mutable lives at module scope: a TalkoverClient is made per request / per job step
// (the cron event only starts a job).
import { callerAuthorized, corsHeaders, preflight } from './auth.js';
import { stringSetting } from './config.js';
import { failure } from './errors.js';
import { errorResponse, outlet } from './http.js';
import { handle, matchRoute } from './routes.js';
import { scheduledCleanup } from './scheduled.js';

export { CleanupJob } from './jobs/workflow.js';

const secretsOf = (env) => [stringSetting(env, 'TALKOVER_TOKEN'), stringSetting(env, 'CALLER_SECRET')];

export default {
  async fetch(request, env, ctx) {
    const started = Date.now();
    const out = outlet(secretsOf(env));
    const cors = corsHeaders(request, env);
    const state = { meter: null };
    let response;
    let route = 'unmatched';
    try {
      const match = matchRoute(new URL(request.url).pathname);
      route = match?.name ?? 'unmatched';
      response = await respond(request, env, cors, match, state);
    } catch (err) {
      response = failure(err, out.log, state.meter);
    }
    for (const [k, v] of Object.entries(cors)) response.headers.set(k, v);
    out.log('talkover.request', {
      method: request.method,
      route,
      status: response.status,
      code: response.headers.get('x-error-code'),
      subrequests: state.meter?.toJSON() ?? null,
      ms: Date.now() - started,
    });
    response.headers.delete('x-error-code');
    return out.response(response);
  },

  async scheduled(controller, env, ctx) {
    await scheduledCleanup(controller, env, outlet(secretsOf(env)).log);
  },
};

/** Preflight, then caller auth, then the route checks, then the handler. */
async function respond(request, env, cors, match, state) {
  if (request.method === 'OPTIONS') return preflight(request, env, cors, match);
  if (!(await callerAuthorized(request, env))) {
    return errorResponse(401, 'UNAUTHENTICATED', 'Missing or wrong caller secret (Authorization: Bearer ...).', null, {
      'www-authenticate': 'Bearer realm="talkover-cleanup"',
    });
  }
  if (!match) {
    return errorResponse(404, 'ROUTE_NOT_FOUND', 'No such route. Routes: DELETE /agents/:id, DELETE /agents/:id/trainings/:tid, POST /cleanup, POST /jobs, GET /jobs/:id, GET /jobs/:id/report, GET /jobs/:id/backup, POST /jobs/:id/pause|resume|terminate.');
  }
  if (match.bad) return errorResponse(400, 'INVALID_ARGUMENT', match.bad);
  if (request.method !== match.method) {
    return errorResponse(405, 'METHOD_NOT_ALLOWED', `Use ${match.method} for this route.`, null, {
      allow: `${match.method}, OPTIONS`,
    });
  }
  return handle(match, request, env, state);
}
