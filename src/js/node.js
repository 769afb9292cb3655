// Node entry, bundled to CommonJS (dist/node.cjs). The ESM entry (dist/node.mjs, from
// src/js/node.mjs) is a bundle of its own that shares this one's instance through the CommonJS
// module cache, so ESM and CJS users get one module instance and one TalkoverError class.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initSync } from '../../build/pkg/talkover_client.js';
import { NodeExchange } from './node-exchange.js';
import { exchangeWith } from './io.js';

initSync({ module: readFileSync(join(__dirname, 'talkover_client_bg.wasm')) });
exchangeWith(NodeExchange);

export * from './client.js';
