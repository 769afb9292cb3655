// The run of `talkover cleanup`, once confirmed: the report and backup files opened, then one
// cleanupAgents per agent, `concurrency` at a time, so each result is known (and written to the
// report, and shown in the progress view) as soon as that agent is done.
import { ndjson, stamp } from './files.mjs';
import { progressView } from './progress.mjs';
import { reportLine } from './results.mjs';

/**
 * Runs the planned agents; resolves `{ results, reportFile, backupPath, writeError }` (not-planned
 * first). A report that cannot be written stops the run between steps, like Ctrl-C, and every
 * result still shows on stderr and counts in the summary: `writeError` says what failed.
 */
export async function runCleanup({ client, values, backup, concurrency, settled, stop }, willDelete, notPlanned) {
  const backupPath = backup ? values['backup-file'] ?? `talkover-backup-${stamp()}.ndjson` : null;
  const backupFile = backupPath && (await ndjson(backupPath, 'a'));
  const reportFile = values['report-file'] !== undefined ? await ndjson(values['report-file'], 'w') : null;
  const results = [];
  let writeError = null;
  const record = async (r) => {
    results.push(r);
    if (writeError) return;
    try {
      await reportFile?.write(reportLine(r));
    } catch (e) {
      writeError = e;
      stop.abort();
    }
  };
  const progress = progressView(willDelete.length);
  const options = {
    unpublish: values.unpublish ?? false,
    backup,
    concurrency: 1,
    signal: stop.signal,
    ...(backupFile && { onBackup: ({ agent, trainings }) => backupFile.write(JSON.stringify({ agent, trainings })) }),
  };
  try {
    for (const line of settled.values()) await reportFile?.write(line);
    for (const r of notPlanned) await record(r);
    await inParallel(willDelete, concurrency, async ({ agentId }) => {
      const [r] = (await client.cleanupAgents([agentId], options)).results;
      progress.done(r);
      await record(r);
    });
  } finally {
    // Whatever stopped the run, what was written stays complete.
    progress.finish();
    await backupFile?.close();
    await reportFile?.close();
  }
  return { results, reportFile, backupPath, writeError };
}

/** `each` of `items`, `concurrency` at a time, in order. */
async function inParallel(items, concurrency, each) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await each(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
