// The agent-cleanup demo page. Plain ES module; the client comes from the import map.
//
// Token rule (design 5.3): the token lives only in the `session` closure below and in the
// Authorization header of requests. It is never written to storage, cookies, the URL or the
// console; only the base URL is remembered.
import { TalkoverClient } from 'talkover-client';
import { describeError, reasonText } from './messages.js';

const BASE_URL_KEY = 'talkover-demo:base-url';
const CALLS_CONCURRENCY = 6;

const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value == null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key in node && typeof value !== 'string') node[key] = value;
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child == null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
};
const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

// ---------------------------------------------------------------------------------------------
// Session: the client, and a tiny fetch helper for the one endpoint the client does not wrap.

let session = null; // { client, baseUrl, activeCalls(id, signal) }

function openSession(baseUrl, token, allowBrowser) {
  const client = new TalkoverClient({ token, baseUrl, allowBrowser, maxRetries: 2, timeoutMs: 20_000 });
  const root = baseUrl.replace(/\/+$/, '');
  /** Number of answered (in-progress) calls of an agent, from `GET /agents/{id}/calls`. */
  const activeCalls = async (agentId, signal) => {
    const url = `${root}/api/v1/agents/${encodeURIComponent(agentId)}/calls?status=answered&per_page=1`;
    const res = await fetch(url, {
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
      signal,
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const body = await res.json();
    const total = body?.pagination?.total ?? body?.meta?.total;
    if (typeof total !== 'number') throw new Error('no pagination.total');
    return total;
  };
  return { client, baseUrl: root, activeCalls };
}

// ---------------------------------------------------------------------------------------------
// State

const state = {
  rows: [], // agents currently listed (after filters)
  known: new Map(), // id -> agent (every agent seen since connecting)
  selected: new Set(),
  calls: new Map(), // id -> number | 'error'
  outcomes: new Map(), // id -> { kind, text }
  rowEls: new Map(), // id -> <tr>
  loadGen: 0,
  running: null, // AbortController of the cleanup run
  report: null,
  plan: null, // { ids, unpublish, report }
};

// ---------------------------------------------------------------------------------------------
// Connect

const connectForm = $('connect-form');
const baseInput = $('base-url');
const tokenInput = $('token');

baseInput.value = safeStorageGet(BASE_URL_KEY) || location.origin;
updateRemoteHint();
baseInput.addEventListener('input', updateRemoteHint);

function safeStorageGet(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function isLoopback(url) {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '[::1]' || host.startsWith('127.') || host.endsWith('.localhost');
  } catch {
    return true;
  }
}

function updateRemoteHint() {
  $('allow-remote-row').hidden = isLoopback(baseInput.value.trim());
}

function showNotice(node, err) {
  node.replaceChildren();
  if (!err) {
    node.hidden = true;
    return;
  }
  const { text, meta } = describeError(err);
  node.append(el('p', { text }));
  if (meta) node.append(el('p', { class: 'meta', text: meta }));
  node.hidden = false;
}

connectForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const baseUrl = baseInput.value.trim();
  const token = tokenInput.value.trim();
  showNotice($('connect-error'), null);
  if (!baseUrl || !token) {
    showNotice($('connect-error'), { code: 'INVALID_ARGUMENT', message: !baseUrl ? 'Enter the API base URL.' : 'Enter your environment token.' });
    (!baseUrl ? baseInput : tokenInput).focus();
    return;
  }
  setBusy($('connect-button'), $('connect-spinner'), true);
  try {
    const next = openSession(baseUrl, token, $('allow-remote').checked);
    await next.client.listAgents({ perPage: 1 }); // checks the URL and the token
    session = next;
    try {
      localStorage.setItem(BASE_URL_KEY, baseUrl);
    } catch {
      /* storage may be disabled; remembering the URL is only a convenience */
    }
    tokenInput.value = ''; // the client has it; do not leave it in the DOM
    onConnected();
  } catch (err) {
    showNotice($('connect-error'), err);
    tokenInput.focus();
  } finally {
    setBusy($('connect-button'), $('connect-spinner'), false);
  }
});

function setBusy(button, spinner, busy) {
  button.disabled = busy;
  if (spinner) spinner.hidden = !busy;
}

function onConnected() {
  $('connect-card').hidden = true;
  $('agents-card').hidden = false;
  $('connection-status').hidden = false;
  $('connection-text').textContent = `Connected to ${session.baseUrl}`;
  state.known.clear();
  state.selected.clear();
  state.calls.clear();
  state.outcomes.clear();
  state.report = null;
  $('run-panel').hidden = true;
  loadAgents().then(() => $('search').focus());
}

$('disconnect').addEventListener('click', () => {
  state.running?.abort();
  session = null;
  state.loadGen += 1;
  $('agents-body').replaceChildren();
  $('agents-card').hidden = true;
  $('connection-status').hidden = true;
  $('connect-card').hidden = false;
  tokenInput.focus();
});

// ---------------------------------------------------------------------------------------------
// Agent list

const table = $('agents-table');
const searchInput = $('search');
const statusSelect = $('status-filter');

let searchTimer = 0;
searchInput.addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(loadAgents, 250);
});
searchInput.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') {
    clearTimeout(searchTimer);
    loadAgents();
  }
});
statusSelect.addEventListener('change', () => loadAgents());
$('refresh').addEventListener('click', () => {
  state.calls.clear();
  loadAgents();
});

function currentQuery() {
  const search = searchInput.value.trim();
  const status = statusSelect.value;
  return { search, status };
}

async function loadAgents() {
  if (!session) return;
  const gen = ++state.loadGen;
  const { search, status } = currentQuery();
  table.dataset.state = 'loading';
  table.dataset.query = new URLSearchParams({ search, status }).toString();
  table.setAttribute('aria-busy', 'true');
  $('agents-loading').hidden = state.rows.length > 0;
  showNotice($('list-error'), null);
  const query = { perPage: 25 }; // agents() follows every page
  if (search) query.search = search;
  if (status) query.status = status;
  const rows = [];
  try {
    for await (const agent of session.client.agents(query)) {
      if (gen !== state.loadGen) return;
      rows.push(agent);
    }
  } catch (err) {
    if (gen !== state.loadGen) return;
    showNotice($('list-error'), err);
    table.dataset.state = 'error';
    table.removeAttribute('aria-busy');
    $('agents-loading').hidden = true;
    return;
  }
  if (gen !== state.loadGen) return;
  for (const agent of rows) state.known.set(agent.id, agent);
  state.rows = rows;
  renderTable();
  $('agents-loading').hidden = true;
  table.dataset.state = 'ready';
  table.removeAttribute('aria-busy');
  loadActiveCalls(rows.map((a) => a.id), gen);
}

async function loadActiveCalls(ids, gen) {
  const todo = ids.filter((id) => !state.calls.has(id));
  let next = 0;
  const worker = async () => {
    while (next < todo.length && gen === state.loadGen && session) {
      const id = todo[next++];
      try {
        state.calls.set(id, await session.activeCalls(id));
      } catch {
        state.calls.set(id, 'error');
      }
      updateCallsCell(id);
    }
  };
  await Promise.all(Array.from({ length: CALLS_CONCURRENCY }, worker));
  if (gen === state.loadGen) table.dataset.calls = 'ready';
}

const STATUS_LABEL = { draft: 'Draft', published: 'Published' };

function renderTable() {
  const body = $('agents-body');
  state.rowEls.clear();
  table.dataset.calls = 'loading';
  body.replaceChildren(
    ...state.rows.map((agent, index) => {
      const tr = buildRow(agent, index);
      state.rowEls.set(agent.id, tr);
      return tr;
    }),
  );
  $('agents-empty').hidden = state.rows.length > 0;
  const { search, status } = currentQuery();
  const filters = [search && `matching “${search}”`, status && `with status ${STATUS_LABEL[status] ?? status}`]
    .filter(Boolean)
    .join(' ');
  $('agents-summary').textContent = `${plural(state.rows.length, 'agent')}${filters ? ` ${filters}` : ''}`;
  updateSelectionUi();
}

function buildRow(agent, index) {
  const id = agent.id;
  const checkId = `select-${index}`;
  const outcome = state.outcomes.get(id);
  const deleted = outcome?.kind === 'deleted';
  const tr = el('tr', { dataset: { id }, class: deleted ? 'is-deleted' : '' });
  const published = agent.current_status === 'published';
  const trainings = Array.isArray(agent.trainings) ? agent.trainings.length : '–';

  tr.append(
    el('td', { class: 'col-check' },
      el('input', {
        type: 'checkbox', id: checkId, class: 'row-check',
        checked: state.selected.has(id), disabled: deleted || !!state.running,
        onchange: (e) => toggleSelected(id, e.target.checked),
      }),
      el('label', { for: checkId, class: 'visually-hidden', text: `Select ${agent.name}` }),
    ),
    el('td', { class: 'col-agent', 'data-label': 'Agent' },
      el('span', { class: 'agent-name', text: agent.name || '(unnamed)' }),
      el('span', { class: 'agent-sub' },
        el('span', { class: 'mono', text: agent.label || '' }),
        agent.direction ? el('span', { class: 'dir', text: agent.direction }) : null),
    ),
    el('td', { class: 'col-status', 'data-label': 'Status' },
      el('span', { class: `badge ${published ? 'badge-green' : 'badge-grey'}`, text: STATUS_LABEL[agent.current_status] ?? agent.current_status })),
    el('td', { class: 'col-sandbox', 'data-label': 'Sandbox' },
      agent.is_sandbox ? el('span', { class: 'badge badge-amber', text: 'Sandbox' }) : el('span', { class: 'muted', text: 'No' })),
    el('td', { class: 'num col-trainings', 'data-label': 'Trainings', text: String(trainings) }),
    el('td', { class: 'num col-calls', 'data-label': 'Active calls' }),
    el('td', { class: 'col-outcome', 'data-label': 'Outcome' }),
    el('td', { class: 'col-actions' },
      el('button', {
        type: 'button', class: 'btn btn-ghost btn-sm', text: 'Trainings',
        'aria-label': `Trainings of ${agent.name}`, disabled: deleted,
        onclick: (e) => openAgent(id, e.currentTarget),
      })),
  );
  fillCalls(tr, id);
  fillOutcome(tr, id);
  return tr;
}

function fillCalls(tr, id) {
  const cell = tr.querySelector('.col-calls');
  const value = state.calls.get(id);
  cell.replaceChildren();
  if (value === undefined) cell.append(el('span', { class: 'muted', text: '…', 'aria-label': 'loading' }));
  else if (value === 'error') cell.append(el('span', { class: 'muted', text: '?', title: 'Could not count the calls' }));
  else if (value > 0) cell.append(el('span', { class: 'calls-live', text: String(value), title: `${plural(value, 'call')} in progress` }));
  else cell.append(el('span', { class: 'muted', text: '0' }));
  cell.dataset.value = value === undefined ? '' : String(value);
}

function updateCallsCell(id) {
  const tr = state.rowEls.get(id);
  if (tr) fillCalls(tr, id);
}

const OUTCOME_CLASS = { deleted: 'out-ok', skipped: 'out-warn', failed: 'out-bad', working: 'out-work', planned: 'out-work' };

function fillOutcome(tr, id) {
  const cell = tr.querySelector('.col-outcome');
  const outcome = state.outcomes.get(id);
  cell.replaceChildren();
  cell.dataset.outcome = outcome?.kind ?? '';
  if (!outcome) {
    cell.append(el('span', { class: 'muted', text: '—' }));
    return;
  }
  cell.append(el('span', { class: `outcome ${OUTCOME_CLASS[outcome.kind] ?? ''}`, text: outcome.text, title: outcome.title || null }));
}

function setOutcome(id, kind, text, title) {
  state.outcomes.set(id, { kind, text, title });
  const tr = state.rowEls.get(id);
  if (!tr) return;
  fillOutcome(tr, id);
  if (kind === 'deleted') {
    tr.classList.add('is-deleted');
    tr.querySelector('.row-check').disabled = true;
    tr.querySelector('.row-check').checked = false;
    tr.querySelector('.col-actions button').disabled = true;
  }
}

// ---------------------------------------------------------------------------------------------
// Selection

$('select-all').addEventListener('change', (e) => {
  for (const agent of state.rows) {
    if (state.outcomes.get(agent.id)?.kind === 'deleted') continue;
    if (e.target.checked) state.selected.add(agent.id);
    else state.selected.delete(agent.id);
  }
  for (const tr of state.rowEls.values()) {
    const box = tr.querySelector('.row-check');
    if (!box.disabled) box.checked = state.selected.has(tr.dataset.id);
  }
  updateSelectionUi();
});

$('clear-selection').addEventListener('click', () => {
  state.selected.clear();
  for (const tr of state.rowEls.values()) tr.querySelector('.row-check').checked = false;
  updateSelectionUi();
});

function toggleSelected(id, on) {
  if (on) state.selected.add(id);
  else state.selected.delete(id);
  updateSelectionUi();
}

function updateSelectionUi() {
  const visible = state.rows.filter((a) => state.outcomes.get(a.id)?.kind !== 'deleted');
  const shownSelected = visible.filter((a) => state.selected.has(a.id)).length;
  const all = $('select-all');
  all.checked = visible.length > 0 && shownSelected === visible.length;
  all.indeterminate = shownSelected > 0 && shownSelected < visible.length;
  all.disabled = visible.length === 0 || !!state.running;
  const n = state.selected.size;
  const hidden = n - shownSelected;
  $('selection-text').textContent = n === 0
    ? 'No agents selected'
    : `${plural(n, 'agent')} selected${hidden > 0 ? ` (${hidden} not shown by the filters)` : ''}`;
  $('review').disabled = n === 0 || !!state.running;
  $('review').textContent = n === 0 ? 'Review cleanup' : `Review cleanup (${n})`;
  $('clear-selection').disabled = n === 0 || !!state.running;
  $('selection-bar').classList.toggle('has-selection', n > 0);
}

// ---------------------------------------------------------------------------------------------
// Dialog helpers: modal <dialog>, Escape closes, focus returns to the opener.

function openDialog(dialog, opener, focusTarget) {
  dialog._opener = opener ?? document.activeElement;
  dialog.showModal();
  (focusTarget ?? dialog.querySelector('[data-close]'))?.focus();
}

for (const dialog of document.querySelectorAll('dialog')) {
  dialog.addEventListener('click', (e) => {
    if (e.target.closest('[data-close]')) dialog.close();
    else if (e.target === dialog) dialog.close(); // backdrop
  });
  dialog.addEventListener('close', () => {
    const opener = dialog._opener;
    dialog._opener = null;
    if (opener && opener.isConnected && !opener.disabled) opener.focus();
    else $('review').focus();
  });
}

// ---------------------------------------------------------------------------------------------
// Plan (dry run) and confirmation

const planDialog = $('plan-dialog');
const unpublishOption = $('unpublish-option');
const confirmButton = $('confirm-delete');

$('review').addEventListener('click', (e) => {
  openDialog(planDialog, e.currentTarget, unpublishOption);
  runPlan();
});
unpublishOption.addEventListener('change', runPlan);

function agentName(id) {
  return state.known.get(id)?.name ?? id;
}

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
    content.replaceChildren();
    const box = el('div', { class: 'notice notice-error', role: 'alert' });
    showNotice(box, err);
    content.append(box);
    content.dataset.state = 'error';
    return;
  }
  if (gen !== planGen) return;
  state.plan = { ids, unpublish, report };

  const groups = { unpublish: [], delete: [], skip: [] };
  for (const r of report.results) {
    if (r.outcome === 'planned') (r.reason === 'UNPUBLISH_FIRST' ? groups.unpublish : groups.delete).push(r);
    else groups.skip.push(r);
  }
  const toDelete = groups.unpublish.length + groups.delete.length;

  const item = (r, why) => {
    const calls = state.calls.get(r.agentId);
    const warn = typeof calls === 'number' && calls > 0 && r.outcome === 'planned'
      ? el('span', { class: 'warn-note', text: `${plural(calls, 'active call')} right now: it will be skipped unless ${calls === 1 ? 'it ends' : 'they end'} first` })
      : null;
    return el('li', { dataset: { id: r.agentId } },
      el('span', { class: 'plan-name', text: agentName(r.agentId) }),
      why ? el('span', { class: 'plan-why', text: why }) : null,
      warn);
  };
  const group = (key, title, list, why, tone) =>
    list.length === 0 ? null : el('section', { class: `plan-group tone-${tone}`, dataset: { group: key } },
      el('h3', {}, title, el('span', { class: 'count', text: String(list.length) })),
      el('ul', {}, list.map((r) => item(r, why(r)))));

  content.replaceChildren(...[
    el('p', { class: 'plan-lead', id: 'plan-lead' },
      toDelete === 0
        ? 'None of the selected agents can be deleted with these options.'
        : `${plural(toDelete, 'agent')} will be deleted${groups.unpublish.length ? `, ${groups.unpublish.length} of them after being unpublished` : ''}${groups.skip.length ? `; ${groups.skip.length} will be skipped` : ''}.`),
    group('unpublish', 'Unpublished, then deleted', groups.unpublish, () => 'published now', 'amber'),
    group('delete', 'Deleted', groups.delete, () => null, 'red'),
    group('skip', 'Skipped', groups.skip, (r) => skipWhy(r), 'grey'),
  ].filter(Boolean));
  content.dataset.state = 'ready';
  confirmButton.disabled = toDelete === 0;
  confirmButton.dataset.count = String(toDelete);
  confirmButton.textContent = toDelete === 0 ? 'Nothing to delete' : `Delete ${plural(toDelete, 'agent')}`;
}

function skipWhy(r) {
  if (r.reason === 'AGENT_IS_PUBLISHED') return 'published (tick “Unpublish published agents” to include it)';
  if (r.error) return describeError(r.error).text;
  return reasonText(r.reason) || r.outcome;
}

confirmButton.addEventListener('click', () => {
  const plan = state.plan;
  if (!plan) return;
  planDialog.close();
  runCleanup(plan);
});

// ---------------------------------------------------------------------------------------------
// The real run

const STEP_TEXT = {
  read: 'Reading…',
  backup: 'Backing up…',
  'check-calls': 'Checking calls…',
  unpublish: 'Unpublishing…',
  delete: 'Deleting…',
  restore: 'Restoring…',
  done: 'Finishing…',
};

async function runCleanup(plan) {
  const planned = plan.report.results.filter((r) => r.outcome === 'planned').map((r) => r.agentId);
  const planSkipped = plan.report.results.filter((r) => r.outcome !== 'planned');
  const controller = new AbortController();
  state.running = controller;
  state.report = null;

  for (const r of planSkipped) setOutcome(r.agentId, 'skipped', `Skipped: ${reasonText(r.reason) || 'not deletable'}`, skipWhy(r));
  for (const id of planned) setOutcome(id, 'working', 'Queued');
  lockTable(true);

  const panel = $('run-panel');
  const progress = $('run-progress');
  panel.hidden = false;
  panel.dataset.state = 'running';
  $('run-summary').hidden = true;
  $('cancel-run').hidden = false;
  $('cancel-run').disabled = false;
  $('cancel-run').textContent = 'Cancel';
  $('run-title').textContent = `Deleting ${plural(planned.length, 'agent')}…`;
  progress.max = Math.max(planned.length, 1);
  progress.value = 0;
  $('run-text').textContent = `0 of ${planned.length} done`;
  $('cancel-run').focus();

  let report = null;
  let failure = null;
  try {
    report = await session.client.cleanupAgents(planned, {
      unpublish: plan.unpublish,
      signal: controller.signal,
      onProgress: ({ agentId, step, done, total }) => {
        if (state.running !== controller) return; // a late call after the run ended
        progress.max = Math.max(total, 1);
        progress.value = done;
        if (step !== 'done') setOutcome(agentId, 'working', STEP_TEXT[step] ?? step);
        $('run-text').textContent = `${done} of ${total} done${step !== 'done' ? ` · ${(STEP_TEXT[step] ?? step).replace('…', '').toLowerCase()} ${agentName(agentId)}` : ''}`;
      },
    });
  } catch (err) {
    failure = err;
  }
  state.running = null;
  state.report = report ? { report, planSkipped, at: new Date(), baseUrl: session?.baseUrl } : null;

  let deleted = 0;
  let skipped = planSkipped.length;
  let failed = 0;
  let cancelled = 0;
  if (report) {
    for (const r of report.results) {
      const agent = state.known.get(r.agentId);
      if (r.outcome !== 'deleted' && (r.reason === 'ABORTED' || r.error?.code === 'ABORTED')) {
        cancelled += 1;
        setOutcome(r.agentId, 'skipped', r.unpublished ? 'Cancelled (left unpublished)' : 'Cancelled: not deleted');
      } else if (r.outcome === 'deleted') {
        deleted += 1;
        state.selected.delete(r.agentId);
        setOutcome(r.agentId, 'deleted', r.unpublished ? 'Unpublished and deleted' : 'Deleted');
      } else if (r.outcome === 'skipped') {
        skipped += 1;
        setOutcome(r.agentId, 'skipped', `Skipped: ${reasonText(r.reason) || 'not deletable'}`, r.error ? describeError(r.error).text : null);
      } else if (r.outcome === 'failed') {
        failed += 1;
        const d = r.error ? describeError(r.error) : { text: reasonText(r.reason) };
        setOutcome(r.agentId, 'failed', `Failed: ${r.error?.code ?? r.reason ?? 'error'}`, d.text);
      }
      if (agent && r.unpublished && r.outcome !== 'deleted') {
        agent.current_status = 'draft';
      }
    }
  } else {
    for (const id of planned) if (state.outcomes.get(id)?.kind === 'working') setOutcome(id, 'failed', 'Not finished', describeError(failure).text);
  }
  lockTable(false);

  const aborted = controller.signal.aborted || failure?.code === 'ABORTED';
  if (!aborted) progress.value = progress.max;
  panel.dataset.state = 'done';
  $('cancel-run').hidden = true;
  $('run-title').textContent = aborted
    ? 'Cleanup cancelled'
    : failure ? 'Cleanup stopped' : failed ? 'Cleanup finished with errors' : 'Cleanup finished';
  $('run-text').textContent = failure
    ? describeError(failure).text
    : aborted
      ? `Cancelled: ${plural(cancelled, 'agent')} left as ${cancelled === 1 ? 'it was' : 'they were'}; ${plural(deleted, 'agent')} deleted before the cancel.`
      : `${plural(planned.length, 'agent')} processed.`;
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

function lockTable(locked) {
  for (const tr of state.rowEls.values()) {
    const id = tr.dataset.id;
    const gone = state.outcomes.get(id)?.kind === 'deleted';
    tr.querySelector('.row-check').disabled = locked || gone;
  }
  for (const node of [searchInput, statusSelect, $('refresh')]) node.disabled = locked;
  updateSelectionUi();
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

// ---------------------------------------------------------------------------------------------
// One agent: its trainings, delete one (republishing a published agent)

const agentDialog = $('agent-dialog');
let agentGen = 0;

async function openAgent(id, opener) {
  const gen = ++agentGen;
  const known = state.known.get(id);
  $('agent-title').textContent = known?.name ?? 'Agent';
  $('agent-id').textContent = id;
  $('agent-message').replaceChildren();
  renderAgentFacts(known);
  const list = $('trainings-list');
  list.dataset.state = 'loading';
  list.replaceChildren(el('li', { class: 'loading' }, el('span', { class: 'spinner', 'aria-hidden': 'true' }), ' Loading trainings…'));
  openDialog(agentDialog, opener);
  try {
    const agent = await session.client.getAgent(id);
    const trainings = Array.isArray(agent.trainings) ? agent.trainings : await session.client.listTrainings(id);
    if (gen !== agentGen) return;
    agent.trainings = trainings;
    state.known.set(id, agent);
    syncRow(agent);
    renderAgentFacts(agent);
    renderTrainings(agent);
  } catch (err) {
    if (gen !== agentGen) return;
    list.replaceChildren();
    list.dataset.state = 'error';
    const box = el('div', { class: 'notice notice-error', role: 'alert' });
    showNotice(box, err);
    $('agent-message').replaceChildren(box);
  }
}

function renderAgentFacts(agent) {
  const facts = $('agent-facts');
  facts.replaceChildren();
  if (!agent) return;
  const calls = state.calls.get(agent.id);
  const add = (term, value) => facts.append(el('div', {}, el('dt', { text: term }), el('dd', {}, value)));
  add('Status', el('span', { class: `badge ${agent.current_status === 'published' ? 'badge-green' : 'badge-grey'}`, text: STATUS_LABEL[agent.current_status] ?? agent.current_status }));
  add('Label', el('span', { class: 'mono', text: agent.label || '—' }));
  add('Direction', agent.direction || '—');
  add('Sandbox', agent.is_sandbox ? 'Yes' : 'No');
  add('Active calls', typeof calls === 'number' ? String(calls) : '—');
  add('Created', formatDate(agent.created_at));
  const note = $('agent-note');
  if (agent.current_status === 'published') {
    note.textContent = 'This agent is published. Deleting a training unpublishes it, so the page publishes it again right after the delete (republish).';
    note.hidden = false;
  } else {
    note.hidden = true;
  }
}

function formatDate(value) {
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? (value || '—') : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

function renderTrainings(agent) {
  const list = $('trainings-list');
  list.dataset.state = 'ready';
  if (!agent.trainings.length) {
    list.replaceChildren(el('li', { class: 'empty', text: 'This agent has no trainings.' }));
    return;
  }
  list.replaceChildren(...agent.trainings.map((t) => trainingItem(agent, t)));
}

function trainingItem(agent, t) {
  const li = el('li', { class: 'training', dataset: { id: t.id } });
  const actions = el('div', { class: 'training-actions' });
  const showDefault = () => {
    actions.replaceChildren(el('button', {
      type: 'button', class: 'btn btn-ghost btn-sm btn-danger-text', text: 'Delete',
      'aria-label': `Delete training ${t.subject}`,
      onclick: showConfirm,
    }));
  };
  const showConfirm = () => {
    const published = agent.current_status === 'published';
    const cancel = el('button', { type: 'button', class: 'btn btn-ghost btn-sm', text: 'Cancel', onclick: () => { showDefault(); actions.querySelector('button').focus(); } });
    const confirm = el('button', {
      type: 'button', class: 'btn btn-danger btn-sm confirm-training', text: 'Delete training',
      onclick: () => deleteTraining(agent, t, li, actions, published),
    });
    actions.replaceChildren(
      el('p', { class: 'confirm-text', text: published
        ? `Delete “${t.subject}”? The agent will be published again afterwards.`
        : `Delete “${t.subject}”? This cannot be undone.` }),
      el('div', { class: 'confirm-buttons' }, cancel, confirm),
    );
    cancel.focus();
  };
  showDefault();
  li.append(
    el('div', { class: 'training-main' },
      el('div', { class: 'training-head' },
        el('span', { class: 'training-subject', text: t.subject || '(no subject)' }),
        el('span', { class: `badge ${t.current_status === 'active' ? 'badge-blue' : 'badge-grey'}`, text: t.current_status })),
      el('p', { class: 'training-text', text: t.instructions || '' }),
      el('p', { class: 'hint', text: `Created ${formatDate(t.created_at)}` })),
    actions,
  );
  return li;
}

async function deleteTraining(agent, t, li, actions, republish) {
  for (const b of actions.querySelectorAll('button')) b.disabled = true;
  li.classList.add('is-busy');
  const message = $('agent-message');
  try {
    const result = await session.client.deleteTraining(agent.id, t.id, { republish });
    agent.trainings = agent.trainings.filter((x) => x.id !== t.id);
    let text = `Training “${t.subject}” deleted.`;
    let tone = 'notice-ok';
    if (republish) {
      if (result.republished) text += ' The agent was published again.';
      else {
        agent.current_status = 'draft';
        tone = 'notice-warn';
        text += ` The agent is now a draft: publishing it again failed. ${result.republishError ? describeError(result.republishError).text : ''}`;
      }
    } else if (agent.current_status === 'published') {
      agent.current_status = 'draft';
    }
    message.replaceChildren(el('div', { class: `notice ${tone}`, text }));
    const next = li.nextElementSibling ?? li.previousElementSibling;
    li.remove();
    if (!agent.trainings.length) renderTrainings(agent);
    syncRow(agent);
    renderAgentFacts(agent);
    (next?.querySelector('button') ?? agentDialog.querySelector('[data-close]')).focus();
  } catch (err) {
    li.classList.remove('is-busy');
    const box = el('div', { class: 'notice notice-error', role: 'alert' });
    showNotice(box, err);
    message.replaceChildren(box);
    for (const b of actions.querySelectorAll('button')) b.disabled = false;
  }
}

/** Re-render one table row from a fresher agent object. */
function syncRow(agent) {
  const index = state.rows.findIndex((a) => a.id === agent.id);
  if (index === -1) return;
  state.rows[index] = agent;
  const old = state.rowEls.get(agent.id);
  const tr = buildRow(agent, index);
  state.rowEls.set(agent.id, tr);
  if (old && agentDialog._opener && old.contains(agentDialog._opener)) {
    agentDialog._opener = tr.querySelector('.col-actions button');
  }
  old?.replaceWith(tr);
}

// The module (and the client's wasm) loaded: the page is usable.
document.documentElement.dataset.app = 'ready';
