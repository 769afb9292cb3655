// The plan dialog: a dry run of the selected agents (with or without "unpublish"), grouped into
// unpublished-then-deleted, deleted and skipped, and the button that starts the real run.
import { runCleanup } from './cleanup-run.js';
import { openDialog } from './dialogs.js';
import { $, el, errorNotice, plural } from './dom.js';
import { skipWhy } from './messages.js';
import { agentName, session, state } from './state.js';

const planDialog = $('plan-dialog');
const unpublishOption = $('unpublish-option');
const confirmButton = $('confirm-delete');

$('review').addEventListener('click', (e) => {
  openDialog(planDialog, e.currentTarget, unpublishOption);
  runPlan();
});
unpublishOption.addEventListener('change', runPlan);

confirmButton.addEventListener('click', () => {
  const plan = state.plan;
  if (!plan) return;
  planDialog.close();
  runCleanup(plan);
});

let planGen = 0;
async function runPlan() {
  const gen = ++planGen;
  const ids = [...state.selected];
  const unpublish = unpublishOption.checked;
  const content = $('plan-content');
  content.dataset.state = 'loading';
  content.replaceChildren(el('p', { class: 'loading' }, el('span', { class: 'spinner', 'aria-hidden': 'true' }), ' Checking the selected agents…'));
  confirmButton.disabled = true;
  confirmButton.textContent = 'Delete';
  state.plan = null;
  let report;
  try {
    report = await session.client.cleanupAgents(ids, { dryRun: true, unpublish });
  } catch (err) {
    if (gen !== planGen) return;
    content.replaceChildren(errorNotice(err));
    content.dataset.state = 'error';
    return;
  }
  if (gen !== planGen) return;
  state.plan = { ids, unpublish, report };
  renderPlan(content, report);
}

function renderPlan(content, report) {
  const groups = { unpublish: [], delete: [], skip: [] };
  for (const r of report.results) {
    if (r.outcome === 'planned') (r.reason === 'UNPUBLISH_FIRST' ? groups.unpublish : groups.delete).push(r);
    else groups.skip.push(r);
  }
  const toDelete = groups.unpublish.length + groups.delete.length;
  content.replaceChildren(...[
    el('p', { class: 'plan-lead', id: 'plan-lead' },
      toDelete === 0
        ? 'None of the selected agents can be deleted with these options.'
        : `${plural(toDelete, 'agent')} will be deleted${groups.unpublish.length ? `, ${groups.unpublish.length} of them after being unpublished` : ''}${groups.skip.length ? `; ${groups.skip.length} will be skipped` : ''}.`),
    planGroup('unpublish', 'Unpublished, then deleted', groups.unpublish, () => 'published now', 'amber'),
    planGroup('delete', 'Deleted', groups.delete, () => null, 'red'),
    planGroup('skip', 'Skipped', groups.skip, (r) => skipWhy(r), 'grey'),
  ].filter(Boolean));
  content.dataset.state = 'ready';
  confirmButton.disabled = toDelete === 0;
  confirmButton.dataset.count = String(toDelete);
  confirmButton.textContent = toDelete === 0 ? 'Nothing to delete' : `Delete ${plural(toDelete, 'agent')}`;
}

function planGroup(key, title, list, why, tone) {
  if (list.length === 0) return null;
  return el('section', { class: `plan-group tone-${tone}`, dataset: { group: key } },
    el('h3', {}, title, el('span', { class: 'count', text: String(list.length) })),
    el('ul', {}, list.map((r) => planItem(r, why(r)))));
}

function planItem(r, why) {
  const calls = state.calls.get(r.agentId);
  const warn = typeof calls === 'number' && calls > 0 && r.outcome === 'planned'
    ? el('span', { class: 'warn-note', text: `${plural(calls, 'active call')} right now: it will be skipped unless ${calls === 1 ? 'it ends' : 'they end'} first` })
    : null;
  return el('li', { dataset: { id: r.agentId } },
    el('span', { class: 'plan-name', text: agentName(r.agentId) }),
    why ? el('span', { class: 'plan-why', text: why }) : null,
    warn);
}
