// Workers (workerd) entry: the runtime hands the .wasm over as a compiled WebAssembly.Module,
// instantiated synchronously; Workers never compile wasm from bytes.
import wasmModule from './talkover_client_bg.wasm';
import { initSync } from '../../build/pkg/talkover_client.js';

initSync({ module: wasmModule });

export * from './client.js';
