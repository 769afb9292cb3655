// The cleanup's NDJSON files: the report and the backup, written line by line and flushed
// (`ndjson`), the default backup file name's time stamp, and a previous report read for
// --resume (`readSettled`: the agents it says were deleted).
import { open, readFile } from 'node:fs/promises';
import { UsageError } from './exit.mjs';
import { clean } from './output.mjs';

/** The agents a report says were `deleted`: agent id -> that report line, as written. */
export async function readSettled(path) {
  let text;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(`--resume: cannot read ${path} (${e.code ?? e.message})`);
  }
  const settled = new Map();
  for (const [i, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    let r;
    try {
      r = JSON.parse(line);
    } catch {
      throw new UsageError(`--resume: line ${i + 1} of ${path} is not JSON`);
    }
    if (typeof r?.agentId !== 'string') throw new UsageError(`--resume: line ${i + 1} of ${path} has no agentId`);
    if (r.outcome === 'deleted') settled.set(r.agentId, line);
  }
  return settled;
}

/** An append-only NDJSON file whose every line is on disk before `write` resolves. */
export async function ndjson(path, flags) {
  let handle;
  try {
    handle = await open(path, flags);
  } catch (e) {
    throw new UsageError(`cannot open ${path} (${e.code ?? e.message})`);
  }
  let queue = Promise.resolve();
  return {
    path,
    write(line) {
      queue = queue.then(async () => {
        await handle.write(clean(`${line}\n`));
        await handle.datasync();
      });
      return queue;
    },
    async close() {
      await queue.catch(() => {});
      await handle.close();
    },
  };
}

export function stamp() {
  return new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}
