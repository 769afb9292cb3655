// Figure 4: cleanupAgents over 1,000 seeded draft agents with 20 ms of emulator latency per
// request and concurrency 16, against the ideal (requests x 20 ms / 16, requests counted by the
// emulator) and against a sequential bare-fetch script doing the same safe steps (GET agent,
// check it is a draft, GET trainings as the backup, DELETE), run on a sample and extrapolated.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST } from './common.mjs';

const agentId = (k) => `bench-agent-${String(k).padStart(6, '0')}`;

export async function measureCleanup(emu, { agents = 1000, latencyMs = 20, concurrency = 16, sample = 100 } = {}) {
  const { TalkoverClient } = await import(pathToFileURL(join(DIST, 'node.mjs')).href);
  const client = new TalkoverClient({ token: emu.token, baseUrl: emu.url });
  const ids = Array.from({ length: agents }, (_, i) => agentId(i + 1));
  try {
    await emu.admin.reset(agents);
    await emu.admin.setLatency(latencyMs);
    await emu.admin.clearRequests();
    const t0 = performance.now();
    const report = await client.cleanupAgents(ids, { concurrency });
    const ms = performance.now() - t0;
    const stats = await emu.admin.stats();
    if (report.deleted !== agents) throw new Error(`cleanup deleted ${report.deleted} of ${agents} (failed ${report.failed}, skipped ${report.skipped})`);
    const idealMs = (stats.requests * latencyMs) / concurrency;
    const log = analyseLog(await emu.admin.requests());

    // Control: the same three steps with bare fetch and a pool of `concurrency` workers, over
    // all agents: what the emulator + this machine allow, without the client.
    await emu.admin.reset(agents);
    await emu.admin.setLatency(latencyMs);
    await emu.admin.clearRequests();
    const pool = await barePool(emu, ids, concurrency);
    const poolStats = await emu.admin.stats();
    const poolLog = analyseLog(await emu.admin.requests());
    const poolIdealMs = (poolStats.requests * latencyMs) / concurrency;

    // The sequential script, on `sample` agents.
    await emu.admin.reset(sample);
    await emu.admin.setLatency(latencyMs);
    await emu.admin.clearRequests();
    const headers = { Authorization: `Bearer ${emu.token}` };
    const api = `${emu.url}/api/v1`;
    const backups = [];
    const s0 = performance.now();
    for (const id of ids.slice(0, sample)) {
      const agent = await (await fetch(`${api}/agents/${id}`, { headers })).json();
      if (agent.data?.current_status !== 'draft') continue;
      const trainings = await (await fetch(`${api}/agents/${id}/trainings`, { headers })).json();
      backups.push({ agent: agent.data, trainings: trainings.data });
      const del = await fetch(`${api}/agents/${id}`, { method: 'DELETE', headers });
      await del.json();
      if (!del.ok) throw new Error(`sequential script: DELETE ${id} -> ${del.status}`);
    }
    const sampleMs = performance.now() - s0;
    const seqStats = await emu.admin.stats();
    if (backups.length !== sample) throw new Error(`sequential script backed up ${backups.length} of ${sample}`);
    const sequentialMs = (sampleMs * agents) / sample;
    return {
      agents,
      latencyMs,
      concurrency,
      ms,
      requests: stats.requests,
      requestsPerAgent: stats.requests / agents,
      maxInFlight: stats.max_in_flight,
      idealMs,
      vsIdeal: ms / idealMs,
      // from the emulator's request log: where the time beyond the ideal goes
      log,
      barePool: { ms: pool.ms, deleted: pool.deleted, requests: poolStats.requests, vsIdeal: pool.ms / poolIdealMs, log: poolLog },
      sequential: { sample, sampleMs, requests: seqStats.requests, extrapolatedMs: sequentialMs },
      speedupVsSequential: sequentialMs / ms,
    };
  } finally {
    await emu.admin.setLatency(0);
  }
}

/**
 * From the request log: mean time the emulator held a request (its 20 ms sleep plus handling),
 * mean requests in flight over the run, and the mean client-side gap between one request of an
 * agent finishing and its next one starting.
 */
function analyseLog(entries) {
  const done = entries.filter((e) => e.finished_us != null);
  if (done.length === 0) return null;
  const start = Math.min(...done.map((e) => e.started_us));
  const end = Math.max(...done.map((e) => e.finished_us));
  const held = done.reduce((a, e) => a + (e.finished_us - e.started_us), 0);
  const byAgent = new Map();
  for (const e of done) {
    const id = e.path.split('/')[4];
    if (!byAgent.has(id)) byAgent.set(id, []);
    byAgent.get(id).push(e);
  }
  let gaps = 0, gapCount = 0;
  for (const list of byAgent.values()) {
    list.sort((a, b) => a.started_us - b.started_us);
    for (let i = 1; i < list.length; i++) {
      gaps += list[i].started_us - list[i - 1].finished_us;
      gapCount++;
    }
  }
  return {
    meanServerMs: held / done.length / 1000,
    meanInFlight: held / (end - start),
    meanGapBetweenStepsMs: gapCount ? gaps / gapCount / 1000 : null,
    spanMs: (end - start) / 1000,
  };
}

/** GET agent, check draft, GET trainings, DELETE, for every id, `concurrency` at a time, with bare fetch. */
async function barePool(emu, ids, concurrency) {
  const headers = { Authorization: `Bearer ${emu.token}` };
  const api = `${emu.url}/api/v1`;
  let next = 0;
  let deleted = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++];
      const agent = await (await fetch(`${api}/agents/${id}`, { headers })).json();
      if (agent.data?.current_status !== 'draft') continue;
      await (await fetch(`${api}/agents/${id}/trainings`, { headers })).json();
      const del = await fetch(`${api}/agents/${id}`, { method: 'DELETE', headers });
      await del.json();
      if (del.ok) deleted++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { ms: performance.now() - t0, deleted };
}
