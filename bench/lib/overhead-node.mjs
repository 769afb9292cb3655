// Figure 2 (Node): per-call overhead of deleteAgent over a bare fetch, in one process, in
// alternating blocks (ABBA order) so that drift (JIT, GC, emulator state) cancels out.
// Wall time: performance.now(); CPU time: process.cpuUsage() (user + system, this process only;
// the emulator and the stub server are other processes).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST, median } from './common.mjs';
import { startStub } from './stub.mjs';

const agentId = (k) => `bench-agent-${String(k).padStart(6, '0')}`;

const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

async function block(fn, ids) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (const id of ids) await fn(id);
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

/**
 * Runs `a` and `b` (async (id) => void) over `n` ids each, after `warm` warm-up calls each, in
 * blocks of `size`. `nextId()` hands out ids. Returns totals per side and the ratios a/b.
 */
export async function compare(a, b, { n, warm, size, nextId }) {
  const take = (k) => Array.from({ length: k }, nextId);
  await block(a, take(warm));
  await block(b, take(warm));
  const tot = { a: { wall: 0, cpu: 0 }, b: { wall: 0, cpu: 0 } };
  const wallRatios = [];
  const cpuRatios = [];
  for (let i = 0; i < n / size; i++) {
    const order = i % 2 ? ['b', 'a'] : ['a', 'b'];
    const r = {};
    for (const side of order) {
      r[side] = await block(side === 'a' ? a : b, take(size));
      tot[side].wall += r[side].wall;
      tot[side].cpu += r[side].cpu;
    }
    wallRatios.push(r.a.wall / r.b.wall);
    cpuRatios.push(r.a.cpu / r.b.cpu);
  }
  return {
    n,
    perCallUs: {
      a: { wall: (tot.a.wall / n) * 1000, cpu: (tot.a.cpu / n) * 1000 },
      b: { wall: (tot.b.wall / n) * 1000, cpu: (tot.b.cpu / n) * 1000 },
    },
    // the figure: median over block pairs (robust to other load on the machine)
    wallRatio: median(wallRatios),
    cpuRatio: median(cpuRatios),
    // the plain ratio of totals, for reference
    totalWallRatio: tot.a.wall / tot.b.wall,
    totalCpuRatio: tot.a.cpu / tot.b.cpu,
    wallRatioIqr: [quantile(wallRatios, 0.25), quantile(wallRatios, 0.75)],
  };
}

export async function measureNodeOverhead(emu, { n = 3000, warm = 300, size = 50 } = {}) {
  const { TalkoverClient } = await import(pathToFileURL(join(DIST, 'node.mjs')).href);
  const { default: Retell } = await import('retell-sdk');

  // 1. talkover-client vs bare fetch against the emulator (real deletes).
  await emu.admin.reset(2 * (n + warm) + 10);
  await emu.admin.setLatency(0);
  let k = 0;
  const nextId = () => agentId(++k);
  const client = new TalkoverClient({ token: emu.token, baseUrl: emu.url });
  const auth = { Authorization: `Bearer ${emu.token}` };
  const talkover = async (id) => {
    await client.deleteAgent(id);
  };
  const bare = async (id) => {
    const res = await fetch(`${emu.url}/api/v1/agents/${id}`, { method: 'DELETE', headers: auth });
    await res.json();
  };
  const emulator = await compare(talkover, bare, { n, warm, size, nextId });
  const stats = await emu.admin.stats();
  const state = await emu.admin.state();
  emulator.check = { requests: stats.requests, agentsLeft: state.agents.filter((a) => a.id.startsWith('bench-agent-')).length };

  // 1b. Attribution: the same bare call rebuilt step by step the way a fetch-based client does
  // it (fetch(url, init) with a plain headers object, res.text() + JSON.parse, then an
  // AbortController signal with a setTimeout per attempt and a Promise.race), each against the
  // bare fetch, interleaved; then the way this client sends in Node (undici's dispatcher), bare,
  // against the fetch and against the client.
  const headers = { Authorization: auth.Authorization, Accept: 'application/json' };
  const viaRequest = async (id) => {
    const res = await fetch(`${emu.url}/api/v1/agents/${id}`, { method: 'DELETE', headers });
    JSON.parse(await res.text());
  };
  const viaRequestAbort = async (id) => {
    const ac = new AbortController();
    let timer;
    const deadline = new Promise((_, reject) => {
      timer = setTimeout(() => (ac.abort(), reject(new Error('timeout'))), 30_000);
    });
    try {
      const res = await Promise.race([fetch(`${emu.url}/api/v1/agents/${id}`, { method: 'DELETE', headers, signal: ac.signal }), deadline]);
      JSON.parse(await Promise.race([res.text(), deadline]));
    } finally {
      clearTimeout(timer);
    }
  };
  // The floor of the way the client sends in Node (src/js/node-exchange.js): the same request
  // handed straight to undici's global dispatcher, its body collected and parsed.
  const { origin } = new URL(emu.url);
  const viaDispatcher = (id) => new Promise((resolve, reject) => {
    const chunks = [];
    globalThis[Symbol.for('undici.globalDispatcher.1')].dispatch({ origin, path: `/api/v1/agents/${id}`, method: 'DELETE', headers: ['authorization', auth.Authorization, 'accept', 'application/json'] }, {
      onConnect() {},
      onHeaders: () => true,
      onData: (chunk) => chunks.push(chunk) > 0,
      onComplete: () => resolve(JSON.parse(Buffer.concat(chunks).toString())),
      onError: reject,
    });
  });
  const small = { n: Math.min(n, 1500), warm: 100, size };
  await emu.admin.reset(10 * (small.n + small.warm) + 10);
  k = 0;
  const attribution = {
    requestAndText: await compare(viaRequest, bare, { ...small, nextId }),
    plusAbortTimer: await compare(viaRequestAbort, bare, { ...small, nextId }),
    talkover: await compare(talkover, bare, { ...small, nextId }),
    dispatcherVsFetch: await compare(viaDispatcher, bare, { ...small, nextId }),
    talkoverVsDispatcher: await compare(talkover, viaDispatcher, { ...small, nextId }),
  };

  // 2. retell-sdk (and talkover-client, for the same yardstick) vs bare fetch against a trivial server.
  const stub = await startStub();
  try {
    const retell = new Retell({ apiKey: 'key_bench', baseURL: stub.url });
    const stubClient = new TalkoverClient({ token: emu.token, baseUrl: stub.url });
    const retellDelete = async (id) => {
      await retell.agent.delete(id);
    };
    const bareRetell = async (id) => {
      const res = await fetch(`${stub.url}/delete-agent/${id}`, { method: 'DELETE', headers: { Authorization: 'Bearer key_bench' } });
      await res.json();
    };
    const stubTalkover = async (id) => {
      await stubClient.deleteAgent(id);
    };
    const bareStub = async (id) => {
      const res = await fetch(`${stub.url}/api/v1/agents/${id}`, { method: 'DELETE', headers: auth });
      await res.json();
    };
    const retellVsFetch = await compare(retellDelete, bareRetell, { n, warm, size, nextId });
    const talkoverVsFetchOnStub = await compare(stubTalkover, bareStub, { n, warm, size, nextId });
    return { emulator, attribution, retellVsFetch, talkoverVsFetchOnStub };
  } finally {
    await stub.stop();
  }
}
