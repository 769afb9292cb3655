// Counts JS/wasm boundary crossings: every call from the wasm into a JavaScript import, and
// every call from JavaScript into a wasm export (closures included, which wasm-bindgen calls
// through the exported function table). Deterministic, so tests/js/crossings.test.mjs holds a
// budget and `npm run bench` prints the figures.
//
// Run as a script it prints JSON: node bench/lib/crossings.mjs <emulatorUrl> <token> <agentId>
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The names the build shortened (build/short-names.json), short -> long, per direction. */
function readLongNames() {
  const names = { toJs: new Map(), toWasm: new Map() };
  try {
    const mapping = JSON.parse(readFileSync(new URL('../../build/short-names.json', import.meta.url), 'utf8'));
    for (const [, long, short] of mapping.imports) names.toJs.set(short, long);
    for (const [long, short] of mapping.exports) names.toWasm.set(short, long);
  } catch {
    // Not built here: the short names it is.
  }
  return names;
}

const count = { toJs: 0, toWasm: 0, names: {} };
const longNames = readLongNames();
const tally = (dir, name) => {
  count[dir] += 1;
  const key = `${dir === 'toJs' ? 'js' : 'wasm'} ${longNames[dir].get(name) ?? name}`;
  count.names[key] = (count.names[key] ?? 0) + 1;
};
const counted = (dir, name, f) => function (...args) {
  tally(dir, name);
  return f.apply(this, args);
};

/** Patches WebAssembly.Instance so the next instance made counts its crossings in `count`. */
export function instrument() {
  const Original = WebAssembly.Instance;
  const tableGet = WebAssembly.Table.prototype.get;
  WebAssembly.Table.prototype.get = function (i) {
    const f = tableGet.call(this, i);
    return typeof f === 'function' ? counted('toWasm', `table[${i}]`, f) : f;
  };
  WebAssembly.Instance = function (module, imports) {
    const wrapped = {};
    for (const [mod, fns] of Object.entries(imports)) {
      wrapped[mod] = {};
      for (const [name, f] of Object.entries(fns)) wrapped[mod][name] = typeof f === 'function' ? counted('toJs', name, f) : f;
    }
    const instance = new Original(module, wrapped);
    const exports = {};
    for (const [name, v] of Object.entries(instance.exports)) exports[name] = typeof v === 'function' ? counted('toWasm', name, v) : v;
    return { exports };
  };
  return count;
}

/** Crossings of `new TalkoverClient()` and of one successful `deleteAgent`. */
export async function measure(url, token, agentId) {
  const counts = instrument();
  // The Node entry, as `import 'talkover-client'` resolves it from a consumer.
  const { TalkoverClient } = await import(new URL('../../dist/node.mjs', import.meta.url));
  const take = () => {
    const out = { total: counts.toJs + counts.toWasm, toJs: counts.toJs, toWasm: counts.toWasm, names: counts.names };
    Object.assign(counts, { toJs: 0, toWasm: 0, names: {} });
    return out;
  };
  new TalkoverClient({ token, baseUrl: url }); // warm: the first call also sets up the module
  take();
  const client = new TalkoverClient({ token, baseUrl: url });
  const constructor = take();
  const result = await client.deleteAgent(agentId);
  const deleteAgent = take();
  if (result?.success !== true) throw new Error('deleteAgent did not succeed');
  return { constructor, deleteAgent };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [url, token, agentId] = process.argv.slice(2);
  console.log(JSON.stringify(await measure(url, token, agentId)));
}
