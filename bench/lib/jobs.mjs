// Cleanup jobs (issue 12): agents per second for a 10,000-agent cleanup job of the Worker
// (examples/cleanup-worker: the CleanupJob Workflow and its R2 record, in workerd through
// miniflare) at 20 ms emulator latency, next to client.cleanupAgents in Node on the same
// emulator, latency and concurrency. Both delete every agent; the job also selects them (100
// list pages), records a backup intent per agent in R2 and writes its report and backup.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST, ROOT } from './common.mjs';

export async function measureJobs(emu, { agents = 10_000, latencyMs = 20, concurrency = 16, batchMax = 250 } = {}) {
  const { buildJobsBundle, call, startJobsWorker, waitForJob } = await import('../../tests/support/jobs-worker.mjs');
  const script = buildJobsBundle(join(ROOT, 'build', 'bench-jobs'));
  await emu.admin.reset(agents);
  await emu.admin.setLatency(latencyMs);
  const mf = await startJobsWorker({ script, emulatorUrl: emu.url, vars: { JOB_CONCURRENCY: String(concurrency), JOB_BATCH_MAX: String(batchMax) } });
  let job;
  try {
    const t0 = performance.now();
    const res = await call(mf, 'POST', '/jobs', { body: { filter: { status: 'draft' }, dryRun: false } });
    if (res.status !== 202) throw new Error(`POST /jobs -> ${res.status} ${res.text}`);
    const done = await waitForJob(mf, res.body.jobId, undefined, 900_000);
    if (done.progress.deleted !== agents) throw new Error(`the job deleted ${done.progress.deleted} of ${agents}: ${JSON.stringify(done)}`);
    job = { ms: performance.now() - t0, requests: (await emu.admin.stats()).requests };
  } finally {
    await mf.dispose();
  }
  const { TalkoverClient } = await import(pathToFileURL(join(DIST, 'node.mjs')).href);
  const client = new TalkoverClient({ token: emu.token, baseUrl: emu.url });
  await emu.admin.reset(agents);
  await emu.admin.setLatency(latencyMs);
  const ids = Array.from({ length: agents }, (_, i) => `bench-agent-${String(i + 1).padStart(6, '0')}`);
  const t1 = performance.now();
  const report = await client.cleanupAgents(ids, { concurrency });
  const nodeMs = performance.now() - t1;
  if (report.deleted !== agents) throw new Error(`cleanupAgents deleted ${report.deleted} of ${agents}`);
  await emu.admin.setLatency(0);
  return {
    agents,
    latencyMs,
    concurrency,
    batchMax,
    job: { ...job, agentsPerSecond: agents / (job.ms / 1000) },
    node: { ms: nodeMs, agentsPerSecond: agents / (nodeMs / 1000) },
  };
}
