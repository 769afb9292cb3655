// Figure 3 (Node): a fresh `node` process per run. Client: from the start of
// import('talkover-client') (by package name, resolved from the repository root like a
// consumer's) to the first resolved deleteAgent. Bare: from the start of the first fetch to its
// parsed body. Runs alternate, in pairs; the figure is the median of the per-pair differences
// (robust to the machine's load drifting during the run: each pair ran back to back), next to
// the difference of the medians, and the inter-quartile range of the pair differences.
// The yardstick of what any package costs: a one-line package imported by name the same way,
// then the bare fetch. The floor of the client's own way (no undici loaded yet): a bare
// node:http request. Every child runs in bench/.out/cold/, whose node_modules holds that
// package and talkover-client (a link to the repository), so both resolve alike.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, median } from './common.mjs';

const COLD = join(ROOT, 'bench', '.out', 'cold');

const clientCode = (url, token, id) => `
const t0 = performance.now();
const { TalkoverClient } = await import('talkover-client');
const t1 = performance.now();
const client = new TalkoverClient({ token: ${JSON.stringify(token)}, baseUrl: ${JSON.stringify(url)} });
const r = await client.deleteAgent(${JSON.stringify(id)});
const t2 = performance.now();
if (!r.success) process.exit(2);
console.log(JSON.stringify({ firstCallMs: t2 - t0, importMs: t1 - t0 }));
`;
const bareCode = (url, token, id, before = '') => `
const t0 = performance.now();
${before}
const res = await fetch(${JSON.stringify(`${url}/api/v1/agents/${id}`)}, { method: 'DELETE', headers: { Authorization: ${JSON.stringify(`Bearer ${token}`)} } });
const body = await res.json();
const t2 = performance.now();
if (!body.success) process.exit(2);
console.log(JSON.stringify({ firstCallMs: t2 - t0, importMs: 0 }));
`;
const packageCode = (url, token, id) => bareCode(url, token, id, "await import('one-line');");
// The client's way in a process where nothing has loaded undici (src/js/node-exchange.js), bare.
const httpCode = (url, token, id) => `
const t0 = performance.now();
const http = process.getBuiltinModule('node:http');
const body = await new Promise((resolve, reject) => {
  const req = http.request(${JSON.stringify(`${url}/api/v1/agents/${id}`)}, { method: 'DELETE', headers: { authorization: ${JSON.stringify(`Bearer ${token}`)} } }, (res) => {
    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
  });
  req.on('error', reject);
  req.end();
});
const t2 = performance.now();
if (!body.success) process.exit(2);
console.log(JSON.stringify({ firstCallMs: t2 - t0, importMs: 0 }));
`;

/** bench/.out/cold/node_modules: `one-line` (one export, ESM, `exports` like ours) and a link to this package. */
function prepare() {
  rmSync(COLD, { recursive: true, force: true });
  const pkg = join(COLD, 'node_modules', 'one-line');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'one-line', version: '1.0.0', type: 'module', exports: { node: { import: './index.mjs' }, default: './index.mjs' } }));
  writeFileSync(join(pkg, 'index.mjs'), 'export const one = 1;\n');
  symlinkSync(ROOT, join(COLD, 'node_modules', 'talkover-client'), 'dir');
}

function runChild(code) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: COLD, encoding: 'utf8' });
  const processMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`cold-start child failed (${r.status}): ${r.stderr}`);
  return { ...JSON.parse(r.stdout.trim().split('\n').pop()), processMs };
}

/** Per-pair differences `a[i] - b[i]` (runs made back to back): their median and inter-quartile range. */
export function pairDeltas(a, b) {
  const d = a.map((x, i) => x - b[i]).sort((x, y) => x - y);
  const at = (p) => d[Math.min(d.length - 1, Math.floor(p * d.length))];
  return { median: median(d), iqr: [at(0.25), at(0.75)] };
}

export async function measureNodeColdStart(emu, { runs = 15 } = {}) {
  prepare();
  await emu.admin.reset(4 * runs + 10);
  await emu.admin.setLatency(0);
  let k = 0;
  const id = () => `bench-agent-${String(++k).padStart(6, '0')}`;
  const res = { talkover: [], fetch: [], package: [], http: [] };
  const code = { talkover: clientCode, fetch: bareCode, package: packageCode, http: httpCode };
  runChild(bareCode(emu.url, emu.token, id())); // untimed: page cache warm-up for node itself
  for (let i = 0; i < runs; i++) {
    for (const mode of i % 2 ? ['fetch', 'http', 'package', 'talkover'] : ['talkover', 'package', 'http', 'fetch']) {
      res[mode].push(runChild(code[mode](emu.url, emu.token, id())));
    }
  }
  const med = (mode, key) => median(res[mode].map((r) => r[key]));
  const first = (mode) => res[mode].map((r) => r.firstCallMs);
  const pairs = pairDeltas(first('talkover'), first('fetch'));
  return {
    runs,
    medianMs: { talkover: med('talkover', 'firstCallMs'), fetch: med('fetch', 'firstCallMs') },
    medianImportMs: med('talkover', 'importMs'),
    medianProcessMs: { talkover: med('talkover', 'processMs'), fetch: med('fetch', 'processMs') },
    deltaMs: pairs.median,
    deltaIqrMs: pairs.iqr,
    deltaOfMediansMs: med('talkover', 'firstCallMs') - med('fetch', 'firstCallMs'),
    // The yardstick: a one-line package then the fetch, vs the fetch; and talkover vs it.
    packageDeltaMs: pairDeltas(first('package'), first('fetch')).median,
    overPackageMs: pairDeltas(first('talkover'), first('package')),
    // The floor of the client's way here: a bare node:http request; and talkover vs it.
    httpDeltaMs: pairDeltas(first('http'), first('fetch')).median,
    overHttpMs: pairDeltas(first('talkover'), first('http')),
    samples: { talkover: res.talkover.map((r) => r.firstCallMs), fetch: res.fetch.map((r) => r.firstCallMs) },
  };
}
