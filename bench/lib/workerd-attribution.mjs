// Where a workerd call's time goes: the client's parts, each in front of (or instead of) the
// same bare fetch, each mode and the bare fetch alone timed in a fresh workerd of its own.
// Built from the sources (src/js and build/pkg, the shipped wasm) rather than the package, so
// a part can run without the rest:
//   safe        a hand-written fetch with the same duties as an attempt: an AbortController
//               signal and a timer for the deadline, Accept, redirect: 'manual', the request-id
//               and length headers read, text() + JSON.parse (the floor for a careful client)
//   attempt     src/js/io.js's attempt (the I/O half: fetch, deadline, bounded read, parse)
//   entry       one start() + next() + free() of a deleteAgent call (the wasm's start path,
//               2 to 4 µs when hot), then the bare fetch
//   entry5      the same five times over, then the bare fetch
//   entry20     twenty times over: what one more costs after the first, against `hot`, the
//               same in a loop with no I/O between
//   wasm        every wasm call of a deleteAgent (start, signal, next, onAttempt with an answer
//               recorded once, result, free), then the bare fetch: the wasm half of a call
//   trivial     a trivial wasm export (Cleanup.total()), then the bare fetch
//   client      the whole deleteAgent
import { DIST, ROOT, bundle } from './common.mjs';
import { miniflare, workerdCpuSeconds } from './workerd.mjs';

const MODES = ['safe', 'attempt', 'entry', 'entry5', 'entry20', 'wasm', 'trivial', 'client'];

const source = `
import wasmModule from '${DIST}/talkover_client_bg.wasm';
import { initSync, configure, start, startCleanup, Op } from '${ROOT}build/pkg/talkover_client.js';
import { attempt } from '${ROOT}src/js/io.js';
import { TalkoverClient } from '${ROOT}src/js/client.js';
initSync({ module: wasmModule });
const agentId = (k) => 'bench-agent-' + String(k).padStart(6, '0');
let packed, client, cleanup, recorded;
export default {
  async fetch(request, env) {
    const q = new URL(request.url).searchParams;
    const mode = q.get('mode'), from = Number(q.get('from')), n = Number(q.get('n'));
    packed ??= configure({ token: env.TOKEN, baseUrl: env.BASE_URL });
    client ??= new TalkoverClient({ token: env.TOKEN, baseUrl: env.BASE_URL });
    cleanup ??= startCleanup(packed, ['a'], undefined);
    const url = (k) => env.BASE_URL + '/api/v1/agents/' + agentId(k);
    const headers = { Authorization: 'Bearer ' + env.TOKEN };
    // An attempt's request as the wasm words it: timeout, method, URL, token.
    const deleteRequest = (k) => '30000\\nDELETE\\n' + url(k) + '\\n' + env.TOKEN;
    const bare = async (k) => (await fetch(url(k), { method: 'DELETE', headers })).json();
    const careful = { Authorization: headers.Authorization, Accept: 'application/json' };
    const safe = async (k) => {
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), 30000);
      try {
        const res = await fetch(url(k), { method: 'DELETE', headers: careful, redirect: 'manual', signal: ac.signal });
        void [res.headers.get('x-request-id'), res.headers.get('content-length'), res.headers.get('content-encoding')];
        return JSON.parse(await res.text());
      } finally {
        clearTimeout(timer);
      }
    };
    const entry = (k, times) => {
      for (let i = 0; i < times; i++) {
        const call = start(packed, Op.DeleteAgent, agentId(k), undefined, undefined);
        call.next();
        call.free();
      }
    };
    // The wasm half of a deleteAgent, its I/O replaced by an answer recorded once.
    const wasmSide = (k) => {
      const call = start(packed, Op.DeleteAgent, agentId(k), undefined, undefined);
      call.signal();
      call.next();
      call.onAttempt(recorded[0], recorded[1]);
      call.result();
      call.free();
    };
    const modes = {
      bare,
      safe,
      attempt: (k) => attempt(null, deleteRequest(k)),
      entry: (k) => (entry(k, 1), bare(k)),
      entry5: (k) => (entry(k, 5), bare(k)),
      entry20: (k) => (entry(k, 20), bare(k)),
      wasm: async (k) => {
        // The first call records a real answer (in the warm-up) instead of its fetch.
        if (!recorded) return void (recorded = await attempt(null, deleteRequest(k)));
        wasmSide(k);
        return bare(k);
      },
      trivial: (k) => (cleanup.total(), bare(k)),
      client: (k) => client.deleteAgent(agentId(k)),
    };
    if (mode === 'hot') {
      recorded = ['200\\n1\\n0\\n0\\nreq_1\\n\\n', { success: true, message: 'Agent deleted successfully' }];
      const hot = (f) => {
        for (let i = 0; i < 2000; i++) f(i);
        const h0 = performance.now();
        for (let i = 0; i < n; i++) f(i);
        return ((performance.now() - h0) * 1000) / n;
      };
      return Response.json({ entryUs: hot((k) => entry(k, 1)), wasmUs: hot(wasmSide) });
    }
    const t0 = performance.now();
    for (let k = from; k < from + n; k++) await modes[mode](k);
    return Response.json({ ms: performance.now() - t0 });
  },
};
`;

/**
 * One mode in a fresh workerd: `warm` calls, then `n` timed in blocks of `size` (in-Worker
 * wall) with the process's CPU ticks around them.
 */
async function runFresh(b, emu, mode, { n, size, warm, from }) {
  const mf = miniflare(b, { TOKEN: emu.token, BASE_URL: emu.url });
  try {
    await mf.ready;
    let next = from;
    const run = async (count) => {
      const res = await mf.dispatchFetch(`http://worker/?mode=${mode}&from=${next}&n=${count}`);
      next += count;
      if (!res.ok) throw new Error(`attribution worker (${mode}) failed: ${res.status} ${await res.text()}`);
      return (await res.json()).ms;
    };
    await run(warm);
    const cpu0 = workerdCpuSeconds();
    let ms = 0;
    for (let i = 0; i < n / size; i++) ms += await run(size);
    return { wallUs: (ms / n) * 1000, cpuUs: ((workerdCpuSeconds() - cpu0) * 1e6) / n };
  } finally {
    await mf.dispose();
  }
}

/**
 * Each mode and the bare fetch, each in its own fresh workerd (a workerd's costs drift as it
 * runs: its memory grows with every request, so modes timed one after another in one process
 * are not comparable), `reps` rounds in rotated order; ratios of the means to the bare fetch's.
 */
export async function measureWorkerdAttribution(emu, { n = 1500, size = 250, warm = 300, reps = 3 } = {}) {
  const b = await bundle('workerd-attribution', source, { worker: true });
  const all = ['bare', ...MODES];
  await emu.admin.reset(reps * all.length * (n + warm) + 10);
  await emu.admin.setLatency(0);
  const samples = Object.fromEntries(all.map((m) => [m, []]));
  let from = 1;
  for (let r = 0; r < reps; r++) {
    for (let i = 0; i < all.length; i++) {
      const mode = all[(i + r) % all.length];
      samples[mode].push(await runFresh(b, emu, mode, { n, size, warm, from }));
      from += n + warm;
    }
  }
  const mean = (mode, key) => samples[mode].reduce((a, s) => a + s[key], 0) / reps;
  const out = { n, reps };
  for (const mode of MODES) {
    out[mode] = {
      wallRatio: mean(mode, 'wallUs') / mean('bare', 'wallUs'),
      cpuRatio: mean(mode, 'cpuUs') / mean('bare', 'cpuUs'),
      perCallUs: { mode: mean(mode, 'wallUs'), bare: mean('bare', 'wallUs') },
      cpuUs: { mode: mean(mode, 'cpuUs'), bare: mean('bare', 'cpuUs') },
    };
  }
  out.hot = await hotLoop(b);
  return out;
}

/**
 * µs per start()+next()+free() (`entryUs`), and per wasm half of a deleteAgent (`wasmUs`), in a
 * loop inside one request (no I/O between: hot).
 */
async function hotLoop(b) {
  const mf = miniflare(b, { TOKEN: 'hot-loop-token', BASE_URL: 'http://127.0.0.1:9' });
  try {
    const res = await mf.dispatchFetch('http://worker/?mode=hot&from=1&n=20000');
    if (!res.ok) throw new Error(`attribution worker (hot) failed: ${res.status} ${await res.text()}`);
    return res.json();
  } finally {
    await mf.dispose();
  }
}
