// The confirmation before a delete: --yes answers it; otherwise it asks on a terminal (y/N,
// Ctrl-C at the prompt is no) and refuses with a UsageError when stdin is not one.
import { createInterface } from 'node:readline/promises';
import { UsageError } from './exit.mjs';
import { clean, printable } from './output.mjs';

/** Throws the UsageError `confirm` would when it cannot ask: no --yes, and stdin no terminal. */
export function ensureConfirmable(values) {
  if (!values.yes && !process.stdin.isTTY) {
    throw new UsageError('refusing to delete without --yes: stdin is not a terminal');
  }
}

export async function confirm(values, question) {
  ensureConfirmable(values);
  if (values.yes) return true;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const stop = new AbortController();
  rl.on('SIGINT', () => stop.abort()); // Ctrl-C at the prompt: no
  try {
    const answer = await rl.question(clean(printable(`${question} [y/N] `)), { signal: stop.signal });
    return /^y(es)?$/i.test(answer.trim());
  } catch {
    return false;
  } finally {
    rl.close();
  }
}
