// Runs the package scenario in whichever runtime executes this file (Deno, Bun): the package
// imported by name from this consumer project, the input from the SCENARIO_INPUT environment
// variable, the result and the resolved entry printed as one line of JSON.
import * as pkg from 'talkover-client';
import { runScenario } from './scenario.mjs';

const env = (name) => globalThis.Deno?.env.get(name) ?? globalThis.process?.env[name];
const out = await runScenario(pkg, JSON.parse(env('SCENARIO_INPUT')));
console.log(JSON.stringify({ entry: import.meta.resolve('talkover-client'), out }));
