// Figures 2 and 3 in workerd (miniflare): the per-call loop runs inside the Worker; cold start
// is a fresh Miniflare instance (a new workerd process) until its first response.
import { readFileSync, readdirSync } from 'node:fs';
import { Miniflare } from 'miniflare';
import { bundle, median } from './common.mjs';
import { pairDeltas } from './coldstart-node.mjs';

const agentId = `(k) => 'bench-agent-' + String(k).padStart(6, '0')`;

// Runs `n` deletes from agent number `from` with `mode` = talkover | fetch, timing the loop
// with performance.now() and Date.now() (workerd only advances them on I/O).
const loopSource = (withClient) => `
${withClient ? "import { TalkoverClient } from 'talkover-client';" : ''}
const agentId = ${agentId};
let client;
export default {
  async fetch(request, env) {
    const q = new URL(request.url).searchParams;
    if (q.has('probe')) {
      // pure computation, no I/O: do the clocks move?
      const p0 = performance.now(), d0 = Date.now();
      let x = 0;
      for (let i = 0; i < 2e7; i++) x = (x + i * 7) % 1000003;
      return Response.json({ perfMs: performance.now() - p0, dateMs: Date.now() - d0, x });
    }
    const mode = q.get('mode'), from = Number(q.get('from')), n = Number(q.get('n'));
    ${withClient ? 'client ??= new TalkoverClient({ token: env.TOKEN, baseUrl: env.BASE_URL });' : ''}
    const headers = { Authorization: 'Bearer ' + env.TOKEN };
    const t0 = performance.now(), d0 = Date.now();
    for (let k = from; k < from + n; k++) {
      if (mode === 'talkover') {
        await client.deleteAgent(agentId(k));
      } else {
        const res = await fetch(env.BASE_URL + '/api/v1/agents/' + agentId(k), { method: 'DELETE', headers });
        await res.json();
      }
    }
    return Response.json({ perfMs: performance.now() - t0, dateMs: Date.now() - d0 });
  },
};
`;

/**
 * A Miniflare (a real workerd) running bundle `b`, its .wasm a compiled module. The modules are
 * handed over by content, the way `wrangler dev` hands its bundle over: given a `scriptPath`,
 * Miniflare would first parse the script in this process to find its imports (about 0.4 ms per
 * KB of JS on a cold start, measured), a cost no deployed Worker pays.
 */
export function miniflare(b, bindings) {
  const modules = [b.outfile, ...b.files.filter((f) => f !== b.outfile)].map((path) => ({
    type: path.endsWith('.wasm') ? 'CompiledWasm' : 'ESModule',
    path,
    contents: readFileSync(path),
  }));
  return new Miniflare({ modulesRoot: b.outdir, modules, compatibilityDate: '2025-09-01', bindings });
}

/** CPU seconds (user + system) of this process's workerd descendants, from /proc (10 ms ticks). */
export function workerdCpuSeconds() {
  const kids = new Map();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const f = stat.slice(close + 2).split(' ');
      kids.set(Number(pid), { comm, ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) });
    } catch {}
  }
  const mine = (pid) => {
    for (let p = pid, hops = 0; p > 1 && hops < 10; p = kids.get(p)?.ppid ?? 0, hops++) if (p === process.pid) return true;
    return false;
  };
  let ticks = 0;
  for (const [pid, k] of kids) if (k.comm.startsWith('workerd') && mine(pid)) ticks += k.ticks;
  return ticks / 100;
}

export async function measureWorkerdOverhead(emu, { n = 3000, size = 250, warm = 250 } = {}) {
  const b = await bundle('workerd-loop', loopSource(true), { worker: true });
  await emu.admin.reset(2 * (n + warm) + 10);
  await emu.admin.setLatency(0);
  const mf = miniflare(b, { TOKEN: emu.token, BASE_URL: emu.url });
  try {
    await mf.ready;
    let next = 1;
    const run = async (mode, count) => {
      const t0 = performance.now();
      const c0 = workerdCpuSeconds();
      const res = await mf.dispatchFetch(`http://worker/?mode=${mode}&from=${next}&n=${count}`);
      if (!res.ok) throw new Error(`worker loop failed: ${res.status} ${await res.text()}`);
      const inside = await res.json();
      const cpu = workerdCpuSeconds() - c0;
      next += count;
      return { ...inside, outsideMs: performance.now() - t0, cpu };
    };
    await run('talkover', warm);
    await run('fetch', warm);
    const tot = { talkover: { perfMs: 0, dateMs: 0, outsideMs: 0, cpu: 0 }, fetch: { perfMs: 0, dateMs: 0, outsideMs: 0, cpu: 0 } };
    const ratios = [];
    const cpuMeasurable = workerdCpuSeconds() > 0;
    for (let i = 0; i < n / size; i++) {
      const order = i % 2 ? ['fetch', 'talkover'] : ['talkover', 'fetch'];
      const r = {};
      for (const mode of order) {
        r[mode] = await run(mode, size);
        for (const key of Object.keys(tot[mode])) tot[mode][key] += r[mode][key];
      }
      ratios.push(r.talkover.perfMs / r.fetch.perfMs);
    }
    // Timer coarsening: the smallest non-zero step of performance.now() seen inside the worker.
    return {
      n,
      blockSize: size,
      perCallUs: {
        talkover: (tot.talkover.perfMs / n) * 1000,
        fetch: (tot.fetch.perfMs / n) * 1000,
      },
      wallRatio: median(ratios),
      totalWallRatio: tot.talkover.perfMs / tot.fetch.perfMs,
      dateNowRatio: tot.talkover.dateMs / tot.fetch.dateMs,
      outsideWallRatio: tot.talkover.outsideMs / tot.fetch.outsideMs,
      cpuRatio: cpuMeasurable && tot.fetch.cpu > 0 ? tot.talkover.cpu / tot.fetch.cpu : null,
      cpuSeconds: { talkover: tot.talkover.cpu, fetch: tot.fetch.cpu },
      timerProbe: await timerProbe(mf),
    };
  } finally {
    await mf.dispose();
  }
}

/** Does performance.now() move during pure computation inside workerd? (It should not: Spectre mitigation.) */
async function timerProbe(mf) {
  const t0 = performance.now();
  const inside = await (await mf.dispatchFetch('http://worker/?probe=1')).json();
  return { computeMsOutside: performance.now() - t0, perfMsInside: inside.perfMs, dateMsInside: inside.dateMs };
}

const coldSource = (withClient) => `
${withClient ? "import { TalkoverClient } from 'talkover-client';" : ''}
export default {
  async fetch(request, env) {
    const id = new URL(request.url).searchParams.get('id');
    ${
      withClient
        ? 'return Response.json(await new TalkoverClient({ token: env.TOKEN, baseUrl: env.BASE_URL }).deleteAgent(id));'
        : "const res = await fetch(env.BASE_URL + '/api/v1/agents/' + id, { method: 'DELETE', headers: { Authorization: 'Bearer ' + env.TOKEN } });\n    return Response.json(await res.json());"
    }
  },
};
`;

/**
 * Fresh Miniflare (new workerd) -> first response, alternating client / bare fetch, `runs` each.
 * The figure is the median of the per-pair differences (each pair back to back), as for Node.
 */
export async function measureWorkerdColdStart(emu, { runs = 31 } = {}) {
  const bundles = {
    talkover: await bundle('workerd-cold-talkover', coldSource(true), { worker: true, minify: true }),
    fetch: await bundle('workerd-cold-fetch', coldSource(false), { worker: true, minify: true }),
  };
  await emu.admin.reset(2 * runs + 10);
  let k = 0;
  const times = { talkover: [], fetch: [] };
  const ready = { talkover: [], fetch: [] };
  const one = async (mode) => {
    const id = `bench-agent-${String(++k).padStart(6, '0')}`;
    const t0 = performance.now();
    const mf = miniflare(bundles[mode], { TOKEN: emu.token, BASE_URL: emu.url });
    try {
      await mf.ready;
      const t1 = performance.now();
      const res = await mf.dispatchFetch(`http://worker/?id=${id}`);
      const body = await res.json();
      if (!body.success) throw new Error(`cold start (${mode}) call failed: ${JSON.stringify(body)}`);
      times[mode].push(performance.now() - t0);
      ready[mode].push(t1 - t0);
    } finally {
      await mf.dispose();
    }
  };
  await one('fetch'); // untimed: warms esbuild/miniflare code paths in this process
  times.fetch.length = 0;
  ready.fetch.length = 0;
  for (let i = 0; i < runs; i++) for (const mode of i % 2 ? ['fetch', 'talkover'] : ['talkover', 'fetch']) await one(mode);
  return {
    runs,
    medianMs: { talkover: median(times.talkover), fetch: median(times.fetch) },
    medianReadyMs: { talkover: median(ready.talkover), fetch: median(ready.fetch) },
    ...deltas(pairDeltas(times.talkover, times.fetch), median(times.talkover) - median(times.fetch)),
    samples: times,
  };
}

const deltas = (pairs, ofMedians) => ({ deltaMs: pairs.median, deltaIqrMs: pairs.iqr, deltaOfMediansMs: ofMedians });
