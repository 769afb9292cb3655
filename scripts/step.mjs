// One line before each slow set-up or build step (what it does, how long it takes on a fresh
// machine) and one after (how long it took), so a first `npm start` never looks like a hang.
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** Runs `fn` as a step of `tag` (setup, build, start); `about` is the fresh-machine estimate. */
export function step(tag, what, about, fn) {
  console.log(`[${tag}] ${what}${about ? ` (${about})` : ''}...`);
  const started = Date.now();
  const value = fn();
  console.log(`[${tag}] ${what}: done in ${seconds(Date.now() - started)}`);
  return value;
}
