// The agents table: search and status filters, loading every page of agents, the active-call
// counts, the rows themselves, and each row's outcome during a cleanup run.
import { $, el, plural, showNotice, statusBadge, STATUS_LABEL } from './dom.js';
import { toggleSelected, updateSelectionUi } from './selection.js';
import { session, state } from './state.js';
import { openAgent } from './trainings-dialog.js';

const CALLS_CONCURRENCY = 6;
const OUTCOME_CLASS = { deleted: 'out-ok', skipped: 'out-warn', failed: 'out-bad', working: 'out-work', planned: 'out-work' };

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

export async function loadAgents() {
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
  const deleted = state.outcomes.get(id)?.kind === 'deleted';
  const tr = el('tr', { dataset: { id }, class: deleted ? 'is-deleted' : '' });
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
    el('td', { class: 'col-status', 'data-label': 'Status' }, statusBadge(agent.current_status)),
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

/** Records an agent's outcome in the run and shows it in its row (a deleted row is locked). */
export function setOutcome(id, kind, text, title) {
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

/** Re-renders one table row from a fresher agent object; returns the new row, or null. */
export function syncRow(agent) {
  const index = state.rows.findIndex((a) => a.id === agent.id);
  if (index === -1) return null;
  state.rows[index] = agent;
  const old = state.rowEls.get(agent.id);
  const tr = buildRow(agent, index);
  state.rowEls.set(agent.id, tr);
  old?.replaceWith(tr);
  return tr;
}

/** Locks (during a run) or unlocks the row checkboxes and the filters. */
export function lockTable(locked) {
  for (const tr of state.rowEls.values()) {
    const id = tr.dataset.id;
    const gone = state.outcomes.get(id)?.kind === 'deleted';
    tr.querySelector('.row-check').disabled = locked || gone;
  }
  for (const node of [searchInput, statusSelect, $('refresh')]) node.disabled = locked;
  updateSelectionUi();
}
