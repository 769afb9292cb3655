// Node entry, bundled to CommonJS (dist/node.cjs); dist/node.mjs re-exports it for `import`,
// so ESM and CJS users share one module instance and one TalkoverError class.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initSync } from '../../build/pkg/talkover_client.js';

initSync({ module: readFileSync(join(__dirname, 'talkover_client_bg.wasm')) });

export * from './client.js';
