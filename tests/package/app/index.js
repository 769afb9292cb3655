// The bundler test app's entry: the page scenario, plus runInWorker, which runs it in a module
// Web Worker written the way Vite and webpack bundle workers (new URL + import.meta.url), and
// runInWorkerAt, for a worker bundled on its own (webpack --target webworker). Each sends the
// input once the worker says it is ready.
import './main.js';

function talk(worker, input) {
  return new Promise((resolve, reject) => {
    worker.onmessage = ({ data }) => {
      if (data.ready) return worker.postMessage(input);
      worker.terminate();
      if (data.error) reject(new Error(data.error));
      else resolve(data.out);
    };
    worker.onerror = (e) => reject(new Error(`worker failed: ${e.message}`));
  });
}

globalThis.talkover.runInWorker = (input) => talk(new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }), input);
globalThis.talkover.runInWorkerAt = ([url, input]) => talk(new Worker(url), input);
