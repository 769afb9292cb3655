// The bundler test app's page side: the package imported by name, the shared scenario exposed
// to the test as globalThis.talkover.run once the module (and the wasm) has loaded.
import * as pkg from 'talkover-client';
import { runScenario } from './scenario.mjs';

globalThis.talkover = { run: (input) => runScenario(pkg, input) };
