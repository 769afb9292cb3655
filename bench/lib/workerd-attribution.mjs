// Where a workerd call's time goes: the client's parts, each in front of (or instead of) the
// same bare fetch, timed inside one Worker in alternating blocks against the bare fetch alone.
// Built from the sources (src/js and build/pkg, the shipped wasm) rather than the package, so
// a part can run without the rest:
//   safe        a hand-written fetch with the same duties as an attempt: an AbortController
//               signal and a timer for the deadline, Accept, redirect: 'manual', the request-id
//               and length headers read, text() + JSON.parse (the floor for a careful client)
//   attempt     src/js/io.js's attempt (the I/O half: fetch, deadline, bounded read, parse)
//   entry       one start() + next() + free() of a deleteAgent call (the wasm's start path,
//               2 to 4 µs when hot), then the bare fetch
//   entry5      the same five times over, then the bare fetch
//   trivial     a trivial wasm export (Cleanup.total()), then the bare fetch
//   client      the whole deleteAgent
import { DIST, ROOT, bundle, median } from './common.mjs';
import { miniflare } from './workerd.mjs';

const MODES = ['safe', 'attempt', 'entry', 'entry5', 'trivial', 'client'];

const source = `
import wasmModule from '${DIST}/talkover_client_bg.wasm';
import { initSync, configure, start, startCleanup, Op } from '${ROOT}build/pkg/talkover_client.js';
import { attempt } from '${ROOT}src/js/io.js';
import { TalkoverClient } from '${ROOT}src/js/client.js';
initSync({ module: wasmModule });
const agentId = (k) => 'bench-agent-' + String(k).padStart(6, '0');
let packed, client, cleanup;
export default {
  async fetch(request, env) {
    const q = new URL(request.url).searchParams;
    const mode = q.get('mode'), from = Number(q.get('from')), n = Number(q.get('n'));
    packed ??= configure({ token: env.TOKEN, baseUrl: env.BASE_URL });
    client ??= new TalkoverClient({ token: env.TOKEN, baseUrl: env.BASE_URL });
    cleanup ??= startCleanup(packed, ['a'], undefined);
    const url = (k) => env.BASE_URL + '/api/v1/agents/' + agentId(k);
    const headers = { Authorization: 'Bearer ' + env.TOKEN };
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
    const modes = {
      bare,
      safe,
      attempt: (k) => attempt(null, '30000\\nDELETE\\n' + url(k) + '\\n' + env.TOKEN),
      entry: (k) => (entry(k, 1), bare(k)),
      entry5: (k) => (entry(k, 5), bare(k)),
      trivial: (k) => (cleanup.total(), bare(k)),
      client: (k) => client.deleteAgent(agentId(k)),
    };
    const t0 = performance.now();
    for (let k = from; k < from + n; k++) await modes[mode](k);
    return Response.json({ ms: performance.now() - t0 });
  },
};
`;

/** Each mode against the bare fetch: `n` calls each in blocks of `size`, ABBA order. */
export async function measureWorkerdAttribution(emu, { n = 1000, size = 100, warm = 100 } = {}) {
  const b = await bundle('workerd-attribution', source, { worker: true });
  await emu.admin.reset(2 * MODES.length * (n + warm) + 10);
  await emu.admin.setLatency(0);
  const mf = miniflare(b, { TOKEN: emu.token, BASE_URL: emu.url });
  try {
    let next = 1;
    const run = async (mode, count) => {
      const res = await mf.dispatchFetch(`http://worker/?mode=${mode}&from=${next}&n=${count}`);
      next += count;
      if (!res.ok) throw new Error(`attribution worker (${mode}) failed: ${res.status} ${await res.text()}`);
      return (await res.json()).ms;
    };
    const out = {};
    for (const mode of MODES) {
      await run(mode, warm);
      await run('bare', warm);
      const ratios = [];
      const total = { mode: 0, bare: 0 };
      for (let i = 0; i < n / size; i++) {
        const pair = {};
        for (const side of i % 2 ? ['bare', 'mode'] : ['mode', 'bare']) pair[side] = await run(side === 'bare' ? 'bare' : mode, size);
        ratios.push(pair.mode / pair.bare);
        total.mode += pair.mode;
        total.bare += pair.bare;
      }
      out[mode] = { wallRatio: median(ratios), perCallUs: { mode: (total.mode / n) * 1000, bare: (total.bare / n) * 1000 } };
    }
    return out;
  } finally {
    await mf.dispose();
  }
}
