// The I/O half of every call: the wasm decides (a synchronous `Call` from `start` or a
// cleanup's `agent(i)`), this loop does what it says. `S`/`s` sends an attempt (`S` within the
// caller's signal, `s` without: a change runs to its end), `W`/`w` waits, `P` reports a step,
// `B` awaits the caller's `onBackup` with the agent's backup (before its first change), and an
// empty instruction means the call's result is ready.
import { checked } from './error.js';
import { attempt, awaitCallback, callQuietly, sleep } from './io.js';

/** Runs `call` to its result (or its TalkoverError); frees it whatever happens. */
export async function drive(call, fetchFn, onStep, onBackup) {
  try {
    const signal = call.signal();
    let next = call.next();
    for (;;) {
      const within = next[0] === 'S' || next[0] === 'W' ? signal : undefined;
      switch (next[0]) {
        case 'S':
        case 's': {
          const [head, body] = await attempt(fetchFn, next.slice(1), within);
          next = call.onAttempt(head, body);
          break;
        }
        case 'W':
        case 'w':
          next = call.onWait(await sleep(Number(next.slice(1)), within));
          break;
        case 'P':
          onStep?.(next.slice(1));
          next = call.next();
          break;
        case 'B':
          // While `B` is pending, result() is the agent's backup, [agent, trainings], and
          // onAttempt takes the answer: undefined (resolved) or the failure's message. (Two
          // exports of their own would cost about 400 B of wasm.)
          next = call.onAttempt('', await onBackup(checked(call.result())));
          break;
        default:
          return checked(call.result());
      }
    }
  } finally {
    call.free();
  }
}

/** `cleanupAgents`: `concurrency` agents in flight, progress after every step, one report. */
export async function cleanup(run, fetchFn) {
  try {
    const total = run.total();
    const [onProgress, onBackup] = run.callbacks();
    const results = new Array(total);
    let next = 0;
    let done = 0;
    const progress = (agentId, step) => onProgress && callQuietly(onProgress, { agentId, step, done, total });
    const worker = async () => {
      while (next < total) {
        const index = next++;
        const agentId = run.id(index);
        const save = ([agent, trainings]) => awaitCallback(onBackup, { agentId, agent, trainings });
        results[index] = await drive(run.agent(index), fetchFn, (step) => progress(agentId, step), save);
        done += 1;
        progress(agentId, 'done');
      }
    };
    await Promise.all(Array.from({ length: Math.min(run.concurrency(), total) }, worker));
    return report(results);
  } finally {
    run.free();
  }
}

function report(results) {
  const counts = { deleted: 0, skipped: 0, failed: 0, planned: 0 };
  for (const r of results) counts[r.outcome] += 1;
  return { results, ...counts };
}
