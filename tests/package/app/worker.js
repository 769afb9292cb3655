// The bundler test app's module Web Worker: the same scenario, inside the worker. The import
// settles only once the wasm is loaded (top-level await) and messages that arrive before
// onmessage is set are lost, so the worker says when it is ready, as the README advises.
import * as pkg from 'talkover-client';
import { runScenario } from './scenario.mjs';

self.onmessage = async ({ data }) => {
  try {
    self.postMessage({ out: await runScenario(pkg, data) });
  } catch (err) {
    self.postMessage({ error: String(err?.stack ?? err) });
  }
};
self.postMessage({ ready: true });
