// Where the per-call time goes: `node --cpu-prof --cpu-prof-dir=bench/.out/prof bench/profile.mjs [talkover|fetch] [n]`
// runs n sequential deletes against a fresh emulator, then summarise with
// `node bench/profile.mjs --summary bench/.out/prof/<file>.cpuprofile`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST, waitForDist } from './lib/common.mjs';

if (process.argv[2] === '--summary') {
  const prof = JSON.parse(readFileSync(process.argv[3], 'utf8'));
  const dt = new Map();
  for (let i = 0; i < prof.samples.length; i++) dt.set(prof.samples[i], (dt.get(prof.samples[i]) ?? 0) + (prof.timeDeltas[i] ?? 0));
  const byNode = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (n) => {
    const f = n.callFrame;
    const file = f.url ? f.url.replace(/^.*\/(node_modules|dist|lib|internal)\//, '$1/') : '';
    return `${f.functionName || '(anonymous)'} ${file}${file ? `:${f.lineNumber + 1}` : ''}`;
  };
  const self = new Map();
  const bucket = new Map();
  const pkgWasm = new Set(
    prof.nodes.filter((n) => n.callFrame.url.startsWith('wasm://') && /wasm-function|talkover|closure|bindgen/.test(n.callFrame.functionName)).map((n) => n.callFrame.url),
  );
  const inclusive = new Map();
  let total = 0;
  for (const [id, us] of dt) {
    const n = byNode.get(id);
    const f = n.callFrame;
    total += us;
    self.set(label(n), (self.get(label(n)) ?? 0) + us);
    let b;
    if (f.functionName === '(idle)') b = 'idle (waiting for the server)';
    else if (f.functionName === '(garbage collector)') b = 'GC';
    else if (f.url.startsWith('wasm://')) b = `wasm ${f.url}`;
    else if (f.url.includes('/dist/')) b = 'package JS glue (dist/)';
    else if (f.functionName === 'writeLatin1String' || f.functionName === 'writev') b = 'socket write (syscall)';
    else b = 'node internals / undici / other';
    bucket.set(b, (bucket.get(b) ?? 0) + us);
    // inclusive time under some interesting frames
    const seen = new Set();
    for (let p = id; p !== undefined; p = parent.get(p)) {
      const name = byNode.get(p).callFrame.functionName;
      const key = { _Request: 'new Request(...) (undici)', AbortController: 'new AbortController()', setTimeout: 'setTimeout', fetch: 'fetch() (undici, incl. request)', json: 'res.json()', text: 'res.text()' }[name];
      if (key && !seen.has(key)) {
        seen.add(key);
        inclusive.set(key, (inclusive.get(key) ?? 0) + us);
      }
    }
  }
  void pkgWasm;
  console.log(`total ${(total / 1000).toFixed(0)} ms sampled`);
  for (const [b, us] of [...bucket].sort((a, c) => c[1] - a[1])) console.log(`${(us / 1000).toFixed(1).padStart(8)} ms  ${b}`);
  console.log('\ninclusive time under:');
  for (const [k, us] of [...inclusive].sort((a, c) => c[1] - a[1])) console.log(`${(us / 1000).toFixed(1).padStart(8)} ms  ${k}`);
  console.log('\ntop self time:');
  for (const [l, us] of [...self].sort((a, c) => c[1] - a[1]).slice(0, 30)) console.log(`${(us / 1000).toFixed(1).padStart(8)} ms  ${l}`);
} else {
  const { startEmulator } = await import('../tests/support/emulator.mjs');
  const mode = process.argv[2] ?? 'talkover';
  const n = Number(process.argv[3] ?? 5000);
  await waitForDist();
  const { TalkoverClient } = await import(pathToFileURL(join(DIST, 'node.mjs')).href);
  const emu = await startEmulator({ seed: n });
  const client = new TalkoverClient({ token: emu.token, baseUrl: emu.url });
  const headers = { Authorization: `Bearer ${emu.token}` };
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let k = 1; k <= n; k++) {
    const id = `bench-agent-${String(k).padStart(6, '0')}`;
    if (mode === 'talkover') await client.deleteAgent(id);
    else await (await fetch(`${emu.url}/api/v1/agents/${id}`, { method: 'DELETE', headers })).json();
  }
  const c = process.cpuUsage(c0);
  console.log(`${mode}: ${(((performance.now() - t0) / n) * 1000).toFixed(0)} µs wall, ${((c.user + c.system) / n).toFixed(0)} µs CPU per call`);
  await emu.stop();
}
