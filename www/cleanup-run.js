// The real cleanup run: progress and cancel, each agent's outcome in the table, the summary, and
// the backup download (JSON) of the agents the run changed.
import { loadAgents, lockTable, setOutcome } from './agents-table.js';
import { $, el, plural } from './dom.js';
import { describeError, reasonText, skipWhy } from './messages.js';
import { updateSelectionUi } from './selection.js';
import { agentName, session, state } from './state.js';

const STEP_TEXT = {
  read: 'Reading…',
  backup: 'Backing up…',
  'check-calls': 'Checking calls…',
  unpublish: 'Unpublishing…',
  delete: 'Deleting…',
  restore: 'Restoring…',
  done: 'Finishing…',
};

/** Runs the cleanup a plan (dry run) showed, for the agents it planned to delete. */
export async function runCleanup(plan) {
  const planned = plan.report.results.filter((r) => r.outcome === 'planned').map((r) => r.agentId);
  const planSkipped = plan.report.results.filter((r) => r.outcome !== 'planned');
  const controller = new AbortController();
  state.running = controller;
  state.report = null;

  for (const r of planSkipped) setOutcome(r.agentId, 'skipped', `Skipped: ${reasonText(r.reason) || 'not deletable'}`, skipWhy(r));
  for (const id of planned) setOutcome(id, 'working', 'Queued');
  lockTable(true);
  showRunStarted(planned.length);

  let report = null;
  let failure = null;
  try {
    report = await session.client.cleanupAgents(planned, {
      unpublish: plan.unpublish,
      signal: controller.signal,
      onProgress: (progress) => showProgress(controller, progress),
    });
  } catch (err) {
    failure = err;
  }
  state.running = null;
  state.report = report ? { report, planSkipped, at: new Date(), baseUrl: session?.baseUrl } : null;

  const counts = { deleted: 0, skipped: planSkipped.length, failed: 0, cancelled: 0 };
  if (report) showResults(report, counts);
  else for (const id of planned) if (state.outcomes.get(id)?.kind === 'working') setOutcome(id, 'failed', 'Not finished', describeError(failure).text);
  lockTable(false);

  const aborted = controller.signal.aborted || failure?.code === 'ABORTED';
  showRunFinished(planned.length, counts, failure, aborted);
}

function showRunStarted(count) {
  const panel = $('run-panel');
  const progress = $('run-progress');
  panel.hidden = false;
  panel.dataset.state = 'running';
  $('run-summary').hidden = true;
  $('cancel-run').hidden = false;
  $('cancel-run').disabled = false;
  $('cancel-run').textContent = 'Cancel';
  $('run-title').textContent = `Deleting ${plural(count, 'agent')}…`;
  progress.max = Math.max(count, 1);
  progress.value = 0;
  $('run-text').textContent = `0 of ${count} done`;
  $('cancel-run').focus();
}

function showProgress(controller, { agentId, step, done, total }) {
  if (state.running !== controller) return; // a late call after the run ended
  const progress = $('run-progress');
  progress.max = Math.max(total, 1);
  progress.value = done;
  if (step !== 'done') setOutcome(agentId, 'working', STEP_TEXT[step] ?? step);
  $('run-text').textContent = `${done} of ${total} done${step !== 'done' ? ` · ${(STEP_TEXT[step] ?? step).replace('…', '').toLowerCase()} ${agentName(agentId)}` : ''}`;
}

/** Shows each result's outcome in its row and counts them into `counts`. */
function showResults(report, counts) {
  for (const r of report.results) {
    const agent = state.known.get(r.agentId);
    if (r.outcome !== 'deleted' && (r.reason === 'ABORTED' || r.error?.code === 'ABORTED')) {
      counts.cancelled += 1;
      setOutcome(r.agentId, 'skipped', r.unpublished ? 'Cancelled (left unpublished)' : 'Cancelled: not deleted');
    } else if (r.outcome === 'deleted') {
      counts.deleted += 1;
      state.selected.delete(r.agentId);
      setOutcome(r.agentId, 'deleted', r.unpublished ? 'Unpublished and deleted' : 'Deleted');
    } else if (r.outcome === 'skipped') {
      counts.skipped += 1;
      setOutcome(r.agentId, 'skipped', `Skipped: ${reasonText(r.reason) || 'not deletable'}`, r.error ? describeError(r.error).text : null);
    } else if (r.outcome === 'failed') {
      counts.failed += 1;
      const d = r.error ? describeError(r.error) : { text: reasonText(r.reason) };
      setOutcome(r.agentId, 'failed', `Failed: ${r.error?.code ?? r.reason ?? 'error'}`, d.text);
    }
    if (agent && r.unpublished && r.outcome !== 'deleted') {
      agent.current_status = 'draft';
    }
  }
}

function showRunFinished(plannedCount, { deleted, skipped, failed, cancelled }, failure, aborted) {
  const progress = $('run-progress');
  if (!aborted) progress.value = progress.max;
  $('run-panel').dataset.state = 'done';
  $('cancel-run').hidden = true;
  $('run-title').textContent = aborted
    ? 'Cleanup cancelled'
    : failure ? 'Cleanup stopped' : failed ? 'Cleanup finished with errors' : 'Cleanup finished';
  $('run-text').textContent = failure
    ? describeError(failure).text
    : aborted
      ? `Cancelled: ${plural(cancelled, 'agent')} left as ${cancelled === 1 ? 'it was' : 'they were'}; ${plural(deleted, 'agent')} deleted before the cancel.`
      : `${plural(plannedCount, 'agent')} processed.`;
  $('run-stats').replaceChildren(
    el('li', { class: 'stat stat-ok', dataset: { stat: 'deleted' } }, el('strong', { text: String(deleted) }), ' deleted'),
    el('li', { class: 'stat stat-warn', dataset: { stat: 'skipped' } }, el('strong', { text: String(skipped) }), ' skipped'),
    el('li', { class: 'stat stat-bad', dataset: { stat: 'failed' } }, el('strong', { text: String(failed) }), ' failed'),
    cancelled ? el('li', { class: 'stat stat-grey', dataset: { stat: 'cancelled' } }, el('strong', { text: String(cancelled) }), ' cancelled') : '',
  );
  const backups = backupEntries();
  $('download-backup').disabled = backups.length === 0;
  $('download-backup').textContent = `Download backup (JSON)${backups.length ? ` · ${plural(backups.length, 'agent')}` : ''}`;
  $('run-summary').hidden = false;
  updateSelectionUi();
  $('run-title').setAttribute('tabindex', '-1');
  $('run-title').focus();
}

$('cancel-run').addEventListener('click', (e) => {
  state.running?.abort();
  e.currentTarget.disabled = true;
  e.currentTarget.textContent = 'Cancelling…';
});
$('run-dismiss').addEventListener('click', () => {
  $('run-panel').hidden = true;
  $('search').focus();
});
$('run-refresh').addEventListener('click', () => {
  state.outcomes.clear();
  state.calls.clear();
  $('run-panel').hidden = true;
  loadAgents();
});

// ---------------------------------------------------------------------------------------------
// Backup download

/** Backups of the agents this run changed: deleted ones, and unpublished ones that stayed. */
function backupEntries() {
  const results = state.report?.report?.results ?? [];
  return results
    .filter((r) => r.backup && (r.outcome === 'deleted' || r.unpublished))
    .map((r) => ({ agentId: r.agentId, outcome: r.outcome, unpublished: r.unpublished, agent: r.backup.agent, trainings: r.backup.trainings }));
}

$('download-backup').addEventListener('click', () => {
  const entries = backupEntries();
  if (!state.report || entries.length === 0) return;
  const doc = {
    format: 'talkover-cleanup-backup/1',
    createdAt: state.report.at.toISOString(),
    baseUrl: state.report.baseUrl,
    agents: entries,
  };
  const blob = new Blob([JSON.stringify(doc, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const stamp = state.report.at.toISOString().replace(/[:.]/g, '-').replace(/-\d+Z$/, 'Z');
  const a = el('a', { href: url, download: `talkover-backup-${stamp}.json`, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
});
