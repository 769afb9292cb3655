// The job routes (design.md section 6), behind the caller secret like every route:
//   POST /jobs                          start a job: 202 { jobId, status }
//   GET  /jobs/:id                      status and progress, from the platform and the R2 record
//   GET  /jobs/:id/report | /backup     NDJSON from the R2 record
//   POST /jobs/:id/pause|resume|terminate
// Bodies are built from explicit fields; the R2 record answers even after the platform has
// dropped the instance.
import { checkJobSettings } from '../config.js';
import { workerError } from '../errors.js';
import { errorResponse, json } from '../http.js';
import { readJson } from '../request.js';
import { FINISHED, instanceOf, pause, recordFinal, resume, startInstance, statusOf, terminate, workflowOf } from './control.js';
import { openRecord } from './record.js';
import { agentsPerStep } from './select.js';
import { jobRequest } from './request.js';

const JOB_ID = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,99}$/;
const ACTIONS = { pause, resume, terminate };

/** The route of a /jobs path (`parts` without the leading empty segment, parts[0] 'jobs'), or null. */
export function matchJobRoute(parts) {
  if (parts.length === 1) return { name: 'job-create', method: 'POST' };
  const jobId = parts[1];
  if (parts.length === 2) return { name: 'job-status', method: 'GET', jobId };
  if (parts.length !== 3) return null;
  if (parts[2] === 'report' || parts[2] === 'backup') return { name: `job-${parts[2]}`, method: 'GET', jobId };
  if (Object.hasOwn(ACTIONS, parts[2])) return { name: `job-${parts[2]}`, method: 'POST', jobId, action: parts[2] };
  return null;
}

export async function handleJob(match, request, env) {
  if (match.name === 'job-create') return createJob(request, env);
  const record = JOB_ID.test(match.jobId) ? openRecord(env, match.jobId) : null;
  const job = record && (await record.getJson('job.json'));
  if (!job) return errorResponse(404, 'JOB_NOT_FOUND', 'No job with this id.');
  if (match.name === 'job-status') return json(200, await jobStatus(env, record, job));
  if (match.name === 'job-report') return ndjson(record.stream('report/'));
  if (match.name === 'job-backup') return ndjson(record.backupStream());
  return control(env, record, match);
}

/** Records the job in R2, then starts its Workflow instance (the event carries only the id). */
export async function startJob(env, { jobId, filter, agentIds, unpublish, dryRun, source, createdAt }) {
  // A bad setting refuses the job here, not in its first step.
  checkJobSettings(env);
  agentsPerStep(env, { dryRun, unpublish });
  workflowOf(env);
  const record = openRecord(env, jobId);
  // Both checked before either is written: a refused request leaves nothing behind.
  const ids = agentIds === null ? null : record.exactJson(agentIds);
  const job = record.exactJson({ jobId, source, filter, ids: agentIds?.length ?? null, unpublish, dryRun, createdAt });
  if (await record.has('job.json')) throw workerError('JOB_EXISTS', 409, 'A job with this id was already started.');
  if (ids !== null) await record.putText('ids.json', ids);
  await record.putText('job.json', job);
  try {
    const { status } = await startInstance(env, jobId);
    return { jobId, status };
  } catch (err) {
    // A start that raced this one past the check above (a cron run delivered twice) owns the
    // instance, and the record is its record: leave it, and answer with that job.
    const instance = await instanceOf(env, jobId);
    if (instance) return { jobId, status: (await statusOf(instance)).status };
    // No instance: no record either, so the same job (a retried cron run) can start again.
    await record.remove([record.prefix + 'job.json', record.prefix + 'ids.json']).catch(() => {});
    throw err;
  }
}

async function createJob(request, env) {
  const body = await readJson(request);
  if (body instanceof Response) return body;
  const parsed = jobRequest(body);
  if (parsed.problem) return errorResponse(400, 'INVALID_ARGUMENT', parsed.problem);
  const jobId = `job-${crypto.randomUUID()}`;
  const started = await startJob(env, { ...parsed, jobId, source: 'api', createdAt: new Date().toISOString() });
  return json(202, started);
}

async function jobStatus(env, record, job) {
  const instance = await instanceOf(env, record.jobId);
  const live = instance ? await statusOf(instance) : null;
  const final = live ? await recordFinal(record, live) : await record.getJson('final.json');
  const plan = await record.getJson('plan.json');
  const counts = await record.progress();
  const status = live?.status ?? final?.status ?? 'unknown';
  return {
    jobId: record.jobId,
    status,
    dryRun: job.dryRun !== false,
    progress: { selected: plan?.selected ?? 0, ...counts },
    createdAt: job.createdAt,
    finishedAt: FINISHED.has(status) ? (final?.finishedAt ?? null) : null,
    error: final?.error ?? live?.error ?? null,
  };
}

async function control(env, record, match) {
  const instance = await instanceOf(env, record.jobId);
  const status = instance ? (await statusOf(instance)).status : ((await record.getJson('final.json'))?.status ?? 'unknown');
  if (!instance || FINISHED.has(status)) {
    return errorResponse(409, 'JOB_FINISHED', `The job is ${status}; it cannot be changed any more.`);
  }
  const next = await ACTIONS[match.action](instance, record, env);
  return json(200, { jobId: record.jobId, status: next });
}

function ndjson(stream) {
  return new Response(stream, { status: 200, headers: { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store' } });
}
