// Node ESM entry (dist/node.mjs, also Deno's and Bun's): a bundle of its own, so `import` never
// starts Node's CommonJS loader, nor builds an ES-module facade of a builtin (together about
// 3 ms of a cold start). It still shares one module instance, hence one TalkoverError class,
// with require('talkover-client') (dist/node.cjs), through the CommonJS module cache: whichever
// entry loads first is the one both hand out.
import { initSync } from '../../build/pkg/talkover_client.js';
import * as client from './client.js';
import { NodeExchange } from './node-exchange.js';
import { exchangeWith } from './io.js';

// process.getBuiltinModule (Node >= 20.16, Deno, Bun) is synchronous and nearly free; `import`
// of a builtin builds its ES-module facade (0.4 to 2 ms for node:fs). Older Node 20s await that.
const ids = ['node:module', 'node:url', 'node:fs'];
const [{ Module }, { fileURLToPath }, { readFileSync }] = process.getBuiltinModule
  ? ids.map((id) => process.getBuiltinModule(id))
  : await Promise.all(ids.map((id) => import(id)));
const cjsFile = fileURLToPath(new URL('./node.cjs', import.meta.url));

/** This bundle's own instance, registered as what require() of dist/node.cjs returns. */
function ownInstance() {
  initSync({ module: readFileSync(new URL('./talkover_client_bg.wasm', import.meta.url)) });
  exchangeWith(NodeExchange);
  const exports = Object.defineProperty({ ...client }, '__esModule', { value: true });
  try {
    const entry = new Module(cjsFile, null);
    Object.assign(entry, { filename: cjsFile, loaded: true, exports });
    Module._cache[cjsFile] ??= entry;
  } catch {
    // No CommonJS cache to share through (not Node's loader): the two entries stay apart.
  }
  return exports;
}

const api = Module?._cache?.[cjsFile]?.exports ?? ownInstance();

export const { TalkoverClient, TalkoverError, isTalkoverError } = api;
