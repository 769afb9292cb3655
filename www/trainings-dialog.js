// The agent dialog: one agent's facts and trainings, and deleting a training (a published agent
// is published again right after, since deleting a training unpublishes it).
import { syncRow } from './agents-table.js';
import { openDialog } from './dialogs.js';
import { $, el, errorNotice, formatDate, statusBadge } from './dom.js';
import { describeError } from './messages.js';
import { session, state } from './state.js';

const agentDialog = $('agent-dialog');
let agentGen = 0;

export async function openAgent(id, opener) {
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
    refreshRow(agent);
    renderAgentFacts(agent);
    renderTrainings(agent);
  } catch (err) {
    if (gen !== agentGen) return;
    list.replaceChildren();
    list.dataset.state = 'error';
    $('agent-message').replaceChildren(errorNotice(err));
  }
}

/** Re-renders the agent's table row; focus will return to the new row's button. */
function refreshRow(agent) {
  const old = state.rowEls.get(agent.id);
  const tr = syncRow(agent);
  if (tr && old && agentDialog._opener && old.contains(agentDialog._opener)) {
    agentDialog._opener = tr.querySelector('.col-actions button');
  }
}

function renderAgentFacts(agent) {
  const facts = $('agent-facts');
  facts.replaceChildren();
  if (!agent) return;
  const calls = state.calls.get(agent.id);
  const add = (term, value) => facts.append(el('div', {}, el('dt', { text: term }), el('dd', {}, value)));
  add('Status', statusBadge(agent.current_status));
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
  li.append(trainingMain(t), actions);
  return li;
}

function trainingMain(t) {
  return el('div', { class: 'training-main' },
    el('div', { class: 'training-head' },
      el('span', { class: 'training-subject', text: t.subject || '(no subject)' }),
      el('span', { class: `badge ${t.current_status === 'active' ? 'badge-blue' : 'badge-grey'}`, text: t.current_status })),
    el('p', { class: 'training-text', text: t.instructions || '' }),
    el('p', { class: 'hint', text: `Created ${formatDate(t.created_at)}` }));
}

async function deleteTraining(agent, t, li, actions, republish) {
  for (const b of actions.querySelectorAll('button')) b.disabled = true;
  li.classList.add('is-busy');
  const message = $('agent-message');
  try {
    const result = await session.client.deleteTraining(agent.id, t.id, { republish });
    agent.trainings = agent.trainings.filter((x) => x.id !== t.id);
    const { text, tone } = deletedTrainingNotice(agent, t, result, republish);
    message.replaceChildren(el('div', { class: `notice ${tone}`, text }));
    const next = li.nextElementSibling ?? li.previousElementSibling;
    li.remove();
    if (!agent.trainings.length) renderTrainings(agent);
    refreshRow(agent);
    renderAgentFacts(agent);
    (next?.querySelector('button') ?? agentDialog.querySelector('[data-close]')).focus();
  } catch (err) {
    li.classList.remove('is-busy');
    message.replaceChildren(errorNotice(err));
    for (const b of actions.querySelectorAll('button')) b.disabled = false;
  }
}

/** What to say after a training was deleted; updates the agent's status to match. */
function deletedTrainingNotice(agent, t, result, republish) {
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
  return { text, tone };
}
