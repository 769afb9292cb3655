// `talkover cleanup`: the flags checked, the selection and the plan (a dry run against the API:
// reads only), the confirmation, the run (cleanup-run.mjs) and the summary. The first Ctrl-C
// stops between steps and the summary still comes; a second one exits at once.
import { confirm, ensureConfirmable } from './confirm.mjs';
import { runCleanup } from './cleanup-run.mjs';
import { EXIT, UsageError } from './exit.mjs';
import { ndjson, readSettled } from './files.mjs';
import { err, out } from './output.mjs';
import { describeResult, reduced, reportLine } from './results.mjs';
import { filtersOf, hasFilter, select } from './select.mjs';

export async function cleanupCommand(client, values, ids) {
  const { filters, concurrency, backup } = checkOptions(values, ids);
  const settled = values.resume === undefined ? new Map() : await readSettled(values.resume);
  // Refused before anything is sent, rather than after the plan.
  if (!values['dry-run']) ensureConfirmable(values);
  const stop = interrupts();
  try {
    return await planAndRun({ client, values, concurrency, backup, settled, stop }, ids, filters);
  } finally {
    stop.off();
  }
}

function checkOptions(values, ids) {
  const filters = filtersOf(values);
  let concurrency = 4;
  if (values.concurrency !== undefined) {
    concurrency = Number(values.concurrency);
    if (!/^\d+$/.test(values.concurrency) || concurrency < 1 || concurrency > 64) {
      throw new UsageError(`--concurrency must be an integer from 1 to 64, not '${values.concurrency}'`);
    }
  }
  if (ids.length && hasFilter(filters)) throw new UsageError('give agent ids or filters, not both');
  const backup = !values['no-backup'];
  if (!backup && values['backup-file'] !== undefined) throw new UsageError('--backup-file and --no-backup do not go together');
  return { filters, concurrency, backup };
}

/**
 * Interrupts, from now until `off()`: the first Ctrl-C sets `interrupted` and aborts `signal`
 * (the client stops between steps), a second one exits at once. `abort()` stops the run the same
 * way without counting as an interrupt.
 */
function interrupts() {
  const controller = new AbortController();
  const onSigint = () => {
    if (stop.interrupted) process.exit(EXIT.interrupted);
    stop.interrupted = true;
    controller.abort();
    err('\nInterrupted: letting what was sent finish (Ctrl-C again to quit at once)...');
  };
  const stop = {
    interrupted: false,
    signal: controller.signal,
    abort: () => controller.abort(),
    off: () => process.off('SIGINT', onSigint),
  };
  process.on('SIGINT', onSigint);
  return stop;
}

async function planAndRun(job, ids, filters) {
  const { values, stop } = job;
  const { plan, names } = await makePlan(job, ids, filters);
  if (stop.interrupted) {
    err('Interrupted before anything was changed.');
    return EXIT.interrupted;
  }
  const willDelete = plan.results.filter((r) => r.outcome === 'planned');
  const notPlanned = plan.results.filter((r) => r.outcome !== 'planned');
  if (!values.json || values['dry-run']) printPlan(plan, names, values.json);
  if (values['dry-run']) return writePlanReport(values, plan);
  if (!willDelete.length) return nothingToDelete(values, plan);
  if (!(await confirm(values, question(willDelete))) || stop.interrupted) {
    err('Nothing deleted.');
    return EXIT.interrupted;
  }
  const run = await runCleanup(job, willDelete, notPlanned);
  return printSummary(values, run, stop.interrupted);
}

/** The selection (the ids given, else the agents the filters select) and its plan. */
async function makePlan({ client, values, concurrency, settled, stop }, ids, filters) {
  const names = new Map();
  if (!ids.length) {
    for (const a of await select(client, filters)) {
      ids.push(a.id);
      names.set(a.id, a.name);
    }
  }
  const todo = [...new Set(ids)].filter((id) => !settled.has(id));
  if (settled.size) err(`Resuming from ${values.resume}: ${settled.size} agent(s) already deleted, ${todo.length} to go.`);
  const plan = await client.cleanupAgents(todo, { dryRun: true, unpublish: values.unpublish ?? false, concurrency, signal: stop.signal });
  return { plan, names };
}

function printPlan(plan, names, json) {
  if (json) {
    out(JSON.stringify({ ...plan, results: plan.results.map(reduced) }));
    return;
  }
  out(`Plan: ${plan.planned} to delete, ${plan.skipped} skipped, ${plan.failed} failed to read.`);
  for (const r of plan.results) {
    const name = names.get(r.agentId);
    const what = r.outcome === 'planned' ? (r.reason === 'UNPUBLISH_FIRST' ? 'delete (unpublish first)' : 'delete') : describeResult(r);
    out(`  ${what.padEnd(24)} ${r.agentId}${name ? `  ${name}` : ''}`);
  }
}

/** --dry-run: the plan's results go to --report-file, if given. */
async function writePlanReport(values, plan) {
  if (values['report-file'] !== undefined) {
    const report = await ndjson(values['report-file'], 'w');
    for (const r of plan.results) await report.write(reportLine(r));
    await report.close();
  }
  return plan.failed ? EXIT.failed : EXIT.ok;
}

function nothingToDelete(values, { results, ...counts }) {
  if (values.json) out(JSON.stringify({ ...counts, interrupted: false, results: results.map(reduced), reportFile: null, backupFile: null }));
  else out('Nothing to delete.');
  return counts.failed ? EXIT.failed : EXIT.ok;
}

function question(willDelete) {
  const unpublishFirst = willDelete.filter((r) => r.reason === 'UNPUBLISH_FIRST').length;
  return `Delete ${willDelete.length} agent${willDelete.length === 1 ? '' : 's'}${unpublishFirst ? ` (${unpublishFirst} unpublished first)` : ''}?`;
}

function summary(results, extra) {
  const counts = { deleted: 0, skipped: 0, failed: 0, planned: 0 };
  for (const r of results) counts[r.outcome] += 1;
  return { ...counts, ...extra };
}

function printSummary(values, { results, reportFile, backupPath, writeError }, interrupted) {
  const sum = summary(results, { interrupted });
  if (values.json) out(JSON.stringify({ ...sum, results: results.map(reduced), reportFile: reportFile?.path ?? null, backupFile: backupPath }));
  else {
    out(`${interrupted ? 'Interrupted. ' : ''}Deleted ${sum.deleted}, skipped ${sum.skipped}, failed ${sum.failed}.`);
    if (reportFile) out(`Report: ${reportFile.path}`);
    if (backupPath) out(`Backup: ${backupPath}`);
    if (interrupted) out(`To finish: talkover cleanup ... --resume ${reportFile?.path ?? 'REPORT'} (needs --report-file)`);
  }
  if (writeError) err(`talkover: the report could not be written (${writeError.message}), so the run stopped: it lacks results shown above`);
  if (interrupted) return EXIT.interrupted;
  return sum.failed || writeError ? EXIT.failed : EXIT.ok;
}
