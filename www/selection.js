// Which agents are selected for cleanup: the row and "select all" checkboxes, and the selection
// bar (count, hidden-by-filters note, Review and Clear buttons).
import { $, plural } from './dom.js';
import { state } from './state.js';

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

export function toggleSelected(id, on) {
  if (on) state.selected.add(id);
  else state.selected.delete(id);
  updateSelectionUi();
}

export function updateSelectionUi() {
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
