// The talkover-client benchmark (issue 6). `npm run bench` builds the package, then runs this.
// Prints a table (each figure next to its target, PASS / MISS) and writes bench/results.json.
// All figures are ratios (or differences) measured in this one run, on 127.0.0.1 only.
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH, ROOT, waitForDist } from './lib/common.mjs';

if (!existsSync(join(BENCH, 'node_modules', 'retell-sdk'))) {
  console.error('[bench] installing comparison dependencies (bench/package.json)');
  execFileSync('npm', ['install', '--prefix', 'bench', '--no-audit', '--no-fund'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
}
await waitForDist();

const { startEmulator } = await import('../tests/support/emulator.mjs');
const { measureSize } = await import('./lib/size.mjs');
const { measureNodeOverhead } = await import('./lib/overhead-node.mjs');
const { measureWorkerdOverhead, measureWorkerdColdStart } = await import('./lib/workerd.mjs');
const { measureWorkerdAttribution } = await import('./lib/workerd-attribution.mjs');
const { measureNodeColdStart } = await import('./lib/coldstart-node.mjs');
const { measureCleanup } = await import('./lib/cleanup.mjs');
const { measureJobs } = await import('./lib/jobs.mjs');

const KiB = 1024;
const TARGET = {
  browserGzipBytes: 30 * KiB,
  overheadRatio: 1.05,
  // Issue 10 (sans-IO): crossings per call, Node CPU and workerd wall per call.
  crossingsConstructor: 10,
  crossingsDeleteAgent: 40,
  nodeCpuRatio: 1.1,
  workerdWallRatio: 1.2,
  coldStartDeltaMs: 5,
  cleanupVsIdeal: 1.15,
  cleanupSpeedup: 10,
};

const started = performance.now();
const results = { startedAt: new Date().toISOString(), node: process.version, targets: TARGET };
const log = (msg) => console.error(`[bench ${((performance.now() - started) / 1000).toFixed(1)}s] ${msg}`);

async function section(name, fn) {
  log(`${name}...`);
  try {
    results[name] = await fn();
  } catch (e) {
    results[name] = { error: String(e?.stack ?? e) };
    log(`${name} FAILED: ${e?.message ?? e}`);
  }
}

await section('size', () => measureSize());
const emu = await startEmulator({ seed: 'empty' });
try {
  await section('crossings', async () => {
    await emu.admin.createAgent({ id: 'bench-crossings', name: 'x' });
    const out = execFileSync(process.execPath, [join(BENCH, 'lib', 'crossings.mjs'), emu.url, emu.token, 'bench-crossings'], { cwd: ROOT, encoding: 'utf8' });
    return JSON.parse(out);
  });
  await section('overheadNode', () => measureNodeOverhead(emu));
  await section('overheadWorkerd', () => measureWorkerdOverhead(emu));
  await section('attributionWorkerd', () => measureWorkerdAttribution(emu));
  await section('coldStartNode', () => measureNodeColdStart(emu));
  await section('coldStartWorkerd', () => measureWorkerdColdStart(emu));
  await section('cleanup', () => measureCleanup(emu));
  await section('jobs', () => measureJobs(emu));
} finally {
  await emu.stop();
}
results.seconds = (performance.now() - started) / 1000;

// ---- the table ----
const rows = [];
const B = (n) => `${n.toLocaleString('en-US')} B`;
const kb = (n) => `${(n / KiB).toFixed(1)} KiB`;
const x = (r) => (r == null || !Number.isFinite(r) ? 'n/a' : `${r.toFixed(3)}x`);
const ms = (v) => `${v.toFixed(1)} ms`;
const us = (v) => `${v.toFixed(0)} µs`;
const sign = (v) => `${v >= 0 ? '+' : '-'}${us(Math.abs(v))}`;
const signedMs = (v) => `${v >= 0 ? '+' : ''}${ms(v)}`;
const row = (figure, measured, target = '', pass = null) =>
  rows.push([figure, measured, target, pass === null ? (target ? 'n/a' : 'info') : pass ? 'PASS' : 'MISS']);
const failed = (name) => results[name]?.error && (row(`${name}`, `ERROR: ${results[name].error.split('\n')[0]}`, '', false), true);

if (!failed('size')) {
  const s = results.size;
  const budget = TARGET.browserGzipBytes;
  row('Size: browser wasm+browser.mjs, gzip -9', `${B(s.talkoverBrowser.gzip)} (${kb(s.talkoverBrowser.gzip)})`, `<= ${kb(budget)}`, s.talkoverBrowser.gzip <= budget);
  row('  wasm gzip / raw', `${B(s.talkoverBrowser.wasm.gzip)} / ${B(s.talkoverBrowser.wasm.raw)}`);
  row('  browser.mjs gzip / raw', `${B(s.talkoverBrowser.glue.gzip)} / ${B(s.talkoverBrowser.glue.raw)}`);
  row('  browser total raw', B(s.talkoverBrowser.raw));
  row('Size: Worker workerd.mjs+wasm, gzip / raw', `${B(s.talkoverWorker.gzip)} / ${B(s.talkoverWorker.raw)}`);
  row('  (esbuild Worker bundle using the package)', `${B(s.talkoverWorkerBundled.gzip)} / ${B(s.talkoverWorkerBundled.raw)}`);
  row('  vs retell-sdk, browser bundle (esbuild -min)', `${B(s.retellBrowser.gzip)} / ${B(s.retellBrowser.raw)}`);
  row('  vs fetch-client.mjs, Worker bundle (-min)', `${B(s.fetchClientWorker.gzip)} / ${B(s.fetchClientWorker.raw)}`);
}
if (!failed('crossings')) {
  const c = results.crossings;
  row('JS/wasm crossings: new TalkoverClient()', `${c.constructor.total} (${c.constructor.toJs} wasm->JS, ${c.constructor.toWasm} JS->wasm)`, `<= ${TARGET.crossingsConstructor}`, c.constructor.total <= TARGET.crossingsConstructor);
  row('JS/wasm crossings: one successful deleteAgent', `${c.deleteAgent.total} (${c.deleteAgent.toJs} wasm->JS, ${c.deleteAgent.toWasm} JS->wasm)`, `<= ${TARGET.crossingsDeleteAgent}`, c.deleteAgent.total <= TARGET.crossingsDeleteAgent);
}
if (!failed('overheadNode')) {
  const o = results.overheadNode;
  const e = o.emulator;
  row(`Node per-call, deleteAgent / bare fetch, wall (n=${e.n})`, `${x(e.wallRatio)} (${us(e.perCallUs.a.wall)} vs ${us(e.perCallUs.b.wall)}; totals ${x(e.totalWallRatio)})`, `<= ${TARGET.overheadRatio}x`, e.wallRatio <= TARGET.overheadRatio);
  row(`Node per-call, deleteAgent / bare fetch, CPU`, `${x(e.cpuRatio)} (${us(e.perCallUs.a.cpu)} vs ${us(e.perCallUs.b.cpu)}; totals ${x(e.totalCpuRatio)})`, `<= ${TARGET.nodeCpuRatio}x (issue 10; ${TARGET.overheadRatio}x issue 6)`, e.cpuRatio <= TARGET.nodeCpuRatio);
  const a = o.attribution;
  if (a) {
    // extra CPU per call implied by the (median) ratio over that sub-run's bare fetch
    const d = (c, key) => (c[`${key}Ratio`] - 1) * c.perCallUs.b[key];
    row('  where it goes: bare + text/JSON.parse', `${x(a.requestAndText.wallRatio)} wall, ${x(a.requestAndText.cpuRatio)} CPU (${sign(d(a.requestAndText, 'cpu'))} CPU/call)`);
    row('  ... + AbortController, setTimeout, Promise.race', `${x(a.plusAbortTimer.wallRatio)} wall, ${x(a.plusAbortTimer.cpuRatio)} CPU (${sign(d(a.plusAbortTimer, 'cpu'))} CPU/call)`);
    row('  ... the client itself (same sub-run)', `${x(a.talkover.wallRatio)} wall, ${x(a.talkover.cpuRatio)} CPU (${sign(d(a.talkover, 'cpu'))} CPU/call)`);
    row("  the client's way in Node, bare: undici's dispatcher / bare fetch", `${x(a.dispatcherVsFetch.wallRatio)} wall, ${x(a.dispatcherVsFetch.cpuRatio)} CPU (${sign(d(a.dispatcherVsFetch, 'cpu'))} CPU/call)`);
    row('  ... the client over that bare dispatch', `${x(a.talkoverVsDispatcher.wallRatio)} wall, ${x(a.talkoverVsDispatcher.cpuRatio)} CPU (${sign(d(a.talkoverVsDispatcher, 'cpu'))} CPU/call)`);
  }
  const r = o.retellVsFetch;
  const t = o.talkoverVsFetchOnStub;
  row('  retell-sdk agent.delete / bare fetch (stub), wall', `${x(r.wallRatio)} (${us(r.perCallUs.a.wall)} vs ${us(r.perCallUs.b.wall)})`);
  row('  retell-sdk agent.delete / bare fetch (stub), CPU', `${x(r.cpuRatio)} (${us(r.perCallUs.a.cpu)} vs ${us(r.perCallUs.b.cpu)})`);
  row('  talkover deleteAgent / bare fetch (same stub), wall', `${x(t.wallRatio)}`, `< retell ${x(r.wallRatio)}`, t.wallRatio < r.wallRatio);
  row('  talkover deleteAgent / bare fetch (same stub), CPU', `${x(t.cpuRatio)}`, `< retell ${x(r.cpuRatio)}`, t.cpuRatio < r.cpuRatio);
}
if (!failed('overheadWorkerd')) {
  const w = results.overheadWorkerd;
  row(`workerd per-call, deleteAgent / bare fetch, wall (n=${w.n})`, `${x(w.wallRatio)} (${us(w.perCallUs.talkover)} vs ${us(w.perCallUs.fetch)}, in-Worker performance.now)`, `<= ${TARGET.workerdWallRatio}x (issue 10; ${TARGET.overheadRatio}x issue 6)`, w.wallRatio <= TARGET.workerdWallRatio);
  row('  same, timed from Node around dispatchFetch', x(w.outsideWallRatio));
  row('  workerd CPU (process /proc ticks, 10 ms res.)', w.cpuRatio == null ? 'not measurable' : `${x(w.cpuRatio)} (${w.cpuSeconds.talkover.toFixed(2)} s vs ${w.cpuSeconds.fetch.toFixed(2)} s)`, `<= ${TARGET.overheadRatio}x`, w.cpuRatio == null ? null : w.cpuRatio <= TARGET.overheadRatio);
  if (w.timerProbe) row('  workerd clock during pure compute', `performance.now moved ${ms(w.timerProbe.perfMsInside)} while Node saw ${ms(w.timerProbe.computeMsOutside)}`);
}
if (!failed('attributionWorkerd')) {
  const a = results.attributionWorkerd;
  const part = (label, r) => row(label, `${x(r.wallRatio)} wall, ${x(r.cpuRatio)} CPU (${us(r.perCallUs.mode)} vs ${us(r.perCallUs.bare)})`);
  row(`  where it goes (workerd, each part in a fresh workerd, ${a.reps} rounds of ${a.n})`, '');
  part("  a hand-written fetch with an attempt's duties (signal+timer, Accept, manual, headers)", a.safe);
  part('  ... io.js attempt alone (the client without its wasm)', a.attempt);
  part('  ... one start()+next()+free(), then the fetch', a.entry);
  part('  ... the same five times over, then the fetch', a.entry5);
  part('  ... twenty times over, then the fetch', a.entry20);
  part('  ... every wasm call of a deleteAgent (a recorded answer), then the fetch', a.wasm);
  part('  ... a trivial wasm export, then the fetch', a.trivial);
  part('  ... the whole deleteAgent', a.client);
  row('  the whole deleteAgent / that hand-written fetch', `${x(a.client.wallRatio / a.safe.wallRatio)} wall, ${x(a.client.cpuRatio / a.safe.cpuRatio)} CPU`);
  const extra = (r) => r.perCallUs.mode - r.perCallUs.bare;
  row('  over the bare fetch: the I/O half + the wasm half / the whole call', `${sign(extra(a.attempt))} + ${sign(extra(a.wasm))} / ${sign(extra(a.client))}`);
  const further = (a.entry20.perCallUs.mode - a.entry.perCallUs.mode) / 19;
  row('  start()+next()+free(): the first after the wait / each further one / in a loop', `${sign(extra(a.entry))} / ${sign(further)} / ${a.hot.entryUs.toFixed(1)} µs`);
  row('  the wasm half: after the wait / in a loop', `${sign(extra(a.wasm))} / ${a.hot.wasmUs.toFixed(1)} µs`);
}
// A cold-start figure: the median pair difference, its IQR, the medians, and `extra`.
const coldRow = (figure, c, extra) =>
  row(`${figure} (median of ${c.runs} pairs)`, `${signedMs(c.deltaMs)} (IQR ${signedMs(c.deltaIqrMs[0])}..${signedMs(c.deltaIqrMs[1])}; medians ${ms(c.medianMs.talkover)} vs ${ms(c.medianMs.fetch)}, ${signedMs(c.deltaOfMediansMs)}; ${extra})`, `<= +${TARGET.coldStartDeltaMs} ms`, c.deltaMs <= TARGET.coldStartDeltaMs);
if (!failed('coldStartNode')) {
  const c = results.coldStartNode;
  coldRow('Node cold start: import+first deleteAgent vs first fetch', c, `import ${ms(c.medianImportMs)}`);
  row('  a one-line package imported the same way, then the fetch, vs first fetch', signedMs(c.packageDeltaMs));
  row('  talkover vs that one-line package (median of pairs)', `${signedMs(c.overPackageMs.median)} (IQR ${signedMs(c.overPackageMs.iqr[0])}..${signedMs(c.overPackageMs.iqr[1])})`);
  row("  a bare node:http request (the client's way before undici loads), vs first fetch", signedMs(c.httpDeltaMs));
  row('  talkover vs that bare node:http request (median of pairs)', `${signedMs(c.overHttpMs.median)} (IQR ${signedMs(c.overHttpMs.iqr[0])}..${signedMs(c.overHttpMs.iqr[1])})`);
}
if (!failed('coldStartWorkerd')) {
  const c = results.coldStartWorkerd;
  coldRow('workerd cold start: new Miniflare -> 1st response', c, `ready ${ms(c.medianReadyMs.talkover)} vs ${ms(c.medianReadyMs.fetch)}`);
}
if (!failed('cleanup')) {
  const c = results.cleanup;
  row(`Cleanup ${c.agents} agents, ${c.latencyMs} ms latency, conc. ${c.concurrency}: vs ideal`, `${x(c.vsIdeal)} (${ms(c.ms)} vs ideal ${ms(c.idealMs)} = ${c.requests} req x ${c.latencyMs} ms / ${c.concurrency})`, `<= ${TARGET.cleanupVsIdeal}x`, c.vsIdeal <= TARGET.cleanupVsIdeal);
  if (c.log) row('  emulator log: mean held / mean in flight / gap between steps', `${ms(c.log.meanServerMs)} / ${c.log.meanInFlight.toFixed(1)} / ${ms(c.log.meanGapBetweenStepsMs)}`);
  if (c.barePool) {
    const p = c.barePool;
    row(`  control: same steps, bare fetch, pool of ${c.concurrency}: vs ideal`, `${x(p.vsIdeal)} (${ms(p.ms)}; held ${ms(p.log.meanServerMs)}, in flight ${p.log.meanInFlight.toFixed(1)}, gap ${ms(p.log.meanGapBetweenStepsMs)})`);
    row('  cleanupAgents / bare-fetch pool', x(c.ms / p.ms));
  }
  row(`  vs sequential bare-fetch script (${c.sequential.sample} agents, x${c.agents / c.sequential.sample} extrapolated)`, `${c.speedupVsSequential.toFixed(1)}x faster (${ms(c.sequential.extrapolatedMs)})`, `>= ${TARGET.cleanupSpeedup}x`, c.speedupVsSequential >= TARGET.cleanupSpeedup);
}

if (!failed('jobs')) {
  const j = results.jobs;
  row(`Cleanup job (Worker, Workflow + R2) ${j.agents.toLocaleString('en-US')} agents, ${j.latencyMs} ms latency, conc. ${j.concurrency}`, `${j.job.agentsPerSecond.toFixed(0)} agents/s (${(j.job.ms / 1000).toFixed(1)} s, ${j.job.requests} requests)`);
  row(`  cleanupAgents in Node, same agents, latency and concurrency`, `${j.node.agentsPerSecond.toFixed(0)} agents/s (${(j.node.ms / 1000).toFixed(1)} s); job / Node ${(j.job.agentsPerSecond / j.node.agentsPerSecond).toFixed(2)}x`);
}

const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i].length), ['Figure', 'Measured', 'Target', 'Result'][i].length));
const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join(' | ');
console.log(line(['Figure', 'Measured', 'Target', 'Result']));
console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
for (const r of rows) console.log(line(r));
const misses = rows.filter((r) => r[3] === 'MISS').length;
const passes = rows.filter((r) => r[3] === 'PASS').length;
console.log(`\n${passes} PASS, ${misses} MISS; ${results.seconds.toFixed(0)} s`);

const bd = results.size?.breakdown;
if (bd) {
  console.log('\nWhat takes the wasm bytes');
  console.log(`dist/talkover_client_bg.wasm (${B(bd.dist.bytes)}, ${bd.dist.functions} functions) by section: ${bd.dist.sections.map((s) => `${s.name} ${s.bytes}`).join(', ')}`);
  if (bd.pkg?.codeByCrate) {
    console.log(`build/pkg wasm (before wasm-opt, ${B(bd.pkg.bytes)}) code bytes by crate: ${bd.pkg.codeByCrate.map(([c, b]) => `${c} ${b}`).join(', ')}`);
  }
  if (bd.twiggy) console.log(`\ntwiggy top -n 25 build/pkg/talkover_client_bg.wasm\n${bd.twiggy}`);
  else if (bd.pkg?.topFunctions) {
    console.log('\nLargest functions (build/pkg, name section; twiggy not on PATH):');
    for (const f of bd.pkg.topFunctions) console.log(`${String(f.size).padStart(7)}  ${f.name}`);
  }
}
results.table = rows;
writeFileSync(join(BENCH, 'results.json'), JSON.stringify(results, null, 2));
log('wrote bench/results.json');
