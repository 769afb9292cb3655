// Figure 1: bytes shipped. Browser = dist/talkover_client_bg.wasm + dist/browser.mjs (two
// downloads, each gzipped on its own); Worker = dist/workerd.mjs + the wasm. Compared with
// retell-sdk bundled for a browser and the hand-written fetch client bundled for a Worker.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH, DIST, ROOT, bundle, fileSizes } from './common.mjs';
import { byCrate, parseWasm } from './wasm.mjs';

const sum = (parts) => parts.reduce((a, p) => ({ raw: a.raw + p.raw, gzip: a.gzip + p.gzip }), { raw: 0, gzip: 0 });

export async function measureSize() {
  const wasm = fileSizes(join(DIST, 'talkover_client_bg.wasm'));
  const browserGlue = fileSizes(join(DIST, 'browser.mjs'));
  const workerGlue = fileSizes(join(DIST, 'workerd.mjs'));

  const retell = await bundle(
    'size-retell-browser',
    `import Retell from 'retell-sdk';
export async function removeAgent(apiKey, id) {
  const client = new Retell({ apiKey });
  return client.agent.delete(id);
}
`,
    { minify: true },
  );
  const fetchWorker = await bundle(
    'size-fetch-worker',
    `import { createClient } from '${join(BENCH, 'fetch-client.mjs')}';
export default {
  async fetch(request, env) {
    const client = createClient({ token: env.TOKEN, baseUrl: env.BASE_URL });
    return Response.json(await client.deleteAgent(new URL(request.url).searchParams.get('id')));
  },
};
`,
    { worker: true, minify: true },
  );
  const talkoverWorker = await bundle(
    'size-talkover-worker',
    `import { TalkoverClient } from 'talkover-client';
export default {
  async fetch(request, env) {
    const client = new TalkoverClient({ token: env.TOKEN, baseUrl: env.BASE_URL });
    return Response.json(await client.deleteAgent(new URL(request.url).searchParams.get('id')));
  },
};
`,
    { worker: true, minify: true },
  );
  const filesOf = (b) => sum(b.files.filter((f) => !f.endsWith('.map')).map(fileSizes));

  return {
    talkoverBrowser: { ...sum([wasm, browserGlue]), wasm, glue: browserGlue },
    talkoverWorker: { ...sum([wasm, workerGlue]), wasm, glue: workerGlue },
    talkoverWorkerBundled: filesOf(talkoverWorker),
    retellBrowser: filesOf(retell),
    fetchClientWorker: filesOf(fetchWorker),
    breakdown: wasmBreakdown(),
  };
}

/** twiggy's top 25 on the wasm-bindgen output (names intact) when twiggy is on PATH, plus our own reader's view. */
function wasmBreakdown() {
  const pkgWasm = join(ROOT, 'build/pkg/talkover_client_bg.wasm');
  const distWasm = join(DIST, 'talkover_client_bg.wasm');
  const out = { twiggy: null, dist: null, pkg: null };
  const which = spawnSync('which', ['twiggy'], { encoding: 'utf8' });
  const twiggy = which.status === 0 ? which.stdout.trim() : null;
  if (twiggy) {
    try {
      out.twiggy = execFileSync(twiggy, ['top', '-n', '25', pkgWasm], { encoding: 'utf8' });
    } catch (e) {
      out.twiggy = `twiggy failed: ${e.message}`;
    }
  }
  const d = parseWasm(readFileSync(distWasm));
  out.dist = {
    bytes: d.size,
    sections: d.sections.map(({ name, bytes }) => ({ name, bytes })),
    functions: d.functions.length,
    largestDataSegments: [...d.dataSegments].sort((a, b) => b - a).slice(0, 5),
  };
  try {
    const p = parseWasm(readFileSync(pkgWasm));
    out.pkg = {
      bytes: p.size,
      sections: p.sections.map(({ name, bytes }) => ({ name, bytes })),
      codeByCrate: byCrate(p.functions).slice(0, 14),
      topFunctions: [...p.functions].sort((a, b) => b.size - a.size).slice(0, 15).map(({ name, size }) => ({ name, size })),
    };
  } catch (e) {
    out.pkg = { error: e.message };
  }
  return out;
}
