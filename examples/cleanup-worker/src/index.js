// Talkover cleanup Worker: a remote cleanup API and a scheduled cleanup of stale sandbox drafts,
// built on talkover-client (which wrangler resolves to its `workerd` entry: the .wasm is bundled
// as a separate module and instantiated synchronously at import, no init call).
//
// Secrets (wrangler secret put):  TALKOVER_TOKEN  the Talkover environment token; stays here.
//                                 CALLER_SECRET   what callers present as `Authorization: Bearer`.
// Vars (wrangler.toml [vars]):    TALKOVER_BASE_URL, ALLOWED_ORIGIN, CLEANUP_MAX_AGE_DAYS,
//                                 CLEANUP_DRY_RUN, CLEANUP_MAX_PER_RUN, CLEANUP_MAX_IDS,
//                                 TALKOVER_TIMEOUT_MS, TALKOVER_MAX_RETRIES.
//
// Nothing mutable lives at module scope: a TalkoverClient is made per request / per cron event.
import { TalkoverClient, isTalkoverError } from 'talkover-client';

const DAY_MS = 86_400_000;

/** HTTP status this Worker answers with for each TalkoverError code. */
const STATUS_BY_CODE = Object.freeze({
  AGENT_NOT_FOUND: 404,
  TRAINING_NOT_FOUND: 404,
  NOT_FOUND: 404,
  // The API rejected *this Worker's* TALKOVER_TOKEN. The caller authenticated fine (its
  // CALLER_SECRET was checked before), so this is not a 401/403 for them: it is our server's
  // configuration failing upstream, which they cannot fix. 502 (bad gateway) says exactly that
  // and lands in 5xx alerting, where an operator rotating the secret will see it.
  INVALID_TOKEN: 502,
  UNAUTHORIZED: 403,
  AGENT_HAS_ACTIVE_CALLS: 409,
  AGENT_IS_PUBLISHED: 409,
  CONFLICT: 409,
  VALIDATION_ERROR: 422,
  RATE_LIMITED: 429,
  SERVER_ERROR: 502, // 503 upstream is passed on as 503 (see statusFor)
  HTTP_ERROR: 502,
  NETWORK_ERROR: 502,
  INVALID_RESPONSE: 502,
  TIMEOUT: 504,
  ABORTED: 503,
  INVALID_ARGUMENT: 400,
});

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
const ALLOWED_METHODS = 'DELETE, POST, OPTIONS';

export default {
  async fetch(request, env, ctx) {
    const started = Date.now();
    const cors = corsHeaders(request, env);
    let response;
    let route = 'unmatched';
    try {
      const url = new URL(request.url);
      const match = matchRoute(url.pathname);
      route = match?.name ?? 'unmatched';
      if (request.method === 'OPTIONS') {
        response = preflight(request, env, cors, match);
      } else if (!(await callerAuthorized(request, env))) {
        response = errorResponse(401, 'UNAUTHENTICATED', 'Missing or wrong caller secret (Authorization: Bearer ...).', null, {
          'www-authenticate': 'Bearer realm="talkover-cleanup"',
        });
      } else if (!match) {
        response = errorResponse(404, 'ROUTE_NOT_FOUND', 'No such route. Routes: DELETE /agents/:id, DELETE /agents/:id/trainings/:tid, POST /cleanup.');
      } else if (match.bad) {
        response = errorResponse(400, 'INVALID_ARGUMENT', match.bad);
      } else if (request.method !== match.method) {
        response = errorResponse(405, 'METHOD_NOT_ALLOWED', `Use ${match.method} for this route.`, null, {
          allow: `${match.method}, OPTIONS`,
        });
      } else {
        response = await handle(match, request, env);
      }
    } catch (err) {
      response = failure(err);
    }
    for (const [k, v] of Object.entries(cors)) response.headers.set(k, v);
    log('talkover.request', {
      method: request.method,
      route,
      status: response.status,
      code: response.headers.get('x-error-code'),
      ms: Date.now() - started,
    });
    response.headers.delete('x-error-code');
    return response;
  },

  async scheduled(controller, env, ctx) {
    await scheduledCleanup(controller, env);
  },
};

// ---------------------------------------------------------------------------------------------
// Routing

/** Matches the raw (still percent-encoded) path; ids are decoded per segment. */
function matchRoute(pathname) {
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

async function handle(match, request, env) {
  const client = makeClient(env);
  if (match.name === 'delete-agent') {
    const [agentId] = match.ids;
    const result = await client.deleteAgent(agentId);
    return json(200, { ...result, agentId });
  }
  if (match.name === 'delete-training') {
    const [agentId, trainingId] = match.ids;
    const republish = new URL(request.url).searchParams.get('republish') === 'true';
    const result = await client.deleteTraining(agentId, trainingId, { republish });
    if (result.republishError) result.republishError = stripError(result.republishError);
    return json(200, { ...result, agentId, trainingId });
  }
  // POST /cleanup
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

// ---------------------------------------------------------------------------------------------
// Scheduled cleanup: sandbox drafts older than CLEANUP_MAX_AGE_DAYS.

async function scheduledCleanup(controller, env) {
  const started = Date.now();
  const now = Number(controller.scheduledTime) || Date.now();
  const summary = {
    cron: controller.cron ?? null,
    scheduledTime: new Date(now).toISOString(),
    rule: null,
    dryRun: env.CLEANUP_DRY_RUN === 'true',
  };
  try {
    const maxAgeDays = Number(env.CLEANUP_MAX_AGE_DAYS ?? 30);
    if (!Number.isFinite(maxAgeDays) || maxAgeDays <= 0) {
      // Refuse rather than guess: a bad value must never widen what gets deleted.
      throw configError('CLEANUP_MAX_AGE_DAYS must be a number of days greater than 0.');
    }
    const maxPerRun = intVar(env.CLEANUP_MAX_PER_RUN, 50);
    const cutoff = now - maxAgeDays * DAY_MS;
    summary.rule = { status: 'draft', isSandbox: true, maxAgeDays, createdBefore: new Date(cutoff).toISOString() };

    const client = makeClient(env);
    const candidates = [];
    for await (const agent of client.agents({ status: 'draft', perPage: 100 })) {
      const created = Date.parse(agent.created_at);
      // Re-check the status too: the rule must hold even if a filter were ignored upstream.
      if (agent.is_sandbox === true && agent.current_status === 'draft' && Number.isFinite(created) && created < cutoff) {
        candidates.push({ id: agent.id, created });
      }
    }
    candidates.sort((a, b) => a.created - b.created); // oldest first when capped
    const batch = candidates.slice(0, maxPerRun).map((c) => c.id);
    summary.matched = candidates.length;
    summary.remaining = candidates.length - batch.length;

    const report = batch.length
      ? await client.cleanupAgents(batch, { dryRun: summary.dryRun, unpublish: false, concurrency: 4 })
      : { results: [], deleted: 0, skipped: 0, failed: 0, planned: 0 };
    Object.assign(summary, {
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
    });
    summary.ok = report.failed === 0;
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

function idsWith(report, outcome) {
  return report.results.filter((r) => r.outcome === outcome).map((r) => r.agentId);
}

// ---------------------------------------------------------------------------------------------
// Client, auth, CORS, errors

function makeClient(env) {
  if (typeof env.TALKOVER_TOKEN !== 'string' || env.TALKOVER_TOKEN === '') {
    throw configError('TALKOVER_TOKEN is not set (wrangler secret put TALKOVER_TOKEN).');
  }
  const options = {
    token: env.TALKOVER_TOKEN,
    timeoutMs: intVar(env.TALKOVER_TIMEOUT_MS, 10_000),
    maxRetries: intVar(env.TALKOVER_MAX_RETRIES, 2),
  };
  if (env.TALKOVER_BASE_URL) options.baseUrl = env.TALKOVER_BASE_URL;
  try {
    return new TalkoverClient(options);
  } catch (err) {
    // Bad token format or base URL: our configuration, not the caller's request.
    throw configError(`Worker configuration rejected by talkover-client: ${asError(err).message}`);
  }
}

function configError(message) {
  const err = new Error(message);
  err.code = 'WORKER_MISCONFIGURED';
  err.httpStatus = 500;
  return err;
}

async function callerAuthorized(request, env) {
  const secret = typeof env.CALLER_SECRET === 'string' ? env.CALLER_SECRET.trim() : '';
  if (secret.length === 0) return false; // fail closed: no secret configured, nobody gets in
  const header = request.headers.get('authorization') ?? '';
  const m = /^Bearer[ ]+(\S.*)$/i.exec(header);
  if (!m) return false;
  // Compare fixed-length digests so neither the length nor a prefix of the secret leaks through
  // timing; timingSafeEqual where the runtime has it (workerd), an XOR loop otherwise.
  const enc = new TextEncoder();
  const [a, b] = await Promise.all([
    crypto.subtle.digest('SHA-256', enc.encode(m[1].trim())),
    crypto.subtle.digest('SHA-256', enc.encode(secret)),
  ]);
  if (typeof crypto.subtle.timingSafeEqual === 'function') return crypto.subtle.timingSafeEqual(a, b);
  const x = new Uint8Array(a);
  const y = new Uint8Array(b);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
  return diff === 0;
}

function corsHeaders(request, env) {
  const origin = request.headers.get('origin');
  const allowed = (env.ALLOWED_ORIGIN ?? '').trim();
  const headers = { vary: 'Origin' };
  if (origin && allowed && origin === allowed) {
    headers['access-control-allow-origin'] = origin;
    headers['access-control-expose-headers'] = 'Retry-After, X-Request-Id';
  }
  return headers;
}

function preflight(request, env, cors, match) {
  if (!cors['access-control-allow-origin'] || !request.headers.get('access-control-request-method')) {
    return errorResponse(403, 'CORS_ORIGIN_NOT_ALLOWED', 'Cross-origin requests are only allowed from ALLOWED_ORIGIN.');
  }
  if (!match) return errorResponse(404, 'ROUTE_NOT_FOUND', 'No such route.');
  return new Response(null, {
    status: 204,
    headers: {
      'access-control-allow-methods': ALLOWED_METHODS,
      'access-control-allow-headers': 'Authorization, Content-Type',
      'access-control-max-age': '600',
    },
  });
}

function statusFor(err) {
  if (err.code === 'SERVER_ERROR' && err.status === 503) return 503;
  return STATUS_BY_CODE[err.code] ?? 502;
}

function failure(thrown) {
  const err = asError(thrown);
  if (err.code === 'WORKER_MISCONFIGURED') {
    log('talkover.config_error', { message: err.message });
    return errorResponse(500, err.code, err.message);
  }
  if (!isTalkoverError(err)) {
    log('talkover.internal_error', { name: err.name, message: String(err.message) });
    return errorResponse(500, 'INTERNAL_ERROR', 'Unexpected error in the cleanup Worker.');
  }
  const extra = {};
  if (err.retryAfterMs != null && (err.code === 'RATE_LIMITED' || err.status === 503)) {
    extra['retry-after'] = String(Math.max(1, Math.ceil(err.retryAfterMs / 1000)));
  }
  let message = err.message;
  if (err.code === 'INVALID_TOKEN') {
    message = 'The Talkover API rejected this Worker\'s TALKOVER_TOKEN; the operator must update the secret.';
  }
  return errorResponse(statusFor(err), err.code, message, err.requestId ?? null, extra);
}

function asError(value) {
  return value instanceof Error ? value : new Error(String(value));
}

/** A TalkoverError reduced to what callers may see. */
function stripError(err) {
  if (!err) return null;
  return { code: err.code ?? 'INTERNAL_ERROR', message: String(err.message ?? ''), status: err.status ?? null };
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

function errorResponse(status, code, message, requestId = null, extraHeaders = {}) {
  const res = json(status, { error: { code, message, requestId } }, extraHeaders);
  res.headers.set('x-error-code', code); // for the request log line; removed before sending
  return res;
}

function json(status, body, extraHeaders = {}) {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...extraHeaders } });
}

function intVar(value, fallback) {
  if (value === undefined || value === null || value === '') return fallback;
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? n : fallback;
}

/** One JSON line per event. Never pass env or a client here: the token must not reach logs. */
function log(event, fields) {
  console.log(JSON.stringify({ event, ...fields }));
}
